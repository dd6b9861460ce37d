package console

import "github.com/handoffbridge/handoff/bridge"

// allowedActions are the buttons the page enables for me on h: what the
// engine would accept (an admin may resolve a pending request; any agent of
// the team a fallback one).
func (c *Console) allowedActions(h *bridge.Handoff, me Login) []bridge.Action {
	allowed := c.engine.AllowedActions(h, me.agentRef())
	if allowed == nil {
		return []bridge.Action{}
	}
	return allowed
}

// handoffEnabled reports whether the handoff module is on; the page shows
// a banner when it is not.
func (c *Console) handoffEnabled() bool { return c.engine.Settings().Enabled }
