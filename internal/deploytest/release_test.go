package deploytest

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestReleaseScript runs scripts/release.sh for this machine's platform
// only (RELEASE_TARGETS; a full release builds six), then checks what a
// user downloads: the archive's files, its line in SHA256SUMS, and that
// the binary in it names the release.
func TestReleaseScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bridge")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the release script needs bash and tar")
	}
	for _, tool := range []string{"bash", "git", "tar", "gzip", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	const release = "v0.0.0-releasetest"
	dist := filepath.Join(t.TempDir(), "dist")
	script := func() ([]byte, error) {
		cmd := exec.Command("bash", filepath.Join(repoRoot(t), "scripts", "release.sh"), release)
		cmd.Env = append(os.Environ(), "DIST="+dist, "RELEASE_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH,
			"SOURCE_DATE_EPOCH=1700000000")
		return cmd.CombinedOutput()
	}
	if out, err := script(); err != nil {
		t.Fatalf("release.sh: %v\n%s", err, out)
	}

	name := "bridge_" + release + "_" + runtime.GOOS + "_" + runtime.GOARCH
	archive := filepath.Join(dist, name+".tar.gz")
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	if want := hex.EncodeToString(sum[:]) + "  " + name + ".tar.gz\n"; string(sums) != want {
		t.Errorf("SHA256SUMS = %q, want %q", sums, want)
	}

	bin := filepath.Join(t.TempDir(), "bridge")
	files := untar(t, archive, name+"/bridge", bin)
	for _, f := range []string{"bridge", "LICENSE", "README.md", "config.example.yaml", ".env.example", "bridge.service"} {
		if !files[name+"/"+f] {
			t.Errorf("the archive lacks %s/%s; it has %v", name, f, files)
		}
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("bridge version: %v\n%s", err, out)
	}
	head, err := exec.Command("git", "-C", repoRoot(t), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bridge " + release + "\n", "revision: " + strings.TrimSpace(string(head)), "built: 2023-11-14T22:13:20Z"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("bridge version lacks %q:\n%s", want, out)
		}
	}

	// A second run must not mix its archives with the first one's.
	if out, err := script(); err == nil || !strings.Contains(string(out), "exists") {
		t.Errorf("release.sh into an existing directory: %v\n%s", err, out)
	}
}

// untar lists the files of a tar.gz archive and extracts the one named
// want to dst.
func untar(t *testing.T, archive, want, dst string) map[string]bool {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		files[path.Clean(h.Name)] = true
		if path.Clean(h.Name) != want {
			continue
		}
		if h.Mode&0o111 == 0 {
			t.Errorf("%s is not executable in the archive (mode %o)", want, h.Mode)
		}
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, tr); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return files
}
