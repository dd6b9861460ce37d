package bridge_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// statusful is the kind of a test channel that shows the queue place as
// state, as the web widget does.
const statusful bridge.ChannelKind = "statusful"

// newQueueHarness is a harness with a statusful channel beside the web and
// Telegram ones, no SLA timers unless asked, and the text rule's defaults.
func newQueueHarness(t *testing.T, mutate ...func(*bridge.Settings)) (*harness, bridgetest.QueueUserChannel) {
	t.Helper()
	ch := bridgetest.NewQueueUserChannel(statusful)
	h := newTunedHarness(t, func(o *bridge.Options, e *bridge.Engine) {
		if e != nil {
			e.RegisterUserChannel(ch)
		}
	}, append([]func(*bridge.Settings){func(s *bridge.Settings) {
		s.Teams["support"].SLA = 0
		s.QueueUpdates = bridge.QueueUpdates{MinInterval: 3 * time.Minute, MinGain: 2}
	}}, mutate...)...)
	return h, ch
}

// waitPlace waits until chat's latest queue status is place.
func waitPlace(t *testing.T, ch bridgetest.QueueUserChannel, chat string, place int) bridge.QueueStatus {
	t.Helper()
	ds, err := ch.WaitFor(t.Context(), chat, fmt.Sprintf("%s at place %d", chat, place), func(ds []bridgetest.Delivery) bool {
		q, ok := lastQueue(ds)
		return ok && q.Position == place
	})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := lastQueue(ds)
	return q
}

func lastQueue(ds []bridgetest.Delivery) (bridge.QueueStatus, bool) {
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].Kind == "queue" {
			return ds[i].Queue, true
		}
	}
	return bridge.QueueStatus{}, false
}

// A channel that shows state hears of every move of the queue: a join, a
// cancel and a fallback ahead each bring the user's place forward.
func TestQueuePlaceFollowsEveryChange(t *testing.T) {
	h, ch := newQueueHarness(t, func(s *bridge.Settings) { s.Teams["support"].SLA = 3 * time.Minute })
	addr := func(chat string) bridge.ChatAddress { return bridge.ChatAddress{Channel: statusful, ChatID: chat} }
	a := h.say(addr("a"), "1", "talk to a human").Handoff
	h.say(addr("b"), "1", "talk to a human")
	h.say(addr("c"), "1", "talk to a human")
	waitPlace(t, ch, "b", 2)
	waitPlace(t, ch, "c", 3)

	if err := h.act("U-ANA", a, bridge.ActJoin); err != nil {
		t.Fatal(err)
	}
	waitPlace(t, ch, "b", 1)
	waitPlace(t, ch, "c", 2)

	h.say(addr("b"), "2", "cancel")
	waitPlace(t, ch, "c", 1)

	h.clock.Advance(2 * time.Minute)
	h.say(addr("d"), "1", "talk to a human")
	waitPlace(t, ch, "d", 2)
	if err := h.clock.WaitTimer(h.ctx, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Minute) // c's SLA ends: c falls back, d is next
	waitPlace(t, ch, "d", 1)
	if got := h.handoff(h.say(addr("c"), "2", "still there?").Handoff).State; got != bridge.StateFallback {
		t.Errorf("c's handoff is %s, want fallback", got)
	}
}

// Text channels get a message only for a marked gain (two places, or the
// place halved) and at most once per interval; the waiting message counts
// as the first.
func TestQueuePlaceTextRateRule(t *testing.T) {
	h, _ := newQueueHarness(t)
	var ids []bridge.HandoffID
	for i := 1; i <= 6; i++ {
		ids = append(ids, h.say(bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: fmt.Sprint("u", i)}, "1", "talk to a human").Handoff)
	}
	last := bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: "u6"}
	conv := h.say(last, "2", "hello?").Conversation
	steps := []struct {
		advance time.Duration
		want    string // the new queue message, "" for none
	}{
		{time.Minute, ""}, // 6 → 5: one place
		{time.Minute, ""}, // 5 → 4: two places, but 2 minutes after the waiting message
		{time.Minute, "You are now number 3 in the queue."},     // 4 → 3: three places since, 3 minutes
		{10 * time.Second, ""},                                  // 3 → 2: one place, not half
		{3 * time.Minute, "You are now number 1 in the queue."}, // 2 → 1: halved, 3m10s since
	}
	told := queueTexts(h.messages(conv))
	if len(told) != 0 {
		t.Fatalf("queue messages before any move: %q", told)
	}
	for i, st := range steps {
		h.clock.Advance(st.advance)
		if err := h.act("U-ANA", ids[i], bridge.ActJoin); err != nil {
			t.Fatal(err)
		}
		// The message is stored in the join's own transaction: the
		// history says at once whether one was sent.
		now := queueTexts(h.messages(conv))
		var got string
		if len(now) > len(told) {
			got = now[len(now)-1]
		}
		if len(now)-len(told) > 1 || got != st.want {
			t.Fatalf("after join %d: new queue messages %q, want %q", i+1, now[len(told):], st.want)
		}
		told = now
	}
	waitText(t, h.tg, "u6", "You are now number 1 in the queue.")
	var sent []string
	for _, d := range h.tg.To("u6") {
		if strings.HasPrefix(d.Message.Text, "You are now number") {
			sent = append(sent, d.Message.Text)
		}
	}
	if want := []string{"You are now number 3 in the queue.", "You are now number 1 in the queue."}; strings.Join(sent, "|") != strings.Join(want, "|") {
		t.Errorf("u6 received %q, want %q", sent, want)
	}
}

func queueTexts(ms []bridge.Message) []string {
	var out []string
	for _, m := range ms {
		if strings.HasPrefix(m.Text, "You are now number") {
			out = append(out, m.Text)
		}
	}
	return out
}

// The estimated wait is the median time to join of the team's latest
// handoffs, less what the user has already waited.
func TestQueueEstimateFromRecentJoins(t *testing.T) {
	h, ch := newQueueHarness(t)
	for i, took := range []time.Duration{2 * time.Minute, 10 * time.Minute, 4 * time.Minute} {
		hid := h.say(bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: fmt.Sprint("seed", i)}, "1", "talk to a human").Handoff
		h.clock.Advance(took)
		if err := h.act("U-ANA", hid, bridge.ActJoin); err != nil {
			t.Fatal(err)
		}
	}
	x := h.say(bridge.ChatAddress{Channel: statusful, ChatID: "x"}, "1", "talk to a human").Handoff
	if q := waitPlace(t, ch, "x", 1); q.EstimatedWait != 4*time.Minute || q.Handoff != x {
		t.Errorf("x's status = %+v, want place 1 of handoff %d, about 4m (median of 2m, 4m, 10m)", q, x)
	}
	h.clock.Advance(time.Minute)
	h.say(bridge.ChatAddress{Channel: statusful, ChatID: "y"}, "1", "talk to a human")
	if q := waitPlace(t, ch, "y", 2); q.EstimatedWait != 4*time.Minute {
		t.Errorf("y's status = %+v, want about 4m", q)
	}
	h.clock.Advance(2 * time.Minute)
	if err := h.act("U-BOB", x, bridge.ActJoin); err != nil {
		t.Fatal(err)
	}
	// Joins so far took 2m, 10m, 4m and 3m: the median is 3.5m, and y has
	// waited 2m.
	if q := waitPlace(t, ch, "y", 1); q.EstimatedWait != 2*time.Minute {
		t.Errorf("y's status after x was joined = %+v, want about 2m (3m30s less 2m waited, rounded)", q)
	}
}
