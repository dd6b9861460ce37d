package email

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Notifier emails notifications.
type Notifier struct {
	cfg Options
	// envelopeFrom and envelopeTo are the bare addresses of From and To,
	// for MAIL FROM and RCPT TO.
	envelopeFrom string
	envelopeTo   []string
	// turn lets one delivery at a time decide and send: the digest's
	// counts and the pause after a config fault are shared, and one SMTP
	// session at a time is what an inbox wants anyway.
	turn chan struct{}

	mu          sync.Mutex // guards the fields below, read by Health-like callers
	pausedUntil time.Time
	pauseErr    error
	digest      digest
}

var _ bridge.Notifier = (*Notifier)(nil)

// New checks cfg and makes the notifier. It does not connect: `bridge
// check` and the first event do.
func New(cfg Options) (*Notifier, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	n := &Notifier{cfg: cfg, turn: make(chan struct{}, 1), digest: newDigest(cfg.DigestThreshold, cfg.DigestWindow)}
	from, _ := mail.ParseAddress(cfg.From) // checked above
	n.envelopeFrom = from.Address
	for _, a := range cfg.To {
		to, _ := mail.ParseAddress(a)
		n.envelopeTo = append(n.envelopeTo, to.Address)
	}
	return n, nil
}

// Notify emails n, or holds it for the digest when the window's threshold
// is reached (returning a RetryAfterError until the digest is due, so that
// the event stays in the durable outbox meanwhile).
func (n *Notifier) Notify(ctx context.Context, x bridge.Notification) error {
	select {
	case n.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-n.turn }()

	now := n.cfg.Clock.Now()
	n.mu.Lock()
	paused, pauseErr := n.pausedUntil, n.pauseErr
	n.mu.Unlock()
	if now.Before(paused) {
		return &bridge.RetryAfterError{After: paused.Sub(now), Err: fmt.Errorf("email: not contacting %s until %s after: %w", n.cfg.Addr, paused.Format(time.TimeOnly), pauseErr)}
	}

	plan := n.digest.plan(x, now)
	switch plan.action {
	case alreadySent:
		return nil
	case hold:
		return &bridge.RetryAfterError{After: plan.wait, Err: fmt.Errorf("email: %s held for the digest of %d events due at %s", x.ID, plan.held, now.Add(plan.wait).Format(time.TimeOnly))}
	}
	raw, err := n.build(plan.batch, now)
	if err != nil {
		return bridge.Permanent(err)
	}
	err = n.send(ctx, raw)
	var fault *configFault
	if errors.As(err, &fault) {
		n.mu.Lock()
		n.pausedUntil, n.pauseErr = now.Add(n.cfg.ConfigPause), err
		n.mu.Unlock()
		return &bridge.RetryAfterError{After: n.cfg.ConfigPause, Err: err}
	}
	if err != nil {
		return err
	}
	n.digest.sent(plan, now)
	return nil
}

// build renders one event, or a digest of several, as a message.
func (n *Notifier) build(batch []bridge.Notification, now time.Time) ([]byte, error) {
	m := message{from: n.cfg.From, to: n.cfg.To, date: now}
	if len(batch) == 1 {
		r, err := n.cfg.Templates.render(n.data(batch[0]))
		if err != nil {
			return nil, fmt.Errorf("render %s %s: %w", batch[0].Event, batch[0].ID, err)
		}
		m.id, m.subject, m.text, m.html = batch[0].ID, r.subject, r.text, r.html
		return compose(m)
	}
	items := make([]digestItem, len(batch))
	for i, x := range batch {
		d := n.data(x)
		r, err := n.cfg.Templates.render(d)
		if err != nil {
			return nil, fmt.Errorf("render %s %s: %w", x.Event, x.ID, err)
		}
		items[i] = digestItem{At: x.At, Subject: r.subject, Link: d.Link}
	}
	text, html, err := renderDigest(items)
	if err != nil {
		return nil, err
	}
	m.id = fmt.Sprintf("digest-%d-%s", len(batch), batch[0].ID)
	m.subject = fmt.Sprintf("%d handoff events", len(batch))
	m.text, m.html = text, html
	return compose(m)
}

func (n *Notifier) data(x bridge.Notification) TemplateData {
	d := TemplateData{Notification: x, Title: titleOf(x.Event)}
	if n.cfg.Link != nil {
		d.Link = n.cfg.Link(x)
	}
	return d
}
