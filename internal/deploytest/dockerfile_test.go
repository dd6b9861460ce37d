package deploytest

import (
	"bufio"
	"bytes"
	"debug/elf"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The release identity the test gives the Dockerfile's build arguments.
var testRelease = map[string]string{
	"VERSION":    "v9.8.7-deploytest",
	"REVISION":   "0123456789abcdef0123456789abcdef01234567",
	"BUILD_TIME": "2031-02-03T04:05:06Z",
}

// TestDockerfileBuildsAStaticBinaryThatServes builds the bridge exactly as
// the Dockerfile's builder stage does (its environment, flags and
// -ldflags, with test build arguments), since no image can be built
// where the base images are out of reach. Then it checks what the image
// relies on: the binary is static (it runs on scratch), `version` shows
// the injected release, and with no config but the image's ENV it keeps
// its data in the volume and answers the HEALTHCHECK command.
func TestDockerfileBuildsAStaticBinaryThatServes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bridge")
	}
	d := readDockerfile(t)
	bin := buildAsDockerfile(t, d, filepath.Join(t.TempDir(), "bridge"))

	assertStatic(t, bin)

	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("bridge version: %v\n%s", err, out)
	}
	for _, v := range testRelease {
		if !strings.Contains(string(out), v) {
			t.Errorf("bridge version does not show %q:\n%s", v, out)
		}
	}

	// The container: WORKDIR and volume /data, the image's ENV, the CMD.
	volume := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(volume, 0o700); err != nil {
		t.Fatal(err)
	}
	env := imageEnv(d, volume)
	b := startBridge(t, bin, volume, append(env, "BRIDGE_HTTP_LISTEN=127.0.0.1:0"), d.cmd...)

	resp, err := http.Get("http://" + b.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d", resp.StatusCode)
	}
	// The HEALTHCHECK command, on the address the bridge listens on.
	probe := exec.Command(bin, d.healthcheck[1:]...)
	probe.Env = append(env, "BRIDGE_HTTP_LISTEN="+b.addr)
	if out, err := probe.CombinedOutput(); err != nil {
		t.Errorf("HEALTHCHECK %q: %v\n%s", d.healthcheck, err, out)
	}

	b.stop(t)
	probe = exec.Command(bin, d.healthcheck[1:]...)
	probe.Env = append(env, "BRIDGE_HTTP_LISTEN="+b.addr)
	if err := probe.Run(); err == nil {
		t.Error("HEALTHCHECK passed with the bridge stopped")
	}
	for _, f := range []string{"bridge.db", "console-admin-token"} {
		if _, err := os.Stat(filepath.Join(volume, f)); err != nil {
			t.Errorf("%s is not in the volume: %v", f, err)
		}
	}
}

// buildAsDockerfile runs the Dockerfile's `go build` line, with
// testRelease as build arguments and out as its -o.
func buildAsDockerfile(t *testing.T, d dockerfile, out string) string {
	t.Helper()
	var env, argv []string
	for _, w := range d.build {
		w = os.Expand(w, func(name string) string {
			if v, ok := testRelease[name]; ok {
				return v
			}
			return d.args[name]
		})
		if argv == nil && strings.Contains(w, "=") {
			env = append(env, w)
			continue
		}
		argv = append(argv, w)
	}
	if len(argv) < 2 || argv[0] != "go" || argv[1] != "build" {
		t.Fatalf("Dockerfile: the build line is not `go build`: %q", d.build)
	}
	if !slices.Contains(env, "CGO_ENABLED=0") || !slices.Contains(argv, "-trimpath") {
		t.Errorf("Dockerfile: the build is not CGO_ENABLED=0 with -trimpath: %q", d.build)
	}
	i := slices.Index(argv, "-ldflags")
	if i < 0 || !strings.Contains(argv[i+1], "-X main.version="+testRelease["VERSION"]) {
		t.Errorf("Dockerfile: -ldflags does not set main.version: %q", argv)
	}
	i = slices.Index(argv, "-o")
	if i < 0 {
		t.Fatalf("Dockerfile: the build has no -o: %q", argv)
	}
	argv[i+1] = out
	cmd := exec.Command("go", argv[1:]...)
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %q: %v\n%s", argv[1:], err, b)
	}
	return out
}

// assertStatic fails unless bin needs no dynamic loader or shared library.
func assertStatic(t *testing.T, bin string) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("%s has a %s program header: not a static binary", bin, p.Type)
		}
	}
	if f.Section(".dynamic") != nil {
		t.Errorf("%s has a .dynamic section: not a static binary", bin)
	}
}

// imageEnv is the image's ENV with /data standing for volume, and no
// BRIDGE_ variable of the test's own environment.
func imageEnv(d dockerfile, volume string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BRIDGE_") {
			env = append(env, kv)
		}
	}
	for k, v := range d.env {
		if rest, ok := strings.CutPrefix(v, "/data/"); ok {
			v = filepath.Join(volume, rest)
		}
		env = append(env, k+"="+v)
	}
	return env
}

// runningBridge is a bridge process started by startBridge.
type runningBridge struct {
	cmd  *exec.Cmd
	addr string
	// exited is closed when the process has exited, with its exit in err.
	exited chan struct{}
	err    error
	mu     sync.Mutex
	logs   bytes.Buffer
}

var listening = regexp.MustCompile(`msg="bridge listening" addr=(\S+)`)

// startBridge starts bin in dir and waits for its "bridge listening" log
// line, which gives its address.
func startBridge(t *testing.T, bin, dir string, env []string, args ...string) *runningBridge {
	t.Helper()
	b := &runningBridge{exited: make(chan struct{})}
	b.cmd = exec.Command(bin, args...)
	b.cmd.Dir = dir
	b.cmd.Env = env
	stderr, err := b.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-b.exited:
		default:
			_ = b.cmd.Process.Kill()
			<-b.exited
		}
	})
	addrC := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			b.mu.Lock()
			b.logs.WriteString(sc.Text() + "\n")
			b.mu.Unlock()
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addrC <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		b.err = b.cmd.Wait()
		close(b.exited)
	}()
	select {
	case b.addr = <-addrC:
	case <-b.exited:
		t.Fatalf("bridge exited before listening: %v\n%s", b.err, b.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("bridge did not start listening:\n%s", b.log())
	}
	return b
}

func (b *runningBridge) log() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.logs.String()
}

// stop sends SIGTERM, as the container runtime and systemd do, and fails
// unless the bridge exits cleanly.
func (b *runningBridge) stop(t *testing.T) {
	t.Helper()
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-b.exited:
		if b.err != nil {
			t.Fatalf("bridge exit after SIGTERM: %v\n%s", b.err, b.log())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("bridge did not stop after SIGTERM:\n%s", b.log())
	}
}
