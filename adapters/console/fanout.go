package console

import (
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/bridge"
)

// Several replicas may serve the console (PostgreSQL): an agent's tabs may
// be connected to any of them. Every live event is pushed to the tabs here
// and published through the fan-out (Options.Fanout) for the tabs on the
// others. The events carry ids and short texts only and the page reads the
// rest through the API, so a replica whose listener was away has its tabs
// reconnect, which reloads them (Resync).

// fanoutTopic names the console's notices in the fan-out.
const fanoutTopic = "console"

// maxNoticeText bounds an event's text in a notice; the page reads the
// whole of what it is about through the API.
const maxNoticeText = 2000

// notice is a live event and who hears it, on every replica.
type notice struct {
	Event liveEvent `json:"e"`
	// Team: the tabs of agents who may read the team's handoffs, but
	// those of Except (an agent's own typing).
	Team   bridge.TeamID `json:"t,omitempty"`
	Except string        `json:"x,omitempty"`
	// Login, when set: that agent's tabs only.
	Login string `json:"l,omitempty"`
	// Logout, when set: the tabs of that session are closed.
	Logout string `json:"o,omitempty"`
}

// tell delivers n to the tabs here and publishes it for the other
// replicas. An error means they may not have heard it.
func (c *Console) tell(ctx context.Context, n notice) error {
	c.deliverHere(n)
	n.Event.Text = truncate(n.Event.Text, maxNoticeText)
	p, err := json.Marshal(n)
	if err == nil {
		err = c.fanout.Publish(ctx, fanoutTopic, p)
	}
	if err != nil {
		c.log.Warn("console: live event not told to the other replicas", "type", n.Event.Type, "handoff", n.Event.Handoff, "err", err)
		return fmt.Errorf("console: tell the other replicas: %w", err)
	}
	return nil
}

// deliverHere hands n to the tabs it is for on this replica. Logins are
// looked up at each event, so an agent moved out of a team by a config
// reload gets none of its events from then on.
func (c *Console) deliverHere(n notice) {
	switch {
	case n.Logout != "":
		c.hub.closeSession(n.Logout)
	case n.Login != "":
		c.hub.publish(n.Event, func(lc *liveConn) bool { return lc.login == n.Login })
	default:
		c.hub.publish(n.Event, func(lc *liveConn) bool {
			l, ok := c.login(lc.login)
			return ok && l.mayRead(n.Team) && lc.login != n.Except
		})
	}
}

// fanoutSubscriber takes the other replicas' notices for the tabs here.
type fanoutSubscriber struct{ c *Console }

func (s fanoutSubscriber) Notice(payload []byte) {
	var n notice
	if err := json.Unmarshal(payload, &n); err != nil {
		s.c.log.Warn("console: malformed notice from another replica ignored", "err", err)
		return
	}
	s.c.deliverHere(n)
}

// Resync closes every tab here: they reconnect at once and reload what
// they show, which is all they could have missed.
func (s fanoutSubscriber) Resync() { s.c.hub.closeAll() }

// truncate cuts s to at most n bytes, on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
