package whatsapp_test

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestEveryKindReachesTheThread: voice messages reach the thread as files;
// locations, contacts, reactions and list answers as a line; what the
// Cloud API cannot pass on, or a type newer than the bridge, as a visible
// "[unsupported message…]" line; a reaction taken back adds nothing.
func TestEveryKindReachesTheThread(t *testing.T) {
	r := newRig(t)
	open := r.active()
	voice := r.fake.AddMedia([]byte("OggS voice"), "audio/ogg; codecs=opus")
	const name = "Sheena Nelson"
	cases := []struct {
		name string
		body func() []byte
		want string
		file string // the one attachment's name prefix, if any
	}{
		{"voice", func() []byte { _, b := r.fake.UserVoice(sheena, name, voice); return b }, "", "voice-"},
		{"location", func() []byte { _, b := r.fake.UserLocation(sheena, name, 48.8584, 2.2945, "", ""); return b },
			"📍 Location: 48.8584, 2.2945\nhttps://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945", ""},
		{"place", func() []byte {
			_, b := r.fake.UserLocation(sheena, name, 48.8584, 2.2945, "Eiffel Tower", "Champ de Mars, Paris")
			return b
		}, "📍 Location: 48.8584, 2.2945 (Eiffel Tower, Champ de Mars, Paris)\nhttps://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945", ""},
		{"contact", func() []byte { _, b := r.fake.UserContact(sheena, name, "Ana Silva", "+33 6 12 34 56 78"); return b },
			"👤 Contact: Ana Silva, +33 6 12 34 56 78", ""},
		{"reaction", func() []byte {
			_, b := r.fake.UserSends(sheena, name, "reaction", map[string]any{"reaction": map[string]any{"message_id": "wamid.OUT1", "emoji": "👍"}})
			return b
		}, "[reacted 👍]", ""},
		{"list answer", func() []byte {
			_, b := r.fake.UserSends(sheena, name, "interactive", map[string]any{"interactive": map[string]any{
				"type": "list_reply", "list_reply": map[string]any{"id": "plan-pro", "title": "Pro plan", "description": "€20 a month"}}})
			return b
		}, "Pro plan", ""},
		{"unsupported", func() []byte { _, b := r.fake.UserUnsupported(sheena, name); return b }, "[unsupported message]", ""},
		{"unsupported poll", func() []byte {
			_, b := r.fake.UserSends(sheena, name, "unsupported", map[string]any{"unsupported": map[string]any{"type": "poll_creation"}})
			return b
		}, "[unsupported message: poll creation]", ""},
		{"newer type", func() []byte {
			_, b := r.fake.UserSends(sheena, name, "order", map[string]any{"order": map[string]any{"catalog_id": "1"}})
			return b
		},
			"[unsupported message: order]", ""},
	}
	// The bridge's own lines (the join, posted on its own queue) may land
	// in the thread between the user's posts: only the user's count.
	userPosts := func(ops []bridgetest.ThreadOp) []bridge.ThreadPost {
		var out []bridge.ThreadPost
		for _, p := range bridgetest.Posts(ops, open.Thread) {
			if p.Role == bridge.RoleUser {
				out = append(out, p)
			}
		}
		return out
	}
	for _, c := range cases {
		before := len(userPosts(r.slack.Ops()))
		r.deliver(c.body())
		ops, err := r.slack.WaitFor(t.Context(), c.name+" in the thread", func(ops []bridgetest.ThreadOp) bool {
			return len(userPosts(ops)) > before
		})
		if err != nil {
			t.Fatal(err)
		}
		p := userPosts(ops)[before]
		if p.Text != c.want {
			t.Errorf("%s: thread shows %s %q, want the user's %q", c.name, p.Role, p.Text, c.want)
		}
		switch {
		case c.file == "" && len(p.Attachments) > 0:
			t.Errorf("%s: unexpected files %+v", c.name, p.Attachments)
		case c.file != "" && (len(p.Attachments) != 1 || !strings.HasPrefix(p.Attachments[0].Name, c.file)):
			t.Errorf("%s: files %+v, want one named %s…", c.name, p.Attachments, c.file)
		}
	}

	before := len(userPosts(r.slack.Ops()))
	_, b := r.fake.UserSends(sheena, name, "reaction", map[string]any{"reaction": map[string]any{"message_id": "wamid.OUT1"}})
	r.deliver(b)
	_, b = r.fake.UserText(sheena, name, "after the reaction")
	r.deliver(b)
	r.waitPost(open.Thread, "after the reaction")
	if got := userPosts(r.slack.Ops())[before:]; len(got) != 1 {
		t.Errorf("a reaction taken back then a text gave the thread %+v, want only the text", got)
	}
}
