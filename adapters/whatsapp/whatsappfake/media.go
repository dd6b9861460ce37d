package whatsappfake

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
)

// mediaFile is a file a user "uploaded", served like the Cloud API's media.
type mediaFile struct {
	content  []byte
	mimeType string
	sha256   string
}

// AddMedia stores a file users can send (with UserMedia) and returns its
// media id. The Graph API resolves the id (GET /{version}/{media-id}) to a
// download URL that, like Meta's, needs the access token.
func (s *Server) AddMedia(content []byte, mimeType string) string {
	sum := sha256.Sum256(content)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	id := fmt.Sprintf("%d", 1000000000000000+s.seq)
	s.media[id] = mediaFile{content: content, mimeType: mimeType, sha256: base64.StdEncoding.EncodeToString(sum[:])}
	return id
}

// serveDownload answers a media download URL (the gate has checked the
// token).
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.media[r.PathValue("id")]
	if ok {
		s.stats.MediaDownloads++
	}
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.mimeType)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.content)))
	_, _ = w.Write(f.content)
}
