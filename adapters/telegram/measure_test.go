package telegram_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
)

// TestMeasureRelay measures AI answers relayed to many chats through the
// fake with Telegram's real limits (1/s per chat with a burst of 3, 30/s
// overall). Run with TELEGRAM_MEASURE=1 -v; it checks nothing is lost or
// duplicated and logs throughput and 429s.
func TestMeasureRelay(t *testing.T) {
	if os.Getenv("TELEGRAM_MEASURE") == "" {
		t.Skip("set TELEGRAM_MEASURE=1 to measure")
	}
	const chats, perChat = 100, 3
	r := newRig(t, telegramfake.Options{})
	start := time.Now()
	for i := range perChat {
		for c := range chats {
			r.fake.UserSays(telegramfake.User{ID: int64(10000 + c), FirstName: "U"}, fmt.Sprintf("echo %d", i))
		}
	}
	var lost, dup int
	for c := range chats {
		sent, err := r.fake.WaitSent(t.Context(), int64(10000+c), "answers", func(s []telegramfake.Sent) bool { return len(s) >= perChat })
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, m := range sent {
			seen[m.Visible]++
		}
		for i := range perChat {
			switch seen[fmt.Sprintf("echo: %d", i)] {
			case 0:
				lost++
			case 1:
			default:
				dup++
			}
		}
	}
	d := time.Since(start)
	st := r.fake.Stats()
	t.Logf("%d messages to %d chats in %s: %.1f msg/s (Telegram's global limit is 30/s); 429 answers %d; lost %d; duplicated %d",
		chats*perChat, chats, d.Round(time.Millisecond), float64(chats*perChat)/d.Seconds(), st.TooMany, lost, dup)
	if lost+dup > 0 {
		t.Fail()
	}
}
