package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

const testSecret = "s3cret-signing-key"

// fakeBot is an upstream bot at /bot/answer that checks each request and
// answers with respond. The decoded request bodies are sent on the channel.
func fakeBot(t *testing.T, secret string, respond http.HandlerFunc) (*httptest.Server, <-chan map[string]any) {
	t.Helper()
	seen := make(chan map[string]any, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/bot/answer" {
			t.Errorf("request %s %s, want POST /bot/answer", r.Method, r.URL.Path)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read request: %v", err)
		}
		sig := r.Header.Get(SignatureHeader)
		switch {
		case secret == "" && sig != "":
			t.Errorf("signature %q sent without a secret", sig)
		case secret != "" && sig != Sign(secret, body):
			t.Errorf("signature %q, want %q", sig, Sign(secret, body))
		}
		var req map[string]any
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("request body %q: %v", body, err)
		}
		select {
		case seen <- req:
		default:
		}
		respond(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, seen
}

func reply(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}
}

func status(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func newResponder(t *testing.T, url string, mod func(*Options)) *Responder {
	t.Helper()
	cfg := Options{URL: url + "/bot/answer", Secret: testSecret}
	if mod != nil {
		mod(&cfg)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRequest(t *testing.T) {
	srv, seen := fakeBot(t, testSecret, func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Token abc" {
			t.Errorf("Authorization = %q", got)
		}
		reply(`{"text":"Closed on Sundays.","confidence":0.75}`)(w, r)
	})
	r := newResponder(t, srv.URL, func(c *Options) { c.Header = http.Header{"Authorization": {"Token abc"}} })
	q := bridge.Question{
		Conversation: 42, Channel: bridge.ChannelTelegram, Language: "fr", Text: "Et le dimanche ?",
		History: []bridge.Message{
			{Role: bridge.RoleUser, Author: "Bob", Text: "When are you open?"},
			{Role: bridge.RoleAI, Text: "9 to 5."},
			{Role: bridge.RoleSystem, Text: "Ana joined."},
			{Role: bridge.RoleAgent, Author: "Ana", AgentID: "ana", Text: "Ana here."},
			{Role: bridge.RoleAgent, Author: "Ana", Text: "// VIP", Internal: true},
			{Role: bridge.RoleAgent, AgentID: "carl", Text: "Carl too."},
			{Role: bridge.RoleUser, Text: "oops", DeletedAt: time.Unix(1, 0)},
			{Role: bridge.RoleUser, Attachments: []bridge.Attachment{{Name: "photo.jpg", URL: "https://x/p.jpg"}}},
		},
	}
	got, err := r.Respond(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if want := (bridge.Reply{Text: "Closed on Sundays.", Confidence: 0.75}); got != want {
		t.Errorf("Respond = %+v, want %+v", got, want)
	}
	want := map[string]any{
		"conversation_id": "42",
		"channel":         "telegram",
		"language":        "fr",
		"text":            "Et le dimanche ?",
		"history": []any{
			map[string]any{"role": "user", "text": "When are you open?"},
			map[string]any{"role": "ai", "text": "9 to 5."},
			map[string]any{"role": "system", "text": "Ana joined."},
			map[string]any{"role": "agent", "author": "Ana", "text": "Ana here."},
			map[string]any{"role": "agent", "author": "carl", "text": "Carl too."},
			map[string]any{"role": "user", "text": "[attachment: photo.jpg]"},
		},
	}
	if req := <-seen; !reflect.DeepEqual(req, want) {
		t.Errorf("request body:\n got %v\nwant %v", req, want)
	}
}

func TestRequestWithoutSecretOrHistory(t *testing.T) {
	srv, seen := fakeBot(t, "", reply(`{"text":"hi"}`))
	r := newResponder(t, srv.URL, func(c *Options) { c.Secret = ""; c.MaxHistory = -1 })
	q := bridge.Question{Text: "hello", History: []bridge.Message{{Role: bridge.RoleUser, Text: "earlier"}}}
	if _, err := r.Respond(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	req := <-seen
	if h, ok := req["history"].([]any); !ok || len(h) != 0 {
		t.Errorf("history = %#v, want an empty list", req["history"])
	}
}

func TestSign(t *testing.T) {
	// RFC 4231, test case 2
	const want = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got := Sign("Jefe", []byte("what do ya want for nothing?")); got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}

func TestResponses(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    bridge.Reply
	}{
		{"answer", reply(`{"text":" We open at 9. ","confidence":0.8,"handoff":false,"reason":""}`),
			bridge.Reply{Text: "We open at 9.", Confidence: 0.8}},
		{"no confidence", reply(`{"text":"We open at 9."}`), bridge.Reply{Text: "We open at 9.", Confidence: 0.9}},
		{"null confidence", reply(`{"text":"We open at 9.","confidence":null}`), bridge.Reply{Text: "We open at 9.", Confidence: 0.9}},
		{"zero confidence", reply(`{"text":"Maybe 9?","confidence":0}`), bridge.Reply{Text: "Maybe 9?"}},
		{"bounds", reply(`{"text":"Sure.","confidence":1}`), bridge.Reply{Text: "Sure.", Confidence: 1}},
		{"handoff", reply(`{"handoff":true,"reason":"refund dispute"}`), bridge.Reply{Handoff: true, Reason: "refund dispute"}},
		{"handoff with text", reply(`{"text":"Let me get someone.","confidence":0.2,"handoff":true,"reason":"angry"}`),
			bridge.Reply{Text: "Let me get someone.", Confidence: 0.2, Handoff: true, Reason: "angry"}},
		{"extra fields ignored", reply(`{"text":"ok","confidence":0.5,"debug":{"intent":"x"}}`), bridge.Reply{Text: "ok", Confidence: 0.5}},
		{"empty text", reply(`{"text":"","confidence":0.9}`), bridge.Reply{}},
		{"empty object", reply(`{}`), bridge.Reply{}},
		{"204", status(http.StatusNoContent, ""), bridge.Reply{}},
		{"empty 200", reply(""), bridge.Reply{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeBot(t, testSecret, tt.handler)
			got, err := newResponder(t, srv.URL, nil).Respond(context.Background(), bridge.Question{Text: "hello"})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Respond = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		status  int
		want    string
	}{
		{"500", status(500, "Internal Server Error\n"), 500, "upstream: POST webhook: status 500: Internal Server Error"},
		{"429", status(429, `{"error":"slow down"}`), 429, `status 429: {"error":"slow down"}`},
		{"404 empty", status(404, ""), 404, "upstream: POST webhook: status 404"},
		{"long body cut", status(502, strings.Repeat("<p>bad gateway</p>", 500)), 502, "…"},
		{"malformed JSON", reply(`{"text":"half`), 0, `decode response: unexpected end of JSON input (body: {"text":"half)`},
		{"not an object", reply(`["text"]`), 0, "decode response"},
		{"wrong types", reply(`{"text":"ok","confidence":"high"}`), 0, "decode response"},
		{"confidence above 1", reply(`{"text":"ok","confidence":85}`), 0, "confidence 85 outside [0, 1]"},
		{"negative confidence", reply(`{"text":"ok","confidence":-0.1}`), 0, "confidence -0.1 outside [0, 1]"},
		{"oversized body", reply(`{"text":"` + strings.Repeat("a", maxBody) + `"}`), 0, "larger than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeBot(t, testSecret, tt.handler)
			got, err := newResponder(t, srv.URL, nil).Respond(context.Background(), bridge.Question{Text: "hello"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Respond = %+v, %v; want an error containing %q", got, err, tt.want)
			}
			if got != (bridge.Reply{}) {
				t.Errorf("Respond = %+v with the error, want an empty reply", got)
			}
			if len(err.Error()) > 600 {
				t.Errorf("error is %d bytes long", len(err.Error()))
			}
			var se *StatusError
			if errors.As(err, &se) != (tt.status != 0) || (se != nil && se.StatusCode != tt.status) {
				t.Errorf("error %v: StatusError %+v, want status %d", err, se, tt.status)
			}
		})
	}
}

func blockUntilCancelled(arrived chan<- struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if arrived != nil {
			close(arrived)
		}
		<-r.Context().Done()
	}
}

func TestTimeout(t *testing.T) {
	srv, _ := fakeBot(t, testSecret, blockUntilCancelled(nil))
	r := newResponder(t, srv.URL, func(c *Options) { c.Timeout = 50 * time.Millisecond })
	_, err := r.Respond(context.Background(), bridge.Question{Text: "hello"})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "upstream: POST webhook: ") {
		t.Errorf("error = %v, want a wrapped context.DeadlineExceeded", err)
	}
}

func TestCallerContext(t *testing.T) {
	arrived := make(chan struct{})
	srv, _ := fakeBot(t, testSecret, blockUntilCancelled(arrived))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	_, err := newResponder(t, srv.URL, nil).Respond(ctx, bridge.Question{Text: "hello"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  Options
		want string
	}{
		{"no URL", Options{}, "want an http or https URL"},
		{"relative URL", Options{URL: "/bot"}, "want an http or https URL"},
		{"bad URL", Options{URL: "http://[::1"}, "url: "},
		{"confidence above 1", Options{URL: "http://x/", Confidence: 2}, "confidence 2"},
		{"negative timeout", Options{URL: "http://x/", Timeout: -time.Second}, "timeout -1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "upstream: config: ") {
				t.Errorf("New error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestConfigNeverShowsSecrets(t *testing.T) {
	cfg := Options{URL: "https://bot:pa55word@bot.example/answer", Secret: testSecret, Header: http.Header{"Authorization": {"Token t0ken"}}}
	logged := fmt.Sprintf("%v %+v %#v %s %v", cfg, cfg, cfg, cfg, cfg.LogValue())
	for _, secret := range []string{testSecret, "t0ken", "pa55word"} {
		if strings.Contains(logged, secret) {
			t.Errorf("%q printed: %s", secret, logged)
		}
	}
}
