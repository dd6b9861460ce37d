package rig

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
)

// ConvMarker is how a user names its conversation in the message that asks
// for a human ("talk to a human (conv c7)"), so that the agent can tell
// which thread is whose from the history posted in it.
func ConvMarker(conv string) string { return "(conv " + conv + ")" }

var convMarker = regexp.MustCompile(`\(conv (c[0-9]+)\)`)

// Agent is one Slack agent on the Slack fake. It watches the bridge's posts
// in the channels it is given: a new request thread in a channel it joins
// is joined (the Join click is repeated until the card shows it, since a
// click acknowledged just before a crash is lost as on Slack), and each
// thread post is recorded in the ledger (user→agent tags) once per Slack
// message. Reply posts into a conversation's thread as the agent, and
// delivers the event again until the bridge acknowledges it.
type Agent struct {
	fake   *slackfake.Server
	userID string
	ledger *Ledger
	join   map[string]bool // channel → join its new threads

	mu        sync.Mutex
	processed map[string]int     // channel → messages already read
	threads   map[string]*thread // by channel/root ts
	byConv    map[string]*thread
	replies   map[string]int // conv → agent messages sent
	polls     pollSignal
}

type thread struct {
	channel, root, handoff, conv string
	joined                       bool
	clicking                     bool
}

// NewAgent returns the agent userID on fake; it joins the threads opened
// in joinChannels and only reads those of watchChannels.
func NewAgent(fake *slackfake.Server, userID string, ledger *Ledger, joinChannels, watchChannels []string) *Agent {
	a := &Agent{fake: fake, userID: userID, ledger: ledger, join: map[string]bool{}, processed: map[string]int{},
		threads: map[string]*thread{}, byConv: map[string]*thread{}, replies: map[string]int{}}
	for _, c := range joinChannels {
		a.join[c] = true
	}
	for _, c := range watchChannels {
		if _, ok := a.join[c]; !ok {
			a.join[c] = false
		}
	}
	return a
}

// Run reads the channels every interval until ctx ends. Delays are
// measured with the fake's own arrival time, so the interval only bounds
// how soon the agent reacts.
func (a *Agent) Run(ctx context.Context, interval time.Duration) { runEvery(ctx, interval, a.Poll) }

// Poll reads what is new in the channels once.
func (a *Agent) Poll(ctx context.Context) {
	for channel, join := range a.join {
		a.mu.Lock()
		from := a.processed[channel]
		a.mu.Unlock()
		msgs := a.fake.MessagesFrom(channel, from)
		a.mu.Lock()
		a.processed[channel] = from + len(msgs)
		a.mu.Unlock()
		for _, m := range msgs {
			a.read(ctx, channel, join, m)
		}
		a.checkJoins(ctx, channel)
	}
	a.polls.polled()
}

// read handles one new message of a channel.
func (a *Agent) read(ctx context.Context, channel string, join bool, m slackfake.Message) {
	if m.BotID == "" {
		return // a person's message (our own replies)
	}
	if m.ThreadTS == "" || m.ThreadTS == m.TS {
		id := slackfake.ButtonValue(m.Blocks, "handoff_join")
		a.mu.Lock()
		t := &thread{channel: channel, root: m.TS, handoff: id}
		a.threads[channel+"/"+m.TS] = t
		a.mu.Unlock()
		if join && id != "" {
			a.click(ctx, t)
		}
		return
	}
	text := blockText(m.Blocks)
	a.mu.Lock()
	if t := a.threads[channel+"/"+m.ThreadTS]; t != nil && t.conv == "" {
		if c := convMarker.FindStringSubmatch(text); c != nil {
			t.conv = c[1]
			a.byConv[t.conv] = t
		}
	}
	a.mu.Unlock()
	if a.ledger != nil {
		a.ledger.Seen(UserToAgent, text, m.At)
	}
}

// checkJoins marks joined the threads whose card shows the owner's
// buttons, and clicks Join again on the others.
func (a *Agent) checkJoins(ctx context.Context, channel string) {
	if !a.join[channel] {
		return
	}
	a.mu.Lock()
	var waiting []*thread
	for _, t := range a.threads {
		if t.channel == channel && !t.joined && t.handoff != "" {
			waiting = append(waiting, t)
		}
	}
	a.mu.Unlock()
	for _, t := range waiting {
		root, ok := a.fake.Message(channel, t.root)
		if ok && slackfake.ButtonValue(root.Blocks, "handoff_resolve") != "" {
			a.mu.Lock()
			t.joined = true
			a.mu.Unlock()
			continue
		}
		a.click(ctx, t)
	}
}

// click presses Join in the background, once at a time per thread.
func (a *Agent) click(ctx context.Context, t *thread) {
	a.mu.Lock()
	if t.clicking {
		a.mu.Unlock()
		return
	}
	t.clicking = true
	a.mu.Unlock()
	go func() {
		_, _ = a.fake.Click(ctx, a.userID, t.channel, t.root, "handoff_join", t.handoff)
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

// Joined reports whether the agent owns the conversation's handoff (its
// card shows the owner's buttons).
func (a *Agent) Joined(conv string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.byConv[conv]
	return t != nil && t.joined
}

// Threads counts the request threads seen in a channel.
func (a *Agent) Threads(channel string) int {
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
func (a *Agent) WaitFor(ctx context.Context, what string, cond func() bool) error {
	return a.polls.waitFor(ctx, "agent", what, cond)
}

// ReplyTagged posts the conversation's next tagged agent message into its
// thread, recording it in the ledger. It returns once the bridge has
// acknowledged the event (delivering it again while the bridge is down).
func (a *Agent) ReplyTagged(ctx context.Context, conv, text string) error {
	a.mu.Lock()
	t := a.byConv[conv]
	if t == nil {
		a.mu.Unlock()
		return fmt.Errorf("agent: no thread for %s yet", conv)
	}
	a.replies[conv]++
	n := a.replies[conv]
	a.mu.Unlock()
	if a.ledger != nil {
		a.ledger.Sent(AgentToUser, conv, n, time.Now())
	}
	return a.Post(ctx, t.channel, t.root, text+" "+Tag(AgentToUser, conv, n))
}

// Post writes text as the agent in a thread and delivers its message
// event until the bridge acknowledges it: the message keeps its ts, so
// the bridge must recognise a delivery it already took.
func (a *Agent) Post(ctx context.Context, channel, root, text string) error {
	ts, _, err := a.fake.PostAsUser(ctx, channel, a.userID, text, root)
	for err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("agent: post in %s: %w", root, err)
		}
		wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_ = a.fake.WaitConnected(wctx)
		cancel()
		_, body := a.fake.EventCallback(map[string]any{"type": "message", "channel": channel, "user": a.userID, "text": text,
			"ts": ts, "event_ts": ts, "channel_type": "channel", "thread_ts": root, "parent_user_id": a.fake.Opts().BotUserID})
		_, err = a.fake.Deliver(ctx, slackfake.KindEvent, body)
	}
	return nil
}

// blockText joins the section texts of a message's blocks: what the agent
// reads (the message's text field is only the notification fallback).
func blockText(blocks json.RawMessage) string {
	var bs []struct {
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if json.Unmarshal(blocks, &bs) != nil {
		return ""
	}
	var b strings.Builder
	for _, x := range bs {
		if x.Text != nil {
			b.WriteString(x.Text.Text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
