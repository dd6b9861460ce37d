package outbox

import (
	"fmt"
	"time"
)

// RetryAfterError is returned by a destination that was told to slow down
// (HTTP 429): the outbox retries the same entry no sooner than After.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.After, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// PermanentError is returned by a destination for a delivery that can never
// succeed (the user blocked the bot, the chat no longer exists, the message
// is refused). The outbox stops retrying it and reports it as given up.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a PermanentError.
func Permanent(err error) error { return &PermanentError{Err: err} }
