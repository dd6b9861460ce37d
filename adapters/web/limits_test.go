package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
)

func TestOriginAllowList(t *testing.T) {
	e := newEnv(t, func(o *web.Options) { o.AllowedOrigins = []string{"https://shop.example.com"} })
	tests := []struct {
		name   string
		origin string
		ok     bool
	}{
		{"allowed site", "https://shop.example.com", true},
		{"the bridge's own page", e.srv.URL, true},
		{"not a browser (no origin)", "", true},
		{"other site", "https://evil.example", false},
		{"allowed host, wrong scheme", "http://shop.example.com", false},
		{"lookalike host", "https://shop.example.com.evil.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := webfake.Dial(e.ctx, e.url, webfake.Options{Origin: tt.origin})
			if tt.ok {
				if err != nil {
					t.Fatalf("dial from %q: %v", tt.origin, err)
				}
				defer c.Drop()
				if _, err := c.WaitFor(e.ctx, "welcome", hasType("welcome")); err != nil {
					t.Fatal(err)
				}
				return
			}
			var he *webfake.HandshakeError
			if !errors.As(err, &he) || he.Status != http.StatusForbidden {
				t.Fatalf("dial from %q = %v, want a 403 refusal", tt.origin, err)
			}
		})
	}
	t.Run("script embed", func(t *testing.T) {
		for referer, want := range map[string]int{
			"https://shop.example.com/products/1": http.StatusOK,
			"https://evil.example/page":           http.StatusForbidden,
			"":                                    http.StatusOK,
		} {
			req, _ := http.NewRequestWithContext(e.ctx, "GET", e.srv.URL+"/widget.js", nil)
			if referer != "" {
				req.Header.Set("Referer", referer)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("widget.js from %q: %d, want %d", referer, resp.StatusCode, want)
			}
		}
	})
}

func TestMalformedFramesCloseOnlyThatSocket(t *testing.T) {
	tests := []struct {
		name   string
		send   func(*webfake.Client) error
		status websocket.StatusCode
		reason string
	}{
		{"not JSON", raw(`hello there`), websocket.StatusPolicyViolation, "not a JSON object"},
		{"unknown type", raw(`{"type":"explode"}`), websocket.StatusPolicyViolation, "unknown frame type"},
		{"unknown field", raw(`{"type":"message","text":"x","admin":true}`), websocket.StatusPolicyViolation, "unknown field"},
		{"two objects", raw(`{"type":"typing"}{"type":"typing"}`), websocket.StatusPolicyViolation, "trailing data"},
		{"bad client id", raw(`{"type":"message","client_id":"<img>","text":"x"}`), websocket.StatusPolicyViolation, "client_id"},
		{"unknown choice", raw(`{"type":"choice","choice":"admin.grant"}`), websocket.StatusPolicyViolation, "unknown choice"},
		{"second hello", raw(`{"type":"hello"}`), websocket.StatusPolicyViolation, "hello sent twice"},
		{"binary frame", func(c *webfake.Client) error { return c.SendBinary(t.Context(), []byte{1, 2}) }, websocket.StatusUnsupportedData, "JSON text"},
		{"frame over the size limit", raw(`{"type":"message","text":"` + strings.Repeat("a", 6*100+5000) + `"}`), websocket.StatusMessageTooBig, ""},
	}
	e := newEnv(t, func(o *web.Options) { o.MaxMessageBytes = 100 })
	bystander := e.dial(webfake.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.dial(webfake.Options{})
			if err := tt.send(c); err != nil {
				t.Fatal(err)
			}
			code, reason, err := c.WaitClosed(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if code != tt.status || !strings.Contains(reason, tt.reason) {
				t.Errorf("closed with %d %q, want %d containing %q", code, reason, tt.status, tt.reason)
			}
		})
	}
	// The other session never noticed.
	if _, err := bystander.Say(e.ctx, "still here?"); err != nil {
		t.Fatal(err)
	}
	if _, err := bystander.WaitFor(e.ctx, "answer", hasMessage(textIs("You said: still here?"))); err != nil {
		t.Fatal(err)
	}
}

func TestHelloIsRequired(t *testing.T) {
	e := newEnv(t)
	c, err := webfake.Dial(e.ctx, e.url, webfake.Options{SkipHello: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SayAs(e.ctx, "x", "hi"); err != nil {
		t.Fatal(err)
	}
	code, reason, err := c.WaitClosed(e.ctx)
	if err != nil || code != websocket.StatusPolicyViolation || !strings.Contains(reason, "hello") {
		t.Errorf("closed with %d %q %v, want a policy violation naming hello", code, reason, err)
	}
}

// A message over max_message_bytes (but in a sane frame) is refused
// politely; the socket stays.
func TestTooLongMessageIsRefusedPolitely(t *testing.T) {
	e := newEnv(t, func(o *web.Options) { o.MaxMessageBytes = 100 })
	c := e.dial(webfake.Options{})
	id, err := c.Say(e.ctx, strings.Repeat("é", 51)) // 102 bytes
	if err != nil {
		t.Fatal(err)
	}
	frames, err := c.WaitFor(e.ctx, "too long error", hasType("error"))
	if err != nil {
		t.Fatal(err)
	}
	f := frames[len(frames)-1]
	if f.Code != "too_long" || f.ClientID != id || !strings.Contains(f.Text, "100") {
		t.Errorf("error frame = %+v", f)
	}
	if _, err := c.Say(e.ctx, "short"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitFor(e.ctx, "answer", hasMessage(textIs("You said: short"))); err != nil {
		t.Fatal(err)
	}
}

func TestRateLimits(t *testing.T) {
	t.Run("per session", func(t *testing.T) {
		e := newEnv(t, func(o *web.Options) { o.SessionRate, o.SessionBurst = 1, 2 })
		c := e.dial(webfake.Options{})
		for _, text := range []string{"one", "two"} {
			if _, err := c.Say(e.ctx, text); err != nil {
				t.Fatal(err)
			}
			if _, err := c.WaitFor(e.ctx, text, hasMessage(textIs("You said: "+text))); err != nil {
				t.Fatal(err)
			}
		}
		id, _ := c.Say(e.ctx, "three")
		frames, err := c.WaitFor(e.ctx, "rate limited", hasType("error"))
		if err != nil {
			t.Fatal(err)
		}
		f := frames[len(frames)-1]
		if f.Code != "rate_limited" || f.ClientID != id || f.RetryAfterMS <= 0 {
			t.Fatalf("error frame = %+v, want rate_limited for %s with a retry delay", f, id)
		}
		// The widget resends after the delay, with the same id: accepted.
		e.clock.Advance(time.Duration(f.RetryAfterMS) * time.Millisecond)
		if err := c.SayAs(e.ctx, id, "three"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitFor(e.ctx, "three answered", hasMessage(textIs("You said: three"))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("per IP across sessions", func(t *testing.T) {
		e := newEnv(t, func(o *web.Options) { o.IPRate, o.IPBurst = 1, 3 })
		var errs int
		for i := range 4 {
			c := e.dial(webfake.Options{})
			if _, err := c.Say(e.ctx, "hi"); err != nil {
				t.Fatal(err)
			}
			frames, err := c.WaitFor(e.ctx, "answer or refusal", func(fs []webfake.Frame) bool {
				return hasType("error")(fs) || hasMessage(textIs("You said: hi"))(fs)
			})
			if err != nil {
				t.Fatal(err)
			}
			if hasType("error")(frames) {
				errs++
				if i < 3 {
					t.Errorf("session %d refused within the IP's burst", i)
				}
			}
		}
		if errs != 1 {
			t.Errorf("%d sessions refused, want the 4th only", errs)
		}
	})
}

func raw(s string) func(*webfake.Client) error {
	return func(c *webfake.Client) error { return c.SendRaw(context.Background(), []byte(s)) }
}
