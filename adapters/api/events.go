package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Event is what a callback carries and the stream sends: openapi.yaml's
// Event.
type Event struct {
	ID             string           `json:"id"`
	Type           string           `json:"type"`
	Integration    string           `json:"integration"`
	ConversationID string           `json:"conversation_id"`
	HandoffID      string           `json:"handoff_id,omitempty"`
	CreatedAt      time.Time        `json:"created_at"`
	State          bridge.State     `json:"state,omitempty"`
	BotPaused      *bool            `json:"bot_paused,omitempty"`
	QueuePosition  int              `json:"queue_position,omitempty"`
	Agent          *agentOut        `json:"agent,omitempty"`
	Message        *eventMessage    `json:"message,omitempty"`
	LeadForm       *eventLeadForm   `json:"lead_form,omitempty"`
	Conversation   *conversationOut `json:"conversation,omitempty"`
}

type eventMessage struct {
	ID          string              `json:"id"`
	Role        string              `json:"role"`
	Author      string              `json:"author,omitempty"`
	Text        string              `json:"text"`
	Markdown    string              `json:"markdown"`
	Plain       string              `json:"plain"`
	Attachments []bridge.Attachment `json:"attachments,omitempty"`
}

type eventLeadForm struct {
	Field   string `json:"field"`
	Prompt  string `json:"prompt"`
	Problem string `json:"problem,omitempty"`
}

// noticeEvents maps the engine's notices to event types, the state they
// report and whether the bot stays quiet after them.
var noticeEvents = map[bridge.Notice]struct {
	kind   string
	state  bridge.State
	paused bool
}{
	bridge.NoticeWaiting:   {"handoff.pending", bridge.StatePending, true},
	bridge.NoticeJoined:    {"handoff.joined", bridge.StateActive, true},
	bridge.NoticeRequeued:  {"handoff.rejected", bridge.StatePending, true},
	bridge.NoticeResolved:  {"handoff.resolved", bridge.StateResolved, false},
	bridge.NoticeCancelled: {"handoff.abandoned", bridge.StateAbandoned, false},
	bridge.NoticeNoAgents:  {"handoff.fallback", bridge.StateFallback, false},
	bridge.NoticeLeadSaved: {"lead.captured", bridge.StateFallback, false},
}

func (a *API) newEvent(it *integration, conversation, id, kind string) Event {
	return Event{ID: id, Type: kind, Integration: it.Name, ConversationID: conversation, CreatedAt: a.clock.Now().UTC()}
}

// messageEvent is the event of a message the engine sends the user. Its id
// derives from the message id, so every retry carries the same one.
func (a *API) messageEvent(ctx context.Context, it *integration, to bridge.ChatAddress, conversation string, m bridge.OutgoingMessage) Event {
	kind := "message.bot"
	if m.Role == bridge.RoleAgent {
		kind = "message.agent"
	}
	ev := a.newEvent(it, conversation, "evt_"+m.MessageID.String(), kind)
	if m.Handoff != 0 {
		ev.HandoffID = m.Handoff.String()
	}
	ev.Message = &eventMessage{ID: m.MessageID.String(), Role: roleName(m.Role), Author: m.Author, Text: m.Text,
		Markdown: m.Text, Plain: plainText(m.Text), Attachments: m.Attachments}
	if n, ok := noticeEvents[m.Notice]; ok {
		ev.Type, ev.State, ev.BotPaused = n.kind, n.state, &n.paused
		ev.QueuePosition = m.QueuePosition
	}
	if m.Role == bridge.RoleAgent {
		ev.Agent = &agentOut{Name: m.Author}
	}
	if m.Agent != "" {
		ev.Agent = &agentOut{Name: m.Agent} // the joined agent, as the workspace shows them
	} else if m.Notice == bridge.NoticeResolved {
		// The agent who owned it, as the workspace showed them.
		if st, err := a.opts.Engine.Status(ctx, to); err == nil && st.Handoff != nil && st.Handoff.ID == m.Handoff && st.Handoff.AgentName != "" {
			ev.Agent = &agentOut{Name: st.Handoff.AgentName}
		}
	}
	return ev
}

// randomEventID names an event that is not retried (typing).
func randomEventID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// editEventID is the same for every retry of one edit, and differs between
// two edits of the same message.
func editEventID(platformID, text string) string {
	sum := sha256.Sum256([]byte(text))
	return "evt_" + platformID + "_edit_" + hex.EncodeToString(sum[:6])
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
