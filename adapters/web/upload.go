package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/clientip"
)

// Files stores the users' uploads and makes the links to files (the
// *files.Service).
type Files interface {
	Upload(ctx context.Context, owner, name, contentType string, size int64, r io.Reader) (bridge.Attachment, error)
	Attachment(ctx context.Context, owner string, id bridge.BlobID) (bridge.Attachment, error)
	UserLink(chat bridge.ChatAddress, id bridge.BlobID) string
	// RenewUserLink gives a fresh link for a user link of chat, expired or
	// not; files.ErrNotRenewable for any other.
	RenewUserLink(chat bridge.ChatAddress, link string) (string, error)
	Limits() files.Limits
}

// UploadPath takes a user's file: POST with the session token as a bearer
// token, the file's bytes as the body, its type as Content-Type and its
// name as ?name=. The answer is the stored file's id, which a message
// frame then attaches.
const UploadPath = "/files"

// uploadTimeout bounds one upload. It replaces the server's read and
// write timeouts for this request, which are sized for small requests and
// would cut off a slow client's file.
const uploadTimeout = 5 * time.Minute

// answerTimeout is the time left to write the answer after an upload.
const answerTimeout = 30 * time.Second

// maxAttachments caps the files of one message.
const maxAttachments = 10

// uploadAnswer is the JSON of an upload's answer.
type uploadAnswer struct {
	ID          bridge.BlobID `json:"id,omitempty"`
	Name        string        `json:"name,omitempty"`
	ContentType string        `json:"content_type,omitempty"`
	Size        int64         `json:"size,omitempty"`
	Error       string        `json:"error,omitempty"`
	Message     string        `json:"message,omitempty"`
}

// serveUploadPreflight lets the embedding pages' widgets upload and renew
// links across origins (the bearer token makes the requests "non-simple").
func (w *Widget) serveUploadPreflight(rw http.ResponseWriter, r *http.Request) {
	if !w.corsUpload(rw, r) {
		return
	}
	rw.Header().Set("Access-Control-Allow-Methods", "POST")
	rw.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	rw.Header().Set("Access-Control-Max-Age", "600")
	rw.WriteHeader(http.StatusNoContent)
}

// corsUpload answers a page the widget may not be embedded in, or names the
// allowed one; it reports whether to go on.
func (w *Widget) corsUpload(rw http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	rw.Header().Add("Vary", "Origin")
	if !w.origins.allows(origin, r.Host) {
		replyUpload(rw, http.StatusForbidden, uploadAnswer{Error: "origin", Message: "This site may not send files to the chat."})
		return false
	}
	if origin != "" {
		rw.Header().Set("Access-Control-Allow-Origin", origin)
	}
	return true
}

// serveUpload stores one file of a session.
func (w *Widget) serveUpload(rw http.ResponseWriter, r *http.Request) {
	s, ok := w.fileSession(rw, r, "Files cannot be sent in this chat.")
	if !ok {
		return
	}
	sb, ib := w.limits.acquire(s.ID, clientip.Of(r, w.opts.TrustedProxies))
	defer w.limits.release(sb, ib)
	if !sb.lim.AllowN(w.clock.Now(), 1) || !ib.lim.AllowN(w.clock.Now(), 1) {
		replyUpload(rw, http.StatusTooManyRequests, uploadAnswer{Error: codeRateLimited, Message: "You're sending files too quickly; wait a moment."})
		return
	}
	w.extendDeadlines(rw, s.ID)
	ctx, cancel := context.WithTimeout(r.Context(), uploadTimeout)
	defer cancel()
	chat := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: s.ID}
	a, err := w.opts.Files.Upload(ctx, files.ChatScope(chat), r.URL.Query().Get("name"), r.Header.Get("Content-Type"), r.ContentLength, r.Body)
	var refused *files.RefusedError
	switch {
	case errors.As(err, &refused):
		status := http.StatusBadRequest
		switch refused.Code {
		case "too_large":
			status = http.StatusRequestEntityTooLarge
		case "type_refused":
			status = http.StatusUnsupportedMediaType
		}
		replyUpload(rw, status, uploadAnswer{Error: refused.Code, Message: refused.Msg})
		return
	case err != nil:
		w.log.Error("widget upload failed", "session", s.ID, "err", err)
		replyUpload(rw, http.StatusInternalServerError, uploadAnswer{Error: codeUnavailable, Message: "Sorry, the file could not be received; try again."})
		return
	}
	replyUpload(rw, http.StatusCreated, uploadAnswer{ID: a.Blob, Name: a.Name, ContentType: a.ContentType, Size: a.Size})
}

// fileSession checks a widget's HTTP request about files (an upload, a
// link renewal): the page's origin, that files are on (else disabled is
// the answer) and the session's bearer token. It has answered when it
// reports false.
func (w *Widget) fileSession(rw http.ResponseWriter, r *http.Request, disabled string) (session, bool) {
	if !w.corsUpload(rw, r) {
		return session{}, false
	}
	if w.opts.Files == nil {
		replyJSON(rw, http.StatusNotFound, uploadAnswer{Error: "disabled", Message: disabled})
		return session{}, false
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s, err := w.tokens.verify(token, w.clock.Now())
	if !ok || err != nil {
		replyJSON(rw, http.StatusUnauthorized, uploadAnswer{Error: "session", Message: "Your chat session has ended; reload the page."})
		return session{}, false
	}
	return s, true
}

// extendDeadlines gives this request uploadTimeout to send its body, and
// the answer its time after that.
func (w *Widget) extendDeadlines(rw http.ResponseWriter, session string) {
	rc := http.NewResponseController(rw)
	end := time.Now().Add(uploadTimeout) // a socket deadline: wall time, not the bridge's clock
	if err := errors.Join(rc.SetReadDeadline(end), rc.SetWriteDeadline(end.Add(answerTimeout))); err != nil {
		w.log.Debug("widget upload keeps the server's timeouts", "session", session, "err", err)
	}
}

func replyUpload(rw http.ResponseWriter, status int, a uploadAnswer) { replyJSON(rw, status, a) }

// replyJSON answers a widget's HTTP request (an upload, a link renewal).
func replyJSON(rw http.ResponseWriter, status int, a any) {
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(status)
	_ = json.NewEncoder(rw).Encode(a)
}

// attachmentsOf turns the file ids of a message frame into attachments;
// files of another session are not found.
func (c *conn) attachmentsOf(ctx context.Context, ids []bridge.BlobID) ([]bridge.Attachment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if c.w.opts.Files == nil {
		return nil, bridge.ErrNotFound
	}
	chat := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: c.session.ID}
	out := make([]bridge.Attachment, 0, len(ids))
	for _, id := range ids {
		a, err := c.w.opts.Files.Attachment(ctx, files.ChatScope(chat), id)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// userFiles gives the attachments the widget shows: files the bridge keeps
// get a short-lived link for this chat; others keep theirs.
func (w *Widget) userFiles(chatID string, atts []bridge.Attachment) []bridge.Attachment {
	if len(atts) == 0 {
		return nil
	}
	out := make([]bridge.Attachment, len(atts))
	chat := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chatID}
	for i, a := range atts {
		if a.Blob != "" && w.opts.Files != nil {
			a.URL = w.opts.Files.UserLink(chat, a.Blob)
		}
		a.Blob = "" // the widget needs the link only
		out[i] = a
	}
	return out
}
