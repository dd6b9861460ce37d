package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/handoffbridge/handoff/adapters/api/apiclient"
)

type config struct {
	bridge, listen, conversation, team, key string
	secret                                  []byte
}

// bot is the example's whole brain: a canned answer, a handoff on request,
// and silence while a human is on.
type bot struct {
	cfg    config
	client *apiclient.Client

	mu     sync.Mutex
	out    io.Writer
	paused bool            // a handoff is open: relay, do not answer
	seen   map[string]bool // event ids already shown: callbacks may come twice
	turn   int
}

func newBot(cfg config, c *apiclient.Client, out io.Writer) *bot {
	return &bot{cfg: cfg, client: c, out: out, seen: map[string]bool{}}
}

func (b *bot) say(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintf(b.out, format+"\n", args...)
}

// start creates the conversation, or continues it after a restart.
func (b *bot) start(ctx context.Context) error {
	conv, _, err := b.client.UpsertConversation(ctx, apiclient.ConversationInput{ExternalID: b.cfg.conversation,
		User: &apiclient.Profile{Name: "Terminal user", ChannelLabel: "terminal via the example bot"}})
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.paused = conv.BotPaused
	b.mu.Unlock()
	b.say("bot: Hi! I'm a very small bot. Type \"human\" to talk to a person. (conversation %s)", conv.ID)
	return nil
}

// chat reads the person's lines until in ends.
func (b *bot) chat(ctx context.Context, in io.Reader) error {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if err := b.heard(ctx, line); err != nil {
			b.say("bot: (the bridge did not take that: %v)", err)
		}
	}
	return sc.Err()
}

// heard handles one line of the person.
func (b *bot) heard(ctx context.Context, line string) error {
	b.mu.Lock()
	paused := b.paused
	b.turn++
	key := b.cfg.conversation + "-" + strconv.Itoa(b.turn) // a retry of this turn changes nothing
	b.mu.Unlock()
	if paused {
		_, err := b.client.PostMessage(ctx, b.cfg.conversation, apiclient.MessageInput{Text: line}, apiclient.WithIdempotencyKey(key))
		return err
	}
	lower := strings.ToLower(line)
	if strings.Contains(lower, "human") || strings.Contains(lower, "agent") || strings.Contains(lower, "person") {
		return b.escalate(ctx, line, key)
	}
	answer := "I can only say this. Type \"human\" and a person will take over."
	_, _, err := b.client.UpsertConversation(ctx, apiclient.ConversationInput{ExternalID: b.cfg.conversation,
		Transcript: []apiclient.Turn{{Role: "user", Text: line}, {Role: "bot", Text: answer}}}, apiclient.WithIdempotencyKey(key))
	if err != nil {
		return err
	}
	b.say("bot: %s", answer)
	return nil
}

func (b *bot) escalate(ctx context.Context, line, key string) error {
	if _, _, err := b.client.UpsertConversation(ctx, apiclient.ConversationInput{ExternalID: b.cfg.conversation,
		Transcript: []apiclient.Turn{{Role: "user", Text: line}}}, apiclient.WithIdempotencyKey(key+"-t")); err != nil {
		return err
	}
	h, _, err := b.client.RequestHandoff(ctx, b.cfg.conversation, apiclient.HandoffInput{Team: b.cfg.team,
		Reason: "The user asked for a person", Summary: "From the terminal example bot"}, apiclient.WithIdempotencyKey(key))
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.paused = true
	b.mu.Unlock()
	b.say("bot: I've asked for a person (handoff %s, %s). Keep typing; they will see it.", h.ID, h.State)
	return nil
}

// callbacks serves the integration's callback URL.
func (b *bot) callbacks() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /callback", apiclient.CallbackHandler(b.cfg.secret, func(_ context.Context, ev apiclient.Event) error {
		b.event(ev)
		return nil
	}))
	return mux
}

// event shows one callback or stream event to the person, once.
func (b *bot) event(ev apiclient.Event) {
	b.mu.Lock()
	if b.seen[ev.ID] || ev.ConversationID != b.cfg.conversation {
		b.mu.Unlock()
		return
	}
	b.seen[ev.ID] = true
	if ev.BotPaused != nil {
		b.paused = *ev.BotPaused
	}
	b.mu.Unlock()
	switch {
	case ev.Type == apiclient.EventAgentTyping:
		b.say("(%s is typing…)", ev.Agent.Name)
	case ev.Type == apiclient.EventLeadFormStep:
		b.say("bot: %s %s", ev.LeadForm.Problem, ev.LeadForm.Prompt)
	case ev.Type == apiclient.EventAgentMessage:
		b.say("%s: %s", ev.Message.Author, ev.Message.Plain)
		for _, f := range ev.Message.Attachments {
			b.say("%s sent %s: %s", ev.Message.Author, f.Name, f.URL)
		}
	case ev.Message != nil:
		b.say("bot: %s", ev.Message.Plain)
	}
	if ev.Type == apiclient.EventResolved || ev.Type == apiclient.EventAbandoned {
		b.say("bot: I'm back. Ask me anything, or type \"human\" again.")
	}
}
