package console

import (
	"slices"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// withoutJoinNotices drops the user's "Ana has joined the conversation."
// notices of handoff h from the history: the bridge's own "Ana joined." line,
// written in the same instant, already shows each join, and the page shows
// it once. A join is recognised by its timeline event: a system message of
// h stored at that instant is its notice.
func withoutJoinNotices(msgs []bridge.Message, h bridge.HandoffID, events []bridge.HandoffEvent) []bridge.Message {
	var joins []time.Time
	for _, e := range events {
		if e.Kind == bridge.EventJoined {
			joins = append(joins, e.At)
		}
	}
	if len(joins) == 0 {
		return msgs
	}
	return slices.DeleteFunc(slices.Clone(msgs), func(m bridge.Message) bool {
		return m.Role == bridge.RoleSystem && m.HandoffID == h &&
			slices.ContainsFunc(joins, func(at time.Time) bool { return at.Equal(m.CreatedAt) })
	})
}
