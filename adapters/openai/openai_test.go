package openai

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

const testKey = "sk-test-0123456789"

// sentRequest is the request body as the fake server sees it.
type sentRequest struct {
	Model       string   `json:"model"`
	Temperature *float64 `json:"temperature"`
	Stream      *bool    `json:"stream"`
	Messages    []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	Tools []struct {
		Type     string `json:"type"`
		Function struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			Parameters  struct {
				Type       string `json:"type"`
				Properties map[string]struct {
					Type        string `json:"type"`
					Description string `json:"description"`
				} `json:"properties"`
				Required []string `json:"required"`
			} `json:"parameters"`
		} `json:"function"`
	} `json:"tools"`
}

// fakeServer is an OpenAI-compatible endpoint under /v1 that checks each
// request and answers with respond.
func fakeServer(t *testing.T, key string, respond http.HandlerFunc) (*httptest.Server, <-chan sentRequest) {
	t.Helper()
	seen := make(chan sentRequest, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			t.Errorf("request %s %s, want POST /v1/chat/completions", r.Method, r.URL.Path)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		wantAuth := ""
		if key != "" {
			wantAuth = "Bearer " + key
		}
		if got := r.Header.Get("Authorization"); got != wantAuth {
			t.Errorf("Authorization = %q, want %q", got, wantAuth)
		}
		var req sentRequest
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&req); err != nil {
			t.Errorf("request body: %v", err)
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

func newResponder(t *testing.T, baseURL string, mod func(*Options)) *Responder {
	t.Helper()
	cfg := Options{BaseURL: baseURL + "/v1/", Model: "test-model", APIKey: testKey}
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
	srv, seen := fakeServer(t, testKey, reply(`{"choices":[{"message":{"role":"assistant","content":"ok"}}]}`))
	temp := 0.2
	r := newResponder(t, srv.URL, func(c *Options) { c.SystemPrompt = "Be helpful."; c.Temperature = &temp })
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	q := bridge.Question{
		Conversation: 7, Channel: bridge.ChannelTelegram, Language: "en", Text: "And on Sundays?",
		History: []bridge.Message{
			{Role: bridge.RoleUser, Author: "Bob", Text: "When are you open?"},
			{Role: bridge.RoleAI, Text: "9 to 5."},
			{Role: bridge.RoleSystem, Text: "Ana joined the conversation."},
			{Role: bridge.RoleAgent, Author: "Ana", AgentID: "ana", Text: "Hi Bob, *Ana* here."},
			{Role: bridge.RoleAgent, Author: "Ana", Text: "// he is a VIP", Internal: true},
			{Role: bridge.RoleAgent, AgentID: "carl", Text: "Carl too."},
			{Role: bridge.RoleUser, Text: "oops", DeletedAt: t0},
			{Role: bridge.RoleUser, Attachments: []bridge.Attachment{{Name: "receipt.pdf", URL: "https://x/r.pdf"}}},
			{Role: bridge.RoleUser, Text: "   "},
		},
	}
	got, err := r.Respond(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if want := (bridge.Reply{Text: "ok", Confidence: DefaultConfidence}); got != want {
		t.Errorf("Respond = %+v, want %+v", got, want)
	}
	req := <-seen
	if req.Model != "test-model" || req.Temperature == nil || *req.Temperature != 0.2 || req.Stream == nil || *req.Stream {
		t.Errorf("model %q, temperature %v, stream %v", req.Model, req.Temperature, req.Stream)
	}
	type msg struct{ Role, Content string }
	var msgs []msg
	for _, m := range req.Messages {
		msgs = append(msgs, msg{m.Role, m.Content})
	}
	wantMsgs := []msg{
		{"system", "Be helpful."},
		{"user", "When are you open?"},
		{"assistant", "9 to 5."},
		{"assistant", "[Ana, human agent] Hi Bob, *Ana* here."},
		{"assistant", "[carl, human agent] Carl too."},
		{"user", "[attachment: receipt.pdf]"},
		{"user", "And on Sundays?"},
	}
	if !reflect.DeepEqual(msgs, wantMsgs) {
		t.Errorf("messages:\n got %q\nwant %q", msgs, wantMsgs)
	}
	if len(req.Tools) != 1 {
		t.Fatalf("tools = %+v, want one", req.Tools)
	}
	tl := req.Tools[0]
	if tl.Type != "function" || tl.Function.Name != "request_human_handoff" || tl.Function.Description == "" {
		t.Errorf("tool = %+v", tl)
	}
	params := tl.Function.Parameters
	reason := params.Properties["reason"]
	if params.Type != "object" || len(params.Properties) != 1 || reason.Type != "string" || reason.Description == "" ||
		!reflect.DeepEqual(params.Required, []string{"reason"}) {
		t.Errorf("tool parameters = %+v, want an object with a required string \"reason\"", params)
	}
}

func TestRequestDefaults(t *testing.T) {
	srv, seen := fakeServer(t, "", reply(`{"choices":[{"message":{"content":"ok"}}]}`))
	r := newResponder(t, srv.URL, func(c *Options) { c.APIKey = ""; c.MaxHistory = 2 })
	var history []bridge.Message
	for i := range 5 {
		history = append(history, bridge.Message{Role: bridge.RoleUser, Text: fmt.Sprint("m", i)})
	}
	if _, err := r.Respond(context.Background(), bridge.Question{Text: "now", History: history}); err != nil {
		t.Fatal(err)
	}
	req := <-seen
	if req.Temperature != nil {
		t.Errorf("temperature sent: %v", *req.Temperature)
	}
	var contents []string
	for _, m := range req.Messages {
		contents = append(contents, m.Content)
	}
	if want := []string{DefaultSystemPrompt, "m3", "m4", "now"}; !reflect.DeepEqual(contents, want) {
		t.Errorf("messages = %q, want %q", contents, want)
	}
}

func TestResponses(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		conf    float64 // Options.Confidence
		want    bridge.Reply
	}{
		{"content", reply(`{"choices":[{"message":{"role":"assistant","content":"  We open at **9**.\n"},"finish_reason":"stop"}]}`),
			0, bridge.Reply{Text: "We open at **9**.", Confidence: 0.9}},
		{"configured confidence", reply(`{"choices":[{"message":{"content":"Yes."}}]}`),
			1, bridge.Reply{Text: "Yes.", Confidence: 1}},
		{"content parts", reply(`{"choices":[{"message":{"content":[{"type":"text","text":"Hel"},{"type":"text","text":"lo"}]}}]}`),
			0, bridge.Reply{Text: "Hello", Confidence: 0.9}},
		{"tool call", reply(`{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",` +
			`"function":{"name":"request_human_handoff","arguments":"{\"reason\":\"wants a refund for a damaged speaker\"}"}}]},"finish_reason":"tool_calls"}]}`),
			0, bridge.Reply{Handoff: true, Reason: "wants a refund for a damaged speaker"}},
		{"tool call with text", reply(`{"choices":[{"message":{"content":"Let me find a colleague.","tool_calls":[{"type":"function",` +
			`"function":{"name":"request_human_handoff","arguments":"{\"reason\":\"legal question\"}"}}]}}]}`),
			0, bridge.Reply{Text: "Let me find a colleague.", Handoff: true, Reason: "legal question"}},
		{"tool call, arguments as object", reply(`{"choices":[{"message":{"tool_calls":[{"function":{"name":"request_human_handoff","arguments":{"reason":"asked for a person"}}}]}}]}`),
			0, bridge.Reply{Handoff: true, Reason: "asked for a person"}},
		{"tool call, unreadable arguments", reply(`{"choices":[{"message":{"tool_calls":[{"function":{"name":"request_human_handoff","arguments":"{reason: oops"}}]}}]}`),
			0, bridge.Reply{Handoff: true}},
		{"other tool ignored", reply(`{"choices":[{"message":{"content":"Sunny.","tool_calls":[{"function":{"name":"get_weather","arguments":"{}"}}]}}]}`),
			0, bridge.Reply{Text: "Sunny.", Confidence: 0.9}},
		{"empty content", reply(`{"choices":[{"message":{"role":"assistant","content":""}}]}`), 0, bridge.Reply{}},
		{"blank content", reply(`{"choices":[{"message":{"role":"assistant","content":" \n "}}]}`), 0, bridge.Reply{}},
		{"null content", reply(`{"choices":[{"message":{"role":"assistant","content":null}}]}`), 0, bridge.Reply{}},
		{"201 is a success", status(201, `{"choices":[{"message":{"content":"ok"}}]}`), 0, bridge.Reply{Text: "ok", Confidence: 0.9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeServer(t, testKey, tt.handler)
			r := newResponder(t, srv.URL, func(c *Options) { c.Confidence = tt.conf })
			got, err := r.Respond(context.Background(), bridge.Question{Text: "hello"})
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
	huge := `{"choices":[{"message":{"content":"` + strings.Repeat("a", maxBody) + `"}}]}`
	tests := []struct {
		name    string
		handler http.HandlerFunc
		status  int      // want a *StatusError with this code, when not 0
		want    []string // in the error message
	}{
		{"500", status(500, "upstream model crashed\n\n  (trace id 42)"), 500,
			[]string{"openai: chat completions: status 500: upstream model crashed (trace id 42)"}},
		{"429", status(429, `{"error":{"message":"Rate limit reached","type":"requests"}}`), 429,
			[]string{"status 429", "Rate limit reached"}},
		{"401 echoing the key", status(401, `{"error":"bad key `+testKey+`"}`), 401,
			[]string{"status 401", "bad key [redacted]"}},
		{"long error body is cut", status(503, strings.Repeat("x", 5000)), 503,
			[]string{"status 503: xxxx", "…"}},
		{"malformed JSON", reply(`{"choices":[{"message":`), 0, []string{"decode response", `body: {"choices":[{"message":`}},
		{"not JSON", reply(`<html>Bad gateway</html>`), 0, []string{"decode response"}},
		{"content of the wrong type", reply(`{"choices":[{"message":{"content":42}}]}`), 0, []string{"decode response"}},
		{"no choices", reply(`{"choices":[]}`), 0, []string{"no choices"}},
		{"no choices field", reply(`{"object":"chat.completion"}`), 0, []string{"no choices"}},
		{"oversized body", reply(huge), 0, []string{"larger than 1048576 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeServer(t, testKey, tt.handler)
			r := newResponder(t, srv.URL, nil)
			got, err := r.Respond(context.Background(), bridge.Question{Text: "hello"})
			if err == nil {
				t.Fatalf("Respond = %+v, want an error", got)
			}
			if got != (bridge.Reply{}) {
				t.Errorf("Respond = %+v with the error, want an empty reply", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q, want it to contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error %q contains the API key", err)
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

// blockUntilCancelled answers only when the client has gone away.
func blockUntilCancelled(arrived chan<- struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if arrived != nil {
			close(arrived)
		}
		<-r.Context().Done()
	}
}

func TestTimeout(t *testing.T) {
	srv, _ := fakeServer(t, testKey, blockUntilCancelled(nil))
	r := newResponder(t, srv.URL, func(c *Options) { c.Timeout = 50 * time.Millisecond })
	_, err := r.Respond(context.Background(), bridge.Question{Text: "hello"})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "openai: chat completions: ") {
		t.Errorf("error = %v, want a wrapped context.DeadlineExceeded", err)
	}
}

func TestCallerContext(t *testing.T) {
	arrived := make(chan struct{})
	srv, _ := fakeServer(t, testKey, blockUntilCancelled(arrived))
	r := newResponder(t, srv.URL, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	_, err := r.Respond(ctx, bridge.Question{Text: "hello"})
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
		{"no base URL", Options{Model: "m"}, "base URL"},
		{"relative base URL", Options{BaseURL: "localhost:11434/v1", Model: "m"}, "want an http or https URL"},
		{"ftp base URL", Options{BaseURL: "ftp://x/v1", Model: "m"}, "want an http or https URL"},
		{"no model", Options{BaseURL: "http://x/v1"}, "model is empty"},
		{"confidence above 1", Options{BaseURL: "http://x/v1", Model: "m", Confidence: 1.5}, "confidence 1.5"},
		{"negative confidence", Options{BaseURL: "http://x/v1", Model: "m", Confidence: -1}, "confidence -1"},
		{"negative timeout", Options{BaseURL: "http://x/v1", Model: "m", Timeout: -time.Second}, "timeout -1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "openai: config: ") {
				t.Errorf("New error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestConfigNeverShowsTheKey(t *testing.T) {
	cfg := Options{BaseURL: "http://x/v1", Model: "m", APIKey: testKey}
	var logged strings.Builder
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg), fmt.Sprint(cfg.LogValue())} {
		logged.WriteString(s)
	}
	if strings.Contains(logged.String(), testKey) {
		t.Errorf("key printed: %s", logged.String())
	}
	if !strings.Contains(logged.String(), "[redacted]") {
		t.Errorf("no sign of the key being set: %s", logged.String())
	}
}
