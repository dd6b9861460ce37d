package console

import (
	"slices"

	"github.com/handoffbridge/handoff/bridge"
)

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

// transferTargets are whom h may be transferred to: the other agents of its
// team (and admins), then the other teams, by name.
func (c *Console) transferTargets(h *bridge.Handoff) []transferTarget {
	s := c.engine.Settings()
	var out []transferTarget
	for _, a := range s.Agents {
		if a.ID != h.Owner && (a.InTeam(h.Team) || a.Admin) {
			out = append(out, transferTarget{Kind: "agent", ID: string(a.ID), Name: a.Name})
		}
	}
	var teams []string
	for id := range s.Teams {
		if id != h.Team {
			teams = append(teams, string(id))
		}
	}
	slices.Sort(teams)
	for _, t := range teams {
		out = append(out, transferTarget{Kind: "team", ID: t, Name: "team " + t})
	}
	return out
}
