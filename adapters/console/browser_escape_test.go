package console

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/internal/browsertest"
)

// TestBrowserLeadShowsAsText: in a real chromium, the "Lead captured" line
// and the bot's thanks show the lead the user typed as text: the timeline
// has no link.
func TestBrowserLeadShowsAsText(t *testing.T) {
	b := browsertest.Start(t)
	w := newWorld(t)
	w.withClosedLeadForm()
	ctx := b.NewContext()
	poll := pollFor
	if err := chromedp.Do(ctx,
		chromedp.Navigate(w.srv.URL+Prefix),
		chromedp.WaitVisible("#login-token"),
		chromedp.SetValue("#login-token", anaToken),
		chromedp.Click("#login-submit"),
		poll("the live connection", `document.querySelector("#conn-state").textContent === "live"`),
	); err != nil {
		t.Fatalf("log in: %v", err)
	}

	id := w.submitPhishingLead("u1")
	w.waitText("u1", "Thank you")
	row := strconv.Quote(`.handoff-item[data-id="` + id + `"]`)
	wantLine := strconv.Quote(`Lead captured: ` + phishName + `, mallory@example.com: "` + phishMessage + `"`)
	wantThanks := strconv.Quote("Thank you, " + phishName + ".")
	if err := chromedp.Do(ctx,
		poll("the handoff's row, clicked", `(() => { const el = document.querySelector(`+row+`); if (!el) return false; el.click(); return true })()`),
		poll("the lead line and the thanks", `document.querySelector("#timeline").textContent.includes(`+wantLine+`) && document.querySelector("#timeline").textContent.includes(`+wantThanks+`)`),
	); err != nil {
		t.Fatal(err)
	}
	links, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#timeline a, #timeline strong, #timeline b").length`))
	if err != nil || links != 0 {
		t.Fatalf("the timeline has %d links or bold elements (%v), want none", links, err)
	}
}
