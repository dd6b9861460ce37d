package bridge

import (
	"context"
	"time"
)

// InboxID identifies a raw inbound delivery kept in an Inbox.
type InboxID int64

// InboxEntry is one raw delivery a webhook accepted before processing it.
type InboxEntry struct {
	ID         InboxID
	Source     string // the adapter that put it, e.g. "whatsapp"
	Body       []byte // the delivery as received (its signature already checked)
	ReceivedAt time.Time
	Attempts   int    // failed processing attempts so far
	LastError  string // of the last failed attempt
}

// Inbox is an optional capability of a Store: a durable queue of raw
// inbound deliveries. A webhook whose platform wants a fast answer (the
// WhatsApp Cloud API) puts the verified body here, answers 200, and
// processes it afterwards; a restart in between loses nothing, because the
// entry stays until it is done, and the engine's de-duplication by platform
// ids makes processing it a second time harmless.
//
// It is kept apart from Tx because an entry's processing spans several of
// the engine's own transactions: "done" can only be said after them.
type Inbox interface {
	// PutInbox stores body under source and returns its id; ids grow in
	// the order entries are put and are never reused.
	PutInbox(ctx context.Context, source string, body []byte) (InboxID, error)
	// PendingInbox lists source's entries that are neither done nor given
	// up, with ids above after, oldest first, at most limit.
	PendingInbox(ctx context.Context, source string, after InboxID, limit int) ([]InboxEntry, error)
	// DoneInbox forgets a processed entry.
	DoneInbox(ctx context.Context, id InboxID) error
	// RetryInbox records a failed attempt to process an entry.
	RetryInbox(ctx context.Context, id InboxID, lastError string) error
	// GiveUpInbox takes an entry that keeps failing out of the queue; it is
	// kept, with its error, for an operator to inspect.
	GiveUpInbox(ctx context.Context, id InboxID, lastError string) error
	// InboxDepth counts source's pending entries and tells when the oldest
	// was received.
	InboxDepth(ctx context.Context, source string) (n int, oldest time.Time, err error)
}
