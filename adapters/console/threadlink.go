package console

import (
	"context"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.ThreadLinker = (*Console)(nil)

// ThreadURL is the console page with the handoff selected: in the console
// the thread is the handoff itself. The path is on the bridge's own host.
func (c *Console) ThreadURL(_ context.Context, t bridge.ThreadRef) (string, error) {
	return HandoffPath(t.ThreadID), nil
}

// HandoffPath is the console page showing one handoff: the page selects the
// handoff named in its #handoff-<id> fragment once the agent is logged in.
func HandoffPath(id string) string { return Prefix + "#handoff-" + id }
