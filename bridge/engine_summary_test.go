package bridge_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// summarizingAI is the scripted AI that can also summarise, like the
// OpenAI-compatible responder.
type summarizingAI struct {
	bridge.Responder
	summarize func(ctx context.Context, r bridge.SummaryRequest) (string, error)
}

func (s summarizingAI) Summarize(ctx context.Context, r bridge.SummaryRequest) (string, error) {
	return s.summarize(ctx, r)
}

func withSummarizer(f func(ctx context.Context, r bridge.SummaryRequest) (string, error)) func(*bridge.Options, *bridge.Engine) {
	return func(o *bridge.Options, e *bridge.Engine) {
		if e == nil {
			o.Responder = summarizingAI{Responder: o.Responder, summarize: f}
		}
	}
}

// askForHuman has the web user say three things, the last asking for a
// human, and returns the handoff's thread.
func askForHuman(t *testing.T, h *harness) (bridge.HandoffID, string) {
	t.Helper()
	h.say(webUser, "s1", "hello")
	h.say(webUser, "s2", "my invoice 42 was charged twice")
	out := h.say(webUser, "s3", "talk to a human please")
	if out.Handoff == 0 {
		t.Fatal("no handoff")
	}
	return out.Handoff, h.thread(out.Handoff)
}

func TestSummaryExtractiveWithoutAI(t *testing.T) {
	h := newHarness(t)
	hid, thread := askForHuman(t, h)
	card, _ := bridgetest.LastCard(h.slack.Ops(), thread)
	want := "Reason: The user asked for a human (\"talk to a human\")\n" +
		"User: “hello”\nUser: “my invoice 42 was charged twice”\nUser: “talk to a human please”"
	if card.Summary != want {
		t.Fatalf("card summary =\n%s\nwant\n%s", card.Summary, want)
	}
	if got := h.handoff(hid).Summary; got != want {
		t.Fatalf("stored summary = %q", got)
	}
	// It stays on the card through later changes.
	if err := h.act("U-ANA", hid, bridge.ActJoin); err != nil {
		t.Fatal(err)
	}
	h.slack.WaitFor(h.ctx, "active card", func(ops []bridgetest.ThreadOp) bool {
		c, _ := bridgetest.LastCard(ops, thread)
		return c.State == bridge.StateActive && c.Summary == want
	})
}

func TestSummaryOffForTeam(t *testing.T) {
	h := newHarness(t, func(s *bridge.Settings) { s.Teams["support"].Summary = bridge.SummaryOff })
	_, thread := askForHuman(t, h)
	if card, _ := bridgetest.LastCard(h.slack.Ops(), thread); card.Summary != "" {
		t.Fatalf("summary %q on a team with summaries off", card.Summary)
	}
}

func TestSummaryFromAIReplacesExtractive(t *testing.T) {
	asked := make(chan bridge.SummaryRequest, 1)
	h := newTunedHarness(t, withSummarizer(func(_ context.Context, r bridge.SummaryRequest) (string, error) {
		asked <- r
		return "Uma was charged twice for invoice 42.\n\n  Wants a refund.  \nline 3\nline 4\nline 5", nil
	}))
	hid, thread := askForHuman(t, h)
	req := <-asked
	var texts []string
	for _, m := range req.History {
		texts = append(texts, m.Text)
	}
	if !strings.Contains(req.Reason, "asked for a human") || !strings.Contains(strings.Join(texts, "|"), "my invoice 42 was charged twice|") {
		t.Fatalf("summary request = reason %q, history %q", req.Reason, texts)
	}
	want := "Uma was charged twice for invoice 42.\nWants a refund.\nline 3\nline 4"
	_, err := h.slack.WaitFor(h.ctx, "card with the AI summary", func(ops []bridgetest.ThreadOp) bool {
		c, _ := bridgetest.LastCard(ops, thread)
		return c.Summary == want && c.State == bridge.StatePending
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.handoff(hid).Summary; got != want {
		t.Fatalf("stored summary = %q, want %q", got, want)
	}
}

// A model that does not answer in time never holds up the handoff: the
// thread opens with the extractive summary while it is still thinking, and
// keeps it.
func TestSummarySlowAIFallsBackToExtractive(t *testing.T) {
	gaveUp := make(chan struct{})
	h := newTunedHarness(t, withSummarizer(func(ctx context.Context, _ bridge.SummaryRequest) (string, error) {
		<-ctx.Done()
		close(gaveUp)
		return "too late", ctx.Err()
	}), func(s *bridge.Settings) { s.SummaryTimeout = 200 * time.Millisecond })
	hid, thread := askForHuman(t, h)
	card, _ := bridgetest.LastCard(h.slack.Ops(), thread)
	if !strings.HasPrefix(card.Summary, "Reason: ") {
		t.Fatalf("card opened with summary %q, want the extractive one", card.Summary)
	}
	<-gaveUp
	h.restart() // shutting down waits for the summariser's goroutine
	if got := h.handoff(hid).Summary; got != card.Summary {
		t.Fatalf("summary after the timeout = %q, want the extractive %q", got, card.Summary)
	}
	for _, op := range h.slack.Ops() {
		if strings.Contains(op.Card.Summary, "too late") {
			t.Fatalf("a late summary reached the card: %+v", op.Card)
		}
	}
}
