package rig

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
)

// WhatsAppUsers are WhatsApp users writing to the bridge's business number
// through the WhatsApp fake: each message is a webhook delivery signed with
// the app secret and POSTed to the bridge, delivered again (same body, same
// message id) until the bridge answers 200, as Meta does. What the bridge
// sends them is read back from the fake (Run) and recorded in the ledger
// (agent→user tags) once per message, with the fake's own arrival time.
type WhatsAppUsers struct {
	fake    *whatsappfake.Server
	webhook string
	ledger  *Ledger

	pollMu    sync.Mutex // one poll at a time: each message is seen once
	mu        sync.Mutex
	convs     map[string]string // wa_id → conversation
	read      int               // messages read back so far
	received  map[string]int    // conversation → messages received
	redeliver int               // deliveries the bridge did not take at once
}

// NewWhatsAppUsers returns an empty set of users on fake whose deliveries
// go to webhookURL (the bridge's /whatsapp/webhook).
func NewWhatsAppUsers(fake *whatsappfake.Server, webhookURL string, ledger *Ledger) *WhatsAppUsers {
	return &WhatsAppUsers{fake: fake, webhook: webhookURL, ledger: ledger, convs: map[string]string{}, received: map[string]int{}}
}

// WhatsAppUser is one user, by phone number.
type WhatsAppUser struct {
	// Conv names the conversation in tags.
	Conv  string
	group *WhatsAppUsers
	waID  string

	mu       sync.Mutex // orders the user's messages
	sentTags int
}

// User adds the user with phone number waID (digits of E.164, no "+") who
// speaks for conversation conv.
func (w *WhatsAppUsers) User(conv, waID string) *WhatsAppUser {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.convs[waID] = conv
	return &WhatsAppUser{Conv: conv, group: w, waID: waID}
}

// webhookClient keeps connections to the bridge open across deliveries.
var webhookClient = &http.Client{Timeout: 10 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}}

// Say delivers a text message, again every 50 ms until the bridge answers
// 200 or ctx ends.
func (u *WhatsAppUser) Say(ctx context.Context, text string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	_ = u.group.deliver(ctx, u.waID, text)
}

func (w *WhatsAppUsers) deliver(ctx context.Context, waID, text string) error {
	_, body := w.fake.UserText(waID, "Bench "+w.convOf(waID), text)
	sig := w.fake.Sign(body)
	for {
		status, err := post(ctx, w.webhook, body, sig)
		if err == nil && status == http.StatusOK {
			return nil
		}
		w.mu.Lock()
		w.redeliver++
		w.mu.Unlock()
		select {
		case <-ctx.Done():
			return fmt.Errorf("whatsapp delivery for %s: %w (last: %d %v)", waID, ctx.Err(), status, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func post(ctx context.Context, url string, body []byte, signature string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", signature)
	resp, err := webhookClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func (w *WhatsAppUsers) convOf(waID string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.convs[waID]
}

// SayTagged delivers the conversation's next tagged message in direction d
// with text around it, recording it in the ledger.
func (u *WhatsAppUser) SayTagged(ctx context.Context, d Direction, text string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.sentTags++
	tag := Tag(d, u.Conv, u.sentTags)
	if u.group.ledger != nil {
		u.group.ledger.Sent(d, u.Conv, u.sentTags, time.Now())
	}
	_ = u.group.deliver(ctx, u.waID, text+" "+tag)
	return tag
}

// Run reads back what the bridge sends until ctx ends, at each change of
// the fake.
func (w *WhatsAppUsers) Run(ctx context.Context) { runOnChange(ctx, w.fake.Changed, w.Poll) }

// Poll reads back the messages sent since the last poll.
func (w *WhatsAppUsers) Poll() {
	w.pollMu.Lock()
	defer w.pollMu.Unlock()
	w.mu.Lock()
	from := w.read
	w.mu.Unlock()
	msgs, next := w.fake.SentAfter(from)
	w.mu.Lock()
	w.read = next
	w.mu.Unlock()
	for _, m := range msgs {
		w.mu.Lock()
		conv, ok := w.convs[m.To]
		if ok {
			w.received[conv]++
		}
		w.mu.Unlock()
		if ok && w.ledger != nil {
			w.ledger.Seen(AgentToUser, m.Text, m.At)
		}
	}
}

// Received counts the messages a conversation's user received.
func (w *WhatsAppUsers) Received(conv string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.received[conv]
}

// Redeliveries counts the deliveries the bridge did not answer 200 at
// once (each was delivered again).
func (w *WhatsAppUsers) Redeliveries() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.redeliver
}
