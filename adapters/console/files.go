package console

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/bridge"
)

// Files stores the agents' uploads and serves the files of a conversation
// (the *files.Service). Without it the console sends no files and shows
// the users' files as cards without a link.
type Files interface {
	Upload(ctx context.Context, owner, name, contentType string, size int64, r io.Reader) (bridge.Attachment, error)
	Serve(w http.ResponseWriter, r *http.Request, id bridge.BlobID)
	Limits() files.Limits
}

// uploadTimeout bounds one agent upload.
const uploadTimeout = 5 * time.Minute

// fileView is an attachment as the page shows it: files the bridge keeps
// are fetched through the console (Link), others by their own address.
type fileView struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size,omitempty"`
	URL         string `json:"url,omitempty"`
	Image       bool   `json:"image,omitempty"`
}

// fileViews describes a message's attachments for the handoff's page; a
// withdrawn message shows none.
func (c *Console) fileViews(handoff bridge.HandoffID, m bridge.Message) []fileView {
	if !m.DeletedAt.IsZero() || len(m.Attachments) == 0 {
		return nil
	}
	out := make([]fileView, 0, len(m.Attachments))
	for _, a := range m.Attachments {
		v := fileView{Name: a.Name, ContentType: a.ContentType, Size: a.Size}
		switch {
		case a.Blob != "" && c.files != nil:
			v.URL = fileLink(handoff, a.Blob)
			v.Image = files.IsImage(a.ContentType)
		case a.Blob == "" && isWebURL(a.URL):
			v.URL = a.URL
		}
		out = append(out, v)
	}
	return out
}

// fileLink is where the console serves a kept file of a handoff.
func fileLink(handoff bridge.HandoffID, blob bridge.BlobID) string {
	return Prefix + "/api/handoffs/" + handoff.String() + "/files/" + string(blob)
}

// handleFile serves a file shared in a handoff's conversation to an agent
// who may read the handoff. A file of another handoff, or of another
// team's, is missing, like the handoff itself.
func (c *Console) handleFile(w http.ResponseWriter, r *http.Request) {
	me := agentOf(r.Context()).login
	id, err := parseHandoffID(r.PathValue("id"))
	if err != nil || c.files == nil {
		writeError(w, http.StatusNotFound, "no such file")
		return
	}
	blob := bridge.BlobID(r.PathValue("blob"))
	rec, err := c.engine.HandoffRecord(r.Context(), id, historyShown)
	switch {
	case errors.Is(err, bridge.ErrNotFound):
		writeError(w, http.StatusNotFound, "no such handoff")
		return
	case err != nil:
		c.log.Error("console: read handoff for a file", "handoff", id, "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the handoff")
		return
	}
	if !me.mayRead(rec.Handoff.Team) {
		writeError(w, http.StatusNotFound, "no such handoff")
		return
	}
	if !sharedIn(rec.Messages, blob) {
		writeError(w, http.StatusNotFound, "no such file")
		return
	}
	c.files.Serve(w, r, blob)
}

// sharedIn reports whether a message still shown holds the blob.
func sharedIn(ms []bridge.Message, blob bridge.BlobID) bool {
	for _, m := range ms {
		if !m.DeletedAt.IsZero() {
			continue
		}
		for _, a := range m.Attachments {
			if a.Blob == blob {
				return true
			}
		}
	}
	return false
}

// handleUpload takes one file from an agent as a message of the handoff:
// the bytes as the body, the type as Content-Type, the name as ?name= and
// an optional ?request_id= against double sends. The owner's reaches the
// user as an attachment; anyone else's stays an internal note, like text.
func (c *Console) handleUpload(w http.ResponseWriter, r *http.Request) {
	me := agentOf(r.Context())
	id, err := parseHandoffID(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusNotFound, "no such handoff")
		return
	}
	if c.files == nil {
		writeError(w, http.StatusNotFound, "files cannot be sent from this console")
		return
	}
	h, ok := c.handoffFor(w, r, me.login, id)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), uploadTimeout)
	defer cancel()
	q := r.URL.Query()
	a, err := c.files.Upload(ctx, "console:"+me.login.Name, q.Get("name"), r.Header.Get("Content-Type"), r.ContentLength, r.Body)
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
		writeError(w, status, refused.Msg)
		return
	case err != nil:
		c.log.Error("console: agent upload failed", "handoff", id, "agent", me.login.Name, "err", err)
		writeError(w, http.StatusInternalServerError, "the file could not be stored; try again")
		return
	}
	out, err := c.engine.Handle(r.Context(), bridge.AgentMessage{Agent: me.login.agentRef(), Handoff: id, ThreadID: id.String(),
		PlatformID: platformID(me.login, q.Get("request_id")), Attachments: []bridge.Attachment{a}})
	c.answerEngine(r.Context(), w, h, err, replyResponse{Message: out.Message.String(), Relayed: out.Relayed})
}
