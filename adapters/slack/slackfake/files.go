package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// upload is a file between files.getUploadURLExternal and its completion.
type upload struct {
	name   string
	length int64
	data   []byte
	done   bool
}

func (s *Server) getUploadURL(w http.ResponseWriter, v url.Values) {
	name := v.Get("filename")
	n, err := strconv.ParseInt(v.Get("length"), 10, 64)
	if name == "" || err != nil || n <= 0 {
		fail(w, "invalid_arguments")
		return
	}
	s.rec.mu.Lock()
	id := fmt.Sprintf("F%08d", len(s.rec.uploads)+1)
	s.rec.uploads[id] = &upload{name: name, length: n}
	s.rec.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "upload_url": s.srv.URL + "/upload/" + id, "file_id": id})
}

// serveUpload takes the bytes of a file, as files.slack.com does.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var data []byte
	if f, _, err := r.FormFile("file"); err == nil {
		data, _ = io.ReadAll(io.LimitReader(f, 64<<20))
	} else {
		data, _ = io.ReadAll(io.LimitReader(r.Body, 64<<20))
	}
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	u := s.rec.uploads[id]
	if u == nil {
		http.Error(w, "unknown upload", http.StatusNotFound)
		return
	}
	u.data = data
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprintf(w, "OK - %d", len(data))
}

func (s *Server) completeUpload(w http.ResponseWriter, v url.Values) {
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(v.Get("files")), &files); err != nil || len(files) == 0 {
		fail(w, "invalid_arguments")
		return
	}
	channel := v.Get("channel_id")
	if channel != "" && !s.channelFor(w, channel) {
		return
	}
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	var shared []File
	for _, f := range files {
		u := s.rec.uploads[f.ID]
		if u == nil || u.data == nil {
			fail(w, "file_not_found")
			return
		}
		u.done = true
		link := s.srv.URL + "/files/" + f.ID + "/" + url.PathEscape(u.name)
		shared = append(shared, File{ID: f.ID, Name: u.name, Title: f.Title, Size: int64(len(u.data)),
			Mimetype: http.DetectContentType(u.data), URLPrivate: link, URLPrivateDownload: link, Permalink: link})
	}
	if channel != "" {
		m := &Message{Channel: channel, TS: s.rec.nextTS(), ThreadTS: v.Get("thread_ts"), User: s.opts.BotUserID,
			BotID: s.opts.BotID, Text: v.Get("initial_comment"), Files: shared}
		s.rec.messages[channel] = append(s.rec.messages[channel], m)
	}
	s.rec.touch()
	out := make([]map[string]string, len(shared))
	for i, f := range shared {
		out[i] = map[string]string{"id": f.ID, "title": f.Title}
	}
	writeJSON(w, map[string]any{"ok": true, "files": out})
}

// AddFile stores a file as if a user had uploaded it, and returns it with
// its url_private; messages can then share it.
func (s *Server) AddFile(name string, data []byte) File {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	id := fmt.Sprintf("F%08d", len(s.rec.uploads)+1)
	s.rec.uploads[id] = &upload{name: name, length: int64(len(data)), data: data, done: true}
	link := s.srv.URL + "/files/" + id + "/" + url.PathEscape(name)
	return File{ID: id, Name: name, Title: name, Size: int64(len(data)), Mimetype: http.DetectContentType(data),
		URLPrivate: link, URLPrivateDownload: link, Permalink: link}
}

// serveFile serves a file's bytes to holders of the bot token, as
// url_private does.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.opts.BotToken {
		http.Error(w, "not authed", http.StatusForbidden)
		return
	}
	s.rec.mu.Lock()
	u := s.rec.uploads[r.PathValue("id")]
	s.rec.mu.Unlock()
	if u == nil || !u.done {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(u.data))
	_, _ = w.Write(u.data)
}
