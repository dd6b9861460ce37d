//go:build cluster

package cluster_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/internal/rig"
)

// The teams: support answers from Slack (widget and Telegram users),
// sales from Discord (Discord users), triage from Slack with a short SLA
// and nobody joining, so that its requests fall back.
const (
	supportChannel = "CSUPPORT"
	triageChannel  = "CTRIAGE"
	slackAgentID   = "UANA"
	triageSLA      = 2 * time.Second
	aiQuestion     = "How do I reset my password?" // the sample knowledge base answers it
)

// How many conversations of each kind talk during the run.
const (
	widgetTalkers   = 6 // c1…: widget users with a Slack agent
	telegramTalkers = 3 // c21…: Telegram users with a Slack agent
	discordTalkers  = 3 // c31…: Discord users (DM) with a Discord agent
	aiAskers        = 3 // c41…: widget users asking the AI
	slaBase         = 101
)

// The pace of each conversation.
const (
	userEvery  = 1200 * time.Millisecond
	agentEvery = 1500 * time.Millisecond
)

// fakes are the platforms, shared by the replicas.
type fakes struct {
	slack    *slackfake.Server
	telegram *telegramfake.Server
	discord  *discordfake.Server
	desk     string         // the Discord team's channel
	bob      discordgo.User // the Discord agent
}

func newFakes(t *testing.T) *fakes {
	t.Helper()
	f := &fakes{
		// Slack's real per-channel limit: the bridge rides 429s too.
		slack:    slackfake.New(slackfake.Options{PingInterval: 500 * time.Millisecond}),
		telegram: telegramfake.New(telegramfake.Options{}),
		discord:  discordfake.New(discordfake.Options{}),
	}
	t.Cleanup(f.slack.Close)
	t.Cleanup(f.telegram.Close)
	t.Cleanup(f.discord.Close)
	f.slack.AddChannel(slackfake.Channel{ID: supportChannel, Name: "support-live", BotIsMember: true})
	f.slack.AddChannel(slackfake.Channel{ID: triageChannel, Name: "triage", BotIsMember: true})
	f.slack.AddUser(slackfake.User{ID: slackAgentID, Name: "ana", RealName: "Ana Silva", DisplayName: "Ana"})
	f.desk = f.discord.NewTextChannel("sales-desk")
	f.bob = f.discord.NewUser("Bob")
	return f
}

// config wires a replica to the fakes and the database.
func (f *fakes) config(dsn, slackMode string) rig.Config {
	o := f.slack.Opts()
	return rig.Config{
		PostgresDSN: dsn,
		SlackAPIURL: f.slack.APIURL(), SlackMode: slackMode,
		SlackBotToken: o.BotToken, SlackAppToken: o.AppToken, SlackSigningSecret: o.SigningSecret,
		TelegramAPIURL: f.telegram.URL(), TelegramToken: f.telegram.Token(),
		DiscordAPIURL: f.discord.URL(), DiscordToken: f.discord.Token(), DiscordUsers: true,
		Teams: map[string]rig.Team{
			"support": {Channel: supportChannel, SLA: time.Hour, Phrase: "talk to a human"},
			"triage":  {Channel: triageChannel, SLA: triageSLA, Fallback: "none", Phrase: "call me back"},
			"sales":   {Workspace: "discord", Channel: f.desk, SLA: time.Hour, Phrase: "talk to sales"},
		},
		Agents: []rig.AgentConfig{
			{Name: "ana", SlackID: slackAgentID, Teams: []string{"support", "triage"}},
			{Name: "bob", DiscordID: f.bob.ID, Teams: []string{"sales"}},
		},
	}
}

// crowd is everyone talking to the replicas: users on each platform, the
// agents, and the ledger of what they sent and saw.
type crowd struct {
	t        *testing.T
	rs       *replicaSet
	ledger   *rig.Ledger
	agent    *rig.Agent
	dagent   *rig.DiscordAgent
	tgUsers  *rig.TelegramUsers
	dcUsers  *rig.DiscordUsers
	widgets  []*rig.User // talkers, askers and waiters, for reconnect counts
	askers   []*asker
	waiting  []*rig.User
	bg, talk sync.WaitGroup
	run      context.Context // ends after the drain
	load     context.Context // ends when the talking stops
	nextIP   atomic.Int32
}

// asker is a widget user asking the AI, with what it asked and was
// answered.
type asker struct {
	u               *rig.User
	asked, answered atomic.Int32
}

func newCrowd(t *testing.T, f *fakes, rs *replicaSet, run, load context.Context) *crowd {
	c := &crowd{t: t, rs: rs, ledger: rig.NewLedger(), run: run, load: load}
	c.agent = rig.NewAgent(f.slack, slackAgentID, c.ledger, []string{supportChannel}, []string{triageChannel})
	c.dagent = rig.NewDiscordAgent(f.discord, f.bob, c.ledger, []string{f.desk}, nil)
	c.tgUsers = rig.NewTelegramUsers(f.telegram, c.ledger)
	c.dcUsers = rig.NewDiscordUsers(f.discord, c.ledger)
	c.bg.Go(func() { c.agent.Run(run, 50*time.Millisecond) })
	c.bg.Go(func() { c.dagent.Run(run, 50*time.Millisecond) })
	c.bg.Go(func() { c.tgUsers.Run(run) })
	c.bg.Go(func() { c.dcUsers.Run(run) })
	return c
}

// widget connects a widget user of conversation conv, first to replica
// first, failing over to the others in turn.
func (c *crowd) widget(ctx context.Context, conv string, first int) *rig.User {
	urls := c.rs.wsURLs(first)
	ip := fmt.Sprintf("198.51.100.%d", c.nextIP.Add(1))
	u := rig.NewUser(urls[0], conv, ip, c.ledger)
	u.AlsoAt(urls[1:]...)
	// A replica down at this moment is no failure: Run dials the next.
	_ = u.Connect(ctx)
	c.bg.Go(func() { u.Run(c.run) })
	c.widgets = append(c.widgets, u)
	return u
}

// startTalking hands off every talking conversation and starts both
// sides of each, and the AI askers.
func (c *crowd) startTalking(ctx context.Context) {
	for i := range widgetTalkers {
		conv := "c" + strconv.Itoa(i+1)
		u := c.widget(ctx, conv, i)
		u.Say(ctx, "talk to a human "+rig.ConvMarker(conv))
		c.pace(userEvery, func() { u.SayTagged(c.load, rig.UserToAgent, "where is my order?") })
		c.slackAgentTalks(conv)
	}
	for i := range telegramTalkers {
		conv := "c" + strconv.Itoa(21+i)
		u := c.tgUsers.User(conv, 5000+int64(i))
		u.Say(ctx, "talk to a human "+rig.ConvMarker(conv))
		c.pace(userEvery, func() { u.SayTagged(c.load, rig.UserToAgent, "where is my parcel?") })
		c.slackAgentTalks(conv)
	}
	for i := range discordTalkers {
		conv := "c" + strconv.Itoa(31+i)
		u := c.dcUsers.DM(conv)
		u.Say(ctx, "talk to sales "+rig.ConvMarker(conv))
		c.pace(userEvery, func() { u.SayTagged(c.load, rig.UserToAgent, "what does it cost?") })
		c.talk.Go(func() {
			if c.dagent.WaitFor(c.load, conv+" joined", func() bool { return c.dagent.Joined(conv) }) != nil {
				return
			}
			c.every(agentEvery, func() {
				if err := c.dagent.ReplyTagged(c.load, conv, "here is our price list"); err != nil && c.load.Err() == nil {
					c.t.Errorf("discord agent reply in %s: %v", conv, err)
				}
			})
		})
	}
	for i := range aiAskers {
		a := &asker{}
		a.u = c.widget(ctx, "c"+strconv.Itoa(41+i), i)
		a.u.OnAnswer(func(time.Time) { a.answered.Add(1) })
		c.askers = append(c.askers, a)
		c.pace(userEvery, func() {
			a.asked.Add(1)
			a.u.SayTagged(c.load, rig.UserToAI, aiQuestion)
		})
	}
}

// slackAgentTalks makes the Slack agent answer conv from its thread once
// it joined.
func (c *crowd) slackAgentTalks(conv string) {
	c.talk.Go(func() {
		if c.agent.WaitFor(c.load, conv+" joined", func() bool { return c.agent.Joined(conv) }) != nil {
			return
		}
		c.every(agentEvery, func() {
			if err := c.agent.ReplyTagged(c.load, conv, "let me check"); err != nil && c.load.Err() == nil {
				c.t.Errorf("slack agent reply in %s: %v", conv, err)
			}
		})
	})
}

// wait adds a widget user asking the short-SLA team, whose request
// nobody joins, on replica first.
func (c *crowd) wait(ctx context.Context, n, first int) {
	conv := "c" + strconv.Itoa(slaBase+n)
	u := c.widget(ctx, conv, first)
	u.Say(ctx, "call me back "+rig.ConvMarker(conv))
	c.waiting = append(c.waiting, u)
}

// pace calls f every interval while the load lasts.
func (c *crowd) pace(interval time.Duration, f func()) {
	c.talk.Go(func() { c.every(interval, f) })
}

func (c *crowd) every(interval time.Duration, f func()) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-c.load.Done():
			return
		case <-tick.C:
			f()
		}
	}
}
