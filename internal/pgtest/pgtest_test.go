package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { Main(m) }

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", dsn, err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// TestDatabasesAreSeparate: what one test writes, another test's database
// does not have.
func TestDatabasesAreSeparate(t *testing.T) {
	a, b := connect(t, NewDatabase(t)), connect(t, NewDatabase(t))
	if _, err := a.Exec(t.Context(), `CREATE TABLE notes (body text); INSERT INTO notes VALUES ('mine')`); err != nil {
		t.Fatal(err)
	}
	var body string
	if err := a.QueryRow(t.Context(), `SELECT body FROM notes`).Scan(&body); err != nil || body != "mine" {
		t.Fatalf("read back %q, %v", body, err)
	}
	var n int
	if err := b.QueryRow(t.Context(), `SELECT count(*) FROM pg_tables WHERE tablename = 'notes'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the other database has %d notes tables (%v), want none", n, err)
	}
}

// TestDatabaseDroppedAtCleanup: a test's database is gone once it ends,
// even with a session still open on it.
func TestDatabaseDroppedAtCleanup(t *testing.T) {
	var name string
	t.Run("user", func(t *testing.T) {
		dsn := NewDatabase(t)
		c, err := pgx.Connect(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background()) // after the clean-up's drop
		name = c.Config().Database
	})
	var n int
	if err := shared.admin.QueryRow(t.Context(), `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if name == "" || n != 0 {
		t.Errorf("database %q still exists (%d) after its test", name, n)
	}
}

// TestServerSettings: the server runs without durability, for speed, and
// not as root.
func TestServerSettings(t *testing.T) {
	c := connect(t, NewDatabase(t))
	for setting, want := range map[string]string{"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "listen_addresses": ""} {
		var got string
		if err := c.QueryRow(t.Context(), "SELECT current_setting($1)", setting).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", setting, got, err, want)
		}
	}
	fi, err := os.Stat(shared.srv.dir + "/data")
	if err != nil {
		t.Fatal(err)
	}
	if uid := fi.Sys().(*syscall.Stat_t).Uid; uid == 0 {
		t.Errorf("data directory owned by root: the server must run unprivileged")
	}
}

// helperEnv makes the test binary a process that starts a server and waits
// to be killed.
const helperEnv = "PGTEST_KILLED_HELPER"

// TestServerDiesWithTheTestProcess: a test process killed with SIGKILL,
// which runs no clean-up, leaves no postmaster behind.
func TestServerDiesWithTheTestProcess(t *testing.T) {
	serverFor(t) // skips like the others without PostgreSQL
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var pid int
	var dir string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "postmaster %d %s", &pid, &dir); err == nil {
			break
		}
	}
	if pid == 0 {
		t.Fatalf("the helper printed no postmaster pid: %v", sc.Err())
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) }) // nobody else will: the helper is killed
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		t.Fatalf("watch postmaster %d: %v", pid, err)
	}
	defer unix.Close(pidfd)

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// A pidfd turns readable when its process exits; 30 s marks a hang.
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 30_000)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatalf("postmaster %d still runs 30 s after its test process was killed", pid)
		}
		break
	}
	if leftovers := processesIn(t, dir); len(leftovers) > 0 {
		t.Errorf("processes of the killed test's server remain: %v", leftovers)
	}
}

// TestKilledHelper is the process TestServerDiesWithTheTestProcess kills.
func TestKilledHelper(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("run by TestServerDiesWithTheTestProcess")
	}
	NewDatabase(t)
	fmt.Printf("postmaster %d %s\n", shared.srv.cmd.Process.Pid, shared.srv.dir)
	select {} // until killed
}

// processesIn lists the processes whose command line names dir (the
// server's backends name their data directory only through the
// postmaster, so this finds a postmaster; backends are its children and
// die with it).
func processesIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, e := range entries {
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		if cmd := strings.ReplaceAll(string(b), "\x00", " "); strings.Contains(cmd, dir) {
			found = append(found, e.Name()+": "+cmd)
		}
	}
	return found
}

var notesTemplate = Template{Name: "notes", Setup: func(ctx context.Context, dsn string) error {
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, `CREATE TABLE notes (body text); INSERT INTO notes VALUES ('seed')`)
	return err
}}

// TestTemplateCopies: each test gets its own copy of the prepared
// template; one test's writes stay in its copy.
func TestTemplateCopies(t *testing.T) {
	a, b := connect(t, notesTemplate.NewDatabase(t)), connect(t, notesTemplate.NewDatabase(t))
	if _, err := a.Exec(t.Context(), `INSERT INTO notes VALUES ('a only')`); err != nil {
		t.Fatal(err)
	}
	for c, want := range map[*pgx.Conn]int{a: 2, b: 1} {
		var n int
		if err := c.QueryRow(t.Context(), `SELECT count(*) FROM notes`).Scan(&n); err != nil || n != want {
			t.Errorf("%s has %d notes (%v), want %d", c.Config().Database, n, err, want)
		}
	}
}
