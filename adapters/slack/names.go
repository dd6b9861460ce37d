package slack

import (
	"cmp"
	"context"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// nameCache keeps agents' display names from users.info for a while, so
// that a busy thread does not call users.info for every reply.
type nameCache struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]cachedName
}

type cachedName struct {
	name string
	at   time.Time
}

func newNameCache(ttl time.Duration) *nameCache {
	return &nameCache{ttl: ttl, m: map[string]cachedName{}}
}

// displayName is the name Slack shows for a user: the profile's display
// name, else the real name, else the handle; "" when users.info fails (the
// engine then uses the configured agent name).
func (w *Workspace) displayName(ctx context.Context, userID string) string {
	c := w.names
	c.mu.Lock()
	e, ok := c.m[userID]
	c.mu.Unlock()
	if ok && time.Since(e.at) < c.ttl {
		return e.name
	}
	u, err := w.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		w.log.Warn("slack users.info failed", "user", userID, "err", err)
		return e.name // a stale name beats none
	}
	name := cmp.Or(u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name)
	c.mu.Lock()
	c.m[userID] = cachedName{name: name, at: time.Now()}
	c.mu.Unlock()
	return name
}

func (w *Workspace) agentRef(ctx context.Context, userID string) bridge.AgentRef {
	return bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: userID, DisplayName: w.displayName(ctx, userID)}
}
