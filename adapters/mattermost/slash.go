package mattermost

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// HandoffsCommand is the slash command that lists open handoffs.
const HandoffsCommand = "/handoffs"

var errBadToken = errors.New("the slash command's token does not match")

// command is a slash command request whose token checked out.
type command struct {
	name, text, userID, teamDomain string
}

// parseCommand reads a slash command request (a form, as Mattermost posts
// it). The token (the Authorization header, "Token …", else the form's
// token field) is checked in constant time before anything else is used.
func parseCommand(h http.Header, body []byte, token string) (command, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return command{}, fmt.Errorf("bad slash command form: %w", err)
	}
	got, ok := strings.CutPrefix(h.Get("Authorization"), "Token ")
	if !ok {
		got = form.Get("token")
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
		return command{}, errBadToken
	}
	c := command{name: form.Get("command"), text: form.Get("text"), userID: form.Get("user_id"), teamDomain: form.Get("team_domain")}
	if c.name == "" || c.userID == "" {
		return command{}, errors.New("slash command without command or user_id")
	}
	return c, nil
}

// serveCommand answers /handoffs; a request whose token fails gets 401.
func (w *Workspace) serveCommand(rw http.ResponseWriter, r *http.Request) {
	body, err := readBody(rw, r)
	if err != nil {
		return
	}
	c, err := parseCommand(r.Header, body, w.opts.SlashToken)
	switch {
	case errors.Is(err, errBadToken):
		w.log.Warn("mattermost slash command refused", "reason", err, "remote", r.RemoteAddr)
		http.Error(rw, "invalid token", http.StatusUnauthorized)
		return
	case err != nil:
		http.Error(rw, "bad slash command", http.StatusBadRequest)
		return
	}
	writeJSON(rw, CommandResponse{ResponseType: "ephemeral", Text: w.slashAnswer(r.Context(), c)})
}

// slashAnswer lists the pending, active and fallback handoffs of the
// asking agent's teams (every team for an admin), with links to their
// threads.
func (w *Workspace) slashAnswer(ctx context.Context, c command) string {
	if c.name != HandoffsCommand {
		return "Unknown command " + EscapeText(c.name) + "."
	}
	s := w.opts.Settings()
	agent := s.AgentByIdentity(bridge.WorkspaceMattermost, c.userID)
	if agent == nil {
		return "You are not a configured agent of the handoff bridge, so there is nothing to list."
	}
	teams := slices.Clone(agent.Teams)
	if agent.Admin {
		teams = teams[:0]
		for id := range s.Teams {
			teams = append(teams, id)
		}
		slices.Sort(teams)
	}
	names := make([]string, len(teams))
	for i, t := range teams {
		names[i] = EscapeText(string(t))
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var lines []string
	for _, team := range teams {
		hs, err := w.opts.Core.Handoffs(ctx, []bridge.State{bridge.StatePending, bridge.StateActive, bridge.StateFallback}, team, 25)
		if err != nil {
			w.log.Error("mattermost /handoffs: list handoffs", "err", err)
			return "Could not list handoffs right now; please try again."
		}
		for _, h := range hs {
			lines = append(lines, w.handoffLine(h, c.teamDomain))
		}
	}
	if len(lines) == 0 {
		return "No pending or active handoffs for your teams (" + strings.Join(names, ", ") + ")."
	}
	return "**Open handoffs for " + strings.Join(names, ", ") + "**\n" + strings.Join(lines, "\n")
}

func (w *Workspace) handoffLine(h bridge.Handoff, teamDomain string) string {
	line := fmt.Sprintf("- #%d **%s** · %s · %s", h.ID, h.State, EscapeText(string(h.Team)), h.Priority)
	if h.State == bridge.StateActive && h.OwnerName != "" {
		line += " · with " + EscapeText(h.OwnerName)
	}
	if h.Reason != "" {
		line += " · " + EscapeText(clip(h.Reason, 80))
	}
	switch {
	case h.Thread.Workspace == bridge.WorkspaceMattermost && h.Thread.ThreadID != "" && teamDomain != "":
		line += " · [open thread](" + w.permalink(teamDomain, h.Thread.ThreadID) + ")"
	case h.Thread.ThreadID == "":
		line += " · thread not opened yet"
	case h.Thread.Workspace != bridge.WorkspaceMattermost:
		line += " · in " + string(h.Thread.Workspace)
	}
	return line
}

// Mount serves the buttons' clicks at ActionsPath and, when a slash
// command token is configured, /handoffs at CommandPath.
func (w *Workspace) Mount(mux *http.ServeMux) {
	mux.HandleFunc("POST "+ActionsPath, w.serveAction)
	if w.opts.SlashToken != "" {
		mux.HandleFunc("POST "+CommandPath, w.serveCommand)
	}
}
