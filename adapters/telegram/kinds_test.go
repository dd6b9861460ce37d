package telegram_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestEveryKindReachesTheThread: whatever a Telegram user sends while
// waiting for an agent reaches the thread, as a file agents can open or as
// a line saying what it was; a kind the bridge does not know still shows,
// and Telegram's notes of chat events (a pinned message) do not.
func TestEveryKindReachesTheThread(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo)
	bob := telegramfake.User{ID: 2002, FirstName: "Bob"}
	r.fake.UserSays(bob, "talk to a human")
	ops := r.thread("thread opened", func(ops []bridgetest.ThreadOp) bool { _, ok := firstOpen(ops); return ok })
	open, _ := firstOpen(ops)

	voice := []byte("OggS voice bytes")
	file := func(name string, b []byte) string { return r.fake.AddFile(name, b) }
	cases := []struct {
		name    string
		media   telegramfake.Media
		caption string
		// want is the post's text; file, if set, the one attachment's name
		// and content type.
		want      string
		file, typ string
	}{
		{name: "voice", media: telegramfake.Media{Voice: file("voice.oga", voice)}, want: "", file: "voice-", typ: "audio/ogg"},
		{name: "audio", media: telegramfake.Media{Audio: file("song.mp3", []byte("ID3"))}, caption: "listen", want: "listen", file: "song.mp3", typ: "audio/mpeg"},
		{name: "video", media: telegramfake.Media{Video: file("clip.mp4", []byte("mp4"))}, caption: "see", want: "see", file: "clip.mp4", typ: "video/mp4"},
		{name: "video note", media: telegramfake.Media{VideoNote: file("round.mp4", []byte("mp4"))}, file: "video-note-", typ: "video/mp4"},
		{name: "sticker", media: telegramfake.Media{Sticker: "😀"}, want: "[sticker 😀]"},
		{name: "location", media: telegramfake.Media{Location: &telegramfake.Location{Latitude: 48.8584, Longitude: 2.2945}},
			want: "📍 Location: 48.8584, 2.2945\nhttps://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945"},
		{name: "venue", media: telegramfake.Media{Venue: &telegramfake.Venue{Location: telegramfake.Location{Latitude: 48.8584, Longitude: 2.2945},
			Title: "Eiffel Tower", Address: "Champ de Mars, Paris"}},
			want: "📍 Location: 48.8584, 2.2945 (Eiffel Tower, Champ de Mars, Paris)\nhttps://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945"},
		{name: "contact", media: telegramfake.Media{Contact: &telegramfake.Contact{PhoneNumber: "+33612345678", FirstName: "Ana", LastName: "Silva"}},
			want: "👤 Contact: Ana Silva, +33612345678"},
		{name: "poll", media: telegramfake.Media{Poll: &telegramfake.Poll{Question: "Which plan?", Options: []string{"Basic", "Pro"}}},
			want: "📊 Poll: Which plan?\n- Basic\n- Pro"},
		{name: "dice", media: telegramfake.Media{Dice: "🎯"}, want: "[🎯 rolled 4]"},
		{name: "unknown kind", media: telegramfake.Media{Extra: map[string]any{"story": map[string]any{"chat": map[string]any{"id": 2002, "type": "private"}, "id": 3}}},
			want: "[unsupported message]"},
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
		r.fake.UserSends(telegramfake.Incoming{Chat: telegramfake.Chat{ID: bob.ID}, From: bob, Text: c.caption, Media: c.media})
		ops := r.thread(c.name+" in the thread", func(ops []bridgetest.ThreadOp) bool {
			return len(userPosts(ops)) > before
		})
		p := userPosts(ops)[before]
		if p.Text != c.want {
			t.Errorf("%s: thread shows %s %q, want the user's %q", c.name, p.Role, p.Text, c.want)
		}
		switch {
		case c.file == "" && len(p.Attachments) > 0:
			t.Errorf("%s: unexpected files %+v", c.name, p.Attachments)
		case c.file != "" && (len(p.Attachments) != 1 || !strings.HasPrefix(p.Attachments[0].Name, c.file) || p.Attachments[0].ContentType != c.typ):
			t.Errorf("%s: files %+v, want one %s named %s…", c.name, p.Attachments, c.typ, c.file)
		}
	}

	// The voice message's link plays the user's recording.
	p := bridgetest.Posts(r.slack.Ops(), open.Thread)
	var link string
	for _, post := range p {
		if len(post.Attachments) == 1 && strings.HasPrefix(post.Attachments[0].Name, "voice-") {
			link = post.Attachments[0].URL
		}
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != string(voice) {
		t.Errorf("voice link answered %d %q, want the recording", resp.StatusCode, body)
	}

	// A pinned message is Telegram's note, not the user's words: the next
	// post is what the user writes after it.
	before := len(userPosts(r.slack.Ops()))
	r.fake.UserSends(telegramfake.Incoming{Chat: telegramfake.Chat{ID: bob.ID}, From: bob, Media: telegramfake.Media{Extra: map[string]any{
		"pinned_message": map[string]any{"message_id": 1, "date": 1700000000, "chat": map[string]any{"id": bob.ID, "type": "private"}, "text": "talk to a human"}}}})
	r.fake.UserSays(bob, "after the pin")
	ops = r.thread("the text after the pin", func(ops []bridgetest.ThreadOp) bool {
		return len(postsContaining(ops, open.Thread, "after the pin")) > 0
	})
	if got := userPosts(ops)[before:]; len(got) != 1 {
		t.Errorf("after the pin the thread got %+v, want only the text", got)
	}
}
