package console

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

const (
	// maxReplyBytes bounds one agent reply.
	maxReplyBytes = 16 << 10
	// historyShown is how much of a conversation the page shows.
	historyShown = 500
	// closedShown is how many resolved and abandoned handoffs the list shows.
	closedShown = 50
	openShown   = 500
)

// handoffSummary is one row of the list.
type handoffSummary struct {
	ID        string             `json:"id"`
	State     bridge.State       `json:"state"`
	Team      bridge.TeamID      `json:"team"`
	Priority  bridge.Priority    `json:"priority"`
	Trigger   string             `json:"trigger"`
	Reason    string             `json:"reason"`
	Summary   string             `json:"summary,omitempty"`
	Owner     bridge.AgentID     `json:"owner,omitempty"`
	OwnerName string             `json:"owner_name,omitempty"`
	Channel   bridge.ChannelKind `json:"channel"`
	UserName  string             `json:"user_name"`
	Context   bridge.UserContext `json:"context"`
	Previous  string             `json:"previous,omitempty"`
	Declined  bool               `json:"declined_by_me,omitempty"`
	CreatedAt time.Time          `json:"created_at"`
	UpdatedAt time.Time          `json:"updated_at"`
	ClosedAt  time.Time          `json:"closed_at,omitzero"`
	// Waiting is how long the user has waited (pending or fallback) or
	// waited before the join (active), in seconds, as of Now.
	Waiting float64 `json:"waiting_seconds"`
	// Browser is the user agent as "Browser N on OS", "" when not known.
	Browser string `json:"browser,omitempty"`
	// Allowed are the actions the engine would accept from the agent now.
	Allowed []bridge.Action `json:"allowed"`
	// TransferTargets are whom the agent may transfer it to, when transfer
	// is allowed: the team's other agents, then the other teams.
	TransferTargets []transferTarget `json:"transfer_targets,omitempty"`
}

type transferTarget struct {
	Kind string `json:"kind"` // agent or team
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (c *Console) summary(h *bridge.Handoff, conv *bridge.Conversation, me Login, now time.Time) handoffSummary {
	s := handoffSummary{ID: h.ID.String(), State: h.State, Team: h.Team, Priority: h.Priority, Trigger: h.Trigger,
		Reason: h.Reason, Summary: h.Summary, Owner: h.Owner, OwnerName: h.OwnerName, Channel: conv.Address.Channel,
		UserName: conv.User.DisplayName, Context: conv.Context, CreatedAt: h.CreatedAt, UpdatedAt: h.UpdatedAt, ClosedAt: h.ClosedAt,
		Declined: slices.Contains(h.Declined, bridge.AgentID(me.Name))}
	if h.Previous != 0 {
		s.Previous = h.Previous.String()
	}
	end := now
	switch h.State {
	case bridge.StateActive:
		end = h.UpdatedAt
	case bridge.StateResolved, bridge.StateAbandoned:
		end = h.ClosedAt
	}
	s.Waiting = max(end.Sub(h.CreatedAt), 0).Seconds()
	s.Browser = browserAndOS(conv.Context.UserAgent)
	s.Allowed = c.allowedActions(h, me)
	if slices.Contains(s.Allowed, bridge.ActTransfer) {
		s.TransferTargets = c.transferTargets(h)
	}
	return s
}

type listResponse struct {
	Now      time.Time        `json:"now"`
	Handoffs []handoffSummary `json:"handoffs"`
	// HandoffEnabled is false while handoff.enabled is: the page says so.
	HandoffEnabled bool `json:"handoff_enabled"`
}

// handleList lists the open handoffs of the agent's teams, queue order,
// then the most recently closed ones.
func (c *Console) handleList(w http.ResponseWriter, r *http.Request) {
	me := agentOf(r.Context()).login
	now := c.now()
	resp := listResponse{Now: now, Handoffs: []handoffSummary{}, HandoffEnabled: c.handoffEnabled()}
	err := c.listInto(r.Context(), me, now, &resp)
	if err != nil {
		c.log.Error("console: list handoffs", "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the handoffs")
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// listInto adds to resp the open handoffs me may read, queue order, then
// the most recently closed ones.
func (c *Console) listInto(ctx context.Context, me Login, now time.Time, resp *listResponse) error {
	var open, closed []bridge.Handoff
	for _, team := range me.readableTeams() {
		o, err := c.engine.Handoffs(ctx, []bridge.State{bridge.StatePending, bridge.StateFallback, bridge.StateActive}, team, openShown)
		if err != nil {
			return err
		}
		cl, err := c.engine.ClosedHandoffs(ctx, team, closedShown)
		if err != nil {
			return err
		}
		open, closed = append(open, o...), append(closed, cl...)
	}
	slices.SortStableFunc(open, queueOrder)
	slices.SortStableFunc(closed, func(a, b bridge.Handoff) int {
		return cmp.Or(b.ClosedAt.Compare(a.ClosedAt), cmp.Compare(b.ID, a.ID))
	})
	all := append(open[:min(len(open), openShown)], closed[:min(len(closed), closedShown)]...)
	ids := make([]bridge.ConversationID, len(all))
	for i, h := range all {
		ids[i] = h.ConversationID
	}
	convs, err := c.engine.Conversations(ctx, ids)
	if err != nil {
		return err
	}
	for i := range all {
		resp.Handoffs = append(resp.Handoffs, c.summary(&all[i], convs[all[i].ConversationID], me, now))
	}
	return nil
}

// queueOrder orders open handoffs of several teams as the store orders
// those of one: highest priority first, then oldest.
func queueOrder(a, b bridge.Handoff) int {
	return cmp.Or(cmp.Compare(b.Priority.Rank(), a.Priority.Rank()), a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
}

// entry is one line of a handoff's timeline on the page: a message of the
// conversation, or a line of the bridge.
type entry struct {
	Kind     string      `json:"kind"` // "message" or "line"
	ID       string      `json:"id,omitempty"`
	Role     bridge.Role `json:"role,omitempty"`
	Author   string      `json:"author,omitempty"`
	Text     string      `json:"text"`
	HTML     string      `json:"html,omitempty"` // rendered Markdown; empty for user text, shown as text
	Internal bool        `json:"internal,omitempty"`
	Handoff  string      `json:"handoff,omitempty"`
	Edited   bool        `json:"edited,omitempty"`
	Deleted  bool        `json:"deleted,omitempty"`
	// Own marks the agent's own message of this handoff, which they may
	// edit and delete.
	Own   bool       `json:"own,omitempty"`
	Files []fileView `json:"files,omitempty"`
	At    time.Time  `json:"at"`
}

type eventView struct {
	Kind  bridge.HandoffEventKind `json:"kind"`
	Actor string                  `json:"actor"`
	From  bridge.State            `json:"from,omitempty"`
	To    bridge.State            `json:"to"`
	Note  string                  `json:"note,omitempty"`
	At    time.Time               `json:"at"`
}

type detailResponse struct {
	Now     time.Time      `json:"now"`
	Handoff handoffSummary `json:"handoff"`
	Entries []entry        `json:"entries"`
	Events  []eventView    `json:"events"`
	Lead    *bridge.Lead   `json:"lead,omitempty"`
}

// detailInto fills resp with a handoff me may read: its summary, the
// conversation's last messages, the console's lines of the bridge, and
// its timeline. One of another team is bridge.ErrNotFound.
func (c *Console) detailInto(ctx context.Context, me Login, id bridge.HandoffID, resp *detailResponse) error {
	rec, err := c.engine.HandoffRecord(ctx, id, historyShown)
	if err != nil {
		return err
	}
	h := rec.Handoff
	if !me.mayRead(h.Team) {
		return bridge.ErrNotFound
	}
	resp.Handoff = c.summary(h, rec.Conversation, me, resp.Now)
	if h.LeadStep == bridge.LeadDone && h.LeadDraft.Name != "" {
		lead := h.LeadDraft
		resp.Lead = &lead
	}
	for _, m := range withoutJoinNotices(rec.Messages, h.ID, rec.Events) {
		e := messageEntry(m)
		e.Files = c.fileViews(id, m)
		e.Own = m.HandoffID == id && e.Kind == "message" && !e.Deleted && me.wroteIt(m)
		resp.Entries = append(resp.Entries, e)
	}
	lines, err := c.readLines(ctx, id.String())
	if err != nil {
		return err
	}
	for _, l := range lines {
		resp.Entries = append(resp.Entries, entry{Kind: "line", Author: l.Author, Text: l.Text, HTML: l.html(), At: l.At})
	}
	for _, e := range rec.Events {
		resp.Events = append(resp.Events, eventView{Kind: e.Kind, Actor: e.Actor, From: e.From, To: e.To, Note: e.Note, At: e.At})
	}
	return nil
}

func (c *Console) handleDetail(w http.ResponseWriter, r *http.Request) {
	me := agentOf(r.Context()).login
	id, err := parseHandoffID(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusNotFound, "no such handoff")
		return
	}
	now := c.now()
	resp := detailResponse{Now: now, Entries: []entry{}, Events: []eventView{}}
	err = c.detailInto(r.Context(), me, id, &resp)
	if errors.Is(err, bridge.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such handoff")
		return
	}
	if err != nil {
		c.log.Error("console: read handoff", "handoff", id, "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the handoff")
		return
	}
	// Messages and lines in time order; a line written in the same instant
	// as a message (the "joined" line and its notice) comes after it.
	slices.SortStableFunc(resp.Entries, func(a, b entry) int {
		if d := a.At.Compare(b.At); d != 0 {
			return d
		}
		return cmp.Compare(kindRank(a.Kind), kindRank(b.Kind))
	})
	writeJSON(w, http.StatusOK, resp)
}

func kindRank(k string) int {
	if k == "line" {
		return 1
	}
	return 0
}

func messageEntry(m bridge.Message) entry {
	e := entry{Kind: "message", ID: m.ID.String(), Role: m.Role, Author: m.Author, Text: m.Text,
		Internal: m.Internal, Edited: !m.EditedAt.IsZero(), Deleted: !m.DeletedAt.IsZero(), At: m.CreatedAt}
	if m.HandoffID != 0 {
		e.Handoff = m.HandoffID.String()
	}
	if m.Role != bridge.RoleUser && !e.Deleted {
		e.HTML = renderMarkdown(m.Text)
	}
	if e.Deleted {
		e.Text = ""
	}
	return e
}

type actionRequest struct {
	Action string `json:"action"`
	// To is whom a transfer goes to: an agent's name or a team's.
	To string `json:"to,omitempty"`
	// RequestID de-duplicates a click sent twice (a retried request).
	RequestID string `json:"request_id"`
}

var consoleActions = map[string]bridge.Action{"join": bridge.ActJoin, "reject": bridge.ActReject, "resolve": bridge.ActResolve,
	"transfer": bridge.ActTransfer}

// handleAction passes Join, Reject or Resolve to the engine, which decides;
// a refusal comes back as 409 with the text to show.
func (c *Console) handleAction(w http.ResponseWriter, r *http.Request) {
	me := agentOf(r.Context())
	id, err := parseHandoffID(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusNotFound, "no such handoff")
		return
	}
	var req actionRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "malformed request")
		return
	}
	act, ok := consoleActions[req.Action]
	if !ok {
		writeError(w, http.StatusBadRequest, "unknown action; want join, reject, resolve or transfer")
		return
	}
	h, ok := c.handoffFor(w, r, me.login, id)
	if !ok {
		return
	}
	var eventID string
	if req.RequestID != "" {
		eventID = me.session.id + ":" + req.RequestID
	}
	var ev bridge.Event = bridge.AgentAction{Agent: me.login.agentRef(), Handoff: id, Action: act, EventID: eventID}
	if act == bridge.ActTransfer {
		if strings.TrimSpace(req.To) == "" {
			writeError(w, http.StatusBadRequest, "say whom to transfer it to (to: an agent or a team)")
			return
		}
		ev = bridge.AgentTransfer{Agent: me.login.agentRef(), Handoff: id, To: bridge.TransferTarget{Name: req.To}, EventID: eventID}
	}
	_, err = c.engine.Handle(r.Context(), ev)
	c.answerEngine(r.Context(), w, h, err, map[string]bool{"ok": true})
}

type replyRequest struct {
	Text      string `json:"text"`
	RequestID string `json:"request_id"`
}

type replyResponse struct {
	Message string `json:"message"`
	// Relayed is false when the reply stayed an internal note.
	Relayed bool `json:"relayed"`
}

// handleReply passes an agent's message to the engine: the owner's reaches
// the user; notes and other agents' replies stay internal.
func (c *Console) handleReply(w http.ResponseWriter, r *http.Request) {
	me := agentOf(r.Context())
	id, err := parseHandoffID(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusNotFound, "no such handoff")
		return
	}
	var req replyRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReplyBytes+1024)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "malformed request, or a message over 16 KB")
		return
	}
	if strings.TrimSpace(req.Text) == "" {
		writeError(w, http.StatusBadRequest, "the message is empty")
		return
	}
	if len(req.Text) > maxReplyBytes {
		writeError(w, http.StatusRequestEntityTooLarge, "the message is over 16 KB")
		return
	}
	h, ok := c.handoffFor(w, r, me.login, id)
	if !ok {
		return
	}
	out, err := c.engine.Handle(r.Context(), bridge.AgentMessage{Agent: me.login.agentRef(), ThreadID: id.String(),
		PlatformID: platformID(me.login, req.RequestID), Text: req.Text})
	c.answerEngine(r.Context(), w, h, err, replyResponse{Message: out.Message.String(), Relayed: out.Relayed})
}

// handoffFor reads the handoff an agent's request is about, or answers
// 404 when it is missing or of a team the agent is not in: the same
// answer, so that another team's ids reveal nothing.
func (c *Console) handoffFor(w http.ResponseWriter, r *http.Request, me Login, id bridge.HandoffID) (*bridge.Handoff, bool) {
	h, err := c.visibleHandoff(r.Context(), me, id)
	switch {
	case errors.Is(err, bridge.ErrNotFound):
		writeError(w, http.StatusNotFound, "no such handoff")
		return nil, false
	case err != nil:
		c.log.Error("console: read handoff", "handoff", id, "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the handoff")
		return nil, false
	}
	return h, true
}

// answerEngine turns the engine's verdict into the HTTP answer and tells
// the team's connected agents that the handoff changed.
func (c *Console) answerEngine(ctx context.Context, w http.ResponseWriter, h *bridge.Handoff, err error, ok any) {
	id := h.ID
	switch {
	case err == nil:
		// The engine's own deliveries tell the team too; this is sooner.
		_ = c.tellTeam(context.WithoutCancel(ctx), h.Team, liveEvent{Type: "changed", Handoff: id.String()})
		writeJSON(w, http.StatusOK, ok)
	case bridge.IsRefusal(err):
		writeError(w, http.StatusConflict, sentence(err.Error()))
	case errors.Is(err, bridge.ErrNotHandoffThread):
		// It was read just before: its thread is being opened this very moment.
		writeError(w, http.StatusConflict, "This request is still being opened; try again in a moment.")
	case errors.Is(err, bridge.ErrShuttingDown):
		writeError(w, http.StatusServiceUnavailable, "the bridge is restarting; try again in a moment")
	case errors.Is(err, context.Canceled):
		writeError(w, http.StatusServiceUnavailable, "request cancelled")
	default:
		c.log.Error("console: engine refused an agent request", "handoff", id, "err", err)
		writeError(w, http.StatusInternalServerError, "something went wrong; try again")
	}
}

// sentence capitalises an error for display.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func (c *Console) handlePreview(w http.ResponseWriter, r *http.Request) {
	var req replyRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReplyBytes+1024)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "malformed request, or a message over 16 KB")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"html": renderMarkdown(req.Text)})
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
