package rig

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
)

// TelegramUsers are Telegram users chatting with the bridge's bot through
// the Telegram fake: what they write is queued as updates the bridge reads
// with getUpdates, and what the bot sends them is read back from the fake
// (Run) and recorded in the ledger (agent→user tags) once per message, with
// the fake's own arrival time.
type TelegramUsers struct {
	fake   *telegramfake.Server
	ledger *Ledger

	pollMu   sync.Mutex // one poll at a time: each message is seen once
	mu       sync.Mutex
	convs    map[int64]string // chat → conversation
	seq      int              // the last message read back
	received map[string]int   // conversation → bot messages received
}

// NewTelegramUsers returns an empty set of users on fake.
func NewTelegramUsers(fake *telegramfake.Server, ledger *Ledger) *TelegramUsers {
	return &TelegramUsers{fake: fake, ledger: ledger, convs: map[int64]string{}, received: map[string]int{}}
}

// TelegramUser is one user in a private chat with the bot.
type TelegramUser struct {
	// Conv names the conversation in tags.
	Conv  string
	group *TelegramUsers
	user  telegramfake.User

	mu       sync.Mutex
	sentTags int
}

// User adds the user of chat id (a private chat: the user's id) who
// speaks for conversation conv.
func (t *TelegramUsers) User(conv string, id int64) *TelegramUser {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.convs[id] = conv
	return &TelegramUser{Conv: conv, group: t, user: telegramfake.User{ID: id, FirstName: "Bench", LastName: conv,
		Username: "bench_" + conv, LanguageCode: "en"}}
}

// Say writes text to the bot. The fake keeps the update until the bridge
// confirms it with a later offset, so nothing needs resending.
func (u *TelegramUser) Say(_ context.Context, text string) { u.group.fake.UserSays(u.user, text) }

// SayTagged writes the conversation's next tagged message in direction d
// with text around it, recording it in the ledger.
func (u *TelegramUser) SayTagged(ctx context.Context, d Direction, text string) string {
	u.mu.Lock()
	u.sentTags++
	n := u.sentTags
	u.mu.Unlock()
	tag := Tag(d, u.Conv, n)
	if u.group.ledger != nil {
		u.group.ledger.Sent(d, u.Conv, n, time.Now())
	}
	u.Say(ctx, text+" "+tag)
	return tag
}

// ChatID is the user's private chat with the bot.
func (u *TelegramUser) ChatID() string { return strconv.FormatInt(u.user.ID, 10) }

// Run reads back what the bot sends until ctx ends, at each change of the
// fake.
func (t *TelegramUsers) Run(ctx context.Context) { runOnChange(ctx, t.fake.Changed, t.Poll) }

// Poll reads back the messages sent since the last poll.
func (t *TelegramUsers) Poll() {
	t.pollMu.Lock()
	defer t.pollMu.Unlock()
	t.mu.Lock()
	from := t.seq
	t.mu.Unlock()
	msgs := t.fake.SentAfter(from)
	for _, m := range msgs {
		t.mu.Lock()
		conv, ok := t.convs[m.Chat]
		t.seq = max(t.seq, m.Sequence)
		if ok {
			t.received[conv]++
		}
		t.mu.Unlock()
		if ok && t.ledger != nil {
			t.ledger.Seen(AgentToUser, m.Visible, m.SentAt)
		}
	}
}

// Received counts the bot's messages a conversation's user received.
func (t *TelegramUsers) Received(conv string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.received[conv]
}
