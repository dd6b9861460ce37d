package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// Agents edit and withdraw their own sent messages, as they do in Slack:
// the console passes the same AgentEdit to the engine, which changes the
// stored message and the user's copy. Only the author may: another agent
// of the team gets 403, another team's agent the 404 of a missing handoff.

// platformID names an agent's message in the console: the login, then the
// page's request id (without colons, so that no login's ids look like
// another's: logins may hold colons).
func platformID(l Login, requestID string) string {
	if requestID == "" {
		requestID = randomID()
	}
	return l.Name + ":" + strings.ReplaceAll(requestID, ":", "-")
}

// wroteIt reports whether the agent sent the message from the console.
func (l Login) wroteIt(m bridge.Message) bool {
	rest, ok := strings.CutPrefix(m.PlatformID, l.Name+":")
	return ok && m.Role == bridge.RoleAgent && m.Source == "workspace:"+string(bridge.WorkspaceConsole) &&
		rest != "" && !strings.Contains(rest, ":")
}

type editRequest struct {
	Text string `json:"text"`
}

// handleEdit changes the text of one of the agent's messages (PATCH).
func (c *Console) handleEdit(w http.ResponseWriter, r *http.Request) {
	var req editRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReplyBytes+1024)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "malformed request, or a message over 16 KB")
		return
	}
	switch {
	case strings.TrimSpace(req.Text) == "":
		writeError(w, http.StatusBadRequest, "the message is empty; delete it instead")
		return
	case len(req.Text) > maxReplyBytes:
		writeError(w, http.StatusRequestEntityTooLarge, "the message is over 16 KB")
		return
	}
	c.changeOwnMessage(w, r, req.Text, false)
}

// handleDelete withdraws one of the agent's messages (DELETE).
func (c *Console) handleDelete(w http.ResponseWriter, r *http.Request) {
	c.changeOwnMessage(w, r, "", true)
}

// changeOwnMessage finds the message named in the path among the
// handoff's, checks the agent wrote it, and hands the edit to the engine.
func (c *Console) changeOwnMessage(w http.ResponseWriter, r *http.Request, text string, deleted bool) {
	me := agentOf(r.Context()).login
	id, err := parseHandoffID(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusNotFound, "no such handoff")
		return
	}
	h, ok := c.handoffFor(w, r, me, id)
	if !ok {
		return
	}
	rec, err := c.engine.HandoffRecord(r.Context(), id, historyShown)
	if err != nil {
		c.log.Error("console: read handoff for an edit", "handoff", id, "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the handoff")
		return
	}
	var m *bridge.Message
	for i := range rec.Messages {
		if rec.Messages[i].ID.String() == r.PathValue("msg") && rec.Messages[i].HandoffID == id {
			m = &rec.Messages[i]
		}
	}
	switch {
	case m == nil:
		writeError(w, http.StatusNotFound, "no such message in this handoff")
		return
	case !me.wroteIt(*m):
		writeError(w, http.StatusForbidden, "You can edit and delete only your own messages.")
		return
	case !m.DeletedAt.IsZero():
		writeError(w, http.StatusConflict, "This message was already deleted.")
		return
	}
	_, err = c.engine.Handle(r.Context(), bridge.AgentEdit{Agent: me.agentRef(), Handoff: id, ThreadID: id.String(),
		PlatformID: m.PlatformID, Text: text, Deleted: deleted})
	c.answerEngine(r.Context(), w, h, err, map[string]bool{"ok": true})
}

// isWebURL reports whether s is an http(s) address the page may link to.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
