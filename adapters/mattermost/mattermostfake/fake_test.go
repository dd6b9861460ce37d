package mattermostfake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
)

func call(t *testing.T, s *mattermostfake.Server, token, method, path string, body any) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL()+"/api/v4"+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

// The fake answers as Mattermost does: AppError bodies, the rate
// limiter's 429, the posted event with the post as a JSON string inside
// data, and buttons' integrations stripped from what clients see.
func TestWireShapes(t *testing.T) {
	s := mattermostfake.New(mattermostfake.Options{})
	defer s.Close()
	s.AddChannel("chan00000000000000000000aa", "support", s.BotUserID())
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	resp, raw := call(t, s, "wrong", http.MethodGet, "/users/me", nil)
	var appErr struct {
		ID         string `json:"id"`
		StatusCode int    `json:"status_code"`
	}
	if resp.StatusCode != 401 || json.Unmarshal(raw, &appErr) != nil || appErr.ID != "api.context.session_expired.app_error" || appErr.StatusCode != 401 {
		t.Errorf("bad token: %d %s", resp.StatusCode, raw)
	}

	s.Throttle(1)
	resp, raw = call(t, s, s.Token(), http.MethodGet, "/users/me", nil)
	for _, h := range []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset", "Retry-After"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("429 lacks %s", h)
		}
	}
	if resp.StatusCode != 429 || strings.TrimSpace(string(raw)) != "limit exceeded" {
		t.Errorf("throttled: %d %q", resp.StatusCode, raw)
	}

	h := http.Header{"Authorization": {"Bearer " + s.Token()}}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL(), "http")+"/api/v4/websocket", &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	read := func() map[string]any {
		_, b, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return m
	}
	if hello := read(); hello["event"] != "hello" {
		t.Fatalf("first frame %v", hello)
	}
	secretAction := map[string]any{"id": "join", "type": "button", "name": "Join",
		"integration": map[string]any{"url": "https://bridge.example/a", "context": map[string]any{"secret": "s3cret"}}}
	resp, raw = call(t, s, s.Token(), http.MethodPost, "/posts", map[string]any{"channel_id": "chan00000000000000000000aa",
		"message": "card", "props": map[string]any{"attachments": []any{map[string]any{"actions": []any{secretAction}}}}})
	if resp.StatusCode != 201 || strings.Contains(string(raw), "s3cret") {
		t.Errorf("create post: %d %s", resp.StatusCode, raw)
	}
	ev := read()
	data, _ := ev["data"].(map[string]any)
	post, isString := data["post"].(string)
	if ev["event"] != "posted" || !isString || !strings.Contains(post, `"message":"card"`) || strings.Contains(post, "s3cret") {
		t.Errorf("posted event: %v", ev)
	}
	_, raw = call(t, s, s.Token(), http.MethodGet, "/channels/chan00000000000000000000aa/posts?since=0", nil)
	if !strings.Contains(string(raw), `"order"`) || strings.Contains(string(raw), "s3cret") {
		t.Errorf("posts since: %s", raw)
	}
	if p := s.Roots("chan00000000000000000000aa"); len(p) != 1 || p[0].Attachments()[0].Actions[0].Integration == nil {
		t.Error("the server's own record lost the integration")
	}
}
