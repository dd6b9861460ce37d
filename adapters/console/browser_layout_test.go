package console

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/browsertest"
)

const firefoxOnLinux = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"

// TestBrowserConsoleLongHistoryAndAdminResolve: with a long conversation
// (100 user messages and their answers) the composer stays inside the
// viewport and only the history scrolls; the admin sees the browser as
// browser and OS, resolves the pending request (the only button the engine
// allows her besides Join and Reject), the buttons then look disabled,
// and a reload while handoff.enabled is false shows the banner.
func TestBrowserConsoleLongHistoryAndAdminResolve(t *testing.T) {
	b := browsertest.Start(t)
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(b.NewContext(), 120*time.Second)
	defer cancel()
	js := func(what, expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx2 context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](expr, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(45*time.Second))(ctx2, tg)
			if err != nil {
				return fmt.Errorf("waiting for %s (%s): %w", what, expr, err)
			}
			return nil
		})
	}
	click := func(sel string) chromedp.Action[chromedp.Void] {
		return js("clicking "+sel, `(() => { const el = document.querySelector(`+strconv.Quote(sel)+`); if (!el || el.disabled) return false; el.click(); return true })()`)
	}
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	say := func(id, text string) bridge.Outcome {
		t.Helper()
		out, err := w.engine.Handle(w.ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "u1"},
			User: bridge.User{DisplayName: "Uma"}, PlatformID: id, Text: text, Context: bridge.UserContext{UserAgent: firefoxOnLinux}})
		if err != nil {
			t.Fatalf("user says %q: %v", text, err)
		}
		return out
	}
	for i := range 100 {
		say(fmt.Sprint("m", i), fmt.Sprintf("Question number %d about my order", i))
	}
	id := say("h", "talk to a human").Handoff.String()

	step("log in as the admin",
		chromedp.Navigate(w.srv.URL+Prefix+"#handoff-"+id),
		chromedp.WaitVisible("#login-token"),
		chromedp.SetValue("#login-token", adminToken),
		chromedp.Click("#login-submit"),
		chromedp.WaitVisible("#detail-body"),
		js("the long history", `document.querySelectorAll("#timeline .entry").length >= 200`),
		js("the browser as browser and OS", `[...document.querySelectorAll("#d-context dd")].some(dd => dd.textContent === "Firefox 121 on Linux")`),
	)
	layout, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => {
		const c = document.querySelector("#composer-form").getBoundingClientRect(), tl = document.querySelector("#timeline");
		return {top: c.top, bottom: c.bottom, height: c.height, viewport: window.innerHeight,
			page: document.scrollingElement.scrollHeight, scrolls: tl.scrollHeight - tl.clientHeight, scrolled: tl.scrollTop};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if layout["height"] <= 0 || layout["top"] < 0 || layout["bottom"] > layout["viewport"] {
		t.Errorf("composer at %v..%v, viewport 0..%v: want it wholly in view", layout["top"], layout["bottom"], layout["viewport"])
	}
	if layout["page"] > layout["viewport"] {
		t.Errorf("the page is %v px tall in a %v px viewport: only the history should scroll", layout["page"], layout["viewport"])
	}
	if layout["scrolls"] <= 0 || layout["scrolled"] < layout["scrolls"]-40 {
		t.Errorf("history scrollable by %v px and scrolled %v: want it scrollable and opened at its end", layout["scrolls"], layout["scrolled"])
	}
	allowed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`["btn-join", "btn-reject", "btn-resolve"].map(id => document.getElementById(id).disabled ? "-" : id).join(" ")`))
	if err != nil || allowed != "btn-join btn-reject btn-resolve" {
		t.Errorf("the admin's buttons on a pending request: %q (%v), want all three enabled", allowed, err)
	}

	step("the admin resolves the pending request", click("#btn-resolve"),
		js("resolved", `document.querySelector("#d-state").textContent.startsWith("resolved")`))
	w.waitText("u1", "has closed this conversation")
	look, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`(() => {
		const j = getComputedStyle(document.getElementById("btn-join")), s = getComputedStyle(document.getElementById("send"));
		return {join: document.getElementById("btn-join").disabled + " " + j.backgroundColor + " " + j.cursor, send: s.backgroundColor};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "true rgb(238, 241, 245) not-allowed"; look["join"] != want {
		t.Errorf("Join on a resolved request: %q, want disabled and grey (%q) beside the blue Send (%s)", look["join"], want, look["send"])
	}

	s := testSettings()
	s.Enabled = false
	w.engine.Apply(s)
	step("the banner after a reload", chromedp.Reload(),
		js("the banner", `!document.querySelector("#module-banner").hidden && document.querySelector("#module-banner").textContent.includes("disabled")`))
}
