package bridge

import (
	"context"
	"fmt"
	"strings"
)

// ThreadLinker is a workspace that can say where a thread is opened in a
// browser: a Slack permalink, a Discord channel link, the console page. It
// is optional; without it a handoff's link leads to the web console.
type ThreadLinker interface {
	// ThreadURL is the address of t for an agent who clicks a link. It may
	// be a path on the bridge itself (starting with "/").
	ThreadURL(ctx context.Context, t ThreadRef) (string, error)
}

// HandoffLinkPath is where the bridge serves a handoff's stable link:
// HandoffLinkPath + id redirects to the handoff's thread once it is open.
const HandoffLinkPath = "/handoffs/"

// HandoffLink is the stable link of a handoff under the bridge's public
// URL. Unlike a thread's own address it is known from the start, when
// handoff.requested is sent and the thread is still being opened, and it
// keeps working wherever the thread is opened. "" without a public URL,
// since the link is read away from the bridge.
func HandoffLink(publicURL string, id HandoffID) string {
	if publicURL == "" {
		return ""
	}
	return strings.TrimRight(publicURL, "/") + HandoffLinkPath + id.String()
}

// HandoffThread reads where a handoff's thread is: the zero ThreadRef while
// the workspace has not opened it yet. An unknown handoff gives an error
// wrapping ErrNotFound.
func (e *Engine) HandoffThread(ctx context.Context, id HandoffID) (ThreadRef, error) {
	if t, ok := e.threads.get(id); ok {
		return t, nil
	}
	var h *Handoff
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		h, err = tx.Handoff(ctx, id)
		return err
	})
	if err != nil {
		return ThreadRef{}, fmt.Errorf("thread of handoff %d: %w", id, err)
	}
	if !h.Thread.IsZero() {
		e.threads.put(id, h.Thread) // a thread never moves once opened
	}
	return h.Thread, nil
}

// ThreadLinker returns the registered workspace of kind, if it can link to
// its threads.
func (e *Engine) ThreadLinker(kind WorkspaceKind) (ThreadLinker, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	l, ok := e.workspaces[kind].(ThreadLinker)
	return l, ok
}
