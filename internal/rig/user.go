package rig

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/adapters/web/webfake"
)

// User is one web widget user, as widget.js behaves: it keeps its session
// token and the last message id it saw, and when the socket drops (the
// bridge crashed) it dials again, catches up, and resends the messages the
// bridge never acknowledged, with their original client ids, in order.
// Agent messages it sees are recorded in the ledger once per message id,
// as the widget shows them.
type User struct {
	// Conv names the conversation in tags (c<number>).
	Conv string

	urls   []string // the bridge's addresses (replicas); the first one is dialled first
	at     int      // index of the address in use; guarded by sendMu
	ip     string
	ledger *Ledger

	sendMu sync.Mutex // orders sends, resends and reconnects
	cl     *webfake.Client

	mu        sync.Mutex
	token     string
	lastID    int64
	seenIDs   map[int64]bool
	unacked   []outgoing // sent, not acknowledged yet, in order
	notices   map[string]int
	system    []string // texts of the bridge's notices, once per message id
	answers   int      // AI answers seen
	state     string
	sentTags  int
	reconnect int
	refusals  int
	changed   chan struct{}
	onAnswer  func(at time.Time)
}

type outgoing struct {
	clientID, text string
}

// NewUser returns a user of the widget at url (ws://host/ws) who appears
// to come from ip (sent as X-Forwarded-For through the trusted loopback
// proxy, so that per-IP limits apply per user as in production).
func NewUser(url, conv, ip string, ledger *Ledger) *User {
	return &User{Conv: conv, urls: []string{url}, ip: ip, ledger: ledger, seenIDs: map[int64]bool{}, notices: map[string]int{},
		changed: make(chan struct{})}
}

// AlsoAt gives the user more addresses of the same bridge (replicas with
// no load balancer in front): when its socket drops or a dial fails, it
// dials the next address in turn, as a client whose replica died does.
func (u *User) AlsoAt(urls ...string) {
	u.sendMu.Lock()
	defer u.sendMu.Unlock()
	u.urls = append(u.urls, urls...)
}

// URL is the address the user dials now.
func (u *User) URL() string {
	u.sendMu.Lock()
	defer u.sendMu.Unlock()
	return u.urls[u.at]
}

// moveOnLocked turns to the next address, if there is more than one.
func (u *User) moveOnLocked() { u.at = (u.at + 1) % len(u.urls) }

// OnAnswer sets a function called for each AI answer the user sees, with
// when it arrived.
func (u *User) OnAnswer(f func(at time.Time)) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.onAnswer = f
}

// Connect opens the session (or resumes it) and waits for its welcome.
func (u *User) Connect(ctx context.Context) error {
	u.sendMu.Lock()
	defer u.sendMu.Unlock()
	return u.connectLocked(ctx)
}

func (u *User) connectLocked(ctx context.Context) error {
	u.mu.Lock()
	token, last := u.token, u.lastID
	u.mu.Unlock()
	h := http.Header{}
	h.Set("X-Forwarded-For", u.ip)
	cl, err := webfake.Dial(ctx, u.urls[u.at], webfake.Options{Token: token, LastID: last, Header: h, Discard: true, OnFrame: u.frame})
	if err != nil {
		return err
	}
	if _, err := cl.WaitFor(ctx, "welcome", func(fs []webfake.Frame) bool {
		for _, f := range fs {
			if f.Type == "welcome" {
				return true
			}
		}
		return false
	}); err != nil {
		cl.Drop()
		return err
	}
	u.cl = cl
	// Resend what the bridge never acknowledged, in order; the bridge
	// recognises the client ids of messages it already stored.
	u.mu.Lock()
	resend := append([]outgoing(nil), u.unacked...)
	u.mu.Unlock()
	for _, o := range resend {
		if err := cl.SayAs(ctx, o.clientID, o.text); err != nil {
			return err
		}
	}
	return nil
}

// Run keeps the session connected until ctx ends: each time the socket
// drops, it dials again (every 50ms while the bridge is down), at the next
// address when it has several (AlsoAt).
func (u *User) Run(ctx context.Context) {
	for {
		u.sendMu.Lock()
		cl := u.cl
		u.sendMu.Unlock()
		if cl != nil {
			_, _, _ = cl.WaitClosed(ctx)
		}
		if ctx.Err() != nil {
			if cl != nil {
				cl.Drop()
			}
			return
		}
		u.sendMu.Lock()
		if cl != nil {
			u.moveOnLocked() // its replica died, or is going away
		}
		for ctx.Err() == nil {
			err := u.connectLocked(ctx)
			if err == nil {
				break
			}
			u.moveOnLocked()
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
		u.mu.Lock()
		u.reconnect++
		u.mu.Unlock()
		u.sendMu.Unlock()
	}
}

// Close drops the socket.
func (u *User) Close() {
	u.sendMu.Lock()
	defer u.sendMu.Unlock()
	if u.cl != nil {
		u.cl.Drop()
	}
}

// Say sends text as a new message. A failed write is not an error: the
// message is resent when the socket is back.
func (u *User) Say(ctx context.Context, text string) {
	u.sendMu.Lock()
	defer u.sendMu.Unlock()
	var id string
	if u.cl != nil {
		id = u.cl.NextID()
	} else {
		id = fmt.Sprintf("r%d", time.Now().UnixNano())
	}
	u.mu.Lock()
	u.unacked = append(u.unacked, outgoing{clientID: id, text: text})
	u.mu.Unlock()
	if u.cl != nil {
		_ = u.cl.SayAs(ctx, id, text)
	}
}

// resend sends an unacknowledged message again, with its client id.
func (u *User) resend(clientID string) {
	u.sendMu.Lock()
	defer u.sendMu.Unlock()
	u.mu.Lock()
	var text string
	found := false
	for _, o := range u.unacked {
		if o.clientID == clientID {
			text, found = o.text, true
		}
	}
	u.mu.Unlock()
	if found && u.cl != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = u.cl.SayAs(ctx, clientID, text)
	}
}

// SayTagged sends the conversation's next tagged message in direction d
// (UserToAgent or UserToAI) with text around it, recording it in the ledger.
func (u *User) SayTagged(ctx context.Context, d Direction, text string) string {
	u.mu.Lock()
	u.sentTags++
	tag := Tag(d, u.Conv, u.sentTags)
	u.mu.Unlock()
	if u.ledger != nil {
		u.ledger.Sent(d, u.Conv, u.sentTags, time.Now())
	}
	u.Say(ctx, text+" "+tag)
	return tag
}

// frame handles one frame from the bridge (on the socket's reading
// goroutine).
func (u *User) frame(f webfake.Frame) {
	now := time.Now()
	u.mu.Lock()
	defer func() {
		close(u.changed)
		u.changed = make(chan struct{})
		u.mu.Unlock()
	}()
	switch f.Type {
	case "welcome":
		u.token = f.Token
	case "state":
		u.state = f.Handoff
	case "error":
		if f.ClientID != "" && (f.Code == "rate_limited" || f.Code == "unavailable") {
			u.refusals++
			// Still unacknowledged: sent again when the bridge says to.
			wait := time.Duration(max(f.RetryAfterMS, 1)) * time.Millisecond
			time.AfterFunc(wait, func() { u.resend(f.ClientID) })
		}
	case "message":
		if f.ClientID != "" {
			for i, o := range u.unacked {
				if o.clientID == f.ClientID {
					u.unacked = append(u.unacked[:i:i], u.unacked[i+1:]...)
					break
				}
			}
		}
		if f.ID == 0 || u.seenIDs[f.ID] {
			return
		}
		u.seenIDs[f.ID] = true
		u.lastID = max(u.lastID, f.ID)
		if f.Notice != "" {
			u.notices[f.Notice]++
		}
		switch f.Role {
		case "system":
			u.system = append(u.system, f.Text)
		case "agent":
			if u.ledger != nil {
				u.ledger.Seen(AgentToUser, f.Text, now)
			}
		case "ai":
			u.answers++
			if u.onAnswer != nil {
				u.onAnswer(now)
			}
		}
	}
}

// Notices counts the notices (joined, no_agents, …) seen, once per message.
func (u *User) Notices(notice string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.notices[notice]
}

// SystemMessages counts the bridge's notices (once per message id,
// whether pushed live or caught up) whose text contains substr. Caught-up
// messages carry no notice kind, so the text is what tells them apart.
func (u *User) SystemMessages(substr string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, t := range u.system {
		if strings.Contains(t, substr) {
			n++
		}
	}
	return n
}

// Unacked is how many sent messages the bridge has not acknowledged.
func (u *User) Unacked() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.unacked)
}

// Refusals counts messages the bridge refused for a while (rate limits,
// restarts).
func (u *User) Refusals() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.refusals
}

// Reconnects counts the times the socket was dialled again.
func (u *User) Reconnects() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.reconnect
}

// WaitFor blocks until cond holds for the user (checked after each frame)
// or ctx ends.
func (u *User) WaitFor(ctx context.Context, what string, cond func(u *User) bool) error {
	for {
		u.mu.Lock()
		ch := u.changed
		u.mu.Unlock()
		if cond(u) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("user %s: waiting for %s: %w", u.Conv, what, context.Cause(ctx))
		}
	}
}
