package telegramfake

import (
	"fmt"
	"net/http"
	"strings"
)

// AddFile stores a file users can send (as Incoming.Photo or Document) and
// returns its file id.
func (s *Server) AddFile(name string, content []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("FILE%d", len(s.files)+1)
	s.files[id] = file{path: "documents/" + id + "/" + name, content: content}
	return id
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("file_id")
	s.mu.Lock()
	f, ok := s.files[strings.TrimSuffix(id, "-small")]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusBadRequest, "Bad Request: invalid file_id", nil)
		return
	}
	s.ok(w, map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_size": len(f.content), "file_path": f.path})
}

// serveFile is the download endpoint /file/bot<token>/<file_path>.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, rest string) {
	token, path, ok := strings.Cut(rest, "/")
	if !ok || token != s.opts.Token {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	var found *file
	for _, f := range s.files {
		if f.path == path {
			found = &f
			break
		}
	}
	s.mu.Unlock()
	if found == nil {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write(found.content)
}
