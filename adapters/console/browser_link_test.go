package console

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/internal/browsertest"
)

// TestBrowserConsoleOpensTheLinkedHandoff: a handoff's link leads to
// /console#handoff-<id> while its thread is not open (and for console
// teams). Opened before logging in, with a session, and when the fragment
// changes in an open page, the console shows that handoff's conversation;
// the address follows a handoff picked in the list.
func TestBrowserConsoleOpensTheLinkedHandoff(t *testing.T) {
	b := browsertest.Start(t)
	w := newWorld(t)
	ctx := b.NewContext()

	w.userSays("u1", "u1-a", "My parcel never arrived")
	first := w.userSays("u1", "u1-h", "talk to a human").Handoff.String()
	w.userSays("u2", "u2-a", "I was charged twice")
	second := w.userSays("u2", "u2-h", "talk to a human").Handoff.String()

	until := pollFor
	// shows is the detail view of handoff id with the user's words, and
	// not the other user's.
	shows := func(id, words, notWords string) chromedp.Action[chromedp.Void] {
		return until("handoff #"+id+" shown", `document.querySelector("#d-title").textContent.startsWith(`+strconv.Quote("#"+id+" ")+`)
			&& !document.querySelector("#detail-body").hidden
			&& document.querySelector("#timeline").textContent.includes(`+strconv.Quote(words)+`)
			&& !document.querySelector("#timeline").textContent.includes(`+strconv.Quote(notWords)+`)`)
	}
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	step("a link opened before logging in shows its handoff after the login",
		chromedp.Navigate(w.srv.URL+HandoffPath(second)),
		chromedp.WaitVisible("#login-token"),
		chromedp.SendKeys("#login-token", anaToken),
		chromedp.Click("#login-submit"),
		chromedp.WaitVisible("#app-view"),
		shows(second, "I was charged twice", "My parcel never arrived"),
	)
	step("the fragment changing in the open page switches the handoff",
		chromedp.Evaluate[chromedp.Void](`location.hash = "#handoff-`+first+`"`),
		shows(first, "My parcel never arrived", "I was charged twice"),
	)
	step("a link opened with a session shows its handoff on load",
		chromedp.Navigate(w.srv.URL+HandoffPath(second)),
		shows(second, "I was charged twice", "My parcel never arrived"),
	)
	step("picking a handoff in the list puts it in the address",
		until("the row of #"+first+" clicked", `(() => { const el = document.querySelector('.handoff-item[data-id="`+first+`"]'); if (!el) return false; el.click(); return true })()`),
		shows(first, "My parcel never arrived", "I was charged twice"),
		until("the address", `location.hash === "#handoff-`+first+`"`),
	)
}
