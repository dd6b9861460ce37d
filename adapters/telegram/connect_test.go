package telegram_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

// logWatch is an adapter's log that a test can wait on.
type logWatch struct {
	mu      sync.Mutex
	b       strings.Builder
	changed chan struct{}
}

func newLogWatch() *logWatch { return &logWatch{changed: make(chan struct{})} }

func (l *logWatch) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	close(l.changed)
	l.changed = make(chan struct{})
	return len(p), nil
}

func (l *logWatch) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor waits until the log contains text.
func (l *logWatch) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		l.mu.Lock()
		has, ch := strings.Contains(l.b.String(), text), l.changed
		l.mu.Unlock()
		if has {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("the log never said %q:\n%s", text, l.String())
		}
	}
}

// TestUnreachableAtStart: with nothing listening at the Bot API's address,
// New succeeds (the bridge starts), Run keeps trying, and Health says down
// with the error, which like the log does not carry the token that is part
// of the URL.
func TestUnreachableAtStart(t *testing.T) {
	fake := telegramfake.New(telegramfake.Options{})
	endpoint := fake.Endpoint()
	fake.Close() // nothing listens there any more
	logs := newLogWatch()
	a, err := telegram.New(telegram.Options{Token: fake.Token(), Endpoint: endpoint, Handler: noEvents{},
		State: enginetest.Idle(t, enginetest.TempStore(t)).AdapterState("telegram"), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatalf("New with Telegram out of reach: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	logs.waitFor(t, "cannot reach the Bot API")
	h := a.Health(t.Context())
	if h.State != bridge.HealthDown || !strings.Contains(h.Detail, "getMe") || !strings.Contains(h.Detail, "<token>") ||
		strings.Contains(h.Detail, fake.Token()) {
		t.Errorf("health %+v: want down, naming getMe, the token redacted", h)
	}
	if strings.Contains(logs.String(), fake.Token()) {
		t.Errorf("the log shows the token:\n%s", logs.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel = %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after its context ended, while retrying")
	}
}

// TestRefusedTokenEndsRun: a token Telegram refuses is not retried: Run
// returns an error saying so, once, and Health says down with it.
func TestRefusedTokenEndsRun(t *testing.T) {
	fake := telegramfake.New(telegramfake.Options{})
	defer fake.Close()
	a, err := telegram.New(telegram.Options{Token: "123:WRONG", Endpoint: fake.Endpoint(), Handler: noEvents{},
		State: enginetest.Idle(t, enginetest.TempStore(t)).AdapterState("telegram"), Logger: enginetest.Logger(t, slog.LevelInfo)})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Run(t.Context())
	if err == nil || err.Error() != "getMe: the bot token was refused: Unauthorized" {
		t.Errorf("Run = %v, want the refused token", err)
	}
	if h := a.Health(t.Context()); h.State != bridge.HealthDown || !strings.Contains(h.Detail, "token was refused") {
		t.Errorf("health %+v", h)
	}
}
