package slack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
)

type recordingHandler struct {
	mu     sync.Mutex
	events []bridge.Event
}

func (h *recordingHandler) Handle(_ context.Context, ev bridge.Event) (bridge.Outcome, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, ev)
	return bridge.Outcome{}, bridge.ErrNotHandoffThread
}

// FuzzEventsHandler feeds arbitrary signed bodies to the HTTP endpoint, as
// JSON (Events API) or as a form (interactivity, slash commands): it must
// never panic, answer only 200/400/500, and hand the engine only well-formed
// events.
func FuzzEventsHandler(f *testing.F) {
	f.Add([]byte(`{"type":"url_verification","challenge":"abc"}`), true)
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"message","user":"U1","text":"hi *there*","ts":"2.0","thread_ts":"1.0","channel":"C1"}}`), true)
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev2","event":{"type":"message","subtype":"message_changed","channel":"C1","message":{"user":"U1","text":"new","ts":"2.0","thread_ts":"1.0"},"previous_message":{"user":"U1","text":"old","ts":"2.0","thread_ts":"1.0"}}}`), true)
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev3","event":{"type":"message","subtype":"message_deleted","channel":"C1","deleted_ts":"2.0","previous_message":{"user":"U1","text":"old","ts":"2.0","thread_ts":"1.0"}}}`), true)
	f.Add([]byte(`payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%2C%22actions%22%3A%5B%7B%22action_id%22%3A%22handoff_join%22%2C%22value%22%3A%227%22%7D%5D%7D`), false)
	f.Add([]byte(`command=%2Fhandoffs&user_id=U1&channel_id=C1`), false)
	f.Add([]byte(`{"type":"event_callback","event":{"type":"message","files":[{"id":1}]}}`), true)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":false,"error":"user_not_found"}`))
	}))
	f.Cleanup(api.Close)
	h := &recordingHandler{}
	ws, err := New(Options{BotToken: "xoxb-x", SigningSecret: "s", Mode: ModeHTTP, APIURL: api.URL + "/", Handler: h})
	if err != nil {
		f.Fatal(err)
	}
	handler := ws.EventsHandler()
	f.Fuzz(func(t *testing.T, body []byte, asJSON bool) {
		req := httptest.NewRequest(http.MethodPost, EventsPath, strings.NewReader(string(body)))
		ctype := "application/x-www-form-urlencoded"
		if asJSON {
			ctype = "application/json"
		}
		req.Header.Set("Content-Type", ctype)
		now := time.Now().Unix()
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
		req.Header.Set("X-Slack-Signature", slackfake.Sign("s", now, body))
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 400, 413, 500:
		default:
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, ev := range h.events {
			switch ev := ev.(type) {
			case bridge.AgentMessage:
				if ev.ThreadID == "" || ev.PlatformID == "" || ev.ThreadID == ev.PlatformID || !utf8.ValidString(ev.Agent.UserID) {
					t.Fatalf("malformed message event %+v", ev)
				}
			case bridge.AgentEdit:
				if ev.ThreadID == "" || ev.PlatformID == "" {
					t.Fatalf("malformed edit event %+v", ev)
				}
			}
		}
		h.events = nil
	})
}

// FuzzMrkdwn: conversions never panic, splitting loses nothing, and the
// escaped text never holds a raw < or >.
func FuzzMrkdwn(f *testing.F) {
	for _, s := range []string{"**b** _i_ [l](https://x) `c`", "<!channel> & <@U1>", "- a\n- b", "*x* <https://a|b> &amp;", "```\n<x>\n```"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = FromMrkdwn(s, nil)
		m := ToMrkdwn(s)
		if esc := EscapeText(s); strings.ContainsAny(esc, "<>") {
			t.Fatalf("EscapeText(%q) = %q", s, esc)
		}
		parts := splitText(m, 50)
		if strings.Join(parts, "") != m {
			t.Fatalf("split lost text of %q", m)
		}
	})
}
