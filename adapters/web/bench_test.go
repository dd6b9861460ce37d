package web_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// The benchmarks measure the widget's own part of the relay: a real
// WebSocket over loopback, the widget's reader, decoder, rate limits and
// writer. The client side is kept lean (pre-encoded frames, no decoding of
// answers) but runs in the same process, so its cost is included in the
// figures; it is the same before and after a change.

// inflight is how many messages a benchmark client has sent and not yet seen
// echoed, as a widget whose user types fast would; well under the frames a
// socket may have queued.
const inflight = 8

// instantHandler is an engine that takes every event at once and gives each
// message the next id, so that the widget echoes it.
type instantHandler struct{ id atomic.Int64 }

func (h *instantHandler) Handle(context.Context, bridge.Event) (bridge.Outcome, error) {
	return bridge.Outcome{Message: bridge.MessageID(h.id.Add(1))}, nil
}

// benchWidget serves a widget on loopback with the rate limits lifted and
// returns its socket URL.
func benchWidget(b *testing.B, handler bridge.EventHandler, history web.History) (*web.Widget, string) {
	b.Helper()
	w, err := web.New(web.Options{Handler: handler, History: history, SessionSecret: []byte("0123456789abcdef0123456789abcdef"),
		SessionRate: rate.Inf, IPRate: rate.Inf, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(muxOf(w))
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx) }()
	b.Cleanup(func() {
		stop()
		<-done
		srv.Close()
	})
	return w, "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
}

func benchStore(b *testing.B) *sqlite.Store {
	b.Helper()
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	return st
}

// benchEngine is an engine on st that is never run: the widget reads its
// history through it.
func benchEngine(b *testing.B, st bridge.Store) *bridge.Engine {
	b.Helper()
	e, err := bridge.New(bridge.Options{Store: st, Responder: echoAI(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// benchClient is a lean widget: it sends pre-encoded message frames and
// counts the echoes of its own messages without decoding them.
type benchClient struct {
	ws     *websocket.Conn
	echoes chan struct{}
	frame  []byte
}

func dialBench(b *testing.B, url string) *benchClient {
	b.Helper()
	ctx := b.Context()
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ws.CloseNow() })
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"type":"hello","page":"https://shop.example/","lang":"en"}`)); err != nil {
		b.Fatal(err)
	}
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if bytes.Contains(data, []byte(`"type":"state"`)) {
			break
		}
	}
	c := &benchClient{ws: ws, echoes: make(chan struct{}, 1024)}
	go c.read()
	return c
}

func (c *benchClient) read() {
	var buf bytes.Buffer
	for {
		_, r, err := c.ws.Reader(context.Background())
		if err != nil {
			close(c.echoes)
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			close(c.echoes)
			return
		}
		if bytes.Contains(buf.Bytes(), []byte(`"role":"user"`)) {
			c.echoes <- struct{}{}
		}
	}
}

// say sends the n-th message. No deadline: a context that can end costs
// the client a timer per write, which would blur the server's figures.
func (c *benchClient) say(n int) error {
	c.frame = append(c.frame[:0], `{"type":"message","client_id":"b-`...)
	c.frame = strconv.AppendInt(c.frame, int64(n), 10)
	c.frame = append(c.frame, `","text":"bench where is my order?"}`...)
	return c.ws.Write(context.Background(), websocket.MessageText, c.frame)
}

// relay sends b.N messages with at most inflight unanswered and waits for
// every echo; it reports the process's CPU time per message.
func (c *benchClient) relay(b *testing.B, then func()) {
	b.Helper()
	cpu0 := cpuTime()
	b.ResetTimer()
	echoed := 0
	for n := range b.N {
		if n-echoed >= inflight {
			if _, ok := <-c.echoes; !ok {
				b.Fatalf("socket closed after %d echoes", echoed)
			}
			echoed++
		}
		if err := c.say(n); err != nil {
			b.Fatal(err)
		}
	}
	for ; echoed < b.N; echoed++ {
		if _, ok := <-c.echoes; !ok {
			b.Fatalf("socket closed after %d echoes", echoed)
		}
	}
	if then != nil {
		then()
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWidgetMessage is one user message through the widget alone: read
// from the socket, decoded, checked, rate-limited, handed to an engine that
// answers at once, and echoed back with its id.
func BenchmarkWidgetMessage(b *testing.B) {
	_, url := benchWidget(b, &instantHandler{}, benchEngine(b, benchStore(b)))
	c := dialBench(b, url)
	b.ReportAllocs()
	c.relay(b, nil)
}

// countingWorkspace is an agent workspace that counts the user messages
// posted into its threads.
type countingWorkspace struct {
	opened chan bridge.ThreadRef // the first thread, once known
	posted atomic.Int64
	mu     sync.Mutex
	want   int64
	done   chan struct{}
}

func (w *countingWorkspace) Kind() bridge.WorkspaceKind { return bridge.WorkspaceSlack }

func (w *countingWorkspace) OpenThread(_ context.Context, channel string, card bridge.HandoffCard) (bridge.ThreadRef, error) {
	return bridge.ThreadRef{Workspace: bridge.WorkspaceSlack, Channel: channel, ThreadID: "t-" + card.Handoff.String()}, nil
}

func (w *countingWorkspace) UpdateThread(context.Context, bridge.ThreadRef, bridge.HandoffCard) error {
	return nil
}

func (w *countingWorkspace) TellAgent(context.Context, bridge.ThreadRef, string, string) error {
	return nil
}

// PostToThread tells of the thread on its first post (the history): the
// engine knows the thread once OpenThread has returned.
func (w *countingWorkspace) PostToThread(_ context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) error {
	for _, p := range posts {
		if p.History {
			select {
			case w.opened <- ref:
			default:
			}
		}
		if !p.History && p.Role == bridge.RoleUser && strings.HasPrefix(p.Text, "bench ") {
			n := w.posted.Add(1)
			w.mu.Lock()
			if w.done != nil && n >= w.want {
				close(w.done)
				w.done = nil
			}
			w.mu.Unlock()
		}
	}
	return nil
}

// waitPosted waits until n benchmark messages reached the threads.
func (w *countingWorkspace) waitPosted(ctx context.Context, n int64) error {
	w.mu.Lock()
	if w.posted.Load() >= n {
		w.mu.Unlock()
		return nil
	}
	done := make(chan struct{})
	w.want, w.done = n, done
	w.mu.Unlock()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%d of %d messages posted: %w", w.posted.Load(), n, ctx.Err())
	}
}

// BenchmarkWidgetToThread is the whole relay of one user message in an
// active handoff: the widget, the real engine storing it in SQLite, the
// echo to the widget, and the outbox posting it into the agent's thread.
func BenchmarkWidgetToThread(b *testing.B) {
	ctx := b.Context()
	st := benchStore(b)
	engine, err := bridge.New(bridge.Options{Store: st, Responder: echoAI(), Settings: testSettings(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ws := &countingWorkspace{opened: make(chan bridge.ThreadRef, 1)}
	w, url := benchWidget(b, engine, engine)
	engine.RegisterUserChannel(w)
	engine.RegisterWorkspace(ws)
	runCtx, stop := context.WithCancel(context.Background())
	engineDone := make(chan struct{})
	go func() { defer close(engineDone); _ = engine.Run(runCtx) }()
	b.Cleanup(func() { stop(); <-engineDone })

	c := dialBench(b, url)
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(`{"type":"message","client_id":"h-1","text":"talk to a human"}`)); err != nil {
		b.Fatal(err)
	}
	var thread bridge.ThreadRef
	select {
	case thread = <-ws.opened:
	case <-time.After(15 * time.Second):
		b.Fatal("no thread opened")
	}
	if _, err := engine.Handle(ctx, bridge.AgentAction{Agent: anaRef, ThreadID: thread.ThreadID, Action: bridge.ActJoin}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	c.relay(b, func() {
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := ws.waitPosted(wctx, int64(b.N)); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkIdleSession opens b.N widget sessions that then stay idle, and
// reports what the bridge holds for each: live heap, goroutine stacks and
// goroutines. The clients are bare TCP connections that speak just enough
// WebSocket to say hello (no goroutine, no buffers), so the figures are the
// server's.
func BenchmarkIdleSession(b *testing.B) {
	_, url := benchWidget(b, &instantHandler{}, benchEngine(b, benchStore(b)))
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/ws")
	conns := make([]net.Conn, 0, b.N)
	b.Cleanup(func() {
		for _, c := range conns {
			_ = c.Close()
		}
	})
	before := idleFigures()
	b.ResetTimer()
	for range b.N {
		c, err := openBareSession(addr)
		if err != nil {
			b.Fatalf("session %d: %v", len(conns), err)
		}
		conns = append(conns, c)
	}
	b.StopTimer()
	after := idleFigures()
	n := float64(b.N)
	b.ReportMetric(float64(after.heap-before.heap)/n, "heap-B/session")
	b.ReportMetric(float64(after.stack-before.stack)/n, "stack-B/session")
	b.ReportMetric(float64(after.goroutines-before.goroutines)/n, "goroutines/session")
}

type figures struct {
	heap, stack uint64
	goroutines  int
}

func idleFigures() figures {
	for range 6 {
		runtime.GC()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return figures{heap: ms.HeapAlloc, stack: ms.StackInuse, goroutines: runtime.NumGoroutine()}
}

// openBareSession upgrades a TCP connection, waits for the 101 as a browser
// does, says hello in one masked frame (mask key zero: the payload goes as
// is), and reads until the bridge's state frame ends catch-up.
func openBareSession(addr string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	req := "GET /ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		c.Close()
		return nil, err
	}
	r := bufio.NewReaderSize(c, 512)
	if err := readUntil(r, "\r\n\r\n"); err != nil {
		c.Close()
		return nil, fmt.Errorf("waiting for the handshake's answer: %w", err)
	}
	hello := []byte(`{"type":"hello","page":"https://shop.example/","lang":"en"}`)
	frame := append([]byte{0x81, 0x80 | byte(len(hello)), 0, 0, 0, 0}, hello...)
	if _, err := c.Write(frame); err != nil {
		c.Close()
		return nil, err
	}
	if err := readUntil(r, `"type":"state"`); err != nil {
		c.Close()
		return nil, fmt.Errorf("waiting for the state frame: %w", err)
	}
	// The state frame is small; what may follow of it is left unread.
	_ = c.SetDeadline(time.Time{})
	return c, nil
}

// readUntil reads r up to and including the first occurrence of s.
func readUntil(r *bufio.Reader, s string) error {
	var seen []byte
	for !bytes.HasSuffix(seen, []byte(s)) {
		b, err := r.ReadByte()
		if err != nil {
			return fmt.Errorf("after %q: %w", seen, err)
		}
		seen = append(seen, b)
	}
	return nil
}
