package slack_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// fileOrigin serves users' files as a user channel links them (Telegram's
// signed /telegram/file links, say): /ok, /big, /gone, and /flaky, which
// fails once with 503. It counts requests per path.
type fileOrigin struct {
	srv  *httptest.Server
	hits map[string]*atomic.Int32
}

var (
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 200)...)
	bigBytes = bytes.Repeat([]byte("x"), 2048)
)

func newFileOrigin(t *testing.T) *fileOrigin {
	o := &fileOrigin{hits: map[string]*atomic.Int32{}}
	for _, p := range []string{"/ok", "/big", "/gone", "/flaky", "/declared-big"} {
		o.hits[p] = new(atomic.Int32)
	}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := o.hits[r.URL.Path]
		if n == nil {
			http.NotFound(w, r)
			return
		}
		switch hit := n.Add(1); r.URL.Path {
		case "/ok":
			_, _ = w.Write(pngBytes)
		case "/big", "/declared-big":
			_, _ = w.Write(bigBytes)
		case "/gone":
			http.Error(w, "expired", http.StatusNotFound)
		case "/flaky":
			if hit == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			_, _ = io.WriteString(w, "log line 1\nlog line 2\n")
		}
	}))
	t.Cleanup(o.srv.Close)
	return o
}

// A user's files are uploaded into the thread right after their message
// (files.getUploadURLExternal → upload → files.completeUploadExternal with
// thread_ts); a file that cannot be fetched or is over the limit is linked
// there instead, saying why; a download that fails once is retried and the
// file still arrives once.
func TestUserFilesReachThread(t *testing.T) {
	e := newEnv(t, envOptions{maxUpload: 1024, perSecond: 50, burst: 10})
	origin := newFileOrigin(t)
	tests := []struct {
		name      string
		file      bridge.Attachment
		uploaded  []byte // nil: linked instead
		reason    string // shown next to the link
		downloads int32
	}{
		{"small file uploaded", bridge.Attachment{Name: "receipt.png", URL: origin.srv.URL + "/ok"}, pngBytes, "", 1},
		{"over the limit linked", bridge.Attachment{Name: "scan.pdf", URL: origin.srv.URL + "/big"}, nil, "2.0 KiB is larger than the 1.0 KiB limit", 1},
		{"declared size over the limit not fetched", bridge.Attachment{Name: "video.mp4", Size: 5 << 20, URL: origin.srv.URL + "/declared-big"},
			nil, "5.0 MiB is larger than the 1.0 KiB limit", 0},
		{"expired link linked", bridge.Attachment{Name: "old.txt", URL: origin.srv.URL + "/gone"}, nil, "the link answered HTTP 404", 1},
		{"failing once uploaded once", bridge.Attachment{Name: "log.txt", URL: origin.srv.URL + "/flaky"}, []byte("log line 1\nlog line 2\n"), "", 2},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chat := "files" + string(rune('a'+i))
			_, root := e.requestThread(chat)
			e.userSays(chat, "see attached", tc.file)
			// A later message in the thread shows the file's step is over
			// (posts keep their order), so nothing more can come of it.
			e.userSays(chat, "did you get it?")
			e.waitFake("later message", func() bool { return strings.Contains(e.threadText(root), "did you get it?") })

			replies := e.fake.Replies(channel, root)
			at := slices.IndexFunc(replies, func(m slackfake.Message) bool { return strings.Contains(texts(m), "see attached") })
			if at < 0 || at+1 >= len(replies) {
				t.Fatalf("no message with the file in the thread:\n%s", e.threadText(root))
			}
			if txt := texts(replies[at]); !strings.Contains(txt, ":paperclip: "+tc.file.Name) || strings.Contains(txt, tc.file.URL) {
				t.Errorf("user's message shows %q; want the file's name and no link", txt)
			}
			next := replies[at+1]
			var uploads []slackfake.Upload
			for _, u := range e.fake.Uploads() {
				if u.Name == tc.file.Name {
					uploads = append(uploads, u)
				}
			}
			if tc.uploaded != nil {
				if len(uploads) != 1 || !bytes.Equal(uploads[0].Data, tc.uploaded) {
					t.Fatalf("uploads of %s = %d, want the file once", tc.file.Name, len(uploads))
				}
				if len(next.Files) != 1 || next.Files[0].ID != uploads[0].ID {
					t.Errorf("message after the user's is %+v, want the shared file %s", next, uploads[0].ID)
				}
			} else {
				if len(uploads) != 0 {
					t.Errorf("%s was uploaded; want a link", tc.file.Name)
				}
				if !strings.Contains(next.Text, "<"+tc.file.URL+"|"+tc.file.Name+">") || !strings.Contains(next.Text, "not uploaded: "+tc.reason) {
					t.Errorf("fallback is %q; want a link to %s saying %q", next.Text, tc.file.URL, tc.reason)
				}
			}
			if got := origin.hits[strings.TrimPrefix(tc.file.URL, origin.srv.URL)].Load(); got != tc.downloads {
				t.Errorf("downloads = %d, want %d", got, tc.downloads)
			}
		})
	}
	// The bridge's own file posts never come back to the users.
	for _, chat := range []string{"filesa", "filese"} {
		for _, d := range e.web.To(chat) {
			if len(d.Message.Attachments) > 0 {
				t.Errorf("%s got an attachment back: %+v", chat, d.Message)
			}
		}
	}
}

// A file an agent shares in the thread reaches the user as a link to the
// bridge, which serves it from Slack with the bot token; only links the
// bridge signed work, and the token is never in the link.
func TestAgentFileLink(t *testing.T) {
	e := newEnv(t, envOptions{perSecond: 50, burst: 10})
	const chat = "agentfile"
	id, root := e.requestThread(chat)
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root, "handoff_join", id.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb(chat, "joined", hasMessage("has joined"))
	pdf := e.fake.AddFile("label.pdf", []byte("%PDF-1.4 return label"))
	page := e.fake.AddFile("page.html", []byte("<script>alert(1)</script>"))
	if _, _, err := e.fake.PostAsUser(e.ctx, channel, "UANA", "label and page", root, pdf, page); err != nil {
		t.Fatal(err)
	}
	att := bridgetest.Last(e.waitWeb(chat, "files", hasMessage("label and page"))).Message.Attachments
	if len(att) != 2 {
		t.Fatalf("attachments = %+v", att)
	}
	for _, a := range att {
		if !strings.HasPrefix(a.URL, e.bridgeURL+"/slack/file/") || strings.Contains(a.URL, e.fake.Opts().BotToken) {
			t.Fatalf("link %q: want the bridge's route, without the token", a.URL)
		}
	}
	get := func(u string) (*http.Response, []byte) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	pdfLink, htmlLink := att[0].URL, att[1].URL
	sig := pdfLink[strings.Index(pdfLink, "?"):]
	tests := []struct {
		name        string
		url         string
		status      int
		body        string
		contentType string
		disposition string
	}{
		{"pdf opens in the browser", pdfLink, 200, "%PDF-1.4 return label", "application/pdf", `inline; filename=label.pdf`},
		{"html is downloaded, never rendered", htmlLink, 200, "<script>alert(1)</script>", "application/octet-stream", `attachment; filename=page.html`},
		{"no signature", e.bridgeURL + "/slack/file/" + pdf.ID, 403, "", "", ""},
		{"tampered signature", pdfLink[:len(pdfLink)-2] + "xx", 403, "", "", ""},
		{"another file's signature", e.bridgeURL + "/slack/file/" + page.ID + sig, 403, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(tc.url)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tc.status, body)
			}
			if tc.status != 200 {
				return
			}
			if string(body) != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
			if got := resp.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if got := resp.Header.Get("Content-Disposition"); got != tc.disposition {
				t.Errorf("Content-Disposition %q, want %q", got, tc.disposition)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
		})
	}
}
