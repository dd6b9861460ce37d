package teams_test

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// An alert notifier of kind msteams posts in the team's channel, a post
// of its own beside the card, with what the user typed escaped.
func TestTeamsAlertPostedInTeamChannel(t *testing.T) {
	e := newEnv(t, func(eng *bridge.Engine, e *env) {
		eng.RegisterNotifier("alerts", bridge.OnlyEvents(e.ws.Notifier(""), func(k bridge.HandoffEventKind) bool { return k == bridge.EventRequested }))
		s := e.settings()
		s.Teams["sales"].Notify = []string{"alerts"}
		eng.Apply(s)
	})
	h, _ := e.handoff("w1")
	e.waitFake("the alert", func() bool {
		for _, m := range e.fake.Posts(e.desk) {
			if m.Card == nil && strings.Contains(m.Text, "New handoff request") && strings.Contains(m.Text, "#"+h.String()) {
				return true
			}
		}
		return false
	})
}
