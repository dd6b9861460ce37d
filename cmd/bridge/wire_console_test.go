package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/console"
	"github.com/handoffbridge/handoff/config"
)

const infoConfig = `
http: {listen: "127.0.0.1:0"}
store: {dsn: "DIR/data/bridge.db"}
log: {level: info}
`

// startBridge runs the bridge with a config file and returns its address,
// its log and a func that stops it (also called when the test ends).
func startBridge(t *testing.T, path string) (string, *syncBuffer, func()) {
	t.Helper()
	return startBridgeArgs(t, "run", "-config", path)
}

// startBridgeArgs is startBridge with the command line's arguments.
func startBridgeArgs(t *testing.T, args ...string) (string, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	logs := &syncBuffer{}
	addrC := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, &bytes.Buffer{}, logs, func(a string) { addrC <- a })
	}()
	select {
	case a := <-addrC:
		var once sync.Once
		stop := func() { once.Do(func() { cancel(); <-done }) }
		t.Cleanup(stop)
		return a, logs, stop
	case err := <-done:
		cancel()
		t.Fatalf("bridge exited before listening: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("bridge did not start listening")
	}
	return "", nil, nil
}

func consoleLogin(t *testing.T, addr, body string) int {
	t.Helper()
	resp, err := http.Post("http://"+addr+console.Prefix+"/api/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

var tokenInLog = regexp.MustCompile(`console login: \S+, token ([A-Za-z0-9_-]{16,})`)

func TestConsoleAdminTokenIsShownOnceAndKept(t *testing.T) {
	path := writeConfig(t, infoConfig+oneTeam)
	addr, logs, stop := startBridge(t, path)
	m := tokenInLog.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no console login in the first start's log:\n%s", logs.String())
	}
	token := m[1]
	file := filepath.Join(filepath.Dir(path), "data", console.AdminTokenFile)
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin token file: %v %v, want mode 0600", fi, err)
	}
	if code := consoleLogin(t, addr, `{"token":"`+token+`"}`); code != http.StatusOK {
		t.Fatalf("admin login = %d", code)
	}
	if code := consoleLogin(t, addr, `{"token":"`+token+`x"}`); code != http.StatusUnauthorized {
		t.Fatalf("bad token = %d", code)
	}

	// A restart on the same data: the same token, not printed again.
	stop()
	addr2, logs2, _ := startBridge(t, path)
	if strings.Contains(logs2.String(), token) {
		t.Fatalf("the token was printed again on a later start:\n%s", logs2.String())
	}
	if !strings.Contains(logs2.String(), file) {
		t.Errorf("the later start does not say where the token is:\n%s", logs2.String())
	}
	if code := consoleLogin(t, addr2, `{"token":"`+token+`"}`); code != http.StatusOK {
		t.Fatalf("admin login after restart = %d", code)
	}
}

func TestConsoleConfiguredAgentsGetNoAdmin(t *testing.T) {
	t.Setenv("ANA_CONSOLE_TOKEN", "ana-token-0123456789abcdef")
	path := writeConfig(t, infoConfig+oneTeam+
		"agents: [{name: ana, teams: [support], console_token_env: ANA_CONSOLE_TOKEN}]\n")
	addr, logs, _ := startBridge(t, path)
	if tokenInLog.MatchString(logs.String()) {
		t.Fatalf("an admin login was made although ana has one:\n%s", logs.String())
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "data", console.AdminTokenFile)); err == nil {
		t.Fatal("an admin token file was written")
	}
	if code := consoleLogin(t, addr, `{"token":"ana-token-0123456789abcdef"}`); code != http.StatusOK {
		t.Fatalf("ana's login = %d", code)
	}
}

func TestConsoleURLAndDataDir(t *testing.T) {
	for _, tt := range []struct{ dsn, dir string }{
		{"data/bridge.db", "data"}, {"file:data/bridge.db?_pragma=x", "data"}, {"/var/lib/bridge/b.db", "/var/lib/bridge"},
		{":memory:", ""}, {"file::memory:?cache=shared", ""},
	} {
		if got := dataDir(tt.dsn); got != tt.dir {
			t.Errorf("dataDir(%q) = %q, want %q", tt.dsn, got, tt.dir)
		}
	}
	for _, tt := range []struct {
		h    config.HTTP
		want string
	}{
		{config.HTTP{Listen: ":8080"}, "http://localhost:8080/console"},
		{config.HTTP{Listen: "127.0.0.1:9000"}, "http://127.0.0.1:9000/console"},
		{config.HTTP{Listen: ":8080", PublicURL: "https://chat.example.com/"}, "https://chat.example.com/console"},
	} {
		if got := consoleURL(tt.h); got != tt.want {
			t.Errorf("consoleURL(%+v) = %q, want %q", tt.h, got, tt.want)
		}
	}
}
