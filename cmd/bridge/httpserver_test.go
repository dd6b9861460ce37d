package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/handoffbridge/handoff/adapters/console"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
)

// shortTimeouts makes every HTTP timeout 200ms, so that the test sees
// them pass; the bound it waits with is far longer.
const shortTimeouts = `
http: {listen: "127.0.0.1:0", read_header_timeout: 200ms, read_timeout: 200ms, write_timeout: 200ms, idle_timeout: 200ms}
store: {dsn: "DIR/data/bridge.db"}
log: {level: warn}
agents: [{name: ana, teams: [support], console_token_env: ANA_CONSOLE_TOKEN}]
`

// waitClosedByServer reads from nc until the server closes it, and fails
// the test if that takes longer than the bound (the server never would).
func waitClosedByServer(t *testing.T, nc net.Conn, what string) {
	t.Helper()
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, nc)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("%s: the server kept the connection open", what)
	}
}

// TestSlowClientsAreCutOffAndSocketsStay: a request whose body drips and
// an idle keep-alive connection are closed by the server after its
// timeouts, while the widget's and the console's WebSockets, opened
// before either, still carry frames both ways afterwards.
func TestSlowClientsAreCutOffAndSocketsStay(t *testing.T) {
	t.Setenv("ANA_CONSOLE_TOKEN", "ana-token-0123456789abcdef")
	addr, logs, _ := startBridge(t, writeConfig(t, shortTimeouts+oneTeam))
	ctx := t.Context()

	widget, err := webfake.Dial(ctx, "ws://"+addr+"/ws", webfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(widget.Drop)
	if _, err := widget.WaitFor(ctx, "the state frame", func(fs []webfake.Frame) bool {
		return len(fs) > 0 && fs[len(fs)-1].Type == "state"
	}); err != nil {
		t.Fatal(err)
	}
	live := consoleLiveSocket(t, addr)

	// A body that drips one byte at a time.
	drip, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer drip.Close()
	if _, err := io.WriteString(drip, "POST /console/api/login HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	dripping, stopDripping := context.WithCancel(ctx)
	defer stopDripping()
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-dripping.Done():
				return
			case <-tick.C:
				if _, err := io.WriteString(drip, " "); err != nil {
					return
				}
			}
		}
	}()
	waitClosedByServer(t, drip, "a dripping request body")
	stopDripping()

	// A keep-alive connection that goes idle after one request.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if _, err := io.WriteString(idle, "GET /healthz HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(idle)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz on the keep-alive connection: %v %v", resp, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	waitClosedByServer(t, idle, "an idle keep-alive connection")

	// Both sockets are older than every timeout now, and still work: a
	// ping is read and answered by the console; the widget takes a
	// message and answers it.
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := live.Ping(pctx); err != nil {
		t.Fatalf("the console's live socket after the timeouts: %v\n%s", err, logs.String())
	}
	from := len(widget.Frames())
	if _, err := widget.Say(ctx, "what are your opening hours?"); err != nil {
		t.Fatalf("the widget socket after the timeouts: %v", err)
	}
	if _, err := widget.WaitFor(ctx, "the bot's answer", func(fs []webfake.Frame) bool {
		for _, f := range fs[from:] {
			if f.Type == "message" && f.Role == "ai" {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("the widget socket after the timeouts: %v\n%s", err, logs.String())
	}
}

// consoleLiveSocket logs ana in and opens her live socket, kept read so
// that pongs are taken.
func consoleLiveSocket(t *testing.T, addr string) *websocket.Conn {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Post("http://"+addr+console.Prefix+"/api/login", "application/json",
		strings.NewReader(`{"token":"ana-token-0123456789abcdef"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("console login = %d", resp.StatusCode)
	}
	ws, _, err := websocket.Dial(t.Context(), "ws://"+addr+console.Prefix+"/api/live", &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	go func() { // takes the pongs (and any event) until the socket closes
		for {
			if _, _, err := ws.Read(context.WithoutCancel(t.Context())); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { ws.CloseNow() })
	return ws
}

func TestHeadersOverTheLimitAreRefused(t *testing.T) {
	cfg := `
http: {listen: "127.0.0.1:0", max_header_bytes: 8192}
store: {dsn: "DIR/data/bridge.db"}
log: {level: warn}
`
	addr, _, _ := startBridge(t, writeConfig(t, cfg+oneTeam))
	req, err := http.NewRequestWithContext(t.Context(), "GET", "http://"+addr+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Padding", strings.Repeat("a", 32<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("a request with 32 KiB of headers = %d, want 431", resp.StatusCode)
	}
}
