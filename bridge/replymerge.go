package bridge

import (
	"encoding/json"
	"unicode/utf8"
)

// ReplyMerger is a user channel whose platform limits how fast one chat is
// sent messages (Telegram's one a second, WhatsApp's and Discord's rate
// limits). Agent replies to one user that wait behind one another are sent
// as one message of up to MaxMergedText characters of Markdown, each reply
// a paragraph of its own, in order: a burst of 200 replies then reaches the
// user in a few messages within seconds, not one a second over minutes.
// Channels without it are sent every reply alone.
type ReplyMerger interface {
	// MaxMergedText is the most characters of Markdown one merged message
	// may hold: the platform's length limit less what rendering adds (the
	// agent's name, escapes), so that it goes out as one message.
	MaxMergedText() int
}

// deliveryMerger joins what waits in a stream: thread posts (see
// threadMerger) and, for channels that are ReplyMergers, agent replies.
type deliveryMerger struct{ e *Engine }

func (m deliveryMerger) Mergeable(entry *OutboxEntry) bool {
	switch entry.Op {
	case OpThreadPost:
		return true
	case OpUserMessage:
		return entry.Destination.Kind == DestinationUser && m.mergedText(ChannelKind(entry.Destination.Name)) > 0
	}
	return false
}

func (m deliveryMerger) Merge(head OutboxEntry, queued []OutboxEntry) (OutboxEntry, int) {
	if head.Op == OpThreadPost {
		return threadMerger{}.Merge(head, queued)
	}
	return mergeReplies(head, queued, m.mergedText(ChannelKind(head.Destination.Name)))
}

// mergedText is channel kind's MaxMergedText, 0 when it takes replies
// alone.
func (m deliveryMerger) mergedText(kind ChannelKind) int {
	if rm, ok := m.e.channels[kind].(ReplyMerger); ok {
		return rm.MaxMergedText()
	}
	return 0
}

// mergeReplies joins into head the agent replies queued right behind it to
// the same chat by the same agent, while the text stays within limit
// characters. A reply of another agent, a notice, a message with files or
// buttons ends the run: each message keeps its author's name and its kind.
func mergeReplies(head OutboxEntry, queued []OutboxEntry, limit int) (OutboxEntry, int) {
	var p UserMessagePayload
	if decode(&head, &p) != nil || !plainReply(p.Message) {
		return head, 0
	}
	text, length, joined := p.Message.Text, utf8.RuneCountInString(p.Message.Text), 0
	for _, q := range queued {
		var next UserMessagePayload
		if q.Op != OpUserMessage || decode(&q, &next) != nil || !plainReply(next.Message) ||
			next.To != p.To || next.Message.Author != p.Message.Author || next.Handoff != p.Handoff {
			break
		}
		n := utf8.RuneCountInString(next.Message.Text)
		if length+2+n > limit {
			break
		}
		text += "\n\n" + next.Message.Text
		length += 2 + n
		joined++
	}
	if joined == 0 {
		return head, 0
	}
	p.Message.Text = text
	raw, err := json.Marshal(p)
	if err != nil {
		return head, 0
	}
	head.Payload = raw
	return head, joined
}

// plainReply is an agent's reply of text alone.
func plainReply(m OutgoingMessage) bool {
	return m.Role == RoleAgent && m.Text != "" && len(m.Attachments) == 0 && len(m.Choices) == 0 && m.Notice == ""
}
