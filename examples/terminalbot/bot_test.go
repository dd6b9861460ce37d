package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/adapters/api/apitest"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// screen is the terminal: what the bot printed, with a signal per line.
type screen struct {
	mu      sync.Mutex
	b       strings.Builder
	changes waitfor.Changes
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.changes.Notify()
	return s.b.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The example bot chats, escalates when asked, relays the person's lines
// to the Slack thread, prints the agent's replies from its verified
// callbacks, and answers again once the agent resolves.
func TestTerminalBotHandsOffAndPrintsReplies(t *testing.T) {
	var handler http.Handler
	var ready sync.WaitGroup
	ready.Add(1)
	callbacks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ready.Wait()
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(callbacks.Close)
	e := apitest.New(t, apitest.Options{CallbackURL: callbacks.URL + "/callback"})
	out := &screen{}
	b := newBot(config{conversation: "term-1", secret: apitest.CallbackSecret}, e.Shop, out)
	handler = b.callbacks()
	ready.Done()
	if err := b.start(e.Ctx); err != nil {
		t.Fatal(err)
	}
	keyboard, typing := io.Pipe()
	ctx, cancel := context.WithCancel(e.Ctx)
	done := make(chan error, 1)
	go func() { done <- b.chat(ctx, keyboard) }()
	t.Cleanup(func() {
		_ = typing.Close()
		cancel()
		<-done
	})
	shows := func(text string) {
		t.Helper()
		if err := out.changes.Until(e.Ctx, "“"+text+"” on the terminal", func() bool { return strings.Contains(out.String(), text) }); err != nil {
			t.Fatalf("%v; the terminal shows:\n%s", err, out.String())
		}
	}
	types := func(line string) {
		t.Helper()
		if _, err := io.WriteString(typing, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}

	types("hello there")
	shows("bot: I can only say this.")
	types("can I talk to a human?")
	shows("I've asked for a person")
	conv, err := e.Shop.Conversation(e.Ctx, "term-1")
	if err != nil || conv.Handoff == nil {
		t.Fatalf("conversation = %+v, %v", conv, err)
	}
	root := e.Thread(apitest.SupportChannel, conv.Handoff.ID)
	e.ThreadHas(apitest.SupportChannel, root, "hello there") // the transcript
	e.Click(apitest.SupportChannel, root, "handoff_join", conv.Handoff.ID)
	shows("Ana S.")
	types("my order 7781 is late")
	e.ThreadHas(apitest.SupportChannel, root, "my order 7781 is late")
	e.AgentSays(apitest.SupportChannel, root, "It is *on its way*, see <https://track.example/7781|tracking>.")
	shows("Ana S.: It is on its way, see tracking (https://track.example/7781).")
	e.Click(apitest.SupportChannel, root, "handoff_resolve", conv.Handoff.ID)
	shows("I'm back.")
	before := strings.Count(out.String(), "I can only say this.")
	types("thanks")
	if err := out.changes.Until(e.Ctx, "the bot answering again", func() bool {
		return strings.Count(out.String(), "I can only say this.") > before
	}); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
}
