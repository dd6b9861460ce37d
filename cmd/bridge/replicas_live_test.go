package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/adapters/console"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/bridge/postgres"
	"github.com/handoffbridge/handoff/internal/pgtest"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// adminToken is the console admin's token the replicas share.
const adminToken = "replicas-share-this-admin-token"

// startReplicas runs n bridges with the zero-config default on one fresh
// PostgreSQL database, the console admin's token from the environment,
// and returns their addresses and the database's DSN.
func startReplicas(t *testing.T, n int) ([]string, string) {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	t.Setenv("BRIDGE_HTTP_LISTEN", "127.0.0.1:0")
	t.Setenv("BRIDGE_STORE_DRIVER", "postgres")
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("BRIDGE_CONSOLE_ADMIN_TOKEN_ENV", "CONSOLE_ADMIN_TOKEN")
	t.Setenv("CONSOLE_ADMIN_TOKEN", adminToken)
	var addrs []string
	for range n {
		addr, _, _ := startBridgeArgs(t, "run")
		addrs = append(addrs, addr)
	}
	for _, a := range addrs {
		waitReadyz(t, a, "the fan-out listening", func(s map[string]string) bool { return s["fanout"] == "up: listening" })
	}
	return addrs, dsn
}

// agentSession is a console login, used against any replica.
type agentSession struct {
	t      *testing.T
	cookie string
	csrf   string
}

// consoleLoginOn logs the admin in on the replica at addr.
func consoleLoginOn(t *testing.T, addr string) agentSession {
	t.Helper()
	resp, err := http.Post("http://"+addr+console.Prefix+"/api/login", "application/json", strings.NewReader(`{"token":"`+adminToken+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var me struct{ CSRF string }
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil || resp.StatusCode != http.StatusOK || len(resp.Cookies()) == 0 {
		t.Fatalf("console login = %d (%v)", resp.StatusCode, err)
	}
	return agentSession{t: t, cookie: resp.Cookies()[0].String(), csrf: me.CSRF}
}

// call makes an API request on the replica at addr with the session and
// decodes the answer into out; it returns the status.
func (a agentSession) call(addr, method, path string, body, out any) int {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(a.t.Context(), method, "http://"+addr+console.Prefix+"/api"+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Cookie", a.cookie)
	req.Header.Set("X-CSRF-Token", a.csrf)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// liveEvents is a console tab's live socket.
type liveEvents struct {
	ws      *websocket.Conn
	mu      sync.Mutex
	events  []map[string]string
	changes waitfor.Changes
}

// openLive opens the session's live socket on the replica at addr.
func (a agentSession) openLive(addr string) *liveEvents {
	a.t.Helper()
	ws, _, err := websocket.Dial(a.t.Context(), "ws://"+addr+console.Prefix+"/api/live",
		&websocket.DialOptions{HTTPHeader: http.Header{"Cookie": {a.cookie}}})
	if err != nil {
		a.t.Fatalf("console live socket on %s: %v", addr, err)
	}
	a.t.Cleanup(func() { ws.CloseNow() })
	l := &liveEvents{ws: ws}
	go func() {
		for {
			_, b, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			var ev map[string]string
			_ = json.Unmarshal(b, &ev)
			l.mu.Lock()
			l.events = append(l.events, ev)
			l.mu.Unlock()
			l.changes.Notify()
		}
	}()
	return l
}

func (l *liveEvents) waitFor(t *testing.T, what string, ok func(map[string]string) bool) {
	t.Helper()
	err := l.changes.Until(t.Context(), what, func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, ev := range l.events {
			if ok(ev) {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
}

// waitMessage waits for the widget's message frame that ok picks, and
// checks it arrived once.
func waitMessage(t *testing.T, w *webfake.Client, what string, ok func(webfake.Frame) bool) webfake.Frame {
	t.Helper()
	frames, err := w.WaitFor(t.Context(), what, func(fs []webfake.Frame) bool {
		for _, f := range webfake.Messages(fs) {
			if ok(f) {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []webfake.Frame
	for _, f := range webfake.Messages(frames) {
		if ok(f) {
			got = append(got, f)
		}
	}
	return got[0]
}

// assertOnce checks that each message reached the widget once (counted
// as sent: webfake.Messages drops repeats, as the widget does).
func assertOnce(t *testing.T, w *webfake.Client) {
	t.Helper()
	seen := map[int64]int{}
	for _, f := range w.Frames() {
		if f.Type == "message" {
			seen[f.ID]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %d reached the widget %d times", id, n)
		}
	}
}

// waitingWidget connects a widget user to the replica at addr and has them
// ask for a human.
func waitingWidget(t *testing.T, addr string) *webfake.Client {
	t.Helper()
	w, err := webfake.Dial(t.Context(), "ws://"+addr+"/ws", webfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Drop)
	if _, err := w.Say(t.Context(), "talk to a human"); err != nil {
		t.Fatal(err)
	}
	waitMessage(t, w, "the waiting notice", func(f webfake.Frame) bool { return f.Notice == "waiting" })
	return w
}

// pending lists the pending handoffs' ids, queue order, on the replica at
// addr.
func (a agentSession) pending(addr string) []string {
	a.t.Helper()
	var list struct{ Handoffs []struct{ ID, State string } }
	if code := a.call(addr, "GET", "/handoffs", nil, &list); code != http.StatusOK {
		a.t.Fatalf("handoffs on %s = %d", addr, code)
	}
	var ids []string
	for _, h := range list.Handoffs {
		if h.State == "pending" {
			ids = append(ids, h.ID)
		}
	}
	return ids
}

// post sends an action or a reply to handoff id on the replica at addr.
func (a agentSession) post(addr, id, what string, body map[string]string) {
	a.t.Helper()
	var answer struct{ Error string }
	if code := a.call(addr, "POST", "/handoffs/"+id+"/"+what, body, &answer); code != http.StatusOK {
		a.t.Fatalf("%s %v on %s = %d: %s", what, body, addr, code, answer.Error)
	}
}

func (a agentSession) join(addr, id string) {
	a.t.Helper()
	a.post(addr, id, "actions", map[string]string{"action": "join", "request_id": "join-" + id})
}

func (a agentSession) reply(addr, id, text string) {
	a.t.Helper()
	a.post(addr, id, "messages", map[string]string{"text": text, "request_id": text[:8]})
}

// TestLiveUpdatesAcrossReplicas: two replicas on one PostgreSQL database,
// no sticky sessions. Two widget users wait on replica A; the agent logs
// into the console on A and works on B. The second user's new place in the
// queue, the agent's join (a state change), typing and replies, a long
// one included, reach the widgets on A; the user's messages reach the
// agent's live socket on B; and every message arrives once.
func TestLiveUpdatesAcrossReplicas(t *testing.T) {
	addrs, _ := startReplicas(t, 2)
	a, b := addrs[0], addrs[1]
	ctx := t.Context()
	widget := waitingWidget(t, a)
	second := waitingWidget(t, a)

	agent := consoleLoginOn(t, a)
	var me struct{ Name string }
	if code := agent.call(b, "GET", "/me", nil, &me); code != http.StatusOK || me.Name != console.AdminName {
		t.Fatalf("the session made on A, on B: /me = %d %+v, want 200 for %s", code, me, console.AdminName)
	}
	live := agent.openLive(b)
	queue := agent.pending(b)
	if len(queue) != 2 {
		t.Fatalf("pending handoffs on B = %v, want the two requests", queue)
	}
	id := queue[0]
	agent.join(b, id)
	waitMessage(t, widget, "the joined notice from B", func(f webfake.Frame) bool { return f.Notice == "joined" && f.Agent == "Admin" })
	if _, err := second.WaitFor(ctx, "the second user's place 1, from B", func(fs []webfake.Frame) bool {
		return slices.ContainsFunc(fs, func(f webfake.Frame) bool { return f.Type == "queue" && f.Position == 1 })
	}); err != nil {
		t.Fatal(err)
	}

	if err := live.ws.Write(ctx, websocket.MessageText, []byte(`{"type":"typing","handoff":"`+id+`"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := widget.WaitFor(ctx, "the agent typing on B", func(fs []webfake.Frame) bool {
		return slices.ContainsFunc(fs, func(f webfake.Frame) bool { return f.Type == "typing" && f.Author == "Admin" })
	}); err != nil {
		t.Fatal(err)
	}

	agent.reply(b, id, "Happy to help from replica B")
	waitMessage(t, widget, "the agent's reply from B", func(f webfake.Frame) bool {
		return f.Role == "agent" && f.Text == "Happy to help from replica B"
	})
	// Too long for a notice with its HTML: A reads the text from the store.
	long := "Long answer: " + strings.Repeat("*step* ", 1200)
	agent.reply(b, id, long)
	got := waitMessage(t, widget, "the long reply from B", func(f webfake.Frame) bool { return f.Role == "agent" && f.Text == long })
	if !strings.Contains(got.HTML, "<em>step</em>") {
		t.Errorf("the long reply reached the widget without its HTML: %.80q", got.HTML)
	}

	if _, err := widget.Say(ctx, "thanks, from replica A"); err != nil {
		t.Fatal(err)
	}
	live.waitFor(t, "the user's message told to the tab on B", func(ev map[string]string) bool {
		return ev["type"] == "changed" && ev["handoff"] == id
	})
	assertOnce(t, widget)
	assertOnce(t, second)
}

// TestListenerReconnectResyncs: the fan-out listeners' connections are
// terminated on the database. While replica A's is away, the agent
// replies on B; A reconnects, resyncs its widget from the store, and the
// reply arrives once, as does the next one, sent live.
func TestListenerReconnectResyncs(t *testing.T) {
	addrs, dsn := startReplicas(t, 2)
	a, b := addrs[0], addrs[1]
	ctx := t.Context()
	widget := waitingWidget(t, a)
	agent := consoleLoginOn(t, b)
	queue := agent.pending(b)
	if len(queue) != 1 {
		t.Fatalf("pending handoffs = %v, want one", queue)
	}
	id := queue[0]
	agent.join(b, id)
	waitMessage(t, widget, "the joined notice", func(f webfake.Frame) bool { return f.Notice == "joined" })

	db, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	var killed int
	err = db.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, postgres.FanoutApplicationName).Scan(&killed)
	if err != nil || killed != 2 {
		t.Fatalf("terminated %d listeners (%v), want the two replicas'", killed, err)
	}
	waitReadyz(t, a, "A's listener gone", func(s map[string]string) bool { return strings.HasPrefix(s["fanout"], "degraded") })
	agent.reply(b, id, "sent while A was not listening")
	waitMessage(t, widget, "the reply, by A's resync", func(f webfake.Frame) bool { return f.Text == "sent while A was not listening" })

	waitReadyz(t, a, "A listening again", func(s map[string]string) bool { return s["fanout"] == "up: listening" })
	waitReadyz(t, b, "B listening again", func(s map[string]string) bool { return s["fanout"] == "up: listening" })
	agent.reply(b, id, "sent live again")
	waitMessage(t, widget, "the next reply, live", func(f webfake.Frame) bool { return f.Text == "sent live again" })
	assertOnce(t, widget)
}

// TestClusterRefusesAMadeUpAdminToken: on PostgreSQL, with no agent given
// a console login, the bridge refuses to start until the admin's token
// comes from the environment, and says which key to set.
func TestClusterRefusesAMadeUpAdminToken(t *testing.T) {
	t.Setenv("BRIDGE_HTTP_LISTEN", "127.0.0.1:0")
	t.Setenv("BRIDGE_STORE_DRIVER", "postgres")
	t.Setenv("DATABASE_URL", "postgres://bridge@db.invalid/bridge")
	err := run(t.Context(), []string{"run"}, &bytes.Buffer{}, &bytes.Buffer{}, nil)
	if err == nil || !strings.Contains(err.Error(), "console.admin_token_env") {
		t.Fatalf("run on postgres without a shared admin token = %v, want a refusal naming console.admin_token_env", err)
	}
}
