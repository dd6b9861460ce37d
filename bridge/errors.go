package bridge

import (
	"errors"

	"github.com/handoffbridge/handoff/bridge/outbox"
)

// ErrNotFound is returned by the store when a looked-up thing does not exist.
var ErrNotFound = errors.New("not found")

// RetryAfterError is returned by a destination that was told to slow down
// (HTTP 429): the outbox retries the same entry no sooner than After.
type RetryAfterError = outbox.RetryAfterError

// PermanentError is returned by a destination for a delivery that can never
// succeed (the user blocked the bot, the chat no longer exists, the message
// is refused). The outbox stops retrying it and reports it in the thread.
type PermanentError = outbox.PermanentError

// Permanent wraps err as a PermanentError.
func Permanent(err error) error { return outbox.Permanent(err) }
