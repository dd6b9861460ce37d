package whatsapp_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestUserMedia: files users send reach the thread as links the bridge
// signed; the bridge fetches them with the access token (which never
// appears in the link), and a link it did not issue is refused.
func TestUserMedia(t *testing.T) {
	r := newRig(t)
	open := r.active()
	for _, tc := range []struct {
		name, kind, mime, caption, filename string
		content                             string
		wantName                            string
	}{
		{"photo with caption", "image", "image/png", "my screen", "", "\x89PNG fake image", "image-"},
		{"document", "document", "application/pdf", "the invoice", "invoice-42.pdf", "%PDF-1.7 fake", "invoice-42.pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := r.fake.AddMedia([]byte(tc.content), tc.mime)
			_, body := r.fake.UserMedia(sheena, "Sheena Nelson", tc.kind, id, tc.caption, tc.filename)
			r.deliver(body)
			r.waitPost(open.Thread, tc.caption)
			var post *struct{ url, name, ct string }
			for _, p := range bridgetest.Posts(r.slack.Ops(), open.Thread) {
				if p.Text == tc.caption && len(p.Attachments) == 1 {
					a := p.Attachments[0]
					post = &struct{ url, name, ct string }{a.URL, a.Name, a.ContentType}
				}
			}
			if post == nil {
				t.Fatalf("no post %q with one attachment", tc.caption)
			}
			if !strings.HasPrefix(post.name, tc.wantName) || post.ct != tc.mime {
				t.Errorf("attachment named %q (%s), want %q… (%s)", post.name, post.ct, tc.wantName, tc.mime)
			}
			if strings.Contains(post.url, r.fake.Options().Token) || !strings.HasPrefix(post.url, r.web.URL+"/whatsapp/media/") {
				t.Fatalf("link %q: want one of the bridge's, without the token", post.url)
			}
			resp, err := http.Get(post.url)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || string(got) != tc.content || resp.Header.Get("Content-Type") != tc.mime {
				t.Errorf("link answered %d %s %q, want the file", resp.StatusCode, resp.Header.Get("Content-Type"), got)
			}
			for _, forged := range []string{
				strings.Replace(post.url, "sig=", "sig=00", 1),
				strings.Replace(post.url, "/media/"+id, "/media/"+id+"1", 1),
				post.url[:strings.Index(post.url, "?")],
			} {
				resp, err := http.Get(forged)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s answered %d, want 403", forged, resp.StatusCode)
				}
			}
		})
	}
	if n := r.fake.Stats().MediaDownloads; n != 2 {
		t.Errorf("%d downloads from WhatsApp, want 2 (forged links fetch nothing)", n)
	}
}
