package files

import (
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/download"
)

// Mount serves GET /files/{id}.
func (s *Service) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET "+Path+"{id}", s.serveFile)
}

// inlineTypes are shown in the page (the widget's thumbnails); everything
// else is a download, so a file never runs on the bridge's origin.
var inlineTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// IsImage reports whether a file of this media type is shown inline.
func IsImage(contentType string) bool {
	t, _, _ := mime.ParseMediaType(contentType)
	return slices.Contains(inlineTypes, t)
}

// serveFile answers a signed link with the blob and safe headers.
func (s *Service) serveFile(rw http.ResponseWriter, r *http.Request) {
	id := bridge.BlobID(r.PathValue("id"))
	if why := s.linkProblem(id, r.URL.Query()); why != "" {
		http.Error(rw, why, http.StatusForbidden)
		return
	}
	s.Serve(rw, r, id)
}

// Serve answers r with a blob and safe headers, for a caller that has
// checked the right to it itself (the console: a logged-in agent of the
// handoff's team).
func (s *Service) Serve(rw http.ResponseWriter, r *http.Request, id bridge.BlobID) {
	body, meta, err := s.opts.Blobs.Open(r.Context(), id)
	if errors.Is(err, bridge.ErrNotFound) {
		http.Error(rw, "this file no longer exists", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.Error("open a file to serve", "blob", id, "err", err)
		http.Error(rw, "file not available right now", http.StatusInternalServerError)
		return
	}
	defer body.Close()
	h := rw.Header()
	disposition := "attachment"
	if IsImage(meta.ContentType) {
		disposition = "inline"
		h.Set("Content-Type", meta.ContentType)
	} else {
		h.Set("Content-Type", "application/octet-stream")
	}
	if cd := mime.FormatMediaType(disposition, map[string]string{"filename": meta.Name}); cd != "" {
		h.Set("Content-Disposition", cd)
	} else {
		h.Set("Content-Disposition", disposition)
	}
	h.Set("Content-Length", strconv.FormatInt(meta.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin") // the widget's thumbnails, on the embedding site
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "private, max-age=300")
	if r.Method == http.MethodHead {
		return
	}
	// The server's write timeout is sized for small answers; a file goes
	// on for as long as the client keeps reading.
	if _, err := download.Copy(rw, body, 0); err != nil {
		s.log.Debug("file download cut short", "blob", id, "err", err)
	}
}
