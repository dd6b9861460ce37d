package console

import (
	"fmt"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// TestListShowsASmallTeamItsClosedHandoffs: the list is bounded per team,
// so a busy team's closed handoffs do not push a small team's off it.
func TestListShowsASmallTeamItsClosedHandoffs(t *testing.T) {
	w := newWorld(t)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	seed := func(team bridge.TeamID, n int, closedFrom time.Time) []string {
		var ids []string
		for i := range n {
			closed := closedFrom.Add(time.Duration(i) * time.Minute)
			c := &bridge.Conversation{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: fmt.Sprintf("%s-%d", team, i)}}
			h := &bridge.Handoff{Team: team, State: bridge.StateResolved, Priority: bridge.PriorityNormal,
				CreatedAt: closed.Add(-time.Hour), UpdatedAt: closed, ClosedAt: closed}
			if err := w.store.Update(w.ctx, func(tx bridge.Tx) error {
				if err := tx.CreateConversation(w.ctx, c); err != nil {
					return err
				}
				h.ConversationID = c.ID
				return tx.CreateHandoff(w.ctx, h)
			}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, h.ID.String())
		}
		return ids
	}
	// The sales handoffs closed first, so the support ones are the newest.
	sales := seed("sales", 3, t0)
	seed("support", 60, t0.Add(time.Hour))

	sam := w.loggedIn(salesToken)
	var got []string
	for _, h := range sam.list() {
		if h.Team != "sales" {
			t.Errorf("sales agent sees handoff %s of team %s", h.ID, h.Team)
		}
		got = append(got, h.ID)
	}
	if len(got) != len(sales) {
		t.Fatalf("sales agent sees %v, want their 3 closed handoffs %v", got, sales)
	}
	for i := range sales {
		if want := sales[len(sales)-1-i]; got[i] != want {
			t.Errorf("list[%d] = %s, want %s (most recently closed first): %v", i, got[i], want, got)
		}
	}

	ana := w.loggedIn(anaToken)
	if n := len(ana.list()); n != closedShown {
		t.Errorf("support agent sees %d closed handoffs, want the %d most recent", n, closedShown)
	}
}
