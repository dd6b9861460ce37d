package bridge

import (
	"context"
	"fmt"
	"time"
)

// DefaultSessionIdleGap is the quiet time after which a user's next message
// starts a new session, when the settings name none.
const DefaultSessionIdleGap = 30 * time.Minute

// sessionIdleGap is the configured gap, or the default.
func (s *Settings) sessionIdleGap() time.Duration {
	if s.SessionIdleGap > 0 {
		return s.SessionIdleGap
	}
	return DefaultSessionIdleGap
}

// continueSession keeps c's session start, or starts a new session at now
// when the conversation has been quiet (no message of anyone) for longer
// than the idle gap. It runs before the new user message is stored. The
// core alone decides this, so that "session" means the same on every
// channel: the current visit, not the first message ever.
func (w *work) continueSession(ctx context.Context, c *Conversation) error {
	lastActive := c.CreatedAt
	last, err := w.tx.RecentMessages(ctx, c.ID, 1)
	if err != nil {
		return fmt.Errorf("last message of conversation %d: %w", c.ID, err)
	}
	if len(last) > 0 {
		lastActive = last[0].CreatedAt
	}
	if c.Context.SessionStart.IsZero() || w.now.Sub(lastActive) > w.s.sessionIdleGap() {
		c.Context.SessionStart = w.now
	}
	return nil
}
