package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

// recordingWriter is a client's writer that records what it was handed and
// waits for a go-ahead before each turn, so that tests see the queue as the
// writer does.
type recordingWriter struct {
	c     *client
	mu    sync.Mutex
	got   []work
	turns chan struct{} // one value per finished turn
}

func newRecordingClient(now time.Time) (*client, *recordingWriter) {
	r := &recordingWriter{turns: make(chan struct{}, 64)}
	r.c = newClient("s", r.write, now)
	return r.c, r
}

func (r *recordingWriter) write() {
	var done []queued
	for {
		w, ok := r.c.next(done)
		if !ok {
			r.turns <- struct{}{}
			return
		}
		r.mu.Lock()
		r.got = append(r.got, work{frames: append([]queued(nil), w.frames...), ping: w.ping, slow: w.slow})
		r.mu.Unlock()
		done = w.frames
	}
}

func (r *recordingWriter) waitTurn(t *testing.T) []work {
	t.Helper()
	select {
	case <-r.turns:
	case <-time.After(10 * time.Second):
		t.Fatal("the writer never finished its turn")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

func frameIDs(ws []work) []bridge.MessageID {
	var ids []bridge.MessageID
	for _, w := range ws {
		for _, q := range w.frames {
			ids = append(ids, q.message)
		}
	}
	return ids
}

func TestClientQueue(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	t.Run("held until catch-up is sent, then in order", func(t *testing.T) {
		c, r := newRecordingClient(t0)
		for id := range bridge.MessageID(3) {
			if !c.offer(queued{message: id + 1}) {
				t.Fatalf("frame %d refused", id+1)
			}
		}
		c.release()
		got := frameIDs(r.waitTurn(t))
		if len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
			t.Fatalf("written %v, want [1 2 3]", got)
		}
		// The writer's goroutine ended; the next frame starts another.
		c.offer(queued{message: 4})
		if got := frameIDs(r.waitTurn(t)); len(got) != 1 || got[0] != 4 {
			t.Fatalf("written %v, want [4]", got)
		}
	})
	t.Run("falling sendBuffer frames behind marks it slow", func(t *testing.T) {
		c, r := newRecordingClient(t0)
		for i := range sendBuffer {
			if !c.offer(queued{message: bridge.MessageID(i + 1)}) {
				t.Fatalf("frame %d of %d refused", i+1, sendBuffer)
			}
		}
		if c.offer(queued{message: 99}) {
			t.Fatal("a frame beyond the buffer was taken")
		}
		c.release()
		got := r.waitTurn(t)
		if len(got) != 1 || !got[0].slow {
			t.Fatalf("writer was handed %+v, want only the slow mark", got)
		}
		if c.offer(queued{message: 100}) {
			t.Fatal("a dropped connection took a frame")
		}
	})
	t.Run("a ping once per interval", func(t *testing.T) {
		c, r := newRecordingClient(t0)
		c.release()
		c.askPing(t0.Add(pingInterval-time.Second), pingInterval)
		c.askPing(t0.Add(pingInterval), pingInterval)
		got := r.waitTurn(t)
		if len(got) != 1 || !got[0].ping {
			t.Fatalf("writer was handed %+v, want one ping", got)
		}
		c.askPing(t0.Add(pingInterval+time.Second), pingInterval) // too soon after the last
		c.askPing(t0.Add(2*pingInterval), pingInterval)
		if got := r.waitTurn(t); len(got) != 1 || !got[0].ping {
			t.Fatalf("writer was handed %+v, want one ping", got)
		}
	})
	t.Run("close waits for the writer and refuses frames", func(t *testing.T) {
		c, _ := newRecordingClient(t0)
		c.release()
		c.offer(queued{message: 1})
		c.close()
		c.mu.Lock()
		writing := c.writing
		c.mu.Unlock()
		if writing {
			t.Fatal("close returned while the writer was running")
		}
		if c.offer(queued{message: 2}) {
			t.Fatal("a closed connection took a frame")
		}
	})
}

// A socket is pinged by the widget's one sweep, not a timer of its own, and
// the widget's peer answers.
func TestIdleSocketsArePinged(t *testing.T) {
	ctx := t.Context()
	st := enginetest.TempStore(t)
	w, err := New(Options{Handler: refuseAll{}, History: enginetest.Idle(t, st), SessionSecret: []byte("0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	pongs := make(chan struct{}, 1)
	w.accept.OnPongReceived = func(context.Context, []byte) { pongs <- struct{}{} }
	mux := http.NewServeMux()
	w.Mount(mux)
	srv := httptest.NewServer(mux)
	runCtx, stop := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { defer close(ran); _ = w.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-ran; srv.Close() })
	c, err := webfake.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", webfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Drop)
	if _, err := c.WaitFor(ctx, "state", func(fs []webfake.Frame) bool {
		return len(fs) > 0 && fs[len(fs)-1].Type == "state"
	}); err != nil {
		t.Fatal(err)
	}
	w.hub.pingIdle(time.Now().Add(pingInterval), pingInterval)
	select {
	case <-pongs:
	case <-time.After(10 * time.Second):
		t.Fatal("no ping answered")
	}
}

// refuseAll is an engine that takes no event.
type refuseAll struct{}

func (refuseAll) Handle(context.Context, bridge.Event) (bridge.Outcome, error) {
	return bridge.Outcome{}, bridge.ErrShuttingDown
}
