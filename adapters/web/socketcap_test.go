package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
)

// TestSocketsPerClientAreCapped: behind a trusted proxy, one client
// address gets at most MaxSocketsPerClient sockets; the next is closed
// with a policy violation that says why, while another address still
// connects, and a closed socket frees its slot.
func TestSocketsPerClientAreCapped(t *testing.T) {
	const limit = 3
	e := newEnv(t, func(o *web.Options) {
		o.TrustedProxies = prefixes([]string{"127.0.0.1/32"})
		o.MaxSocketsPerClient = limit
	})
	from := func(ip string) webfake.Options {
		return webfake.Options{Header: http.Header{"X-Forwarded-For": {ip}}}
	}
	var open []*webfake.Client
	for range limit {
		open = append(open, e.dial(from("198.51.100.66")))
	}

	refused := func(ip string) {
		t.Helper()
		c, err := webfake.Dial(e.ctx, e.url, from(ip))
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.Drop()
		ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
		defer cancel()
		code, reason, err := c.WaitClosed(ctx)
		if err != nil || code != websocket.StatusPolicyViolation || !strings.Contains(reason, "too many") || !strings.Contains(reason, "at most 3") {
			t.Fatalf("socket %d from one address: closed with %v %q (%v), want 1008 saying too many, at most 3", limit+1, code, reason, err)
		}
	}
	refused("198.51.100.66")
	e.dial(from("203.0.113.5"))

	// A closed socket gives its slot back once the bridge has seen it go;
	// until then a new one is refused.
	open[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := webfake.Dial(e.ctx, e.url, from("198.51.100.66"))
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		t.Cleanup(c.Drop)
		frames, err := c.WaitFor(e.ctx, "welcome or close", func(fs []webfake.Frame) bool { return len(fs) > 0 })
		if err == nil && frames[0].Type == "welcome" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no slot after a socket closed: %v", err)
		}
	}
}
