package console

import (
	"encoding/json"
	"net/http"

	"github.com/handoffbridge/handoff/bridge"
)

type statusRequest struct {
	Status string `json:"status"`
}

type statusResponse struct {
	Status  bridge.AgentStatus `json:"status"`
	Message string             `json:"message"`
}

// handleStatus sets the logged-in agent's status (the page's toggle).
func (c *Console) handleStatus(w http.ResponseWriter, r *http.Request) {
	me := agentOf(r.Context())
	var req statusRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "malformed request")
		return
	}
	st, ok := bridge.ParseAgentStatus(req.Status)
	if !ok {
		writeError(w, http.StatusBadRequest, "unknown status; want available, away or offline")
		return
	}
	_, err := c.engine.Handle(r.Context(), bridge.AgentStatusChange{Agent: me.login.agentRef(), Status: st})
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, statusResponse{Status: st, Message: bridge.StatusConfirmation(st)})
	case bridge.IsRefusal(err):
		writeError(w, http.StatusConflict, bridge.RefusalText(err))
	default:
		c.log.Error("console: set agent status", "agent", me.login.Name, "err", err)
		writeError(w, http.StatusInternalServerError, "could not set your status; try again")
	}
}
