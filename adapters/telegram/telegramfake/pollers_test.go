package telegramfake_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/internal/connlog"
)

// getUpdates makes one long-poll call and returns its HTTP status and
// Telegram's description.
func getUpdates(ctx context.Context, s *telegramfake.Server, timeout string) (int, string, error) {
	form := url.Values{"timeout": {timeout}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot123456:TEST-TOKEN/getUpdates?"+form.Encode(), nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var body struct {
		Description string `json:"description"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Description, nil
}

// TestSecondPollerTerminatesTheFirst: as on Telegram, a getUpdates call
// made while another is held terminates the held one with 409; the
// fake's Pollers log shows the two calls open at once, and Stats counts
// the conflict.
func TestSecondPollerTerminatesTheFirst(t *testing.T) {
	s := telegramfake.New(telegramfake.Options{})
	defer s.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	log := s.Pollers()

	type answer struct {
		status int
		desc   string
		err    error
	}
	first := make(chan answer, 1)
	go func() {
		st, d, err := getUpdates(ctx, s, "30")
		first <- answer{st, d, err}
	}()
	if err := log.Changes().Until(ctx, "the first poll held", func() bool { return log.OpenNow() == 1 }); err != nil {
		t.Fatal(err)
	}
	second := make(chan answer, 1)
	go func() {
		st, d, err := getUpdates(ctx, s, "30")
		second <- answer{st, d, err}
	}()
	a := <-first
	if a.err != nil || a.status != http.StatusConflict || a.desc == "" {
		t.Fatalf("first poll: %d %q %v, want 409 terminated by the other", a.status, a.desc, a.err)
	}
	// The second is still held: an update answers it.
	s.UserSays(telegramfake.User{ID: 7, FirstName: "Ana"}, "hello")
	if b := <-second; b.err != nil || b.status != http.StatusOK {
		t.Fatalf("second poll: %d %q %v, want 200", b.status, b.desc, b.err)
	}
	if n := s.Stats().Conflicts; n != 1 {
		t.Errorf("%d conflicts counted, want 1", n)
	}
	spans := log.Spans()
	if len(spans) != 2 || spans[0].Open() || spans[1].Open() {
		t.Fatalf("poller spans %+v, want two closed", spans)
	}
	if o := connlog.Overlaps(spans); len(o) != 1 {
		t.Errorf("overlaps %+v, want the two calls open at once", o)
	}
}

// TestOnePollerAfterAnother: calls one after the other are no conflict.
func TestOnePollerAfterAnother(t *testing.T) {
	s := telegramfake.New(telegramfake.Options{})
	defer s.Close()
	for range 3 {
		if st, d, err := getUpdates(t.Context(), s, "0"); err != nil || st != http.StatusOK {
			t.Fatalf("poll: %d %q %v", st, d, err)
		}
	}
	if n := s.Stats().Conflicts; n != 0 {
		t.Errorf("%d conflicts, want none", n)
	}
	if o := connlog.Overlaps(s.Pollers().Spans()); len(o) != 0 {
		t.Errorf("overlaps %+v, want none", o)
	}
}
