package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
)

// renew posts a link to the renewal endpoint as the widget does.
func (e *env) renew(token, link string) (int, string) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"url": link})
	req, _ := http.NewRequestWithContext(e.ctx, http.MethodPost, e.srv.URL+web.RenewPath, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var a struct{ URL string }
	_ = json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a.URL
}

// An expired file link of a user's own chat is renewed for their session
// token, and the fresh link opens the file; another session's token, a
// forged signature and a link that is no file link are refused.
func TestRenewExpiredFileLink(t *testing.T) {
	e := newFilesEnv(t, 1<<20)
	c := e.dial(webfake.Options{})
	status, up := e.upload(token(t, c), "notes.txt", "text/plain", "the notes")
	if status != http.StatusCreated {
		t.Fatalf("upload: HTTP %d %+v", status, up)
	}
	if err := c.SendFiles(e.ctx, "c-file", "", up.ID); err != nil {
		t.Fatal(err)
	}
	frames, err := c.WaitFor(e.ctx, "the message with its file", hasMessage(func(f webfake.Frame) bool { return len(f.Attachments) == 1 }))
	if err != nil {
		t.Fatal(err)
	}
	var link string
	for _, f := range webfake.Messages(frames) {
		if len(f.Attachments) == 1 {
			link = f.Attachments[0].URL
		}
	}
	e.clock.Advance(2 * time.Hour)
	if resp := e.get(link); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the link after two hours: HTTP %d, want 403", resp.StatusCode)
	}

	status, fresh := e.renew(token(t, c), e.srv.URL+link)
	if status != http.StatusOK || fresh == "" || fresh == link {
		t.Fatalf("renewal by the chat's user: HTTP %d %q", status, fresh)
	}
	resp := e.get(fresh)
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || string(body) != "the notes" {
		t.Errorf("the renewed link: HTTP %d %q", resp.StatusCode, body)
	}

	other := e.dial(webfake.Options{})
	for _, tt := range []struct {
		name, token, link string
		want              int
	}{
		{"another session's token", token(t, other), link, http.StatusForbidden},
		{"a forged signature", token(t, c), strings.Replace(link, "sig=", "sig=x", 1), http.StatusForbidden},
		{"no file link", token(t, c), "/widget.js", http.StatusForbidden},
		{"no token", "", link, http.StatusUnauthorized},
	} {
		if status, got := e.renew(tt.token, tt.link); status != tt.want || got != "" {
			t.Errorf("renewal with %s: HTTP %d %q, want %d and no link", tt.name, status, got, tt.want)
		}
	}
}
