package bridgetest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/handoffbridge/handoff/bridge"
)

// Delivery is one thing a user channel was asked to show.
type Delivery struct {
	Kind       string // "message", "offer", "lead_form", "edit", "delete", "typing", "queue"
	To         bridge.ChatAddress
	Message    bridge.OutgoingMessage
	Offer      bridge.OutgoingOffer
	Step       bridge.LeadFormStep
	PlatformID string // the id the channel gave it, or the one edited
	Queue      bridge.QueueStatus
}

// UserChannel is a text-only user channel: offers and lead forms reach it as
// text, edits as corrections.
type UserChannel struct {
	kind       bridge.ChannelKind
	deliveries recorder[Delivery]
	fail       failures
	seq        atomic.Int64
}

var _ bridge.UserChannel = (*UserChannel)(nil)

// NewUserChannel makes a text-only channel of the given kind.
func NewUserChannel(kind bridge.ChannelKind) *UserChannel { return &UserChannel{kind: kind} }

// Kind is the channel kind.
func (u *UserChannel) Kind() bridge.ChannelKind { return u.kind }

// Send records a message.
func (u *UserChannel) Send(_ context.Context, to bridge.ChatAddress, m bridge.OutgoingMessage) (string, error) {
	if err := u.fail.next(); err != nil {
		return "", err
	}
	id := fmt.Sprintf("%s-%d", u.kind, u.seq.Add(1))
	u.deliveries.add(Delivery{Kind: "message", To: to, Message: m, PlatformID: id})
	return id, nil
}

// FailNext makes the next calls return these errors, one per call.
func (u *UserChannel) FailNext(errs ...error) { u.fail.push(errs...) }

// Deliveries returns everything delivered so far, in order.
func (u *UserChannel) Deliveries() []Delivery { return u.deliveries.all() }

// To returns what was delivered to one chat.
func (u *UserChannel) To(chatID string) []Delivery {
	var out []Delivery
	for _, d := range u.deliveries.all() {
		if d.To.ChatID == chatID {
			out = append(out, d)
		}
	}
	return out
}

// WaitFor blocks until ok holds for the deliveries to chatID.
func (u *UserChannel) WaitFor(ctx context.Context, chatID, what string, ok func([]Delivery) bool) ([]Delivery, error) {
	return u.deliveries.waitFor(ctx, what, func(all []Delivery) bool {
		var mine []Delivery
		for _, d := range all {
			if d.To.ChatID == chatID {
				mine = append(mine, d)
			}
		}
		return ok(mine)
	})
}

// WaitOne blocks until a delivery to chatID satisfies ok, and returns it.
func (u *UserChannel) WaitOne(ctx context.Context, chatID, what string, ok func(Delivery) bool) (Delivery, error) {
	var found Delivery
	_, err := u.WaitFor(ctx, chatID, what, func(ds []Delivery) bool {
		for _, d := range ds {
			if ok(d) {
				found = d
				return true
			}
		}
		return false
	})
	return found, err
}

// MessageContaining matches a message whose text contains want.
func MessageContaining(want string) func(Delivery) bool {
	return func(d Delivery) bool { return d.Kind == "message" && strings.Contains(d.Message.Text, want) }
}

// WaitCount blocks until chatID has received at least n deliveries.
func (u *UserChannel) WaitCount(ctx context.Context, chatID string, n int) ([]Delivery, error) {
	return u.WaitFor(ctx, chatID, fmt.Sprintf("%d deliveries to %s", n, chatID), func(d []Delivery) bool { return len(d) >= n })
}

// RichUserChannel is a user channel with every optional capability: buttons,
// typing, edits and a real lead form, like the web widget.
type RichUserChannel struct{ *UserChannel }

var (
	_ bridge.UserChannel       = RichUserChannel{}
	_ bridge.Offerer           = RichUserChannel{}
	_ bridge.TypingIndicator   = RichUserChannel{}
	_ bridge.MessageEditor     = RichUserChannel{}
	_ bridge.LeadFormPresenter = RichUserChannel{}
)

// NewRichUserChannel makes a channel with buttons, typing, edits and forms.
func NewRichUserChannel(kind bridge.ChannelKind) RichUserChannel {
	return RichUserChannel{NewUserChannel(kind)}
}

// SendOffer records an offer with buttons.
func (u RichUserChannel) SendOffer(_ context.Context, to bridge.ChatAddress, o bridge.OutgoingOffer) (string, error) {
	if err := u.fail.next(); err != nil {
		return "", err
	}
	id := fmt.Sprintf("%s-%d", u.kind, u.seq.Add(1))
	u.deliveries.add(Delivery{Kind: "offer", To: to, Offer: o, PlatformID: id})
	return id, nil
}

// SendTyping records a typing indicator.
func (u RichUserChannel) SendTyping(_ context.Context, to bridge.ChatAddress, author string) error {
	u.deliveries.add(Delivery{Kind: "typing", To: to, Message: bridge.OutgoingMessage{Author: author}})
	return nil
}

// EditMessage records an edit of a delivered message.
func (u RichUserChannel) EditMessage(_ context.Context, to bridge.ChatAddress, platformID string, m bridge.OutgoingMessage) error {
	if err := u.fail.next(); err != nil {
		return err
	}
	u.deliveries.add(Delivery{Kind: "edit", To: to, Message: m, PlatformID: platformID})
	return nil
}

// DeleteMessage records a deletion of a delivered message.
func (u RichUserChannel) DeleteMessage(_ context.Context, to bridge.ChatAddress, platformID string) error {
	if err := u.fail.next(); err != nil {
		return err
	}
	u.deliveries.add(Delivery{Kind: "delete", To: to, PlatformID: platformID})
	return nil
}

// ShowLeadForm records a lead form.
func (u RichUserChannel) ShowLeadForm(_ context.Context, to bridge.ChatAddress, s bridge.LeadFormStep) (string, error) {
	if err := u.fail.next(); err != nil {
		return "", err
	}
	id := fmt.Sprintf("%s-%d", u.kind, u.seq.Add(1))
	u.deliveries.add(Delivery{Kind: "lead_form", To: to, Step: s, PlatformID: id})
	return id, nil
}
