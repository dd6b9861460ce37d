package console

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/internal/browsertest"
)

// TestBrowserTransfer: the owner picks a colleague in the Transfer list and
// presses Transfer; the page shows the new owner, and the user is told.
func TestBrowserTransfer(t *testing.T) {
	b := browsertest.Start(t)
	w := newWorld(t)
	ctx := b.NewContext()
	step := stepper(t, ctx)
	step("log in", loginSteps(w.srv.URL, anaToken)...)
	id := w.userSays("u1", "u1-h", "I want to talk to a human").Handoff.String()
	step("open and join",
		clickWhenReady(`.handoff-item[data-id="`+id+`"]`),
		until("the history", `document.querySelector("#timeline").textContent.includes("talk to a human")`),
		until("no transfer while pending", `document.querySelector("#transfer").hidden`),
		clickWhenReady("#btn-join"),
		until("active", `document.querySelector("#d-state").textContent.startsWith("active")`),
	)
	step("transfer to Bob",
		until("Bob in the list", `[...document.querySelectorAll("#transfer-to option")].some(o => o.value === "bob")
			&& [...document.querySelectorAll("#transfer-to option")].some(o => o.textContent === "team sales")`),
		chromedp.SetValue("#transfer-to", "bob"),
		clickWhenReady("#btn-transfer"),
		until("Bob owns it", `document.querySelector("#d-state").textContent === "active · Bob"`),
		until("Ana may no longer transfer it", `document.querySelector("#transfer").hidden`),
	)
	w.waitText("u1", "Bob is now with you")
}
