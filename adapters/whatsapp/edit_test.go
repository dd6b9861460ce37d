package whatsapp_test

import (
	"testing"

	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestUserEditAndRevoke: WhatsApp's edit and revoke webhooks change the
// relayed message; this workspace cannot change a post, so the thread gets
// a marked correction and a line saying the user deleted it.
func TestUserEditAndRevoke(t *testing.T) {
	r := newRig(t)
	open := r.active()
	const name = "Sheena Nelson"
	id, b := r.fake.UserText(sheena, name, "my order is 4211")
	r.deliver(b)
	r.waitPost(open.Thread, "4211")
	_, b = r.fake.UserEdit(sheena, name, id, "my order is 4221")
	r.deliver(b)
	r.waitPost(open.Thread, "✏️ Edited: my order is 4221")
	_, b = r.fake.UserRevoke(sheena, name, id)
	r.deliver(b)
	r.waitPost(open.Thread, "deleted one of their messages")
	var edits int
	for _, p := range bridgetest.Posts(r.slack.Ops(), open.Thread) {
		if p.Text == "✏️ Edited: my order is 4221" {
			edits++
		}
	}
	if edits != 1 {
		t.Errorf("%d corrections in the thread, want 1", edits)
	}
}
