package slack

import (
	"hash/maphash"
	"strconv"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// TestEventLanes: a thread's events run in order, one at a time; another
// thread's run meanwhile.
func TestEventLanes(t *testing.T) {
	l := newEventLanes(socketLanes)
	defer l.close()
	lane := func(key string) uint64 { return maphash.String(l.seed, key) % uint64(len(l.lanes)) }
	a, b := "C1/1.000", ""
	for i := 0; b == ""; i++ {
		if k := "C1/" + strconv.Itoa(i) + ".000"; lane(k) != lane(a) {
			b = k
		}
	}

	release, firstDone := make(chan struct{}), make(chan struct{})
	var order []string
	secondRan := make(chan struct{})
	l.do(a, func() { <-release; order = append(order, "first"); close(firstDone) })
	l.do(a, func() { order = append(order, "second"); close(secondRan) })
	otherRan := make(chan struct{})
	l.do(b, func() { close(otherRan) })

	select {
	case <-otherRan: // another thread is not held up by a busy one
	case <-time.After(10 * time.Second):
		t.Fatal("an event of another thread waited for a busy thread")
	}
	select {
	case <-secondRan:
		t.Fatal("a thread's second event ran before its first ended")
	default:
	}
	close(release)
	<-firstDone
	<-secondRan
	if len(order) != 2 || order[0] != "first" || order[1] != "second" {
		t.Fatalf("order %v, want first, second", order)
	}
}

func TestThreadKey(t *testing.T) {
	msg := func(m *slackevents.MessageEvent) slackevents.EventsAPIEvent {
		return slackevents.EventsAPIEvent{InnerEvent: slackevents.EventsAPIInnerEvent{Data: m}}
	}
	reply := msg(&slackevents.MessageEvent{Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0"})
	edited := msg(&slackevents.MessageEvent{Channel: "C1", SubType: "message_changed",
		Message: &slackgo.Msg{Timestamp: "2.0", ThreadTimestamp: "1.0"}})
	deleted := msg(&slackevents.MessageEvent{Channel: "C1", SubType: "message_deleted",
		PreviousMessage: &slackgo.Msg{Timestamp: "2.0", ThreadTimestamp: "1.0"}})
	other := msg(&slackevents.MessageEvent{Channel: "C1", TimeStamp: "4.0", ThreadTimeStamp: "3.0"})
	k := threadKey(reply)
	if threadKey(edited) != k || threadKey(deleted) != k {
		t.Fatalf("a reply, its edit and its deletion have keys %q, %q, %q: want one", k, threadKey(edited), threadKey(deleted))
	}
	if threadKey(other) == k {
		t.Fatalf("two threads share the key %q", k)
	}
}
