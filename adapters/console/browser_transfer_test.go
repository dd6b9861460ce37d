package console

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/internal/browsertest"
)

// TestBrowserTransfer: the owner picks a colleague in the Transfer list and
// presses Transfer; the page shows the new owner, and the user is told.
func TestBrowserTransfer(t *testing.T) {
	b := browsertest.Start(t)
	w := newWorld(t)
	ctx := b.NewContext()
	until := func(what, expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx2 context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](expr, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(15*time.Second))(ctx2, tg)
			if err != nil {
				return fmt.Errorf("waiting for %s (%s): %w", what, expr, err)
			}
			return nil
		})
	}
	click := func(sel string) chromedp.Action[chromedp.Void] {
		return until("clicking "+sel, `(() => { const el = document.querySelector(`+strconv.Quote(sel)+`); if (!el || el.disabled || el.closest("[hidden]")) return false; el.click(); return true })()`)
	}
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("log in",
		chromedp.Navigate(w.srv.URL+Prefix),
		chromedp.WaitVisible("#login-token"),
		chromedp.SendKeys("#login-token", anaToken),
		chromedp.Click("#login-submit"),
		chromedp.WaitVisible("#app-view"),
	)
	id := w.userSays("u1", "u1-h", "I want to talk to a human").Handoff.String()
	step("open and join",
		click(`.handoff-item[data-id="`+id+`"]`),
		until("the history", `document.querySelector("#timeline").textContent.includes("talk to a human")`),
		until("no transfer while pending", `document.querySelector("#transfer").hidden`),
		click("#btn-join"),
		until("active", `document.querySelector("#d-state").textContent.startsWith("active")`),
	)
	step("transfer to Bob",
		until("Bob in the list", `[...document.querySelectorAll("#transfer-to option")].some(o => o.value === "bob")
			&& [...document.querySelectorAll("#transfer-to option")].some(o => o.textContent === "team sales")`),
		chromedp.SetValue("#transfer-to", "bob"),
		click("#btn-transfer"),
		until("Bob owns it", `document.querySelector("#d-state").textContent === "active · Bob"`),
		until("Ana may no longer transfer it", `document.querySelector("#transfer").hidden`),
	)
	w.waitText("u1", "Bob is now with you")
}
