package mattermost

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/handoffbridge/handoff/bridge"
)

// nameCache keeps people's names from GET /users/{id} for a while, so that
// a busy thread does not look its agent up for every reply.
type nameCache struct{ users *expirable.LRU[string, User] }

func newNameCache(ttl time.Duration) *nameCache {
	return &nameCache{users: expirable.NewLRU[string, User](4096, nil, ttl)}
}

// userOf is the Mattermost user id's account; only the id when the
// server cannot say (the engine then uses the configured agent's name).
func (w *Workspace) userOf(ctx context.Context, id string) User {
	if u, ok := w.names.users.Get(id); ok {
		return u
	}
	u, err := w.api.user(ctx, id)
	if err != nil {
		w.log.Warn("mattermost GET /users failed", "user", id, "err", err)
		return User{ID: id}
	}
	w.names.users.Add(id, u)
	return u
}

// displayName is what Mattermost shows for a user by default: the
// nickname, else the full name, else the username.
func displayName(u User) string {
	if u.Nickname != "" {
		return u.Nickname
	}
	if full := strings.TrimSpace(u.FirstName + " " + u.LastName); full != "" {
		return full
	}
	return u.Username
}

func (w *Workspace) agentRef(ctx context.Context, userID string) bridge.AgentRef {
	return bridge.AgentRef{Workspace: bridge.WorkspaceMattermost, UserID: userID, DisplayName: displayName(w.userOf(ctx, userID))}
}
