package whatsapp_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// deliverQuickly posts a signed delivery and fails the test if the answer
// takes more than a few seconds (it should take milliseconds).
func (r *rig) deliverQuickly(body []byte) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(r.t.Context(), 5*time.Second)
	defer cancel()
	code, err := r.fake.Deliver(ctx, r.web.URL+"/whatsapp/webhook", body, "")
	if err != nil || code != http.StatusOK {
		r.t.Fatalf("webhook delivery answered %d, %v; want a quick 200", code, err)
	}
}

// TestSlowResponderDoesNotDelayTheAnswer: Meta gets its 200 as soon as a
// delivery is stored, even while the AI is still thinking about an earlier
// message; the answers follow once it is done.
func TestSlowResponderDoesNotDelayTheAnswer(t *testing.T) {
	asked, release := make(chan string, 4), make(chan struct{})
	r := newRig(t, withResponder(bridge.ResponderFunc(func(ctx context.Context, q bridge.Question) (bridge.Reply, error) {
		asked <- q.Text
		select {
		case <-release:
		case <-ctx.Done():
			return bridge.Reply{}, ctx.Err()
		}
		return bridge.Reply{Text: "answer to " + q.Text, Confidence: 0.9}, nil
	})))
	_, first := r.fake.UserText(sheena, "Sheena", "first question")
	r.deliverQuickly(first)
	select {
	case <-asked:
	case <-t.Context().Done():
		t.Fatal("the responder was never asked")
	}
	// The responder is now stuck on the first question.
	_, second := r.fake.UserText(sheena, "Sheena", "second question")
	r.deliverQuickly(second)
	if got := r.fake.Sent(sheena); len(got) != 0 {
		t.Fatalf("sent %+v before the responder answered", got)
	}
	close(release)
	sent := r.waitSent("both answers", func(s []whatsappfake.Sent) bool { return len(texts(s)) >= 2 })
	if got, want := texts(sent), []string{"answer to first question", "answer to second question"}; !slices.Equal(got, want) {
		t.Errorf("user got %q, want %q", got, want)
	}
}

// TestRestartBetweenAnswerAndProcessing: deliveries answered 200 but not
// yet processed when the bridge stops are processed after the restart,
// once each and in order, even when Meta delivers one of them again.
func TestRestartBetweenAnswerAndProcessing(t *testing.T) {
	r := newRig(t)
	r.shutdown()
	r.start(false) // the webhook answers, nothing processes
	lines := []string{"talk to a human", "line 1", "line 2", "line 3"}
	var bodies [][]byte
	for _, l := range lines {
		_, body := r.fake.UserText(sheena, "Sheena", l)
		bodies = append(bodies, body)
		r.deliverQuickly(body)
	}
	r.deliverQuickly(bodies[2]) // Meta's retry: its 200 was lost
	if n := r.pendingInbox(); n != len(lines)+1 {
		t.Fatalf("%d deliveries stored, want %d", n, len(lines)+1)
	}
	if len(r.slack.Ops()) != 0 || len(r.fake.Sent(sheena)) != 0 {
		t.Fatal("deliveries were processed without the runner")
	}
	r.restart()
	open := r.openThread()
	r.waitPost(open.Thread, "line 3")
	var got []string
	for _, p := range bridgetest.Posts(r.slack.Ops(), open.Thread) {
		if p.Role == bridge.RoleUser {
			got = append(got, p.Text)
		}
	}
	if want := lines[1:]; !slices.Equal(got, want) && !slices.Equal(got, lines) {
		t.Errorf("thread got user lines %q, want %q once each, in order", got, want)
	}
	// Every delivery, the repeated one too, is marked read once processed;
	// a stop then waits for the last one to be marked done in the store.
	if err := r.fake.WaitFor(t.Context(), func() bool { return len(r.fake.Read()) == len(bodies)+1 }); err != nil {
		t.Fatalf("%d deliveries marked read, want %d", len(r.fake.Read()), len(bodies)+1)
	}
	r.shutdown()
	r.start(false)
	if n := r.pendingInbox(); n != 0 {
		t.Errorf("%d deliveries left in the inbox after processing", n)
	}
}

func texts(sent []whatsappfake.Sent) []string {
	var out []string
	for _, m := range sent {
		if m.Type == "text" {
			out = append(out, m.Text)
		}
	}
	return out
}

// numbered lists the n texts "prefix 1" … "prefix n".
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s %d", prefix, i+1)
	}
	return out
}
