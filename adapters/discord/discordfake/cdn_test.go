package discordfake_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
)

// An uploaded file's links have Discord's shape and signature, answer its
// bytes without the bot token, and fail as Discord's do once tampered with
// or expired.
func TestAttachmentLinksServeTheFileUntilTheyExpire(t *testing.T) {
	f := discordfake.New(discordfake.Options{})
	t.Cleanup(f.Close)
	ch := f.NewTextChannel("desk")
	data := []byte("\x89PNG not really, but bytes")
	m, err := f.Say(ch, f.NewUser("ana"), "the diagram", f.File("diagram 1.png", "image/png", data))
	if err != nil {
		t.Fatal(err)
	}
	a := m.Attachments[0]
	shape := regexp.MustCompile(`^https://cdn\.discordapp\.com/attachments/` + ch + `/` + a.ID + `/diagram%201\.png\?ex=[0-9a-f]{8}&is=[0-9a-f]{8}&hm=[0-9a-f]{64}&$`)
	if !shape.MatchString(a.URL) || a.Size != len(data) || !strings.HasPrefix(a.ProxyURL, "https://media.discordapp.net/attachments/") {
		t.Fatalf("attachment %+v", a)
	}
	get := func(link string) (int, string) {
		t.Helper()
		resp, err := f.Client().Get(link)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(a.URL); code != http.StatusOK || body != string(data) {
		t.Fatalf("GET the link: %d %q", code, body)
	}
	if code, body := get(a.ProxyURL); code != http.StatusOK || body != string(data) {
		t.Fatalf("GET the proxy link: %d %q", code, body)
	}
	u, _ := url.Parse(a.URL)
	q := u.Query()
	q.Set("ex", "ffffffff") // a later expiry, not signed
	u.RawQuery = q.Encode()
	unsigned := *u
	unsigned.RawQuery = ""
	for name, link := range map[string]string{"tampered": u.String(), "unsigned": unsigned.String()} {
		if code, _ := get(link); code != http.StatusNotFound {
			t.Errorf("%s link: HTTP %d, want 404", name, code)
		}
	}
	f.ExpireFileLinks()
	if code, body := get(a.URL); code != http.StatusNotFound || !strings.Contains(body, "no longer available") {
		t.Fatalf("expired link: %d %q", code, body)
	}
}
