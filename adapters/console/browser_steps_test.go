package console

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// until waits for a JavaScript condition on the page to hold, re-checked
// as the page changes.
func until(what, expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(15*time.Second))(ctx, tg)
		if err != nil {
			return fmt.Errorf("waiting for %s (%s): %w", what, expr, err)
		}
		return nil
	})
}

// clickWhenReady finds and clicks an enabled, shown element in one step
// inside the page, which re-renders as updates arrive.
func clickWhenReady(sel string) chromedp.Action[chromedp.Void] {
	return until("clicking "+sel, `(() => { const el = document.querySelector(`+strconv.Quote(sel)+`);
		if (!el || el.disabled || el.closest("[hidden]")) return false; el.click(); return true })()`)
}

// stepper runs named steps in a browser tab, failing the test at the
// first that fails.
func stepper(t *testing.T, ctx context.Context) func(what string, steps ...chromedp.Action[chromedp.Void]) {
	return func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// loginSteps log in with an agent's token.
func loginSteps(baseURL, token string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(baseURL + Prefix),
		chromedp.WaitVisible("#login-token"),
		chromedp.SendKeys("#login-token", token),
		chromedp.Click("#login-submit"),
		chromedp.WaitVisible("#app-view"),
	}
}
