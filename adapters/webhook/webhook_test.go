package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/webhook"
	"github.com/handoffbridge/handoff/adapters/webhook/webhookfake"
	"github.com/handoffbridge/handoff/bridge"
)

var secret = []byte("s3cr3t-shared-key")

func sample() bridge.Notification {
	return bridge.Notification{
		ID: "hook-crm-42-requested-1764237600000000000", Event: bridge.EventRequested,
		At: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), Handoff: 42, Team: "support", State: bridge.StatePending,
		Priority: bridge.PriorityHigh, Trigger: "human", Reason: "asked for a human", Channel: bridge.ChannelWeb,
		UserName: "Uma", Context: bridge.UserContext{PageURL: "https://www.example.com/pricing", Country: "FR"},
	}
}

func newNotifier(t *testing.T, url string, mutate ...func(*webhook.Options)) *webhook.Notifier {
	t.Helper()
	cfg := webhook.Options{URL: url, Secret: secret, Link: func(n bridge.Notification) string {
		return bridge.HandoffLink("https://chat.example.com", n.Handoff)
	}}
	for _, m := range mutate {
		m(&cfg)
	}
	n, err := webhook.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNotifyPostsSignedPayloadWithStableDeliveryID(t *testing.T) {
	rcv := webhookfake.NewReceiver(secret)
	defer rcv.Close()
	n := newNotifier(t, rcv.URL())
	ev := sample()
	for range 2 { // a retry after a lost answer sends the same delivery again
		if err := n.Notify(t.Context(), ev); err != nil {
			t.Fatalf("Notify: %v", err)
		}
	}
	got := rcv.Accepted()
	if len(got) != 2 {
		t.Fatalf("accepted %d deliveries; want 2", len(got))
	}
	first, again := got[0], got[1]
	if first.ID != ev.ID || first.Event != "handoff.requested" {
		t.Errorf("headers: delivery %q event %q; want %q handoff.requested", first.ID, first.Event, ev.ID)
	}
	if !again.Duplicate || again.ID != first.ID || string(again.Body) != string(first.Body) {
		t.Errorf("the retry is not recognisable as the same delivery: %+v", again)
	}
	p := first.Payload
	if p.Handoff != 42 || p.Team != "support" || p.State != bridge.StatePending || p.Context.PageURL != ev.Context.PageURL || !p.At.Equal(ev.At) {
		t.Errorf("payload lost fields: %+v", p)
	}
	if p.ThreadURL != "https://chat.example.com/handoffs/42" {
		t.Errorf("thread_url = %q", p.ThreadURL)
	}
	for _, key := range []string{`"handoff_id":42`, `"event":"handoff.requested"`, `"thread_url":`, `"user_context":{`} {
		if !strings.Contains(string(first.Body), key) {
			t.Errorf("body lacks %s: %s", key, first.Body)
		}
	}
}

func TestNotifyMapsReceiverAnswersToRetries(t *testing.T) {
	statusServer := func(status int, header http.Header) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.WriteHeader(status)
			w.Write([]byte("no such hook"))
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	tests := []struct {
		name          string
		url           func() string
		wantPermanent bool
		wantRetryIn   time.Duration // a RetryAfterError's wait; 0: none
		wantText      string
	}{
		{"500 is retried", func() string { return statusServer(500, nil) }, false, 0, "500 Internal Server Error"},
		{"503 is retried", func() string { return statusServer(503, nil) }, false, 0, "503"},
		{"408 is retried", func() string { return statusServer(408, nil) }, false, 0, "408"},
		{"429 waits for Retry-After", func() string { return statusServer(429, http.Header{"Retry-After": {"30"}}) }, false, 30 * time.Second, "429"},
		{"429 without Retry-After waits a minute", func() string { return statusServer(429, nil) }, false, time.Minute, "429"},
		{"404 is permanent", func() string { return statusServer(404, nil) }, true, 0, "404 Not Found: no such hook"},
		{"401 is permanent", func() string { return statusServer(401, nil) }, true, 0, "401"},
		{"redirect is permanent", func() string { return statusServer(302, http.Header{"Location": {"https://elsewhere.example"}}) }, true, 0, "redirect"},
		{"dropped connection is retried", func() string {
			rcv := webhookfake.NewReceiver(secret)
			t.Cleanup(rcv.Close)
			rcv.Down(0)
			return rcv.URL()
		}, false, 0, "EOF"},
		{"refused connection is retried", func() string {
			srv := httptest.NewServer(http.NotFoundHandler())
			srv.Close()
			return srv.URL
		}, false, 0, "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newNotifier(t, tt.url()).Notify(t.Context(), sample())
			if err == nil {
				t.Fatal("Notify succeeded")
			}
			var perm *bridge.PermanentError
			if errors.As(err, &perm) != tt.wantPermanent {
				t.Errorf("permanent = %v; want %v (%v)", !tt.wantPermanent, tt.wantPermanent, err)
			}
			var ra *bridge.RetryAfterError
			if errors.As(err, &ra) != (tt.wantRetryIn > 0) || (ra != nil && ra.After != tt.wantRetryIn) {
				t.Errorf("retry-after = %v; want %v (%v)", ra, tt.wantRetryIn, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.Contains(err.Error(), "handoff.requested") {
				t.Errorf("error %q does not say %q and which event", err, tt.wantText)
			}
		})
	}
}

func TestNotifyGivesUpOnSlowReceiverAtTimeout(t *testing.T) {
	rcv := webhookfake.NewReceiver(secret)
	defer rcv.Close()
	rcv.Hold()
	n := newNotifier(t, rcv.URL(), func(c *webhook.Options) { c.Timeout = 50 * time.Millisecond })
	err := n.Notify(t.Context(), sample())
	var perm *bridge.PermanentError
	if err == nil || errors.As(err, &perm) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow receiver: %v; want a retryable deadline error", err)
	}
	rcv.Release()
	if err := n.Notify(t.Context(), sample()); err != nil {
		t.Fatalf("after release: %v", err)
	}
}

func TestNotifyErrorsDoNotLeakURLSecrets(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/hooks/T0KEN-in-path?token=T0KEN-in-query"
	srv.Close()
	err := newNotifier(t, url).Notify(t.Context(), sample())
	if err == nil || strings.Contains(err.Error(), "T0KEN") {
		t.Fatalf("error %q leaks the URL's token", err)
	}
}

func TestReceiverRefusesWrongSecret(t *testing.T) {
	rcv := webhookfake.NewReceiver([]byte("the receiver's key"))
	defer rcv.Close()
	err := newNotifier(t, rcv.URL()).Notify(t.Context(), sample())
	var perm *bridge.PermanentError
	if !errors.As(err, &perm) || rcv.Stats().BadSignature != 1 || len(rcv.Accepted()) != 0 {
		t.Fatalf("wrong secret: err %v, stats %+v", err, rcv.Stats())
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  webhook.Options
		want string
	}{
		{"relative url", webhook.Options{URL: "/hook", Secret: secret}, "absolute"},
		{"ftp url", webhook.Options{URL: "ftp://x.example/hook", Secret: secret}, "http"},
		{"no secret", webhook.Options{URL: "https://x.example/hook"}, "secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := webhook.New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v; want an error about %s", err, tt.want)
			}
		})
	}
}
