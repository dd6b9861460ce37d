package bridge

import (
	"context"
	"errors"
)

// Fanout carries small notices from one replica to the others that share
// the store: what lives in one process's memory and nowhere else, the open
// sockets of widget users and console agents. An adapter that pushes to a
// socket pushes to those it holds itself and publishes a notice, which the
// other replicas turn into frames for the sockets they hold.
//
// A notice is a hint, not the record: the store is. Notices are published
// after the change they tell of is committed, are small (MaxFanoutPayload;
// an adapter sends ids and reads the rows for anything larger), and may be
// lost while a replica's listener is away. Each subscriber is then told to
// Resync, and catches its sockets up from the store, as a socket that
// reconnects does.
//
// On SQLite one process owns the store: LocalFanout, which has no one to
// tell, costs nothing. bridge/postgres implements it with LISTEN/NOTIFY.
type Fanout interface {
	// Publish sends payload to topic's subscribers on every other
	// replica. It returns once the notice is on its way, not once it has
	// arrived; an error means it may not have left (the caller's work
	// should be done again, or recovered by a Resync).
	Publish(ctx context.Context, topic string, payload []byte) error
	// Subscribe registers s for the notices of topic from the other
	// replicas, until stop is called.
	Subscribe(topic string, s FanoutSubscriber) (stop func())
}

// FanoutSubscriber takes a topic's notices. Both methods are called on the
// fan-out's one goroutine, in the order each replica published the
// notices, a Resync before the notices that follow it: what they do there
// delays every later notice of every topic, so it must be short (a read
// of the store now and then), and what they hand to another goroutine may
// be overtaken by later notices.
type FanoutSubscriber interface {
	// Notice is one payload another replica published.
	Notice(payload []byte)
	// Resync says notices may have been lost: the listener was away (a
	// reconnect, a restart of the database). It is also called when the
	// listener first connects.
	Resync()
}

// MaxFanoutPayload bounds a notice's payload: PostgreSQL refuses NOTIFY
// payloads of 8000 bytes or more, and the fan-out adds its own envelope.
const MaxFanoutPayload = 7600

// ErrFanoutPayloadTooLarge is Publish's answer to a payload over
// MaxFanoutPayload; it is Permanent: sending it again would fail again.
var ErrFanoutPayloadTooLarge = Permanent(errors.New("fan-out notice over MaxFanoutPayload bytes"))

// LocalFanout is the Fanout of a store one process owns (SQLite): there is
// no other replica to tell, so Publish does nothing and no notice ever
// comes.
type LocalFanout struct{}

var _ Fanout = LocalFanout{}

// Publish checks the payload's size, like a shared fan-out, and sends
// nothing.
func (LocalFanout) Publish(_ context.Context, _ string, payload []byte) error {
	if len(payload) > MaxFanoutPayload {
		return ErrFanoutPayloadTooLarge
	}
	return nil
}

// Subscribe registers nothing: no notice ever comes.
func (LocalFanout) Subscribe(string, FanoutSubscriber) func() { return func() {} }
