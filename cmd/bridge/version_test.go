package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOutput(t *testing.T) {
	checkout := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/handoffbridge/handoff", Version: "v0.0.0-20250102030405-abcdefabcdef+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "abcdefabcdef0123456789abcdefabcdef012345"},
			{Key: "vcs.time", Value: "2025-01-02T03:04:05Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	installed := &debug.BuildInfo{Main: debug.Module{Path: "github.com/handoffbridge/handoff", Version: "v1.4.0"}}
	tests := []struct {
		name    string
		info    *debug.BuildInfo
		ldflags [3]string // version, revision, buildTime
		want    []string
		notWant []string
	}{
		{
			name: "go build in a git checkout",
			info: checkout,
			want: []string{"bridge v0.0.0-20250102030405-abcdefabcdef+dirty\n",
				"revision: abcdefabcdef0123456789abcdefabcdef012345 (modified)", "committed: 2025-01-02T03:04:05Z", "go: go1."},
			notWant: []string{"built:"},
		},
		{
			name: "go install @version", info: installed,
			want: []string{"bridge v1.4.0\n"}, notWant: []string{"revision", "(devel)"},
		},
		{
			name: "release build overrides", info: checkout,
			ldflags: [3]string{"v2.0.0", "0123456789abcdef0123456789abcdef01234567", "2025-06-07T08:09:10Z"},
			want: []string{"bridge v2.0.0\n", "revision: 0123456789abcdef0123456789abcdef01234567\n",
				"built: 2025-06-07T08:09:10Z"},
			notWant: []string{"(modified)", "abcdefabcdef0123"},
		},
		{name: "no build info", info: nil, want: []string{"bridge (devel)\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved := [3]string{version, revision, buildTime}
			t.Cleanup(func() { version, revision, buildTime = saved[0], saved[1], saved[2] })
			version, revision, buildTime = tt.ldflags[0], tt.ldflags[1], tt.ldflags[2]

			var out bytes.Buffer
			readVersion(tt.info, tt.info != nil).print(&out)
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q:\n%s", w, out.String())
				}
			}
		})
	}
}
