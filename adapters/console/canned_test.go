package console

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/browsertest"
)

// withCannedReplies reloads the world's settings with canned replies for
// support.
func (w *world) withCannedReplies() {
	s := testSettings()
	s.Teams["support"].CannedReplies = []bridge.CannedReply{
		{Name: "hello", Text: "Hi {user_name}, I'm {agent_name} from {team}."},
		{Name: "help", Text: "How can I help?"},
		{Name: "refund", Text: "Refunds take 5 days."},
	}
	w.engine.Apply(s)
}

func TestCannedRepliesFilledForTheAgent(t *testing.T) {
	w := newWorld(t)
	w.withCannedReplies()
	ana := w.loggedIn(anaToken)
	id := w.userSays("u1", "u1-h", "talk to a human").Handoff.String()
	var got cannedResponse
	if code, body := ana.do("GET", "/api/handoffs/"+id+"/canned", nil, &got); code != http.StatusOK {
		t.Fatalf("GET canned: %d %s", code, body)
	}
	var names []string
	for _, r := range got.Replies {
		names = append(names, r.Name)
	}
	if strings.Join(names, ",") != "hello,help,refund" || got.Replies[0].Text != "Hi Uma, I'm Ana S. from support." {
		t.Fatalf("canned replies = %+v", got.Replies)
	}
	sam := w.loggedIn(salesToken)
	if code, _ := sam.do("GET", "/api/handoffs/"+id+"/canned", nil, nil); code != http.StatusNotFound {
		t.Fatalf("another team's agent got %d, want 404", code)
	}
}

// TestBrowserCannedReplyPicker: "/" in the composer lists the team's
// canned replies, typing narrows them, arrows move the choice, a click
// picks one, which fills the composer; Send sends it to the user as the
// agent's reply.
func TestBrowserCannedReplyPicker(t *testing.T) {
	b := browsertest.Start(t)
	w := newWorld(t)
	w.withCannedReplies()
	ctx := b.NewContext()
	w.userSays("u1", "u1-a", "my parcel never arrived")
	id := w.userSays("u1", "u1-h", "talk to a human").Handoff.String()
	picker := `[...document.querySelectorAll("#canned-picker li")].map(li => li.dataset.name + (li.getAttribute("aria-selected") === "true" ? "*" : "")).join(",")`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(w.srv.URL+HandoffPath(id)),
		chromedp.WaitVisible("#login-token"),
		chromedp.SetValue("#login-token", anaToken),
		chromedp.Click("#login-submit"),
		pollFor("the handoff open", `!document.querySelector("#detail-body").hidden && !document.querySelector("#btn-join").disabled`),
		chromedp.Click("#btn-join"),
		pollFor("joined", `document.querySelector("#d-state").textContent.startsWith("active")`),
		chromedp.Focus("#composer"),
		chromedp.KeyEvent("/"),
		pollFor("every canned reply listed", picker+` === "hello*,help,refund" && !document.querySelector("#canned-picker").hidden`),
		chromedp.KeyEvent("h"),
		pollFor("the list narrowed", picker+` === "hello*,help"`),
		chromedp.KeyEvent(kb.ArrowDown),
		pollFor("the second one selected", picker+` === "hello,help*"`),
		chromedp.KeyEvent(kb.ArrowUp),
		pollFor("the first one selected again", picker+` === "hello*,help"`),
		// (Enter picks too, but Chrome's DevTools protocol types the Enter's
		// newline after the page handled the key: a click is exact.)
		chromedp.Click(`#canned-picker li[data-name="hello"]`),
		pollFor("the composer filled", `document.querySelector("#composer").value === "Hi Uma, I'm Ana S. from support." && document.querySelector("#canned-picker").hidden`),
		chromedp.Click("#send"),
		pollFor("the composer emptied", `document.querySelector("#composer").value === ""`),
	); err != nil {
		v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#composer").value + " | " + document.querySelector("#canned-picker").hidden + " | " + `+picker))
		t.Fatalf("%v (composer and picker: %q)", err, v)
	}
	got := w.waitText("u1", "I'm Ana S. from support.")
	if got.Message.Role != bridge.RoleAgent {
		t.Fatalf("the user got %+v, want the agent's reply", got.Message)
	}
}
