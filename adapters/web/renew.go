package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/bridge"
)

// RenewPath gives a fresh link for a file link that has expired (they
// work for an hour): POST with the session token as a bearer token and
// {"url": "<the old link>"}; the answer is {"url": "<a fresh link>"}. Only
// a link of the session's own chat is renewed. The widget asks when a
// picture fails to load and before it opens a file card, so that a tab
// left open for hours still opens its files.
const RenewPath = "/files/renew"

// maxRenewBody bounds a renewal request: one link.
const maxRenewBody = 4 << 10

type renewRequest struct {
	URL string `json:"url"`
}

type renewAnswer struct {
	URL     string `json:"url,omitempty"`
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
}

// serveRenew answers RenewPath.
func (w *Widget) serveRenew(rw http.ResponseWriter, r *http.Request) {
	s, ok := w.fileSession(rw, r, "Files are not available in this chat.")
	if !ok {
		return
	}
	var req renewRequest
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxRenewBody))
	if err != nil || json.Unmarshal(body, &req) != nil || req.URL == "" {
		replyJSON(rw, http.StatusBadRequest, renewAnswer{Error: "bad_request", Message: `Send {"url": "<file link>"}.`})
		return
	}
	chat := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: s.ID}
	fresh, err := w.opts.Files.RenewUserLink(chat, req.URL)
	if errors.Is(err, files.ErrNotRenewable) {
		replyJSON(rw, http.StatusForbidden, renewAnswer{Error: "refused", Message: "This file is not part of your chat."})
		return
	}
	if err != nil {
		w.log.Error("renew a file link", "session", s.ID, "err", err)
		replyJSON(rw, http.StatusInternalServerError, renewAnswer{Error: codeUnavailable, Message: "Sorry, the file is not available right now."})
		return
	}
	replyJSON(rw, http.StatusOK, renewAnswer{URL: fresh})
}
