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

// pollFor waits until expr is true in the page, or fails naming what.
func pollFor(what, expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(15*time.Second))(ctx, tg)
		if err != nil {
			return fmt.Errorf("waiting for %s (%s): %w", what, expr, err)
		}
		return nil
	})
}

// TestBrowserCardSummary: the handoff's card in the console shows the
// summary above the context, line by line, the user's words as text.
func TestBrowserCardSummary(t *testing.T) {
	b := browsertest.Start(t)
	w := newWorld(t)
	ctx := b.NewContext()
	w.userSays("u1", "u1-a", "my <b>parcel</b> 42 never arrived")
	id := w.userSays("u1", "u1-h", "talk to a human").Handoff.String()
	want := "User: “my <b>parcel</b> 42 never arrived”\nUser: “talk to a human”"
	if err := chromedp.Do(ctx,
		chromedp.Navigate(w.srv.URL+HandoffPath(id)),
		chromedp.WaitVisible("#login-token"),
		chromedp.SetValue("#login-token", anaToken),
		chromedp.Click("#login-submit"),
		pollFor("the summary", `(() => { const s = document.querySelector("#d-summary");
			return !s.hidden && s.textContent.startsWith("Reason: ") && s.textContent.endsWith(`+strconv.Quote(want)+`)
				&& s.querySelector("b") === null && s.getClientRects().length > 0 })()`),
	); err != nil {
		t.Fatal(err)
	}
	lines, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => { const s = document.querySelector("#d-summary");
		return Math.round(s.getBoundingClientRect().height / parseFloat(getComputedStyle(s).lineHeight)) })()`))
	if err != nil || lines < 3 {
		t.Fatalf("the summary shows on %d lines (%v), want one per line of it", lines, err)
	}
}
