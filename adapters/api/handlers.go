package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Answers, as openapi.yaml describes them.
type (
	conversationOut struct {
		ID        string        `json:"id"`
		User      *profileInput `json:"user,omitempty"`
		CreatedAt time.Time     `json:"created_at"`
		UpdatedAt time.Time     `json:"updated_at"`
		BotPaused bool          `json:"bot_paused"`
		Handoff   *handoffOut   `json:"handoff"`
	}
	handoffOut struct {
		ID            string     `json:"id"`
		State         string     `json:"state"`
		Team          string     `json:"team"`
		Priority      string     `json:"priority"`
		QueuePosition int        `json:"queue_position"`
		Agent         *agentOut  `json:"agent,omitempty"`
		CreatedAt     time.Time  `json:"created_at"`
		ClosedAt      *time.Time `json:"closed_at,omitempty"`
	}
	agentOut struct {
		Name string `json:"name"`
	}
	messageAccepted struct {
		MessageID string `json:"message_id"`
		RoutedTo  string `json:"routed_to"`
		BotPaused bool   `json:"bot_paused"`
	}
	messageOut struct {
		ID          string              `json:"id"`
		Role        string              `json:"role"`
		Author      string              `json:"author,omitempty"`
		Text        string              `json:"text"`
		Attachments []bridge.Attachment `json:"attachments,omitempty"`
		HandoffID   string              `json:"handoff_id,omitempty"`
		CreatedAt   time.Time           `json:"created_at"`
		EditedAt    *time.Time          `json:"edited_at,omitempty"`
		Deleted     bool                `json:"deleted,omitempty"`
	}
	messagePage struct {
		Messages   []messageOut `json:"messages"`
		NextCursor string       `json:"next_cursor"`
	}
)

func handoffOf(h *bridge.HandoffStatus) *handoffOut {
	if h == nil {
		return nil
	}
	out := &handoffOut{ID: h.ID.String(), State: string(h.State), Team: string(h.Team), Priority: string(h.Priority),
		QueuePosition: h.QueuePosition, CreatedAt: h.CreatedAt}
	if h.AgentName != "" {
		out.Agent = &agentOut{Name: h.AgentName}
	}
	if !h.ClosedAt.IsZero() {
		t := h.ClosedAt
		out.ClosedAt = &t
	}
	return out
}

func paused(st bridge.ConversationStatus) bool { return st.Handoff != nil && st.Handoff.State.Open() }

func conversationOf(id string, st bridge.ConversationStatus, p profileInput) conversationOut {
	out := conversationOut{ID: id, CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt, BotPaused: paused(st), Handoff: handoffOf(st.Handoff)}
	if p.Name != "" || p.Email != "" || p.Locale != "" || p.ChannelLabel != "" || len(p.Attributes) > 0 {
		out.User = &p
	}
	return out
}

func profileKey(it *integration, id string) string { return "profile:" + it.Name + "/" + id }

// profile is what the bot told of the conversation's user so far.
func (a *API) profile(ctx context.Context, it *integration, id string) profileInput {
	var p profileInput
	if v, err := a.records.Get(ctx, profileKey(it, id)); err == nil && v != "" {
		_ = jsonUnmarshal(v, &p)
	}
	return p
}

// mergeProfile adds what the bot tells now to what it told before.
func (a *API) mergeProfile(ctx context.Context, it *integration, id string, nu profileInput) (profileInput, error) {
	p := a.profile(ctx, it, id)
	pick := func(old *string, v string) {
		if v != "" {
			*old = v
		}
	}
	pick(&p.Name, nu.Name)
	pick(&p.Email, nu.Email)
	pick(&p.Locale, nu.Locale)
	pick(&p.ChannelLabel, nu.ChannelLabel)
	if len(nu.Attributes) > 0 {
		if p.Attributes == nil {
			p.Attributes = map[string]string{}
		}
		maps.Copy(p.Attributes, nu.Attributes)
		for len(p.Attributes) > 50 { // merged past the cap: the newest win
			for k := range p.Attributes {
				if _, fresh := nu.Attributes[k]; !fresh {
					delete(p.Attributes, k)
					break
				}
			}
		}
	}
	return p, a.records.Put(ctx, profileKey(it, id), jsonString(p))
}

func userOf(id string, p profileInput) (bridge.User, bridge.UserContext) {
	return bridge.User{ID: id, DisplayName: p.Name},
		bridge.UserContext{Language: p.Locale, ChatTitle: p.ChannelLabel, ChatType: "api"}
}

func (a *API) upsertConversation(w http.ResponseWriter, r *http.Request, it *integration) {
	body, p := readBody(w, r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	in, p := decodeConversation(body, it.MaxMessageBytes)
	if p != nil {
		writeProblem(w, p)
		return
	}
	a.idempotent(w, r, it, body, "", func(ctx context.Context, c call) (outcome, *problem) {
		addr := address(it, in.ExternalID)
		_, p := a.statusOf(ctx, it, in.ExternalID)
		existed := p == nil
		if p != nil && p.Status != http.StatusNotFound {
			return outcome{}, p
		}
		prof, err := a.mergeProfile(ctx, it, in.ExternalID, in.User)
		if err != nil {
			return outcome{}, a.engineProblem(it, "store the profile", err)
		}
		user, uc := userOf(in.ExternalID, prof)
		ev := bridge.UserTranscript{Address: addr, User: user, Context: uc, PlatformID: c.key}
		for _, t := range in.Transcript {
			role := bridge.RoleUser
			if t.Role == "bot" {
				role = bridge.RoleAI
			}
			ev.Turns = append(ev.Turns, bridge.TranscriptTurn{Role: role, Author: t.Author, Text: t.Text, At: t.At})
		}
		if _, err := a.opts.Engine.Handle(ctx, ev); err != nil {
			return outcome{}, a.engineProblem(it, "record the conversation", err)
		}
		st, p := a.statusOf(ctx, it, in.ExternalID)
		if p != nil {
			return outcome{}, p
		}
		status := http.StatusCreated
		if existed {
			status = http.StatusOK
		}
		return outcome{status: status, body: conversationOf(in.ExternalID, st, prof)}, nil
	})
}

func (a *API) getConversation(w http.ResponseWriter, r *http.Request, it *integration) {
	id, p := conversationID(r)
	if p == nil {
		var st bridge.ConversationStatus
		if st, p = a.statusOf(r.Context(), it, id); p == nil {
			a.respond(w, outcome{status: http.StatusOK, body: conversationOf(id, st, a.profile(r.Context(), it, id))}, nil)
			return
		}
	}
	writeProblem(w, p)
}

func (a *API) requestHandoff(w http.ResponseWriter, r *http.Request, it *integration) {
	id, p := conversationID(r)
	var body []byte
	if p == nil {
		body, p = readBody(w, r)
	}
	var in handoffInput
	if p == nil {
		in, p = decodeHandoff(body)
	}
	team := bridge.TeamID(in.Team)
	if team == "" {
		team = it.DefaultTeam
	}
	if p == nil && !it.allowed[string(team)] {
		p = &problem{Type: ProblemTeamNotAllowed, Title: "Team not allowed", Status: http.StatusForbidden,
			Detail: fmt.Sprintf("integration %s may not hand off to team %q", it.Name, team), Field: "/team"}
	}
	if p != nil {
		writeProblem(w, p)
		return
	}
	a.idempotent(w, r, it, body, "", func(ctx context.Context, c call) (outcome, *problem) {
		st, p := a.statusOf(ctx, it, id)
		if p != nil {
			return outcome{}, p
		}
		if paused(st) {
			return outcome{status: http.StatusOK, body: handoffOf(st.Handoff)}, nil
		}
		prof := a.profile(ctx, it, id)
		user, uc := userOf(id, prof)
		reason := in.Reason
		if reason == "" {
			reason = "The bot asked for a human"
		}
		ev := bridge.HandoffRequest{Address: address(it, id), User: user, Context: uc, PlatformID: c.key, Team: team,
			Priority: bridge.Priority(in.Priority), Reason: reason, Details: details(in, prof)}
		if _, err := a.opts.Engine.Handle(ctx, ev); err != nil {
			return outcome{}, a.engineProblem(it, "request the handoff", err)
		}
		if st, p = a.statusOf(ctx, it, id); p != nil {
			return outcome{}, p
		}
		return outcome{status: http.StatusCreated, body: handoffOf(st.Handoff)}, nil
	})
}

// details is what the agent reads under the card: the bot's summary and
// what it knows of the user.
func details(in handoffInput, p profileInput) string {
	var lines []string
	if in.Summary != "" {
		lines = append(lines, "Summary from the bot: "+in.Summary)
	}
	if p.Email != "" {
		lines = append(lines, "Email: "+p.Email)
	}
	attrs := maps.Clone(p.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	maps.Copy(attrs, in.Attributes)
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		lines = append(lines, k+": "+attrs[k])
	}
	return strings.Join(lines, "\n")
}

func (a *API) cancelHandoff(w http.ResponseWriter, r *http.Request, it *integration) {
	id, p := conversationID(r)
	var body []byte
	if p == nil {
		body, p = readBody(w, r)
	}
	if p != nil {
		writeProblem(w, p)
		return
	}
	a.idempotent(w, r, it, body, "", func(ctx context.Context, c call) (outcome, *problem) {
		st, p := a.statusOf(ctx, it, id)
		if p != nil {
			return outcome{}, p
		}
		h := st.Handoff
		switch {
		case h == nil:
			return outcome{}, &problem{Type: ProblemNoHandoff, Title: "No handoff", Status: http.StatusNotFound,
				Detail: "conversation " + id + " has no handoff to cancel"}
		case h.State == bridge.StateActive:
			return outcome{}, &problem{Type: ProblemHandoffActive, Title: "Handoff active", Status: http.StatusConflict,
				Detail: "an agent has joined; only the agent can end this handoff"}
		case h.State == bridge.StateResolved:
			return outcome{}, &problem{Type: ProblemHandoffClosed, Title: "Handoff resolved", Status: http.StatusConflict,
				Detail: "the handoff is already resolved"}
		case h.State == bridge.StateAbandoned:
			return outcome{status: http.StatusOK, body: handoffOf(h)}, nil
		}
		ev := bridge.UserChoice{Address: address(it, id), User: bridge.User{ID: id}, PlatformID: c.key, Choice: bridge.ChoiceCancel}
		if _, err := a.opts.Engine.Handle(ctx, ev); err != nil {
			return outcome{}, a.engineProblem(it, "cancel the handoff", err)
		}
		if st, p = a.statusOf(ctx, it, id); p != nil {
			return outcome{}, p
		}
		return outcome{status: http.StatusOK, body: handoffOf(st.Handoff)}, nil
	})
}

func (a *API) postMessage(w http.ResponseWriter, r *http.Request, it *integration) {
	id, p := conversationID(r)
	var body []byte
	if p == nil {
		body, p = readBody(w, r)
	}
	var in messageInput
	if p == nil {
		in, p = decodeMessage(body, it.MaxMessageBytes)
	}
	if p != nil {
		writeProblem(w, p)
		return
	}
	var botKey string
	if in.MessageID != "" {
		botKey = "message:" + in.MessageID
	}
	a.idempotent(w, r, it, body, botKey, func(ctx context.Context, c call) (outcome, *problem) {
		if !a.known.has(it.Name + "/" + id) {
			if _, p := a.statusOf(ctx, it, id); p != nil {
				return outcome{}, p // never create a conversation here: it would have no profile
			}
		}
		routing := bridge.RouteRecord
		if it.Triggers {
			routing = bridge.RouteTriggers
		}
		platformID := c.key
		if botKey != "" {
			platformID = it.Name + ":" + botKey // the bot's id wins: a resend under a new key is still the same message
		}
		ev := bridge.UserMessage{Address: address(it, id), User: bridge.User{ID: id},
			PlatformID: platformID, Text: in.Text, Attachments: in.attachments(), Routing: routing}
		if c.remember != nil {
			// The answer is kept with the message, in one transaction.
			ev.Remember = func(out bridge.Outcome) (string, string, string) {
				key, value := c.remember(accepted(out))
				return stateNamespace, key, value
			}
		}
		out, err := a.opts.Engine.Handle(ctx, ev)
		if err != nil {
			return outcome{}, a.engineProblem(it, "relay the message", err)
		}
		res := accepted(out)
		res.recorded = c.remember != nil && !out.Duplicate
		return res, nil
	})
}

func (a *API) listMessages(w http.ResponseWriter, r *http.Request, it *integration) {
	id, p := conversationID(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	q := r.URL.Query()
	var after int64
	if s := q.Get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			writeProblem(w, invalid("after", "want the next_cursor of a page"))
			return
		}
		after = n
	}
	limit := 100
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			writeProblem(w, invalid("limit", "want 1 to 500"))
			return
		}
		limit = n
	}
	if _, p := a.statusOf(r.Context(), it, id); p != nil {
		writeProblem(w, p)
		return
	}
	msgs, err := a.opts.Engine.History(r.Context(), address(it, id), bridge.MessageID(after), limit)
	if err != nil {
		writeProblem(w, a.engineProblem(it, "read the messages", err))
		return
	}
	page := messagePage{Messages: []messageOut{}, NextCursor: strconv.FormatInt(after, 10)}
	for _, m := range msgs {
		page.Messages = append(page.Messages, messageOf(m))
		page.NextCursor = m.ID.String()
	}
	a.respond(w, outcome{status: http.StatusOK, body: page}, nil)
}

// accepted is the answer to a posted message.
func accepted(out bridge.Outcome) outcome {
	routed := "recorded"
	if out.Handoff != 0 {
		routed = "thread"
	}
	return outcome{status: http.StatusAccepted,
		body: messageAccepted{MessageID: out.Message.String(), RoutedTo: routed, BotPaused: out.HandoffOpen}}
}

func messageOf(m bridge.Message) messageOut {
	out := messageOut{ID: m.ID.String(), Role: roleName(m.Role), Author: m.Author, Text: m.Text, Attachments: m.Attachments, CreatedAt: m.CreatedAt}
	if m.HandoffID != 0 {
		out.HandoffID = m.HandoffID.String()
	}
	if !m.EditedAt.IsZero() {
		t := m.EditedAt
		out.EditedAt = &t
	}
	if !m.DeletedAt.IsZero() {
		out.Deleted, out.Text, out.Attachments = true, "", nil
	}
	return out
}

// roleName is the API's name of a role: the bridge's AI is the bot.
func roleName(r bridge.Role) string {
	if r == bridge.RoleAI {
		return "bot"
	}
	return string(r)
}
