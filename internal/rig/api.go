package rig

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/adapters/api/apiclient"
)

// The bench's handoff API integration: its key and callback secret, passed
// to the bridge through the environment.
const (
	APIKey            = "bench-api-key-0123456789abcdefghij"
	APICallbackSecret = "bench-api-callback-secret"
)

// APIUsers are users of an outside bot on the handoff API: what they write
// is posted to /api/v1 with the bot's key (the integration lets the
// bridge's triggers fire, so a phrase hands off as on other channels), and
// what the bridge sends them arrives as signed callbacks at the bench's
// own receiver, which records agent→user tags in the ledger once per event
// id.
type APIUsers struct {
	ledger *Ledger
	srv    *http.Server
	url    string
	client *apiclient.Client

	mu       sync.Mutex
	seen     map[string]bool // event ids: a retried callback counts once
	received map[string]int  // conversation → bridge messages received
	failures int             // posts the bridge refused, after retries
}

// NewAPIUsers starts the callback receiver on a free loopback port.
func NewAPIUsers(ledger *Ledger) (*APIUsers, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("api users: %w", err)
	}
	a := &APIUsers{ledger: ledger, url: "http://" + ln.Addr().String() + "/callback",
		seen: map[string]bool{}, received: map[string]int{}}
	a.srv = &http.Server{Handler: apiclient.CallbackHandler([]byte(APICallbackSecret), a.callback), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = a.srv.Serve(ln) }()
	return a, nil
}

// CallbackURL is where the bridge should send the integration's callbacks.
func (a *APIUsers) CallbackURL() string { return a.url }

// Connect points the users at the bridge's base URL.
func (a *APIUsers) Connect(baseURL string) {
	a.client = apiclient.New(baseURL, APIKey, apiHTTP)
}

// apiHTTP keeps a connection per user open: each user waits for its
// answer before its next message, so a smaller pool would reconnect.
var apiHTTP = &http.Client{Timeout: 30 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 2048, MaxIdleConnsPerHost: 2048, IdleConnTimeout: time.Minute}}

// Close stops the receiver.
func (a *APIUsers) Close() { _ = a.srv.Close() }

func (a *APIUsers) callback(_ context.Context, ev apiclient.Event) error {
	at := time.Now()
	a.mu.Lock()
	dup := a.seen[ev.ID]
	a.seen[ev.ID] = true
	if !dup && ev.Message != nil {
		a.received[ev.ConversationID]++
	}
	a.mu.Unlock()
	if !dup && ev.Type == apiclient.EventAgentMessage && a.ledger != nil {
		a.ledger.Seen(AgentToUser, ev.Message.Text, at)
	}
	return nil
}

// Received counts the bridge's messages a conversation's user received.
func (a *APIUsers) Received(conv string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.received[conv]
}

// Failures counts the messages the bridge never took.
func (a *APIUsers) Failures() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failures
}

// APIUser is one user of the bot; Conv is also the conversation's id.
type APIUser struct {
	Conv  string
	group *APIUsers

	mu       sync.Mutex // orders the user's messages
	created  bool
	sentTags int
	seq      int
}

// User adds the user who speaks for conversation conv.
func (a *APIUsers) User(conv string) *APIUser { return &APIUser{Conv: conv, group: a} }

// Say posts a message the user wrote, creating the conversation first; a
// refused or failed post is retried with the same Idempotency-Key until
// ctx ends, so it is taken exactly once.
func (u *APIUser) Say(ctx context.Context, text string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	c := u.group.client
	err := retry(ctx, func() error {
		if u.created {
			return nil
		}
		_, _, err := c.UpsertConversation(ctx, apiclient.ConversationInput{ExternalID: u.Conv,
			User: &apiclient.Profile{Name: "Bench " + u.Conv}}, apiclient.WithIdempotencyKey(u.Conv+"-create"))
		u.created = err == nil
		return err
	})
	if err == nil {
		u.seq++
		key := u.Conv + "-" + strconv.Itoa(u.seq)
		err = retry(ctx, func() error {
			_, err := c.PostMessage(ctx, u.Conv, apiclient.MessageInput{Text: text}, apiclient.WithIdempotencyKey(key))
			return err
		})
	}
	if err != nil {
		u.group.mu.Lock()
		u.group.failures++
		u.group.mu.Unlock()
	}
}

// retry calls fn until it succeeds, ctx ends, or the bridge refuses the
// request for good (a 4xx other than 429).
func retry(ctx context.Context, fn func() error) error {
	for {
		err := fn()
		var p *apiclient.Problem
		if err == nil || (errors.As(err, &p) && p.Status < 500 && p.Status != http.StatusTooManyRequests) {
			return err
		}
		wait := 50 * time.Millisecond
		if p != nil && p.RetryAfter > 0 {
			wait = p.RetryAfter
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(wait):
		}
	}
}

// SayTagged writes the conversation's next tagged message in direction d
// with text around it, recording it in the ledger.
func (u *APIUser) SayTagged(ctx context.Context, d Direction, text string) string {
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
