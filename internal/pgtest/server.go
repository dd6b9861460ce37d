package pgtest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// startBound and stopBound bound the server's start and shutdown; they
// only mark a hung server, they are no delay.
const (
	startBound = 60 * time.Second
	stopBound  = 30 * time.Second
)

// superuser is the role initdb creates; local connections are trusted.
const superuser = "postgres"

// readyLine is what the postmaster logs once it takes connections (the
// server runs with LC_ALL=C, so in English).
const readyLine = "database system is ready to accept connections"

// server is one running postmaster and its directory.
type server struct {
	dir    string // holds data/ and the Unix socket
	cmd    *exec.Cmd
	exited chan struct{} // closed once the postmaster has exited
	log    *logTail
}

// socketDSN is the connection string of database db.
func (s *server) dsn(db string) string {
	return fmt.Sprintf("host=%s port=5432 user=%s dbname=%s sslmode=disable", s.dir, superuser, db)
}

// runAs is who the server runs as: the unprivileged postgres user when the
// test runs as root (PostgreSQL refuses root), nil (the test's own user)
// otherwise.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, the server needs the unprivileged user %q: %w", "postgres", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("user postgres: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// start runs initdb into a new temporary directory and starts postgres on
// it, and returns once the server takes connections.
func start(binDir string) (*server, error) {
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	dir, err := makeDir(cred)
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, exited: make(chan struct{}), log: &logTail{}}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(binDir, "initdb"), "-D", data, "-U", superuser, "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.Dir, initdb.Env = dir, serverEnv()
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if out, err := initdb.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	s.cmd = exec.Command(filepath.Join(binDir, "postgres"), "-D", data,
		"-c", "listen_addresses=", "-c", "unix_socket_directories="+dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=32MB",
		// Tests that make a deadlock on purpose need not wait the default
		// second for it to be found.
		"-c", "deadlock_timeout=50ms")
	s.cmd.Dir, s.cmd.Env = dir, serverEnv()
	// The postmaster must not outlive the test process, even one killed
	// with SIGKILL, where no clean-up of ours runs: the kernel sends it
	// SIGQUIT (an immediate shutdown, which ends its backends too) when
	// the thread that started it dies. That thread is held by runServer's
	// goroutine for the server's whole life, so no other goroutine can
	// end it early.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	ready := make(chan struct{})
	started := make(chan error, 1)
	go s.runServer(started)
	if err := <-started; err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	go s.log.follow(stderr, ready)
	select {
	case <-ready:
		return s, nil
	case <-s.exited:
		err = fmt.Errorf("postgres exited during start-up: %v\n%s", s.cmd.ProcessState, s.log)
	case <-time.After(startBound):
		err = fmt.Errorf("postgres not ready after %s\n%s", startBound, s.log)
	}
	_ = s.stop()
	return nil, err
}

// runServer starts the postmaster on a thread locked for its lifetime (see
// start) and waits for it to exit.
func (s *server) runServer(started chan<- error) {
	runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
	if err := s.cmd.Start(); err != nil {
		close(s.exited)
		started <- err
		return
	}
	started <- nil
	_ = s.cmd.Wait()
	close(s.exited)
}

// stop shuts the server down (fast shutdown: sessions are ended) and
// removes its directory.
func (s *server) stop() error {
	defer func() { _ = os.RemoveAll(s.dir) }()
	select {
	case <-s.exited:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
		return nil
	case <-time.After(stopBound):
	}
	_ = s.cmd.Process.Signal(syscall.SIGQUIT)
	<-s.exited
	return fmt.Errorf("postgres did not stop within %s; sent SIGQUIT\n%s", stopBound, s.log)
}

// makeDir makes the server's private temporary directory, owned by who
// runs the server. The socket's path must fit in a sockaddr_un (107
// bytes), so a long TMPDIR gives way to /tmp.
func makeDir(cred *syscall.Credential) (string, error) {
	base := os.TempDir()
	if len(base) > 60 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "pgtest-")
	if err != nil {
		return "", err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			_ = os.RemoveAll(dir)
			return "", fmt.Errorf("give %s to the postgres user: %w", dir, err)
		}
	}
	return dir, nil
}

// serverEnv is the environment of initdb and postgres: the test's, in the
// C locale (the ready line is matched in English), without PG* variables
// that would point them elsewhere.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// logTail keeps the server's last log lines, for the message of a failed
// start or test.
type logTail struct {
	mu    sync.Mutex
	lines []string
}

const logLines = 50

// follow reads the server's log until it closes, closing ready at the
// ready line. It keeps reading after: a server whose log pipe fills up
// stops.
func (l *logTail) follow(r io.Reader, ready chan<- struct{}) {
	sc := bufio.NewScanner(r)
	signalled := false
	for sc.Scan() {
		line := sc.Text()
		l.mu.Lock()
		l.lines = append(l.lines, line)
		if len(l.lines) > logLines {
			l.lines = l.lines[len(l.lines)-logLines:]
		}
		l.mu.Unlock()
		if !signalled && strings.Contains(line, readyLine) {
			signalled = true
			close(ready)
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

func (l *logTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
