package rig

import (
	"context"
	"regexp"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
)

// DiscordUsers are Discord users talking to the bridge's bot through the
// Discord fake, by direct message or in a support channel. What they write
// is a message in the fake, dispatched to the bot over the gateway (and
// read back by the bridge after a reconnect, so nothing needs resending);
// what the bot sends them is read back from the fake's feed (Run) and
// recorded in the ledger (agent→user tags) once per Discord message, with
// the fake's own arrival time.
type DiscordUsers struct {
	fake   *discordfake.Server
	ledger *Ledger

	pollMu   sync.Mutex // one poll at a time: each message is seen once
	mu       sync.Mutex
	convs    map[string]string // DM channel, or support channel/user id → conversation
	read     int               // feed messages read
	received map[string]int    // conversation → bot messages received
	polls    pollSignal        // wakes WaitFor after each poll
}

// NewDiscordUsers returns an empty set of users on fake.
func NewDiscordUsers(fake *discordfake.Server, ledger *Ledger) *DiscordUsers {
	return &DiscordUsers{fake: fake, ledger: ledger, convs: map[string]string{}, received: map[string]int{}}
}

// DiscordUser is one user, in a DM with the bot or in a support channel.
type DiscordUser struct {
	// Conv names the conversation in tags.
	Conv    string
	group   *DiscordUsers
	user    discordgo.User
	channel string

	mu       sync.Mutex // orders the user's messages
	sentTags int
}

// DM adds a user who writes to the bot by direct message, speaking for
// conversation conv.
func (d *DiscordUsers) DM(conv string) *DiscordUser {
	u := d.fake.NewUser("bench-" + conv)
	dm := d.fake.NewDM(u)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.convs[dm] = conv
	return &DiscordUser{Conv: conv, group: d, user: u, channel: dm}
}

// InChannel adds a user who writes in the support channel channelID (one
// the bridge is configured to read), speaking for conversation conv. The
// bot's answers there mention the user.
func (d *DiscordUsers) InChannel(conv, channelID string) *DiscordUser {
	u := d.fake.NewUser("bench-" + conv)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.convs[channelID+"/"+u.ID] = conv
	return &DiscordUser{Conv: conv, group: d, user: u, channel: channelID}
}

// Say writes text to the bot. The fake only fails for an unknown channel,
// which DM and InChannel rule out.
func (u *DiscordUser) Say(_ context.Context, text string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	_, _ = u.group.fake.Say(u.channel, u.user, text)
}

// SayTagged writes the conversation's next tagged message in direction d
// with text around it, recording it in the ledger.
func (u *DiscordUser) SayTagged(_ context.Context, d Direction, text string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.sentTags++
	tag := Tag(d, u.Conv, u.sentTags)
	if u.group.ledger != nil {
		u.group.ledger.Sent(d, u.Conv, u.sentTags, time.Now())
	}
	_, _ = u.group.fake.Say(u.channel, u.user, text+" "+tag)
	return tag
}

// Run reads back what the bot sends until ctx ends, at each change of the
// fake.
func (d *DiscordUsers) Run(ctx context.Context) { runOnChange(ctx, d.fake.Changed, d.Poll) }

// leadingMention is the user a bot message in a support channel answers.
var leadingMention = regexp.MustCompile(`^<@!?(\d+)>`)

// Poll reads back the bot's messages created since the last poll.
func (d *DiscordUsers) Poll() {
	d.pollMu.Lock()
	defer d.pollMu.Unlock()
	d.mu.Lock()
	from := d.read
	d.mu.Unlock()
	msgs, next := d.fake.Created(from)
	d.mu.Lock()
	d.read = next
	d.mu.Unlock()
	bot := d.fake.Bot.ID
	for _, m := range msgs {
		if m.Author == nil || m.Author.ID != bot {
			continue
		}
		d.mu.Lock()
		conv, ok := d.convs[m.ChannelID] // a DM
		if mention := leadingMention.FindStringSubmatch(m.Content); !ok && mention != nil {
			conv, ok = d.convs[m.ChannelID+"/"+mention[1]]
		}
		if ok {
			d.received[conv]++
		}
		d.mu.Unlock()
		if ok && d.ledger != nil {
			d.ledger.Seen(AgentToUser, m.Content, m.Timestamp)
		}
	}
	d.polls.polled()
}

// WaitFor blocks until cond holds (checked after every poll) or ctx ends.
func (d *DiscordUsers) WaitFor(ctx context.Context, what string, cond func() bool) error {
	return d.polls.waitFor(ctx, "discord users", what, cond)
}

// Received counts the bot's messages a conversation's user received.
func (d *DiscordUsers) Received(conv string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.received[conv]
}
