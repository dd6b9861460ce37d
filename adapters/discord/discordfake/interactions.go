package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Interaction is a click the fake dispatched, and how the bot answered it.
type Interaction struct {
	ID, Token string
	ChannelID string
	MessageID string // the message whose button was pressed
	CustomID  string
	// Command is the name of the command run, for a command interaction.
	Command string
	// Original is the message an edit of @original changes: the clicked
	// message, until the interaction is answered with a message (types 4
	// and 5), which then is the original.
	Original string
	UserID   string
	Created  time.Time
	// Callbacks are the interaction responses: their type (6 deferred
	// update, 4 channel message, 5 deferred channel message, 7 update
	// message, 1 pong) and when.
	Callbacks []Callback
	// Followups are the messages sent through the interaction's webhook.
	Followups []*Message
}

// Callback is one interaction response.
type Callback struct {
	Type      discordgo.InteractionResponseType
	Content   string
	Ephemeral bool
	// Choices are the values of an autocomplete answer (type 8).
	Choices []string
	After   time.Duration // since the interaction was dispatched
}

// Acked reports whether the interaction got its first answer.
func (i *Interaction) Acked() bool { return len(i.Callbacks) > 0 }

func (s *Server) interactionCallback(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data *outgoing                         `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		apiError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[r.PathValue("token")]
	switch {
	case in == nil || in.ID != r.PathValue("iid") || time.Since(in.Created) > s.deadline:
		apiError(w, http.StatusNotFound, 10062, "Unknown interaction")
		return
	case in.Acked():
		apiError(w, http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
		return
	}
	cb := Callback{Type: body.Type, After: time.Since(in.Created)}
	if body.Data != nil {
		if field, code, msg := body.Data.validate(false); field != "" {
			formError(w, "data."+field, code, msg)
			return
		}
		if body.Data.Content != nil {
			cb.Content = *body.Data.Content
		}
		cb.Ephemeral = body.Data.Flags&64 != 0
		for _, c := range body.Data.Choices {
			cb.Choices = append(cb.Choices, fmt.Sprint(c.Value))
		}
	}
	in.Callbacks = append(in.Callbacks, cb)
	ch := s.channels[in.ChannelID]
	s.answerLocked(in, ch, body.Type, body.Data)
	s.touch()
	w.WriteHeader(http.StatusNoContent)
}

// answerLocked applies an interaction response: a message in the
// channel for types 4 and 5 (5 shows "thinking…" until @original is
// edited), a change of the clicked message for type 7.
func (s *Server) answerLocked(in *Interaction, ch *discordgo.Channel, t discordgo.InteractionResponseType, data *outgoing) {
	switch t {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		if ch == nil {
			return
		}
		if data == nil {
			data = &outgoing{}
		}
		m := s.newMessageLocked(ch, &s.Bot, data)
		m.Interaction = in.Token
		if t == discordgo.InteractionResponseDeferredChannelMessageWithSource {
			m.Loading = true
		}
		in.Original = m.ID
		in.Followups = append(in.Followups, m)
	case discordgo.InteractionResponseUpdateMessage:
		if m := s.byID[in.MessageID]; m != nil && data != nil && ch != nil {
			s.editLocked(ch, m, data)
		}
	}
}

// followup answers POST /webhooks/{app}/{token}: a followup message.
func (s *Server) followup(w http.ResponseWriter, r *http.Request) {
	o, ok := readOutgoing(w, r, true)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[r.PathValue("token")]
	if in == nil || r.PathValue("app") != s.AppID || time.Since(in.Created) > 15*time.Minute {
		apiError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return
	}
	if !in.Acked() {
		apiError(w, http.StatusBadRequest, 40060, "Interaction has not been acknowledged.")
		return
	}
	ch := s.channels[in.ChannelID]
	if ch == nil {
		apiError(w, http.StatusNotFound, 10003, "Unknown Channel")
		return
	}
	m := s.newMessageLocked(ch, &s.Bot, o)
	m.Interaction = in.Token
	in.Followups = append(in.Followups, m)
	s.touch()
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) editOriginal(w http.ResponseWriter, r *http.Request) {
	o, ok := readOutgoing(w, r, false)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[r.PathValue("token")]
	if in == nil || !in.Acked() {
		apiError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return
	}
	m := s.byID[in.Original]
	ch := s.channels[in.ChannelID]
	if m == nil || ch == nil {
		apiError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	m.Loading = false
	s.editLocked(ch, m, o)
	writeJSON(w, http.StatusOK, m)
}
