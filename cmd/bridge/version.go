package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// A release build sets these with -ldflags "-X main.version=v1.2.3
// -X main.revision=<commit> -X main.buildTime=<RFC 3339>" (the Dockerfile
// and scripts/release.sh do). They win over what the Go toolchain records,
// which a build outside a git checkout (a container build) lacks.
var (
	version   string
	revision  string
	buildTime string
)

// buildVersion is what `bridge version` prints.
type buildVersion struct {
	Version    string // v1.2.3, a pseudo-version, or "(devel)"
	Revision   string // the VCS commit, "" if unknown
	Modified   bool   // built from a checkout with uncommitted changes
	CommitTime string // the commit's time, from the VCS
	BuildTime  string // set by release builds only
	Go         string
}

// readVersion combines the toolchain's build info (module version, VCS
// revision, modified flag and commit time, which `go build` in a git
// checkout and `go install …@version` record) with the release values.
func readVersion(info *debug.BuildInfo, ok bool) buildVersion {
	v := buildVersion{Version: "(devel)", Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	if ok {
		if info.Main.Version != "" {
			v.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			case "vcs.time":
				v.CommitTime = s.Value
			}
		}
	}
	if version != "" {
		v.Version = version
	}
	if revision != "" {
		// The release's commit: the modified flag of another build does not
		// apply.
		v.Revision, v.Modified = revision, false
	}
	v.BuildTime = buildTime
	return v
}

func (v buildVersion) print(w io.Writer) {
	fmt.Fprintln(w, "bridge", v.Version)
	if v.Revision != "" {
		modified := ""
		if v.Modified {
			modified = " (modified)"
		}
		fmt.Fprintf(w, "  revision: %s%s\n", v.Revision, modified)
	}
	if v.CommitTime != "" {
		fmt.Fprintln(w, "  committed:", v.CommitTime)
	}
	if v.BuildTime != "" {
		fmt.Fprintln(w, "  built:", v.BuildTime)
	}
	fmt.Fprintln(w, "  go:", v.Go)
}

func printVersion(stdout io.Writer) error {
	readVersion(debug.ReadBuildInfo()).print(stdout)
	return nil
}
