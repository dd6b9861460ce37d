package discord_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

func transferTo(name string, value any) *discordgo.ApplicationCommandInteractionDataOption {
	t := discordgo.ApplicationCommandOptionString
	if name == "agent" {
		t = discordgo.ApplicationCommandOptionUser
	}
	return &discordgo.ApplicationCommandInteractionDataOption{Name: "transfer", Type: discordgo.ApplicationCommandOptionSubCommand,
		Options: []*discordgo.ApplicationCommandInteractionDataOption{{Name: name, Type: t, Value: value}}}
}

// /handoff transfer in a handoff's thread: to an agent (the user is told
// who is with them), then to another team, whose channel gets a new thread
// with the history; a colleague who does not own it is refused.
func TestTransferCommand(t *testing.T) {
	e := newEnv(t)
	support := e.fake.NewTextChannel("support-desk")
	s := e.settings()
	s.Teams["support"] = &bridge.Team{ID: "support", Workspace: bridge.WorkspaceDiscord, Channel: support}
	e.engine.Apply(s)
	e.waitFake("/handoffs, /reply and /handoff registered", func() bool { return len(e.fake.Commands(e.fake.GuildID)) == 3 })

	id := e.webSays("w1", "m1", "talk to a human").Handoff
	thread := e.card(id)
	e.click(e.desk, thread, fmt.Sprintf("hb:join:%d", id), e.ana)
	// The card's update after the join is delivered to the thread the
	// bridge recorded: from then on the thread names the handoff.
	e.waitButtons(thread, fmt.Sprintf("hb:resolve:%d", id), fmt.Sprintf("hb:reject:%d", id))
	waitWeb(t, e.web, "w1", "Ana joined", func(d bridgetest.Delivery) bool { return strings.Contains(d.Message.Text, "has joined") })

	if got := e.runCommandIn(thread, e.bob, "handoff", transferTo("agent", e.ana.ID)); !strings.Contains(got, "Only the agent who joined") {
		t.Errorf("Bob's transfer of Ana's conversation answered %q", got)
	}
	if got := e.runCommandIn(thread, e.ana, "handoff", transferTo("agent", e.bob.ID)); got != "Transferred." {
		t.Fatalf("transfer to Bob answered %q", got)
	}
	d := waitWeb(t, e.web, "w1", "Bob is with the user", func(d bridgetest.Delivery) bool { return strings.Contains(d.Message.Text, "Bob is now with you") })
	if d.Message.Notice != bridge.NoticeJoined || d.Message.Agent != "Bob" {
		t.Errorf("the user's notice: %+v", d.Message)
	}
	e.threadHas(thread, "transferred this conversation to Bob")

	if got := e.runCommandIn(thread, e.bob, "handoff", transferTo("team", "support")); got != "Transferred." {
		t.Fatalf("transfer to support answered %q", got)
	}
	waitWeb(t, e.web, "w1", "the team notice", func(d bridgetest.Delivery) bool {
		return strings.Contains(d.Message.Text, "passed your conversation to our support team")
	})
	var newThread string
	e.waitFake("the support thread", func() bool {
		for _, m := range e.fake.Messages(support) {
			if _, ok := e.fake.Channel(m.ID); ok {
				newThread = m.ID
				return true
			}
		}
		return false
	})
	e.threadHas(newThread, "talk to a human")
	e.threadHas(newThread, fmt.Sprintf("its earlier thread: #%d", id))
	e.threadHas(thread, "transferred this conversation to team support")
	if h, _ := e.engine.Handoff(e.ctx, id); h.State != bridge.StateResolved {
		t.Errorf("the old handoff is %s, want resolved", h.State)
	}
	if got := e.runCommand(e.ana, "handoff", transferTo("team", "support")); !strings.Contains(got, "in the thread of the handoff") {
		t.Errorf("a transfer outside a thread answered %q", got)
	}
}
