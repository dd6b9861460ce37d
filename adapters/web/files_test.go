package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/blobdir"
	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// withFiles gives the widget a file service over a blob directory, on the
// env's clock, taking at most maxBytes per file.
func withFiles(t *testing.T, clock bridge.Clock, maxBytes int64) func(*web.Options) {
	return func(o *web.Options) {
		dir, err := blobdir.Open(filepath.Join(t.TempDir(), "files"), clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := files.New(files.Options{Blobs: dir, Secret: []byte("0123456789abcdef0123"), MaxBytes: maxBytes, Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		o.Files = fs
		o.SessionRate, o.SessionBurst = 10, 20
	}
}

func newFilesEnv(t *testing.T, maxBytes int64) *env {
	clock := bridgetest.NewClock(t0)
	e := newEnvWith(t, echoAI(), clock, withFiles(t, clock, maxBytes))
	e.clock = clock
	return e
}

type uploaded struct {
	ID      string `json:"id"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

// upload posts a file as the widget does and decodes the answer.
func (e *env) upload(token, name, ctype, body string) (int, uploaded) {
	e.t.Helper()
	req, _ := http.NewRequestWithContext(e.ctx, http.MethodPost, e.srv.URL+web.UploadPath+"?name="+url.QueryEscape(name), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var u uploaded
	_ = json.NewDecoder(resp.Body).Decode(&u)
	return resp.StatusCode, u
}

func (e *env) get(link string, header ...string) *http.Response {
	e.t.Helper()
	req, _ := http.NewRequestWithContext(e.ctx, http.MethodGet, e.srv.URL+link, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func token(t *testing.T, c *webfake.Client) string {
	w, ok := c.Welcome()
	if !ok || w.Token == "" {
		t.Fatal("no welcome token")
	}
	return w.Token
}

// A user's image reaches the agent's thread as a file, comes back to the
// user's tabs with a link that opens it inline with safe headers, and is
// out of reach of another session: it cannot attach it, nor rewrite the
// link for itself, and the link stops working after its hour.
func TestUserFileReachesThreadOnlyForItsUser(t *testing.T) {
	e := newFilesEnv(t, 1<<20)
	c := e.dial(webfake.Options{})
	if w, _ := c.Welcome(); w.Uploads == nil || w.Uploads.MaxBytes != 1<<20 {
		t.Fatalf("welcome frame's upload limits = %+v", w.Uploads)
	}
	thread := e.requestHuman(c)
	e.agent(bridge.AgentAction{Agent: anaRef, ThreadID: thread, Action: bridge.ActJoin})

	png := "\x89PNG\r\n\x1a\n a small picture"
	status, up := e.upload(token(t, c), "../screen shot.png", "image/png", png)
	if status != http.StatusCreated || up.ID == "" {
		t.Fatalf("upload: HTTP %d %+v", status, up)
	}
	if err := c.SendFiles(e.ctx, "c-file", "here it is", up.ID); err != nil {
		t.Fatal(err)
	}
	frames, err := c.WaitFor(e.ctx, "the user's message with its file", hasMessage(func(f webfake.Frame) bool { return len(f.Attachments) == 1 }))
	if err != nil {
		t.Fatal(err)
	}
	var file webfake.File
	for _, f := range webfake.Messages(frames) {
		if len(f.Attachments) == 1 {
			file = f.Attachments[0]
		}
	}
	if file.Name != "screen shot.png" || file.ContentType != "image/png" || file.Size != int64(len(png)) {
		t.Errorf("attachment shown = %+v", file)
	}
	if _, err := e.ws.WaitFor(e.ctx, "the file in the thread", func(ops []bridgetestOp) bool {
		for _, p := range bridgetest.Posts(ops, thread) {
			if len(p.Attachments) == 1 && string(p.Attachments[0].Blob) == up.ID && p.Text == "here it is" {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}

	resp := e.get(file.URL)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != png {
		t.Fatalf("GET the link: HTTP %d, %d bytes", resp.StatusCode, len(body))
	}
	for k, want := range map[string]string{"Content-Type": "image/png", "X-Content-Type-Options": "nosniff",
		"Content-Disposition": `inline; filename="screen shot.png"`, "Content-Security-Policy": "default-src 'none'; sandbox"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}

	other := e.dial(webfake.Options{})
	if err := other.SendFiles(e.ctx, "c-steal", "", up.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := other.WaitFor(e.ctx, "a refusal", func(fs []webfake.Frame) bool {
		for _, f := range fs {
			if f.Type == "error" && f.ClientID == "c-steal" && f.Code == "refused" {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(file.URL)
	q := u.Query()
	otherWelcome, _ := other.Welcome()
	q.Set("s", "web:"+otherWelcome.Session)
	for name, link := range map[string]string{
		"the link rewritten for another session": u.Path + "?" + q.Encode(),
		"no signature":                           u.Path,
	} {
		if resp := e.get(link, "Authorization", "Bearer "+otherWelcome.Token); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s with another user's token: HTTP %d, want 403", name, resp.StatusCode)
		}
	}

	e.clock.Advance(61 * time.Minute)
	resp = e.get(file.URL)
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(msg), "expired") {
		t.Errorf("an expired link: HTTP %d %q, want 403 saying it expired", resp.StatusCode, msg)
	}
}

// Files the limits refuse are refused before anything is stored, with a
// sentence the widget shows; a document downloads rather than opens.
func TestUploadRefusalsAndDownloadHeaders(t *testing.T) {
	e := newFilesEnv(t, 100)
	c := e.dial(webfake.Options{})
	tok := token(t, c)
	for _, tc := range []struct {
		name, file, ctype, body, token string
		status                         int
		code, says                     string
	}{
		{"one byte over the limit", "big.pdf", "application/pdf", strings.Repeat("x", 101), tok, http.StatusRequestEntityTooLarge, "too_large", "at most 100 bytes"},
		{"a page", "x.html", "text/html", "<script>alert(1)</script>", tok, http.StatusUnsupportedMediaType, "type_refused", "text/html"},
		{"an SVG", "x.svg", "image/svg+xml", "<svg/>", tok, http.StatusUnsupportedMediaType, "type_refused", "cannot be sent"},
		{"empty", "e.txt", "text/plain", "", tok, http.StatusBadRequest, "empty", "empty"},
		{"no session", "a.txt", "text/plain", "hi", "v1.forged", http.StatusUnauthorized, "session", "reload"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, up := e.upload(tc.token, tc.file, tc.ctype, tc.body)
			if status != tc.status || up.Error != tc.code || !strings.Contains(up.Message, tc.says) || up.ID != "" {
				t.Errorf("HTTP %d %+v, want %d %s saying %q", status, up, tc.status, tc.code, tc.says)
			}
		})
	}

	status, up := e.upload(tok, "report.pdf", "application/pdf", "%PDF-1.4 exactly at the limit")
	if status != http.StatusCreated {
		t.Fatalf("a PDF: HTTP %d %+v", status, up)
	}
	if err := c.SendFiles(e.ctx, "c-pdf", "", up.ID); err != nil {
		t.Fatal(err)
	}
	frames, err := c.WaitFor(e.ctx, "the PDF shown", hasMessage(func(f webfake.Frame) bool { return len(f.Attachments) == 1 }))
	if err != nil {
		t.Fatalf("%v: %+v", err, c.Frames())
	}
	link := ""
	for _, f := range webfake.Messages(frames) {
		if len(f.Attachments) == 1 {
			link = f.Attachments[0].URL
		}
	}
	resp := e.get(link)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Disposition") != `attachment; filename=report.pdf` ||
		resp.Header.Get("Content-Type") != "application/octet-stream" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("PDF download: HTTP %d, headers %v", resp.StatusCode, resp.Header)
	}
}
