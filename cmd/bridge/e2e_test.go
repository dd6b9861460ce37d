package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/internal/browsertest"
)

// syncBuffer is the bridge's log, written by its goroutines and read by
// the test.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed at the next write, for waitFor
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

// waitFor waits until the log contains text, or ctx ends.
func (s *syncBuffer) waitFor(ctx context.Context, text string) error {
	for {
		s.mu.Lock()
		has := strings.Contains(s.b.String(), text)
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		if has {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNewcomerEndToEnd is the README's first run, in a real browser: the
// bridge runs with no config file (the embedded default), a user on the
// demo page asks for a human, the agent logs into the console with the
// token the bridge printed, joins, types (the user sees it), replies in
// Markdown (bold and a safe link in the widget), the user answers (a
// script shows as text in both places), the agent resolves, and the next
// question is answered by the knowledge base. Screenshots go to the test's
// temp dir, and to $BRIDGE_SCREENSHOTS_DIR when set.
func TestNewcomerEndToEnd(t *testing.T) {
	b := browsertest.Start(t)
	dir := t.TempDir()
	t.Setenv("BRIDGE_HTTP_LISTEN", "127.0.0.1:0")
	t.Setenv("BRIDGE_STORE_DSN", filepath.Join(dir, "data", "bridge.db"))
	ctx, cancel := context.WithCancel(t.Context())
	var logs syncBuffer
	addrC := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"run"}, &bytes.Buffer{}, &logs, func(a string) { addrC <- a }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("bridge stopped with %v", err)
		}
	})
	var base string
	select {
	case a := <-addrC:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("bridge exited before listening: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("bridge did not start listening")
	}
	m := regexp.MustCompile(`console login: \S+, token ([A-Za-z0-9_-]{16,})`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("the bridge did not print the console login on first start:\n%s", logs.String())
	}
	token := m[1]
	shots := t.TempDir()

	user, agent := b.NewContext(), b.NewContext()
	wait := func(who context.Context, what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(who, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatalf("waiting for %s (%s): %v", what, expr, err)
		}
	}
	do := func(who context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(who, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	shot := func(who context.Context, name string) {
		t.Helper()
		png, err := chromedp.Run(who, chromedp.CaptureScreenshot())
		if err == nil {
			err = os.WriteFile(filepath.Join(shots, name), png, 0o644)
		}
		if dir := os.Getenv("BRIDGE_SCREENSHOTS_DIR"); err == nil && dir != "" {
			err = os.WriteFile(filepath.Join(dir, "e2e-"+name), png, 0o644)
		}
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
	}
	widget := func(sel string) string {
		return `document.querySelector('#handoff-widget').shadowRoot.querySelector('` + sel + `')`
	}
	widgetLog := func(sel string) string {
		return `[...document.querySelector('#handoff-widget').shadowRoot.querySelectorAll('` + sel + `')]`
	}
	say := func(text string) {
		t.Helper()
		do(user, "the user types "+text, chromedp.SendKeys(chromedp.JSPath(widget("textarea")), text+"\r"))
	}

	do(user, "open the demo page", chromedp.Navigate(base+"/"))
	wait(user, "the widget connected", `!!document.querySelector('#handoff-widget') && `+widget(".status")+`.textContent === ''`)
	say("talk to a human")
	wait(user, "the waiting state", widget(".status")+`.textContent.includes('Waiting')`)

	do(agent, "log into the console", chromedp.Navigate(base+"/console"), chromedp.WaitVisible("#login-token"),
		chromedp.SendKeys("#login-token", token), chromedp.Click("#login-submit"), chromedp.WaitVisible("#app-view"))
	wait(agent, "the pending request", `!!document.querySelector('.handoff-item[data-state="pending"]')`)
	// Elements of the live list and the detail view re-render as updates
	// arrive: find and click them in one step inside the page.
	click := func(sel string) string {
		return `(() => { const el = document.querySelector(` + strconv.Quote(sel) + `); if (!el || el.disabled) return false; el.click(); return true })()`
	}
	wait(agent, "the request opened", click(`.handoff-item[data-state="pending"]`))
	do(agent, "the detail", chromedp.WaitVisible("#detail-body"))
	wait(agent, "join pressed", click("#btn-join"))
	wait(agent, "the active state", `document.querySelector("#d-state").textContent.startsWith("active")`)
	wait(user, "the agent's name", widget(".status")+`.textContent.includes('Admin')`)

	do(agent, "type a reply", chromedp.SendKeys("#composer", "**Happy to help!** Read [the guide](https://example.com/guide)."))
	wait(user, "agent typing", widget(".typing")+`.textContent.includes('typing')`)
	wait(agent, "send pressed", click("#send"))
	wait(user, "the agent's bold reply", widgetLog(".msg.agent strong")+`.some(s => s.textContent === 'Happy to help!')`)
	link, err := chromedp.Run(user, chromedp.Evaluate[string](`(() => { const a = `+widget(".msg.agent a")+`; return a.rel + "|" + a.target + "|" + a.href })()`))
	if err != nil || !strings.Contains(link, "noopener") || !strings.Contains(link, "_blank|https://example.com/guide") {
		t.Fatalf("the agent's link in the widget = %q (%v)", link, err)
	}

	const script = `Thanks! <script>window.pwned=1</script>`
	say(script)
	wait(agent, "the user's reply as text in the console", `document.querySelector("#timeline").textContent.includes(`+"`"+script+"`"+`) && !document.querySelector("#timeline script")`)
	wait(user, "the user's reply as text in the widget", widgetLog(".msg.user")+`.some(m => m.textContent.includes('<script>'))`)
	for who, name := range map[context.Context]string{user: "widget", agent: "console"} {
		pwned, err := chromedp.Run(who, chromedp.Evaluate[bool](`window.pwned === 1`))
		if err != nil || pwned {
			t.Fatalf("the script ran in the %s (%v)", name, err)
		}
	}
	shot(agent, "console.png")
	shot(user, "widget.png")

	wait(agent, "resolve pressed", click("#btn-resolve"))
	wait(agent, "the resolved state", `document.querySelector("#d-state").textContent.startsWith("resolved")`)
	wait(user, "the resolved notice", widgetLog(".msg.system")+`.some(m => m.textContent.includes('closed this conversation'))`)
	say("How do I reset my password?")
	wait(user, "the knowledge base's answer", widgetLog(".msg.ai")+`.some(m => m.textContent.includes('Forgot password?'))`)
	shot(user, "widget-kb.png")
	t.Logf("screenshots in %s", shots)
}
