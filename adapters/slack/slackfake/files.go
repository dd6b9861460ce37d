package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"time"
)

// upload is a file between files.getUploadURLExternal and its completion.
type upload struct {
	name   string
	length int64
	data   []byte
	done   bool
	added  bool // by AddFile, not uploaded by the app
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
	threadTS := v.Get("thread_ts")
	if channel != "" && threadTS != "" && s.rec.find(channel, threadTS) == nil {
		fail(w, "invalid_thread_ts")
		return
	}
	var shared []File
	for _, f := range files {
		u := s.rec.uploads[f.ID]
		if u == nil || u.data == nil {
			fail(w, "file_not_found")
			return
		}
		u.done = true
		file := s.fileOf(f.ID, u)
		file.Title = f.Title
		shared = append(shared, file)
	}
	var echo *Message
	if channel != "" {
		m := &Message{Channel: channel, TS: s.rec.nextTS(), ThreadTS: threadTS, User: s.opts.BotUserID,
			Text: v.Get("initial_comment"), Files: shared, At: time.Now()}
		s.rec.add(channel, m)
		if s.opts.EchoBotMessages {
			c := *m
			echo = &c
		}
	}
	s.rec.touch()
	if echo != nil {
		// Slack tells subscribers of a file shared by the app as a
		// file_share message of the bot user (with no bot_id).
		go s.echoFileShare(*echo)
	}
	out := make([]map[string]string, len(shared))
	for i, f := range shared {
		out[i] = map[string]string{"id": f.ID, "title": f.Title}
	}
	writeJSON(w, map[string]any{"ok": true, "files": out})
}

func (s *Server) echoFileShare(m Message) {
	ev := map[string]any{"type": "message", "subtype": "file_share", "channel": m.Channel, "text": m.Text, "ts": m.TS,
		"event_ts": m.TS, "user": m.User, "files": m.Files, "upload": false, "channel_type": "channel"}
	if m.ThreadTS != "" {
		ev["thread_ts"] = m.ThreadTS
	}
	_, body := s.EventCallback(ev)
	_, _ = s.Deliver(context.Background(), KindEvent, body)
}

// AddFile stores a file as if a user had uploaded it, and returns it with
// its url_private; messages can then share it.
func (s *Server) AddFile(name string, data []byte) File {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	id := fmt.Sprintf("F%08d", len(s.rec.uploads)+1)
	u := &upload{name: name, length: int64(len(data)), data: data, done: true, added: true}
	s.rec.uploads[id] = u
	return s.fileOf(id, u)
}

// fileInfo answers files.info for a file uploaded and shared.
func (s *Server) fileInfo(w http.ResponseWriter, v url.Values) {
	id := v.Get("file")
	s.rec.mu.Lock()
	u := s.rec.uploads[id]
	s.rec.mu.Unlock()
	if u == nil || !u.done {
		fail(w, "file_not_found")
		return
	}
	writeJSON(w, map[string]any{"ok": true, "file": s.fileOf(id, u), "comments": []any{},
		"paging": map[string]int{"count": 100, "total": 1, "page": 1, "pages": 1}})
}

// fileOf describes a stored file as Slack's file object does.
func (s *Server) fileOf(id string, u *upload) File {
	link := s.srv.URL + "/files/" + id + "/" + url.PathEscape(u.name)
	return File{ID: id, Name: u.name, Title: u.name, Size: int64(len(u.data)), Mimetype: mimeOf(u.name, u.data),
		URLPrivate: link, URLPrivateDownload: link + "?download=1", Permalink: "https://fake.slack.test/files/" + id}
}

// mimeOf is the type Slack would report: from the name's extension, else
// sniffed from the bytes.
func mimeOf(name string, data []byte) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return http.DetectContentType(data)
}

// Upload is a file the app uploaded, with where it was shared.
type Upload struct {
	ID, Name string
	Data     []byte
}

// Uploads lists the files the app uploaded and completed, in order.
func (s *Server) Uploads() []Upload {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	var out []Upload
	for i := 1; i <= len(s.rec.uploads); i++ {
		id := fmt.Sprintf("F%08d", i)
		if u := s.rec.uploads[id]; u != nil && u.done && !u.added {
			out = append(out, Upload{ID: id, Name: u.name, Data: u.data})
		}
	}
	return out
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
	w.Header().Set("Content-Type", mimeOf(u.name, u.data))
	_, _ = w.Write(u.data)
}
