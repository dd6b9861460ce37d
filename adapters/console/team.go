package console

import (
	"context"
	"errors"
	"fmt"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/handoffbridge/handoff/bridge"
)

// An agent sees only the handoffs of their teams (admins see all). To an
// agent of another team a handoff is missing: every read, reply, note and
// action gets the answer a handoff that does not exist gets, so that ids
// reveal nothing, and live events go only to the tabs of agents who may
// read the handoff.

// teamsKept bounds the handoff → team memory; a forgotten one is read
// from the store again.
const teamsKept = 4096

func newTeamCache() *lru.Cache[string, bridge.TeamID] {
	c, err := lru.New[string, bridge.TeamID](teamsKept)
	if err != nil {
		panic(err) // only for a size below one
	}
	return c
}

// visibleHandoff reads a handoff the agent may see; one of another team is
// bridge.ErrNotFound, like one that does not exist.
func (c *Console) visibleHandoff(ctx context.Context, me Login, id bridge.HandoffID) (*bridge.Handoff, error) {
	h, err := c.engine.Handoff(ctx, id)
	if err != nil {
		return nil, err
	}
	c.teams.Add(h.ID.String(), h.Team)
	if !me.mayRead(h.Team) {
		return nil, bridge.ErrNotFound
	}
	return h, nil
}

// teamOf is the team of a handoff named by its thread id (in the console,
// the handoff id). A team never changes, so a remembered one holds.
func (c *Console) teamOf(ctx context.Context, handoff string) (bridge.TeamID, error) {
	if t, ok := c.teams.Get(handoff); ok {
		return t, nil
	}
	id, err := parseHandoffID(handoff)
	if err != nil {
		return "", err
	}
	h, err := c.engine.Handoff(ctx, id)
	if err != nil {
		return "", fmt.Errorf("console: team of handoff %s: %w", handoff, err)
	}
	c.teams.Add(handoff, h.Team)
	return h.Team, nil
}

// tellTeam sends ev to the tabs of agents who may read the team's
// handoffs, on every replica.
func (c *Console) tellTeam(ctx context.Context, team bridge.TeamID, ev liveEvent) error {
	return c.tell(ctx, notice{Event: ev, Team: team})
}

// tellAbout sends ev to the tabs that may read the handoff it is about.
// When the handoff's team cannot be read, nobody is told: the tabs catch
// up at their next change or reload, and no other team learns of it.
func (c *Console) tellAbout(ctx context.Context, ev liveEvent) error {
	team, err := c.teamOf(ctx, ev.Handoff)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			c.log.Warn("console: live event not sent", "type", ev.Type, "handoff", ev.Handoff, "err", err)
		}
		return nil
	}
	return c.tellTeam(ctx, team, ev)
}
