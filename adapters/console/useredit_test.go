package console

import (
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// TestUserEditsShowInTheConsole: a user's edit shows in the handoff's
// history as the new text marked edited, and a deletion as withdrawn,
// live; no correction line is added beside them.
func TestUserEditsShowInTheConsole(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	ana.connect()
	id := w.requestHuman("c-edit", ana)
	w.userSays("c-edit", "c-edit-m2", "my order is 4211")
	addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "c-edit"}
	if _, err := w.engine.Handle(w.ctx, bridge.UserEdit{Address: addr, PlatformID: "c-edit-m2", Text: "my order is 4221"}); err != nil {
		t.Fatal(err)
	}
	find := func(d detailResponse) *entry {
		for i, e := range d.Entries {
			if e.Kind == "message" && e.Role == bridge.RoleUser && e.ID != "" && (e.Text == "my order is 4211" || e.Text == "my order is 4221") {
				return &d.Entries[i]
			}
		}
		return nil
	}
	d := ana.waitDetail(id, "the edit", func(d detailResponse) bool { e := find(d); return e != nil && e.Edited && e.Text == "my order is 4221" })
	for _, e := range d.Entries {
		if e.Kind == "line" {
			t.Errorf("a line beside the edited message: %+v", e)
		}
	}
	if _, err := w.engine.Handle(w.ctx, bridge.UserEdit{Address: addr, PlatformID: "c-edit-m2", Deleted: true}); err != nil {
		t.Fatal(err)
	}
	msgID := find(d).ID
	ana.waitDetail(id, "the deletion", func(d detailResponse) bool {
		for _, e := range d.Entries {
			if e.ID == msgID {
				return e.Deleted && e.Text != "my order is 4221"
			}
		}
		return false
	})
}
