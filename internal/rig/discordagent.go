package rig

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
)

// Custom id prefixes of the bridge's card buttons ("hb:join:<handoff>").
const (
	discordJoin    = "hb:join:"
	discordResolve = "hb:resolve:"
)

// DiscordAgent is one agent on the Discord fake, the counterpart of the
// Slack Agent. It reads what the bot posts (every message once, from the
// fake's feed): a new handoff card in a channel it joins is joined by
// clicking Join as the agent (dispatched over the gateway like a click in
// the Discord client; the click is repeated until the card shows the
// owner's buttons, since a click dispatched to a bridge that just died is
// lost as on Discord), and each bot post in a handoff's thread is recorded
// in the ledger (user→agent tags) once per Discord message, with the
// fake's own arrival time. ReplyTagged writes in the thread as the agent;
// the bridge reads it from the gateway, or reads it back after a
// reconnect, so nothing needs resending.
type DiscordAgent struct {
	fake   *discordfake.Server
	user   discordgo.User
	ledger *Ledger
	join   map[string]bool // channel → join its new cards

	mu      sync.Mutex
	read    int                       // feed messages read
	threads map[string]*discordThread // by thread id (the card's message id)
	byConv  map[string]*discordThread
	waiting map[*discordThread]bool // cards to join, not joined yet
	replies map[string]int          // conv → agent messages sent
	polls   pollSignal
}

type discordThread struct {
	channel, id, joinID, conv string
	joined, clicking          bool
}

// NewDiscordAgent returns the agent user on fake; it joins the handoffs
// carded in joinChannels and only reads those of watchChannels.
func NewDiscordAgent(fake *discordfake.Server, user discordgo.User, ledger *Ledger, joinChannels, watchChannels []string) *DiscordAgent {
	a := &DiscordAgent{fake: fake, user: user, ledger: ledger, join: map[string]bool{}, threads: map[string]*discordThread{},
		byConv: map[string]*discordThread{}, waiting: map[*discordThread]bool{}, replies: map[string]int{}}
	for _, c := range watchChannels {
		a.join[c] = false
	}
	for _, c := range joinChannels {
		a.join[c] = true
	}
	return a
}

// User is the agent's Discord user (for the config's agents).
func (a *DiscordAgent) User() discordgo.User { return a.user }

// Run reads the fake every interval until ctx ends. Delays are measured
// with the fake's own arrival times, so the interval only bounds how soon
// the agent reacts.
func (a *DiscordAgent) Run(ctx context.Context, interval time.Duration) {
	runEvery(ctx, interval, a.Poll)
}

// Poll reads what is new once, and clicks Join again where the card still
// waits.
func (a *DiscordAgent) Poll(ctx context.Context) {
	a.mu.Lock()
	from := a.read
	a.mu.Unlock()
	msgs, next := a.fake.Created(from)
	a.mu.Lock()
	a.read = next
	a.mu.Unlock()
	bot := a.fake.Bot.ID
	for _, m := range msgs {
		if m.Author == nil || m.Author.ID != bot || m.Ephemeral {
			continue // people's messages (our own replies), private answers
		}
		a.readBotMessage(ctx, m)
	}
	a.checkJoins(ctx)
	a.polls.polled()
}

// readBotMessage handles one new message of the bot: a card in a watched
// channel, or a post in a known thread.
func (a *DiscordAgent) readBotMessage(ctx context.Context, m discordfake.Message) {
	if join, watched := a.join[m.ChannelID]; watched {
		id := buttonWithPrefix(&m, discordJoin)
		if id == "" {
			return // not a card (an alert, a command's answer)
		}
		t := &discordThread{channel: m.ChannelID, id: m.ID, joinID: id}
		a.mu.Lock()
		a.threads[t.id] = t
		if join {
			a.waiting[t] = true
		}
		a.mu.Unlock()
		if join {
			a.click(ctx, t)
		}
		return
	}
	// The bridge escapes users' Markdown in the thread; the agent reads
	// the text as Discord shows it.
	shown := discordShown(m.Content)
	a.mu.Lock()
	t := a.threads[m.ChannelID]
	if t != nil && t.conv == "" {
		if c := convMarker.FindStringSubmatch(shown); c != nil {
			t.conv = c[1]
			a.byConv[t.conv] = t
		}
	}
	a.mu.Unlock()
	if t != nil && a.ledger != nil {
		a.ledger.Seen(UserToAgent, shown, m.Timestamp)
	}
}

// checkJoins marks joined the cards that show the owner's buttons, and
// clicks Join again on the others.
func (a *DiscordAgent) checkJoins(ctx context.Context) {
	a.mu.Lock()
	var waiting []*discordThread
	for t := range a.waiting {
		waiting = append(waiting, t)
	}
	a.mu.Unlock()
	for _, t := range waiting {
		card, ok := a.fake.MessageByID(t.id)
		if ok && buttonWithPrefix(&card, discordResolve) != "" {
			a.mu.Lock()
			t.joined = true
			delete(a.waiting, t)
			a.mu.Unlock()
			continue
		}
		a.click(ctx, t)
	}
}

// click presses Join in the background, once at a time per card.
func (a *DiscordAgent) click(ctx context.Context, t *discordThread) {
	a.mu.Lock()
	if t.clicking {
		a.mu.Unlock()
		return
	}
	t.clicking = true
	a.mu.Unlock()
	go func() {
		_, _ = a.fake.Click(t.channel, t.id, t.joinID, a.user)
		// Give the bridge time to update the card before clicking again.
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		a.mu.Lock()
		t.clicking = false
		a.mu.Unlock()
	}()
}

// buttonWithPrefix is the custom id of the message's first button whose id
// starts with prefix, or "".
func buttonWithPrefix(m *discordfake.Message, prefix string) string {
	for _, b := range m.Buttons() {
		if strings.HasPrefix(b.CustomID, prefix) {
			return b.CustomID
		}
	}
	return ""
}

// Joined reports whether the agent owns the conversation's handoff (its
// card shows the owner's buttons).
func (a *DiscordAgent) Joined(conv string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.byConv[conv]
	return t != nil && t.joined
}

// Threads counts the handoff cards seen in a channel.
func (a *DiscordAgent) Threads(channel string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, t := range a.threads {
		if t.channel == channel {
			n++
		}
	}
	return n
}

// WaitFor blocks until cond holds (checked after every poll) or ctx ends.
func (a *DiscordAgent) WaitFor(ctx context.Context, what string, cond func() bool) error {
	return a.polls.waitFor(ctx, "discord agent", what, cond)
}

// ReplyTagged writes the conversation's next tagged agent message in its
// thread, recording it in the ledger.
func (a *DiscordAgent) ReplyTagged(_ context.Context, conv, text string) error {
	a.mu.Lock()
	t := a.byConv[conv]
	if t == nil {
		a.mu.Unlock()
		return fmt.Errorf("discord agent: no thread for %s yet", conv)
	}
	a.replies[conv]++
	n := a.replies[conv]
	// Sent under the lock: the conversation's replies enter the thread in
	// the order of their numbers.
	defer a.mu.Unlock()
	if a.ledger != nil {
		a.ledger.Sent(AgentToUser, conv, n, time.Now())
	}
	if _, err := a.fake.Say(t.id, a.user, text+" "+Tag(AgentToUser, conv, n)); err != nil {
		return fmt.Errorf("discord agent: reply in %s: %w", conv, err)
	}
	return nil
}

// discordMarkdownEscape is a backslash before a punctuation character, which
// Discord shows as the character alone.
var discordMarkdownEscape = regexp.MustCompile(`\\([[:punct:]])`)

// discordShown is a message's content as Discord displays it: without the
// backslashes that escape Markdown.
func discordShown(content string) string {
	return discordMarkdownEscape.ReplaceAllString(content, "$1")
}
