package bridge_test

import (
	"context"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

func TestAIEscalation(t *testing.T) {
	tests := []struct {
		name     string
		messages []string
		// wantOffer is the text of the offer expected after the last message;
		// empty means none.
		wantOffer string
		wantLast  string
	}{
		{name: "confident answer", messages: []string{"hello"}, wantLast: "Hi there!"},
		{name: "low confidence offers a human", messages: []string{"something vague"}, wantOffer: "I'm not sure I can answer that well"},
		{name: "one miss says so", messages: []string{"unknown thing"}, wantLast: "Sorry, I don't know"},
		{name: "two misses in a row offer", messages: []string{"unknown thing", "another unknown"}, wantOffer: "I'm not sure"},
		{name: "a hit resets the misses", messages: []string{"unknown", "hello", "unknown"}, wantLast: "Sorry, I don't know"},
		{name: "responder error is a miss, user still answered", messages: []string{"broken"}, wantLast: "Sorry, I don't know"},
		{name: "the model asks for a human", messages: []string{"please escalate"}, wantOffer: "I'm not sure"},
	}
	responders := []struct {
		name string
		tune func(*bridge.Options, *bridge.Engine)
	}{
		{"asked after the commit", nil},
		{"instant, asked in the transaction", func(o *bridge.Options, _ *bridge.Engine) { o.Responder = instantAI{o.Responder} }},
	}
	for _, r := range responders {
		for _, tt := range tests {
			t.Run(r.name+"/"+tt.name, func(t *testing.T) {
				testAIEscalation(t, newTunedHarness(t, r.tune), tt.messages, tt.name, tt.wantOffer, tt.wantLast)
			})
		}
	}
}

// instantAI makes a responder an InstantResponder.
type instantAI struct{ bridge.Responder }

func (a instantAI) RespondNow(q bridge.Question) (bridge.Reply, error) {
	return a.Respond(context.Background(), q)
}

// testAIEscalation says messages in turn and checks the last answer: the
// text wantLast, or an offer wantOffer that is then accepted.
func testAIEscalation(t *testing.T, h *harness, messages []string, name, wantOffer, wantLast string) {
	t.Helper()
	tt := struct {
		name                string
		messages            []string
		wantOffer, wantLast string
	}{name, messages, wantOffer, wantLast}
	for i, m := range tt.messages {
		h.say(webUser, string(rune('a'+i)), m)
	}
	// Every user message gets exactly one answer.
	ds, err := h.web.WaitCount(h.ctx, webUser.ChatID, len(tt.messages))
	if err != nil {
		t.Fatal(err)
	}
	last := bridgetest.Last(ds)
	if tt.name == "the model asks for a human" {
		// The model's own text goes first, then the offer.
		if len(ds) < 2 {
			ds, _ = h.web.WaitCount(h.ctx, webUser.ChatID, 2)
		}
		if ds[0].Message.Text != "Let me get someone." {
			t.Fatalf("first delivery = %+v", ds[0])
		}
		last = ds[1]
	}
	if tt.wantOffer != "" {
		if last.Kind != "offer" || !strings.Contains(last.Offer.Text, tt.wantOffer) {
			t.Fatalf("last delivery = %+v, want an offer %q", last, tt.wantOffer)
		}
		out, err := h.engine.Handle(h.ctx, bridge.UserChoice{Address: webUser, Choice: bridge.ChoiceAccept})
		if err != nil || out.Handoff == 0 {
			t.Fatalf("accepting the AI's offer: %+v %v", out, err)
		}
		if got := h.handoff(out.Handoff); got.Team != "support" || got.Trigger[:3] != "ai_" {
			t.Fatalf("AI handoff = team %s trigger %s", got.Team, got.Trigger)
		}
		return
	}
	if last.Kind == "offer" || !strings.Contains(last.Message.Text, tt.wantLast) {
		t.Fatalf("last delivery = %+v, want %q", last, tt.wantLast)
	}
}

// With ai.action: handoff a low-confidence answer hands off at once.
func TestAIDirectHandoff(t *testing.T) {
	h := newHarness(t, func(s *bridge.Settings) { s.AI.Action = bridge.ActionHandoff })
	out := h.say(webUser, "1", "something vague")
	if out.Handoff != 0 {
		t.Fatal("the AI's verdict is known only after the answer; Outcome should not claim a handoff yet")
	}
	ops, err := h.slack.WaitFor(h.ctx, "a thread", func(ops []bridgetest.ThreadOp) bool { return bridgetest.CountKind(ops, "open") == 1 })
	if err != nil {
		t.Fatal(err)
	}
	if ops[0].Card.Trigger != "ai_low_confidence" || ops[0].Channel != "C-SUPPORT" {
		t.Fatalf("thread card = %+v in %s", ops[0].Card, ops[0].Channel)
	}
	waitText(t, h.web, webUser.ChatID, "in the queue")
}
