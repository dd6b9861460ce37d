package console

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/blobdir"
	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// pngBytes is a 1×1 PNG.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// newFilesWorld is a world whose console keeps files in a blob directory,
// taking at most maxBytes per file.
func newFilesWorld(t *testing.T, maxBytes int64) (*world, *files.Service) {
	t.Helper()
	dir, err := blobdir.Open(filepath.Join(t.TempDir(), "files"), nil)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := files.New(files.Options{Blobs: dir, Secret: []byte("0123456789abcdef0123"), MaxBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	return newWorldWith(t, func(o *Options) { o.Files = fs }), fs
}

// userSends makes the user of chat send a file with their message.
func (w *world) userSends(fs *files.Service, chat, id, name, ctype string, body []byte) bridge.Attachment {
	w.t.Helper()
	addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat}
	a, err := fs.Upload(w.ctx, files.ChatScope(addr), name, ctype, int64(len(body)), bytes.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.engine.Handle(w.ctx, bridge.UserMessage{Address: addr, User: bridge.User{DisplayName: "Uma"}, PlatformID: id,
		Text: "here it is", Attachments: []bridge.Attachment{a}}); err != nil {
		w.t.Fatal(err)
	}
	return a
}

// upload sends a file from the console as the page does; it returns the
// status and the answer's body.
func (a *agent) upload(id, name, ctype string, body []byte) (int, []byte) {
	a.t.Helper()
	req, err := http.NewRequestWithContext(a.t.Context(), "POST",
		a.w.srv.URL+Prefix+"/api/handoffs/"+id+"/files?name="+url.QueryEscape(name), bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set(csrfHeader, a.csrf)
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// fetch GETs a path of the bridge with the agent's cookie.
func (a *agent) fetch(path string) *http.Response {
	a.t.Helper()
	req, _ := http.NewRequestWithContext(a.t.Context(), "GET", a.w.srv.URL+path, nil)
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// filesOf returns the files of the handoff's entries that have some.
func filesOf(d detailResponse) []fileView {
	var out []fileView
	for _, e := range d.Entries {
		out = append(out, e.Files...)
	}
	return out
}

// TestConsoleServesFilesOnlyToTheTeam: a user's file shows in the history
// with the console's link, which opens it for the team's agents and
// admins; another team's agent, a link through another handoff, a file
// of a withdrawn message and a visitor without a login get nothing, and
// another team's agent gets exactly what a missing handoff gives.
func TestConsoleServesFilesOnlyToTheTeam(t *testing.T) {
	w, fs := newFilesWorld(t, 1<<20)
	ana := w.loggedIn(anaToken)
	id := w.requestHuman("c-file", ana)
	att := w.userSends(fs, "c-file", "c-file-f1", "receipt.png", "image/png", pngBytes)
	d := ana.waitDetail(id, "the user's file", func(d detailResponse) bool { return len(filesOf(d)) == 1 })
	got := filesOf(d)[0]
	link := Prefix + "/api/handoffs/" + id + "/files/" + string(att.Blob)
	if want := (fileView{Name: "receipt.png", ContentType: "image/png", Size: int64(len(pngBytes)), URL: link, Image: true}); got != want {
		t.Fatalf("file in the history = %+v, want %+v", got, want)
	}
	other := w.requestHuman("c-other", ana) // the same team's, without the file
	missing := w.loggedIn(salesToken).fetch(Prefix + "/api/handoffs/999999/files/" + string(att.Blob))
	missingBody, _ := io.ReadAll(missing.Body)

	cases := []struct {
		name   string
		who    *agent
		path   string
		status int
	}{
		{"the agent", ana, link, http.StatusOK},
		{"a teammate", w.loggedIn(bobToken), link, http.StatusOK},
		{"an admin", w.loggedIn(adminToken), link, http.StatusOK},
		{"another team's agent", w.loggedIn(salesToken), link, http.StatusNotFound},
		{"through another handoff", ana, Prefix + "/api/handoffs/" + other + "/files/" + string(att.Blob), http.StatusNotFound},
		{"an unknown file", ana, Prefix + "/api/handoffs/" + id + "/files/nope", http.StatusNotFound},
		{"no login", w.newAgent(), link, http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := tc.who.fetch(tc.path)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.status)
			}
			if tc.status != http.StatusOK {
				if bytes.Contains(body, pngBytes[:8]) {
					t.Fatal("the refusal holds the file")
				}
				if tc.name == "another team's agent" && !bytes.Equal(body, missingBody) {
					t.Fatalf("another team's agent got %q, a missing handoff %q", body, missingBody)
				}
				return
			}
			h := resp.Header
			if !bytes.Equal(body, pngBytes) || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || !strings.HasPrefix(h.Get("Content-Disposition"), "inline") {
				t.Fatalf("served %d bytes with headers %v", len(body), h)
			}
		})
	}

	addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "c-file"}
	if _, err := w.engine.Handle(w.ctx, bridge.UserEdit{Address: addr, PlatformID: "c-file-f1", Deleted: true}); err != nil {
		t.Fatal(err)
	}
	ana.waitDetail(id, "the withdrawn file", func(d detailResponse) bool { return len(filesOf(d)) == 0 })
	if resp := ana.fetch(link); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the file of a withdrawn message: status %d, want 404", resp.StatusCode)
	}
}

// TestConsoleUploadReachesTheUser: the agent who joined sends a file; the
// user gets it as an attachment and the history shows it as the agent's
// own. A teammate's file stays a note; another team's agent, a refused
// type and a file over the limit are refused with a clear answer and
// reach nobody.
func TestConsoleUploadReachesTheUser(t *testing.T) {
	w, _ := newFilesWorld(t, 1<<10)
	ana := w.loggedIn(anaToken)
	id := w.requestHuman("c-up", ana)
	if code, msg := ana.act(id, "join"); code != http.StatusOK {
		t.Fatalf("join: %d %s", code, msg)
	}
	code, raw := ana.upload(id, `..\invoice "May".pdf`, "application/pdf", []byte("%PDF-1.4 invoice"))
	var r replyResponse
	if err := json.Unmarshal(raw, &r); code != http.StatusOK || err != nil || !r.Relayed {
		t.Fatalf("upload: %d %s", code, raw)
	}
	ds, err := w.web.WaitFor(w.ctx, "c-up", "the agent's file", func(ds []bridgetest.Delivery) bool {
		return slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool { return len(d.Message.Attachments) == 1 })
	})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ds, func(d bridgetest.Delivery) bool { return len(d.Message.Attachments) == 1 })
	a := ds[i].Message.Attachments[0]
	if a.Name != "invoice May.pdf" || a.ContentType != "application/pdf" || a.Size != 16 || a.Blob == "" || ds[i].Message.Author != "Ana S." {
		t.Fatalf("the user got %+v from %q", a, ds[i].Message.Author)
	}
	d := ana.detail(id)
	e := d.Entries[slices.IndexFunc(d.Entries, func(e entry) bool { return len(e.Files) > 0 })]
	if !e.Own || e.Internal || e.Files[0].Name != "invoice May.pdf" || e.Files[0].Image {
		t.Fatalf("the history shows %+v", e)
	}

	bob := w.loggedIn(bobToken)
	if code, raw := bob.upload(id, "b.txt", "text/plain", []byte("bob's")); code != http.StatusOK || !bytes.Contains(raw, []byte(`"relayed":false`)) {
		t.Fatalf("teammate upload: %d %s", code, raw)
	}
	refusals := []struct {
		name, ctype string
		who         *agent
		body        []byte
		status      int
		says        string
	}{
		{"another team", "text/plain", w.loggedIn(salesToken), []byte("x"), http.StatusNotFound, "no such handoff"},
		{"script.html", "text/html", ana, []byte("<script>"), http.StatusUnsupportedMediaType, "cannot be sent here"},
		{"big.txt", "text/plain", ana, bytes.Repeat([]byte("x"), 2<<10), http.StatusRequestEntityTooLarge, "too large: at most 1 KiB"},
		{"empty.txt", "text/plain", ana, nil, http.StatusBadRequest, "empty"},
	}
	for _, tc := range refusals {
		code, raw := tc.who.upload(id, tc.name, tc.ctype, tc.body)
		if code != tc.status || !strings.Contains(string(raw), tc.says) {
			t.Errorf("%s: %d %s, want %d %q", tc.name, code, raw, tc.status, tc.says)
		}
	}
	w.reply(ana, id, "that's all")
	for _, d := range w.web.To("c-up") {
		if n := len(d.Message.Attachments); n > 0 && d.Message.Attachments[0].Name != "invoice May.pdf" {
			t.Errorf("the user got %+v", d.Message.Attachments)
		}
	}
}

// reply sends text as the agent and waits until the user has it, so that
// every earlier delivery is in.
func (w *world) reply(a *agent, id, text string) {
	w.t.Helper()
	a.reply(id, text)
	w.waitText(w.handoffChat(id), text)
}

// handoffChat is the chat id of a handoff's user.
func (w *world) handoffChat(id string) string {
	w.t.Helper()
	h := w.handoff(id)
	var chat string
	if err := w.store.View(w.ctx, func(tx bridge.Tx) error {
		c, err := tx.Conversation(w.ctx, h.ConversationID)
		if err == nil {
			chat = c.Address.ChatID
		}
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return chat
}

// TestConsoleFilesOffWithoutAService: with no file service the console
// takes no uploads and offers none.
func TestConsoleFilesOffWithoutAService(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	id := w.requestHuman("c-nofiles", ana)
	if code, raw := ana.upload(id, "a.txt", "text/plain", []byte("x")); code != http.StatusNotFound {
		t.Fatalf("upload without a file service: %d %s", code, raw)
	}
	var me meResponse
	ana.do("GET", "/api/me", nil, &me)
	if me.Uploads != nil {
		t.Fatalf("me offers uploads: %+v", me.Uploads)
	}
}
