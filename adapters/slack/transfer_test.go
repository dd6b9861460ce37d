package slack_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

const billingChannel = "CBILLING"

// transferEnv adds a billing team answering in its own channel, with Dana.
func transferEnv(t *testing.T) *env {
	e := newEnv(t, envOptions{perSecond: 100, burst: 100, settings: func(s *bridge.Settings) {
		s.Teams["billing"] = &bridge.Team{ID: "billing", Workspace: bridge.WorkspaceSlack, Channel: billingChannel}
		s.Agents = append(s.Agents, &bridge.Agent{ID: "dana", Name: "Dana", Teams: []bridge.TeamID{"billing"},
			Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "UDANA"}})
	}})
	e.fake.AddChannel(slackfake.Channel{ID: billingChannel, Name: "billing-live", BotIsMember: true})
	e.fake.AddUser(slackfake.User{ID: "UDANA", Name: "dana", RealName: "Dana Reis", DisplayName: "Dana"})
	return e
}

// timeline lists the kinds of a handoff's timeline entries.
func (e *env) timeline(id bridge.HandoffID) []bridge.HandoffEventKind {
	e.t.Helper()
	var kinds []bridge.HandoffEventKind
	err := e.store.View(e.ctx, func(tx bridge.Tx) error {
		evs, err := tx.HandoffEvents(e.ctx, id)
		for _, ev := range evs {
			kinds = append(kinds, ev.Kind)
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return kinds
}

// The owner transfers to a colleague with /handoff transfer @bob: Bob owns
// it, is told privately, and the user is told who is with them; then Bob
// transfers it to the billing team: a new thread opens in billing's
// channel with the history and a pointer to the old one, the user is told,
// and Dana joins it there.
func TestTransferToAgentThenTeam(t *testing.T) {
	e := transferEnv(t)
	id, root := e.requestThread("w1")
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root, "handoff_join", id.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w1", "Ana joined", hasMessage("has joined"))

	if got := e.slashText("UBOB", "/handoff", "transfer #"+id.String()+" <@UANA|ana>"); !strings.Contains(got, "Only the agent who joined") {
		t.Errorf("Bob's transfer of Ana's conversation answered %q", got)
	}
	if got := e.slashText("UANA", "/handoff", "transfer <@UEVE|eve>"); !strings.Contains(got, "not a configured agent") {
		t.Errorf("a transfer to a stranger answered %q", got)
	}
	if got := e.slashText("UANA", "/handoff", "transfer <@UBOB|bob>"); got != "Transferred #"+id.String()+"." {
		t.Fatalf("/handoff transfer @bob answered %q", got)
	}
	ds := e.waitWeb("w1", "Bob is with the user", hasMessage("Bob is now with you"))
	if d := bridgetest.Last(ds); d.Message.Notice != bridge.NoticeJoined || d.Message.Agent != "Bob" {
		t.Errorf("the user's notice: %+v, want a joined notice naming Bob", d.Message)
	}
	e.waitFake("the line and Bob's private note", func() bool {
		told := false
		for _, m := range e.fake.Ephemerals() {
			told = told || m.User == "UBOB" && strings.Contains(m.Text, "to you")
		}
		return told && strings.Contains(e.threadText(root), "Ana S. transferred this conversation to Bob.")
	})
	if h, _ := e.engine.Handoff(e.ctx, id); h.State != bridge.StateActive || h.Owner != "bob" || h.OwnerName != "Bob" {
		t.Fatalf("after the transfer: %+v", h)
	}
	// Bob talks to the user now; Ana's reply stays a note.
	if _, _, err := e.fake.PostAsUser(e.ctx, channel, "UBOB", "Hi, Bob here", root); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w1", "Bob's reply", hasMessage("Hi, Bob here"))

	if got := e.slashText("UBOB", "/handoff", "transfer billing"); got != "Transferred #"+id.String()+"." {
		t.Fatalf("/handoff transfer billing answered %q", got)
	}
	e.waitWeb("w1", "the team notice", hasMessage("passed your conversation to our billing team"))
	var newRoot string
	defer func() {
		if t.Failed() {
			for _, m := range e.fake.Roots(billingChannel) {
				t.Logf("billing root %s: %s\nthread: %s", m.TS, texts(m), e.threadText2(billingChannel, m.TS))
			}
		}
	}()
	e.waitFake("the billing thread", func() bool {
		for _, m := range e.fake.Roots(billingChannel) {
			if strings.Contains(texts(m), "Transferred from team support") {
				newRoot = m.TS
				text := e.threadText2(billingChannel, newRoot)
				return strings.Contains(text, "talk to a human") && strings.Contains(text, "Hi, Bob here") &&
					strings.Contains(text, "its earlier thread: #"+id.String())
			}
		}
		return false
	})
	old, _ := e.engine.Handoff(e.ctx, id)
	if old.State != bridge.StateResolved {
		t.Errorf("the old handoff is %s, want resolved", old.State)
	}
	kinds := e.timeline(id)
	if n := strings.Count(fmt.Sprint(kinds), string(bridge.EventTransferred)); n != 2 {
		t.Errorf("old timeline %v: %d transfers, want 2", kinds, n)
	}
	e.waitFake("the old thread points to the new one", func() bool {
		return strings.Contains(e.threadText(root), "Bob transferred this conversation to team billing: #")
	})
	var next bridge.HandoffID
	for _, m := range e.fake.Roots(billingChannel) {
		if m.TS == newRoot {
			fmt.Sscanf(m.Text[strings.Index(m.Text, "Handoff #")+len("Handoff #"):], "%d", &next)
		}
	}
	if next == 0 {
		t.Fatal("no handoff number in the billing card")
	}
	if _, err := e.fake.Click(e.ctx, "UDANA", billingChannel, newRoot, "handoff_join", next.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w1", "Dana joined", hasMessage("Dana"))
}

// threadText2 joins the texts of a thread's replies in any channel.
func (e *env) threadText2(ch, root string) string {
	var b strings.Builder
	for _, m := range e.fake.Replies(ch, root) {
		b.WriteString(texts(m))
	}
	return b.String()
}
