package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// newPageEnv runs the bridge (real engine over SQLite, echo AI, system
// clock) and a shop page on another origin that embeds the widget with the
// given data- attributes, as a customer's site does. It returns the page's
// URL.
func newPageEnv(t *testing.T, attrs string) (*env, string) {
	t.Helper()
	e := newEnvWith(t, echoAI(), bridge.SystemClock{}, func(o *web.Options) { o.AllowedOrigins = []string{"*"}; o.SessionBurst = 20 })
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8">`+
			`<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>`+
			`<body><h1>Shop</h1><p>Our products.</p><script src="%s/widget.js" %s></script></body></html>`, e.srv.URL, attrs)
	}))
	t.Cleanup(page.Close)
	return e, page.URL
}

// openPage loads the page and waits until the widget is connected.
func openPage(ctx context.Context, t *testing.T, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	waitJS(ctx, t, "the widget connected", `!!document.querySelector('#handoff-widget') && `+inWidget(".status")+`.textContent === ''`)
}

func evalJS[T any](ctx context.Context, t *testing.T, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func press(ctx context.Context, t *testing.T, key string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(key)); err != nil {
		t.Fatalf("press %q: %v", key, err)
	}
}

// focusedInWidget is a JS expression true when the widget's focused node
// matches selector.
func focusedInWidget(selector string) string {
	return `(() => { const a = document.querySelector('#handoff-widget').shadowRoot.activeElement; return !!a && a.matches(` + jsString(selector) + `); })()`
}

// saveDocsScreenshot writes a screenshot for the docs when
// BRIDGE_DOCS_SCREENSHOTS=1 (and keeps it in the test's temp dir otherwise).
func saveDocsScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := t.TempDir()
	if os.Getenv("BRIDGE_DOCS_SCREENSHOTS") == "1" {
		dir = filepath.Join("..", "..", "docs")
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("save screenshot: %v", err)
	}
	t.Logf("screenshot %s", path)
}

// On a phone-sized screen (375×667) the open panel covers the whole
// viewport, the launcher gets out of the way, the greeting from
// data-greeting is the first bubble, and the header's close button closes
// the panel and gives the focus back to the launcher.
func TestBrowserWidgetFillsPhoneScreen(t *testing.T) {
	ctx := newBrowser(t)
	_, url := newPageEnv(t, `data-lang="en" data-title="Shop support" data-greeting="Hello from the shop!"`)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatalf("emulate a phone: %v", err)
	}
	openPage(ctx, t, url)
	if open := evalJS[bool](ctx, t, inWidget(".panel")+`.getBoundingClientRect().width > 0`); open {
		t.Fatal("the panel is shown before the launcher is pressed")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(inWidget(".launcher")))); err != nil {
		t.Fatalf("press the launcher: %v", err)
	}
	waitJS(ctx, t, "the panel open", inWidget(".panel")+`.classList.contains('open')`)

	box := evalJS[map[string]float64](ctx, t, `(() => { const r = `+inWidget(".panel")+`.getBoundingClientRect();
		return {x: r.x, y: r.y, w: r.width, h: r.height, vw: window.innerWidth, vh: window.innerHeight}; })()`)
	if box["vw"] != 375 || box["vh"] != 667 {
		t.Fatalf("viewport %vx%v, want the emulated 375x667", box["vw"], box["vh"])
	}
	if box["x"] != 0 || box["y"] != 0 || box["w"] != 375 || box["h"] != 667 {
		t.Errorf("open panel at (%v,%v) %vx%v, want the whole 375x667 viewport", box["x"], box["y"], box["w"], box["h"])
	}
	if shown := evalJS[string](ctx, t, `getComputedStyle(`+inWidget(".launcher")+`).display`); shown != "none" {
		t.Errorf("launcher display %q while the panel fills the screen, want none (it would cover the send button)", shown)
	}
	if first := evalJS[string](ctx, t, inWidget(".log .msg")+`.textContent`); first != "Hello from the shop!" {
		t.Errorf("first bubble %q, want the data-greeting", first)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveDocsScreenshot(t, "widget-phone.png", png)

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(inWidget(".head .close")))); err != nil {
		t.Fatalf("press the close button: %v", err)
	}
	waitJS(ctx, t, "the panel closed", `!`+inWidget(".panel")+`.classList.contains('open')`)
	waitJS(ctx, t, "the focus back on the launcher", focusedInWidget(".launcher"))
	if shown := evalJS[string](ctx, t, `getComputedStyle(`+inWidget(".launcher")+`).display`); shown == "none" {
		t.Error("launcher hidden after the panel closed")
	}
}

// A keyboard user opens the widget with Enter on the launcher, asks for a
// human and closes it with Esc (the focus returns to the launcher). While
// it is closed the agent joins and answers: the launcher shows an unread
// badge with the count of new messages, the live region reads the reply
// out, and the reply carries the agent's name, initials and time. Opening
// the panel clears the badge.
func TestBrowserWidgetUnreadBadgeLiveRegionAndKeyboard(t *testing.T) {
	ctx := newBrowser(t)
	e, url := newPageEnv(t, `data-lang="en"`)
	openPage(ctx, t, url)

	live := evalJS[map[string]string](ctx, t, `(() => { const l = `+inWidget(".live")+`; return l ? {live: l.getAttribute('aria-live'), role: l.getAttribute('role')} : {}; })()`)
	if live["live"] != "polite" || live["role"] != "status" {
		t.Fatalf("live region = %v, want role=status aria-live=polite", live)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.JSPath(inWidget(".launcher")))); err != nil {
		t.Fatalf("focus the launcher: %v", err)
	}
	press(ctx, t, kb.Enter)
	waitJS(ctx, t, "the panel opened from the keyboard", inWidget(".panel")+`.classList.contains('open') && `+focusedInWidget("textarea"))
	press(ctx, t, "talk to a human"+kb.Enter)
	waitJS(ctx, t, "the waiting state", inWidget(".status")+`.textContent.includes('Waiting for a member of our team')`)

	press(ctx, t, kb.Escape)
	waitJS(ctx, t, "Esc closed the panel", `!`+inWidget(".panel")+`.classList.contains('open')`)
	waitJS(ctx, t, "the focus back on the launcher", focusedInWidget(".launcher"))
	lastSeen := evalJS[int](ctx, t, `Math.max(0, ...[...`+inWidget(".log")+`.querySelectorAll('.msg[data-id]')].map(m => Number(m.dataset.id)))`)
	if hidden := evalJS[bool](ctx, t, inWidget(".badge")+`.hidden`); !hidden {
		t.Error("unread badge shown before anything new arrived")
	}

	ops, err := e.ws.WaitFor(e.ctx, "thread", func(ops []bridgetest.ThreadOp) bool { return bridgetest.CountKind(ops, "post") > 0 })
	if err != nil {
		t.Fatal(err)
	}
	thread := ops[0].Thread
	e.agent(bridge.AgentAction{Agent: anaRef, ThreadID: thread, Action: bridge.ActJoin})
	e.agent(bridge.AgentMessage{Agent: anaRef, ThreadID: thread, PlatformID: "m1", Text: "Here to **help**, what is the order number?"})
	waitJS(ctx, t, "the agent's reply", inWidget(".msg.agent")+` !== null`)
	waitJS(ctx, t, "the live region reading the reply", inWidget(".live")+`.textContent === 'Ana: Here to help, what is the order number?'`)

	newMsgs := evalJS[int](ctx, t, `[...`+inWidget(".log")+`.querySelectorAll('.msg[data-id]')].filter(m => Number(m.dataset.id) > `+
		strconv.Itoa(lastSeen)+` && m.dataset.role !== 'user').length`)
	if newMsgs < 2 {
		t.Fatalf("%d new messages after closing, want the join notice and the reply", newMsgs)
	}
	want := strconv.Itoa(newMsgs)
	waitJS(ctx, t, "the unread badge", `!`+inWidget(".badge")+`.hidden && `+inWidget(".badge")+`.textContent === `+jsString(want)+
		` && getComputedStyle(`+inWidget(".badge")+`).display !== 'none'`)
	if label := evalJS[string](ctx, t, inWidget(".launcher")+`.getAttribute('aria-label')`); label != "Open chat, "+want+" unread" {
		t.Errorf("launcher label %q, want it to say %s unread", label, want)
	}

	reply := evalJS[map[string]string](ctx, t, `(() => { const m = `+inWidget(".msg.agent")+`;
		return {avatar: m.querySelector('.avatar').textContent, author: m.querySelector('.author').textContent,
			at: m.querySelector('time').dateTime, shown: m.querySelector('time').textContent}; })()`)
	if reply["avatar"] != "A" || reply["author"] != "Ana" {
		t.Errorf("reply byline %q %q, want initials A and the name Ana", reply["avatar"], reply["author"])
	}
	at, err := time.Parse(time.RFC3339, reply["at"])
	if err != nil || time.Since(at).Abs() > 2*time.Minute || reply["shown"] == "" {
		t.Errorf("reply time %q shown as %q (%v), want now", reply["at"], reply["shown"], err)
	}

	press(ctx, t, kb.Enter) // the focus is still on the launcher
	waitJS(ctx, t, "the panel open again", inWidget(".panel")+`.classList.contains('open')`)
	waitJS(ctx, t, "the badge cleared", inWidget(".badge")+`.hidden && `+inWidget(".launcher")+`.getAttribute('aria-label') === 'Close chat'`)
	e.agent(bridge.AgentMessage{Agent: anaRef, ThreadID: thread, PlatformID: "m2", Text: "Thanks!"})
	waitJS(ctx, t, "the next reply read out", inWidget(".live")+`.textContent === 'Ana: Thanks!'`)
	if hidden := evalJS[bool](ctx, t, inWidget(".badge")+`.hidden`); !hidden {
		t.Error("a message read while the panel is open counted as unread")
	}
}

// data-lang picks the widget's own texts; the greeting follows it unless
// data-greeting is set. French also for the waiting line.
func TestBrowserWidgetLanguages(t *testing.T) {
	ctx := newBrowser(t)
	for _, tc := range []struct{ lang, greeting, placeholder, title, close string }{
		{"en", "Hi! How can we help you today?", "Type a message…", "Chat with us", "Close chat"},
		{"fr", "Bonjour ! Comment pouvons-nous vous aider ?", "Écrivez un message…", "Discutons", "Fermer le chat"},
		{"es", "¡Hola! ¿En qué podemos ayudarte?", "Escribe un mensaje…", "Chatea con nosotros", "Cerrar chat"},
		{"de", "Hallo! Wie können wir Ihnen helfen?", "Nachricht eingeben…", "Chatten Sie mit uns", "Chat schließen"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			_, url := newPageEnv(t, `data-open="true" data-lang="`+tc.lang+`"`)
			openPage(ctx, t, url)
			got := evalJS[map[string]string](ctx, t, `({greeting: `+inWidget(".log .msg")+`.textContent, placeholder: `+inWidget("textarea")+`.placeholder,
				title: `+inWidget(".title")+`.textContent, close: `+inWidget(".head .close")+`.getAttribute('aria-label'),
				launcher: `+inWidget(".launcher")+`.getAttribute('aria-label')})`)
			want := map[string]string{"greeting": tc.greeting, "placeholder": tc.placeholder, "title": tc.title, "close": tc.close, "launcher": tc.close}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s = %q, want %q", k, got[k], w)
				}
			}
			if tc.lang != "fr" {
				return
			}
			if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.JSPath(inWidget("textarea")), "talk to a human\r")); err != nil {
				t.Fatal(err)
			}
			waitJS(ctx, t, "the waiting line in French", inWidget(".status")+`.textContent.includes("En attente d'un membre de notre équipe")`)
		})
	}
	t.Run("no greeting", func(t *testing.T) {
		_, url := newPageEnv(t, `data-open="true" data-greeting=""`)
		openPage(ctx, t, url)
		if n := evalJS[int](ctx, t, inWidget(".log")+`.querySelectorAll('.msg').length`); n != 0 {
			t.Errorf("%d bubbles with data-greeting=\"\", want none", n)
		}
	})
}
