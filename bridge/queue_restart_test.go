package bridge_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// A restart does not make the widget repeat a place it showed: the user
// told place 2 before the restart hears nothing when the queue moves
// behind them after it, and place 1 when it moves ahead.
func TestQueuePlaceNotRepeatedAfterRestart(t *testing.T) {
	h, ch := newQueueHarness(t)
	addr := func(chat string) bridge.ChatAddress { return bridge.ChatAddress{Channel: statusful, ChatID: chat} }
	a := h.say(addr("a"), "1", "talk to a human").Handoff
	h.say(addr("b"), "1", "talk to a human")
	h.say(addr("c"), "1", "talk to a human")
	waitPlace(t, ch, "c", 3)
	if err := h.act("U-ANA", a, bridge.ActJoin); err != nil {
		t.Fatal(err)
	}
	waitPlace(t, ch, "c", 2)

	h.restart()
	h.say(addr("d"), "1", "talk to a human") // behind c: c's place stays 2
	waitPlace(t, ch, "d", 3)
	h.say(addr("b"), "2", "cancel") // ahead of c
	waitPlace(t, ch, "c", 1)
	if got, want := queuePlaces(ch.To("c")), []int{3, 2, 1}; !slices.Equal(got, want) {
		t.Errorf("c was shown places %v, want %v (each once)", got, want)
	}
}

// A restart keeps the text channels' rule: the gain is counted from the
// place the last message told before the restart, and so is the interval.
func TestQueueTextRuleKeptAcrossRestart(t *testing.T) {
	h, _ := newQueueHarness(t)
	var ids []bridge.HandoffID
	for i := 1; i <= 6; i++ {
		ids = append(ids, h.say(bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: fmt.Sprint("u", i)}, "1", "talk to a human").Handoff)
	}
	conv := h.say(bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: "u6"}, "2", "hello?").Conversation
	join := func(i int) {
		t.Helper()
		if err := h.act("U-ANA", ids[i], bridge.ActJoin); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Advance(3 * time.Minute)
	join(0) // 6 → 5: one place
	join(1) // 5 → 4: two places, 3 minutes after the waiting message
	if got, want := queueTexts(h.messages(conv)), []string{"You are now number 4 in the queue."}; !slices.Equal(got, want) {
		t.Fatalf("before the restart u6 was told %q, want %q", got, want)
	}

	h.restart()
	join(2) // 4 → 3: one place, and no time since the last message
	h.clock.Advance(3 * time.Minute)
	join(3) // 3 → 2: two places since the message before the restart
	want := []string{"You are now number 4 in the queue.", "You are now number 2 in the queue."}
	if got := queueTexts(h.messages(conv)); !slices.Equal(got, want) {
		t.Fatalf("u6 was told %q, want %q", got, want)
	}
	waitText(t, h.tg, "u6", want[1])
}

// queuePlaces lists the places a chat was shown, in order.
func queuePlaces(ds []bridgetest.Delivery) []int {
	var places []int
	for _, d := range ds {
		if d.Kind == "queue" {
			places = append(places, d.Queue.Position)
		}
	}
	return places
}
