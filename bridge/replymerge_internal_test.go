package bridge

import (
	"encoding/json"
	"testing"
)

// What joins a reply waiting for a user, and what ends the run.
func TestMergeRepliesRule(t *testing.T) {
	to := ChatAddress{Channel: ChannelTelegram, ChatID: "7"}
	reply := func(author, text string) OutboxEntry {
		raw, _ := json.Marshal(UserMessagePayload{To: to, Handoff: 3, Message: OutgoingMessage{Role: RoleAgent, Author: author, Text: text}})
		return OutboxEntry{Op: OpUserMessage, Payload: raw}
	}
	notice := func() OutboxEntry {
		raw, _ := json.Marshal(UserMessagePayload{To: to, Handoff: 3, Message: OutgoingMessage{Role: RoleSystem, Text: "Ana left", Notice: NoticeResolved}})
		return OutboxEntry{Op: OpUserMessage, Payload: raw}
	}
	withFile := reply("Ana", "see file")
	var p UserMessagePayload
	_ = json.Unmarshal(withFile.Payload, &p)
	p.Message.Attachments = []Attachment{{Name: "a.pdf"}}
	withFile.Payload, _ = json.Marshal(p)
	other := reply("Ana", "to someone else")
	_ = json.Unmarshal(other.Payload, &p)
	p.To.ChatID = "8"
	other.Payload, _ = json.Marshal(p)

	for _, tt := range []struct {
		name   string
		queued []OutboxEntry
		limit  int
		joined int
		text   string
	}{
		{"same agent, in order", []OutboxEntry{reply("Ana", "two"), reply("Ana", "**three**")}, 100, 2, "one\n\ntwo\n\n**three**"},
		{"another agent ends the run", []OutboxEntry{reply("Ana", "two"), reply("Bob", "hi"), reply("Ana", "four")}, 100, 1, "one\n\ntwo"},
		{"a notice ends the run", []OutboxEntry{notice(), reply("Ana", "two")}, 100, 0, "one"},
		{"a file ends the run", []OutboxEntry{withFile}, 100, 0, "one"},
		{"another chat ends the run", []OutboxEntry{other}, 100, 0, "one"},
		{"the length limit ends the run", []OutboxEntry{reply("Ana", "two"), reply("Ana", "three")}, len("one\n\ntwo\n\nthre"), 1, "one\n\ntwo"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, joined := mergeReplies(reply("Ana", "one"), tt.queued, tt.limit)
			var got UserMessagePayload
			if err := json.Unmarshal(out.Payload, &got); err != nil {
				t.Fatal(err)
			}
			if joined != tt.joined || got.Message.Text != tt.text || got.Message.Author != "Ana" {
				t.Errorf("joined %d, text %q by %q; want %d, %q by Ana", joined, got.Message.Text, got.Message.Author, tt.joined, tt.text)
			}
		})
	}
}
