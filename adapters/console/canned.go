package console

import (
	"net/http"
)

// cannedReply is one entry of the composer's "/" picker: the team's saved
// answer with its placeholders filled for this handoff and agent.
type cannedReply struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

type cannedResponse struct {
	Replies []cannedReply `json:"replies"`
}

// handleCanned lists the canned replies of the handoff's team, filled in.
// The picker puts the chosen one in the composer, where the agent may
// change it before sending it like any reply (only the owner's reach the
// user).
func (c *Console) handleCanned(w http.ResponseWriter, r *http.Request) {
	me := agentOf(r.Context())
	id, err := parseHandoffID(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusNotFound, "no such handoff")
		return
	}
	if _, ok := c.handoffFor(w, r, me.login, id); !ok {
		return
	}
	filled, err := c.engine.FilledCannedReplies(r.Context(), id, me.login.agentRef())
	if err != nil {
		c.log.Error("console: canned replies", "handoff", id, "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the canned replies")
		return
	}
	resp := cannedResponse{Replies: []cannedReply{}}
	for _, f := range filled {
		resp.Replies = append(resp.Replies, cannedReply{Name: f.Name, Text: f.Text})
	}
	writeJSON(w, http.StatusOK, resp)
}
