package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/internal/download"
)

// FilePath is the route serving files agents share in threads to users:
// FilePath + "{file id}?sig=…".
const FilePath = "/slack/file/"

// fileLinkKey derives the key signing file links from the bot token, so a
// link works only as the bridge issued it and only while the token is the
// same.
func fileLinkKey(botToken string) []byte {
	mac := hmac.New(sha256.New, []byte(botToken))
	mac.Write([]byte("handoff slack file links"))
	return mac.Sum(nil)
}

func (w *Workspace) signFile(id string) string {
	mac := hmac.New(sha256.New, w.fileKey)
	mac.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// fileLink is where a user opens a file an agent shared: the bridge's
// signed route when it has a public URL, otherwise Slack's own link (which
// needs a Slack login).
func (w *Workspace) fileLink(f slackgo.File) string {
	if w.opts.PublicURL == "" || f.ID == "" {
		if f.URLPrivate != "" {
			return f.URLPrivate
		}
		return f.Permalink
	}
	return w.opts.PublicURL + FilePath + url.PathEscape(f.ID) + "?" + url.Values{"sig": {w.signFile(f.ID)}}.Encode()
}

// inlineTypes are the file types shown in the browser; anything else is
// downloaded, so an agent's HTML or SVG never runs on the bridge's origin.
var inlineTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}

// fileProxyTimeout bounds one file served through the bridge.
const fileProxyTimeout = 10 * time.Minute

// serveFile answers GET /slack/file/{id}?sig=…: a file shared in a thread,
// fetched from Slack's url_private with the bot token (which never leaves
// the bridge) and streamed to the user. Only links the bridge signed work.
func (w *Workspace) serveFile(rw http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if id == "" || !hmac.Equal([]byte(w.signFile(id)), []byte(r.URL.Query().Get("sig"))) {
		http.Error(rw, "bad or missing signature", http.StatusForbidden)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), fileProxyTimeout)
	defer cancel()
	f, _, _, err := w.api.GetFileInfoContext(ctx, id, 0, 0)
	if err != nil {
		switch slackCode(err) {
		case "file_not_found", "file_deleted":
			http.Error(rw, "this file was deleted", http.StatusNotFound)
		default:
			w.log.Warn("slack files.info for a file link", "file", id, "err", err)
			http.Error(rw, "file not available right now", http.StatusBadGateway)
		}
		return
	}
	src := f.URLPrivateDownload
	if src == "" {
		src = f.URLPrivate
	}
	h := rw.Header()
	ctype, _, _ := mime.ParseMediaType(f.Mimetype)
	disposition := "attachment"
	if slices.Contains(inlineTypes, ctype) {
		disposition = "inline"
		h.Set("Content-Type", f.Mimetype)
	} else {
		h.Set("Content-Type", "application/octet-stream")
	}
	if cd := mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}); cd != "" {
		h.Set("Content-Disposition", cd)
	} else {
		h.Set("Content-Disposition", disposition)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=300")
	out := &startedWriter{ResponseWriter: rw, w: download.Writer(rw, 0)} // as long as the browser reads
	// slack-go sends the token only to Slack's https hosts or the API
	// URL's host, and reports a redirect to the sign-in page as an error.
	if err := w.api.GetFileContext(ctx, src, out); err != nil {
		w.log.Warn("slack file download for a file link", "file", id, "err", err)
		if !out.started {
			for _, k := range []string{"Content-Type", "Content-Disposition", "Cache-Control"} {
				h.Del(k)
			}
			http.Error(rw, "file not available right now", http.StatusBadGateway)
		}
	}
}

// startedWriter remembers whether the body has begun, after which an error
// can only cut the response short.
type startedWriter struct {
	http.ResponseWriter
	w       io.Writer
	started bool
}

func (s *startedWriter) Write(p []byte) (int, error) {
	s.started = true
	return s.w.Write(p)
}
