package console

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/handoffbridge/handoff/bridge"
)

// Lead form answers that would be a link, formatting or markup if a line of
// the bridge took them as Markdown.
const (
	phishName    = "[Verify your session](https://evil.example)"
	phishMessage = "<https://evil.example|Verify> **now** <b>x</b>"
)

// withClosedLeadForm makes the support team fall back to the lead form at
// once: its business hours are open on no day.
func (w *world) withClosedLeadForm() {
	s := testSettings()
	s.Teams["support"].Fallback = bridge.FallbackLeadForm
	s.Teams["support"].Hours = &bridge.BusinessHours{}
	w.engine.Apply(s)
}

// submitPhishingLead requests a human for chat (the team's closed hours
// bring the lead form at once) and submits the form with phishName and
// phishMessage; it returns the handoff's id.
func (w *world) submitPhishingLead(chat string) string {
	w.t.Helper()
	out := w.userSays(chat, chat+"-m1", "I want to talk to a human")
	if out.Handoff == 0 {
		w.t.Fatal("no handoff was requested")
	}
	_, err := w.engine.Handle(w.ctx, bridge.UserLeadForm{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat},
		PlatformID: chat + "-form", Name: phishName, Contact: "mallory@example.com", Message: phishMessage})
	if err != nil {
		w.t.Fatal(err)
	}
	return out.Handoff.String()
}

// shown is what the page shows of an entry (its HTML, or else its text as
// text) and whether that holds an element other than a paragraph.
func shown(t *testing.T, e entry) (text string, markup bool) {
	t.Helper()
	if e.HTML == "" {
		return e.Text, false
	}
	nodes, err := html.ParseFragment(strings.NewReader(e.HTML), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.DataAtom != atom.P:
			markup = true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return b.String(), markup
}

// TestLeadShowsAsTextInTheConsole: the lead a user typed shows in the
// "Lead captured" line and in the bot's thanks exactly as typed, with no
// link or formatting.
func TestLeadShowsAsTextInTheConsole(t *testing.T) {
	w := newWorld(t)
	w.withClosedLeadForm()
	ana := w.loggedIn(anaToken)
	id := w.submitPhishingLead("u1")
	w.waitText("u1", "Thank you")

	wantLine := `Lead captured: ` + phishName + `, mallory@example.com: "` + phishMessage + `"`
	wantThanks := "Thank you, " + phishName + "."
	var line, thanks *entry
	d := ana.waitDetail(id, "the lead line and the thanks", func(d detailResponse) bool {
		line, thanks = nil, nil
		for i, e := range d.Entries {
			switch {
			case e.Kind == "line" && strings.Contains(e.Text, "Lead captured"):
				line = &d.Entries[i]
			case e.Role == bridge.RoleSystem && strings.Contains(e.Text, "Thank you"):
				thanks = &d.Entries[i]
			}
		}
		return line != nil && thanks != nil
	})
	for _, c := range []struct {
		e          *entry
		want, what string
	}{{line, wantLine, "lead line"}, {thanks, wantThanks, "thanks"}} {
		text, markup := shown(t, *c.e)
		if markup || !strings.Contains(text, c.want) {
			t.Errorf("the %s shows %q (html %q), want the text %q and no markup", c.what, text, c.e.HTML, c.want)
		}
	}
	if d.Lead == nil || d.Lead.Name != phishName || d.Lead.Message != phishMessage {
		t.Errorf("lead %+v, want it stored as typed", d.Lead)
	}
}
