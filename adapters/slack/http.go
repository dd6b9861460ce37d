package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// EventsPath is where Slack posts events, clicks and slash commands in
// HTTP mode: set it as the Request URL of all three in the app config.
const EventsPath = "/slack/events"

// maxBody bounds a request from Slack; real ones are a few kilobytes.
const maxBody = 1 << 20

// Mount serves the links to agents' files (FilePath) and, in HTTP mode,
// EventsPath.
func (w *Workspace) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET "+FilePath+"{id}", w.serveFile)
	if w.opts.Mode != ModeHTTP {
		return
	}
	mux.Handle("POST "+EventsPath, w.EventsHandler())
}

// EventsHandler verifies each request's signature over its raw body before
// anything else, then takes Events API callbacks (and the URL check),
// interactivity payloads and slash commands. A request that fails the
// check gets 401 and is not looked at.
func (w *Workspace) EventsHandler() http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			http.Error(rw, "cannot read body", http.StatusBadRequest)
			return
		}
		if len(body) > maxBody {
			http.Error(rw, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := verifySignature(r.Header, body, w.opts.SigningSecret, w.opts.Now()); err != nil {
			w.log.Warn("slack request refused", "reason", err, "remote", r.RemoteAddr)
			http.Error(rw, "invalid signature", http.StatusUnauthorized)
			return
		}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			w.serveEvent(r.Context(), rw, body)
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(rw, "bad form", http.StatusBadRequest)
			return
		}
		switch {
		case form.Has("payload"):
			var cb slackgo.InteractionCallback
			if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
				http.Error(rw, "bad interaction payload", http.StatusBadRequest)
				return
			}
			// Acknowledge at once; the work happens after, within Slack's 3s
			// only as far as the agent sees it.
			rw.WriteHeader(http.StatusOK)
			go w.handleInteraction(context.WithoutCancel(r.Context()), cb)
		case form.Has("command"):
			resp := w.slashCommand(r.Context(), slashFromForm(form))
			rw.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(rw).Encode(resp)
		default:
			http.Error(rw, "unknown request", http.StatusBadRequest)
		}
	})
}

func (w *Workspace) serveEvent(ctx context.Context, rw http.ResponseWriter, body []byte) {
	ev, eventID, err := parseEvent(body)
	if err != nil {
		http.Error(rw, "bad event", http.StatusBadRequest)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if !ok {
			http.Error(rw, "bad url_verification", http.StatusBadRequest)
			return
		}
		rw.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(rw, v.Challenge)
	case slackevents.CallbackEvent:
		if err := w.handleEvent(ctx, ev, eventID); err != nil {
			w.log.Error("slack event not taken; Slack will retry it", "event_id", eventID, "err", err)
			status := http.StatusInternalServerError
			if errors.Is(err, context.Canceled) {
				status = http.StatusServiceUnavailable
			}
			http.Error(rw, "not taken, retry", status)
			return
		}
		rw.WriteHeader(http.StatusOK)
	default:
		rw.WriteHeader(http.StatusOK) // app_rate_limited and the like: nothing to do
	}
}

func slashFromForm(f url.Values) slackgo.SlashCommand {
	return slackgo.SlashCommand{TeamID: f.Get("team_id"), ChannelID: f.Get("channel_id"), ChannelName: f.Get("channel_name"),
		UserID: f.Get("user_id"), UserName: f.Get("user_name"), Command: f.Get("command"), Text: f.Get("text"),
		ResponseURL: f.Get("response_url"), TriggerID: f.Get("trigger_id"), APIAppID: f.Get("api_app_id")}
}
