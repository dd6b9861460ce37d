package email_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/email"
	"github.com/handoffbridge/handoff/adapters/email/emailfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func startServer(t *testing.T, implicit bool) *emailfake.Server {
	t.Helper()
	srv, err := emailfake.Start("bridge@example.com", "app-password", implicit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func configFor(srv *emailfake.Server, mode email.TLSMode, clock bridge.Clock) email.Options {
	return email.Options{
		Addr: srv.Addr(), TLS: mode, TLSConfig: &tls.Config{RootCAs: srv.RootCAs},
		Username: srv.Username, Password: srv.Password,
		From: "Handoff Bridge <bridge@example.com>", To: []string{"ops@example.com", "lead@example.com"},
		Link: func(n bridge.Notification) string {
			return bridge.HandoffLink("https://chat.example.com", n.Handoff)
		},
		Clock: clock,
	}
}

func newNotifier(t *testing.T, cfg email.Options) *email.Notifier {
	t.Helper()
	n, err := email.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func event(kind bridge.HandoffEventKind, handoff bridge.HandoffID, at time.Time) bridge.Notification {
	return bridge.Notification{
		ID: "email-ops-" + handoff.String() + "-" + string(kind), Event: kind, At: at, Handoff: handoff,
		Team: "support", State: bridge.StatePending, Priority: bridge.PriorityNormal, Trigger: "human",
		Reason: "asked for a human", Channel: bridge.ChannelWeb, UserName: "Zoë <script>alert(1)</script>",
		Context: bridge.UserContext{PageURL: "https://www.example.com/pricing?a=1&b=2"},
	}
}

// parts reads a received message's body as a mail reader does.
func parts(t *testing.T, m emailfake.Message) map[string]string {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(m.Raw)))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	out := map[string]string{}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p) // quoted-printable is decoded by NextPart
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[ct] = string(b)
	}
	return out
}

func TestNotifySendsOneMultipartMessagePerEvent(t *testing.T) {
	for _, tt := range []struct {
		name     string
		implicit bool
		mode     email.TLSMode
	}{
		{"STARTTLS", false, email.STARTTLS},
		{"implicit TLS", true, email.ImplicitTLS},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.implicit)
			clock := bridgetest.NewClock(t0)
			n := newNotifier(t, configFor(srv, tt.mode, clock))
			ev := event(bridge.EventRequested, 42, t0)
			for range 2 { // the outbox may deliver twice: same Message-ID
				if err := n.Notify(t.Context(), ev); err != nil {
					t.Fatalf("Notify: %v", err)
				}
			}
			got := srv.Messages()
			if len(got) != 2 {
				t.Fatalf("server got %d messages; want 2", len(got))
			}
			m := got[0]
			h := m.Header
			if m.From != "bridge@example.com" || strings.Join(m.To, ",") != "ops@example.com,lead@example.com" {
				t.Errorf("envelope from %q to %v", m.From, m.To)
			}
			subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
			if err != nil || subject != "[support] New handoff request: Zoë <script>alert(1)</script> on web (#42)" {
				t.Errorf("Subject = %q (%v)", subject, err)
			}
			if date, err := h.Date(); err != nil || !date.Equal(t0) {
				t.Errorf("Date = %q (%v); want %v", h.Get("Date"), err, t0)
			}
			if id := h.Get("Message-ID"); id != "<email-ops-42-handoff.requested@example.com>" || got[1].Header.Get("Message-ID") != id {
				t.Errorf("Message-ID = %q then %q; want one stable id", id, got[1].Header.Get("Message-ID"))
			}
			for k, want := range map[string]string{"MIME-Version": "1.0", "From": `"Handoff Bridge" <bridge@example.com>`, "To": "<ops@example.com>, <lead@example.com>", "Auto-Submitted": "auto-generated"} {
				if h.Get(k) != want {
					t.Errorf("%s = %q; want %q", k, h.Get(k), want)
				}
			}
			p := parts(t, m)
			link := "https://chat.example.com/handoffs/42"
			if text := p["text/plain"]; !strings.Contains(text, "Open the conversation: "+link) || !strings.Contains(text, "Zoë <script>") || !strings.Contains(text, "Page:      https://www.example.com/pricing?a=1&b=2") {
				t.Errorf("text part:\n%s", text)
			}
			html := p["text/html"]
			if !strings.Contains(html, `<a href="`+link+`">Open the conversation</a>`) {
				t.Errorf("html part lacks the link:\n%s", html)
			}
			if strings.Contains(html, "<script>") || !strings.Contains(html, "Zoë &lt;script&gt;") {
				t.Errorf("html part does not escape the user's name:\n%s", html)
			}
		})
	}
}

func TestNotifyAuthFailureIsClearAndPausesRetries(t *testing.T) {
	srv := startServer(t, false)
	clock := bridgetest.NewClock(t0)
	cfg := configFor(srv, email.STARTTLS, clock)
	cfg.Password = "wrong"
	n := newNotifier(t, cfg)
	err := n.Notify(t.Context(), event(bridge.EventRequested, 1, t0))
	var retry *bridge.RetryAfterError
	if !errors.As(err, &retry) || retry.After != email.DefaultConfigPause {
		t.Fatalf("auth failure: %v; want a retry in %v", err, email.DefaultConfigPause)
	}
	if !strings.Contains(err.Error(), "authentication failed") || !strings.Contains(err.Error(), "535") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("error %q should name the failure and the 535, not the password", err)
	}
	// Other events do not hammer the server meanwhile.
	clock.Advance(time.Minute)
	err = n.Notify(t.Context(), event(bridge.EventRequested, 2, t0))
	if !errors.As(err, &retry) || retry.After != email.DefaultConfigPause-time.Minute || srv.AuthAttempts() != 1 {
		t.Fatalf("during the pause: %v after %d auth attempts; want a retry in 14m and no new attempt", err, srv.AuthAttempts())
	}
	clock.Advance(email.DefaultConfigPause)
	if err := n.Notify(t.Context(), event(bridge.EventRequested, 2, t0)); err == nil || srv.AuthAttempts() != 2 {
		t.Fatalf("after the pause: %v, %d attempts; want one more attempt", err, srv.AuthAttempts())
	}
	if len(srv.Messages()) != 0 {
		t.Error("a message went through without a login")
	}
}

func TestNotifyBadTLSIsClear(t *testing.T) {
	tests := []struct {
		name     string
		implicit bool
		mode     email.TLSMode
		trust    bool
		want     string
	}{
		{"untrusted certificate", false, email.STARTTLS, false, "certificate"},
		{"implicit TLS against a STARTTLS port", false, email.ImplicitTLS, true, "TLS with"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.implicit)
			cfg := configFor(srv, tt.mode, bridgetest.NewClock(t0))
			cfg.Timeout = 5 * time.Second
			if !tt.trust {
				cfg.TLSConfig = nil
			}
			err := newNotifier(t, cfg).Notify(t.Context(), event(bridge.EventRequested, 1, t0))
			var retry *bridge.RetryAfterError
			if !errors.As(err, &retry) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want a paused retry mentioning %q", err, tt.want)
			}
			if srv.AuthAttempts() != 0 || len(srv.Messages()) != 0 {
				t.Error("credentials or mail went over a connection that failed TLS")
			}
		})
	}
	t.Run("STARTTLS against an implicit TLS port", func(t *testing.T) {
		// Both ends wait for the other to speak first: only the timeout
		// can tell, and the error says what to check.
		srv := startServer(t, true)
		cfg := configFor(srv, email.STARTTLS, bridgetest.NewClock(t0))
		cfg.Timeout = 300 * time.Millisecond
		err := newNotifier(t, cfg).Notify(t.Context(), event(bridge.EventRequested, 1, t0))
		if err == nil || !strings.Contains(err.Error(), "set tls: implicit") {
			t.Fatalf("err = %v; want a hint about implicit TLS", err)
		}
	})
}

func TestNotifyBatchesABurstIntoADigest(t *testing.T) {
	srv := startServer(t, false)
	clock := bridgetest.NewClock(t0)
	cfg := configFor(srv, email.STARTTLS, clock)
	cfg.DigestThreshold, cfg.DigestWindow = 2, time.Minute
	n := newNotifier(t, cfg)
	ctx := t.Context()
	var events []bridge.Notification
	for i := range 5 {
		events = append(events, event(bridge.EventRequested, bridge.HandoffID(i+1), t0.Add(time.Duration(i)*time.Second)))
	}
	for i, ev := range events {
		err := n.Notify(ctx, ev)
		var retry *bridge.RetryAfterError
		switch {
		case i < 2 && err != nil:
			t.Fatalf("event %d within the threshold: %v", i, err)
		case i >= 2 && (!errors.As(err, &retry) || retry.After != time.Minute):
			t.Fatalf("event %d past the threshold: %v; want held for a minute", i, err)
		}
	}
	if got := len(srv.Messages()); got != 2 {
		t.Fatalf("%d messages before the window ends; want 2", got)
	}
	clock.Advance(time.Minute)
	// The held events come back from the outbox: the first sends the
	// digest, the others are already in it.
	for i, ev := range events[2:] {
		if err := n.Notify(ctx, ev); err != nil {
			t.Fatalf("held event %d: %v", i+2, err)
		}
	}
	got := srv.Messages()
	if len(got) != 3 {
		t.Fatalf("%d messages; want 2 single ones and 1 digest", len(got))
	}
	digest := got[2]
	if s := digest.Header.Get("Subject"); s != "3 handoff events" {
		t.Errorf("digest subject %q", s)
	}
	text := parts(t, digest)["text/plain"]
	for _, id := range []string{"#3", "#4", "#5", "/handoffs/5"} {
		if !strings.Contains(text, id) {
			t.Errorf("digest lacks %s:\n%s", id, text)
		}
	}
	if strings.Contains(text, "(#1)") {
		t.Errorf("digest repeats an event sent alone:\n%s", text)
	}
	// A new window: events go out one by one again.
	if err := n.Notify(ctx, event(bridge.EventJoined, 9, clock.Now())); err != nil || len(srv.Messages()) != 4 {
		t.Fatalf("after the digest: %v, %d messages", err, len(srv.Messages()))
	}
}

func TestNotifyStopsOnCancel(t *testing.T) {
	srv := startServer(t, false)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := newNotifier(t, configFor(srv, email.STARTTLS, nil)).Notify(ctx, event(bridge.EventRequested, 1, t0))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Notify = %v", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	ok := email.Options{Addr: "smtp.example.com:587", From: "b@example.com", To: []string{"o@example.com"}}
	tests := []struct {
		name   string
		mutate func(*email.Options)
		want   string
	}{
		{"no port", func(c *email.Options) { c.Addr = "smtp.example.com" }, "host:port"},
		{"login without TLS", func(c *email.Options) { c.TLS, c.Username, c.Password = email.NoTLS, "u", "p" }, "needs TLS"},
		{"unknown tls", func(c *email.Options) { c.TLS = "ssl" }, "unknown TLS mode"},
		{"username without password", func(c *email.Options) { c.Username = "u" }, "password is empty"},
		{"bad sender", func(c *email.Options) { c.From = "nobody" }, "sender"},
		{"no recipients", func(c *email.Options) { c.To = nil }, "no recipients"},
		{"digest without window", func(c *email.Options) { c.DigestThreshold = 3 }, "window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mutate(&c)
			if _, err := email.New(c); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v; want an error about %q", err, tt.want)
			}
		})
	}
	if _, err := email.New(ok); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
}

func TestParseTemplatesCatchesErrorsAtCheckTime(t *testing.T) {
	tests := []struct {
		name                string
		subject, text, html string
		want                string // "" means valid
	}{
		{"defaults", "", "", "", ""},
		{"custom and valid", "{{.Event}} #{{.Handoff}}", "{{.Title}} {{.Link}}{{with .Lead}} {{.Email}}{{end}}", "<p>{{.UserName}}</p>", ""},
		{"syntax error", "{{.Event", "", "", "subject template"},
		{"misspelt field", "", "{{.Usrname}}", "", "text template"},
		{"lead used without with", "", "", "<p>{{.Lead.Name}}</p>", "html template"},
		{"unknown function", "{{upper .Team}}", "", "", "subject template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := email.ParseTemplates(tt.subject, tt.text, tt.html)
			if tt.want == "" && err != nil {
				t.Fatalf("valid templates refused: %v", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("ParseTemplates = %v; want an error naming the %s", err, tt.want)
			}
		})
	}
}
