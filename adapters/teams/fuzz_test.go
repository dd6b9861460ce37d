package teams

import (
	"context"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

type nopHandler struct{}

func (nopHandler) Handle(context.Context, bridge.Event) (bridge.Outcome, error) {
	return bridge.Outcome{}, nil
}

// FuzzActivity feeds the parser and the translation into events whatever
// a verified sender could post: nothing may panic, and what becomes an
// event is well formed. Seeds: testdata/fuzz/FuzzActivity.
func FuzzActivity(f *testing.F) {
	w, err := New(Options{AppID: "app", AppPassword: "p", TenantID: "t", Handler: nopHandler{}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"type":"message","id":"1","from":{"id":"29:1","aadObjectId":"a"},"conversation":{"id":"19:c@thread.tacv2;messageid=9","conversationType":"channel"},"text":"<p><b>hi</b> <a href=\"https://x\">x</a></p>"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseActivity(body)
		if err != nil {
			return
		}
		_ = w.isCommand(a)
		ev, ok := w.event(a)
		if !ok {
			return
		}
		switch ev := ev.(type) {
		case bridge.AgentAction:
			if ev.Handoff <= 0 || ev.Action == "" {
				t.Fatalf("action without handoff or action: %+v", ev)
			}
		case bridge.AgentMessage:
			if ev.ThreadID == "" || (ev.Text == "" && len(ev.Attachments) == 0) {
				t.Fatalf("empty message or no thread: %+v", ev)
			}
			if strings.TrimSpace(ev.Text) != ev.Text {
				t.Fatalf("text not trimmed: %q", ev.Text)
			}
		case bridge.AgentEdit:
			if ev.ThreadID == "" || ev.PlatformID == "" {
				t.Fatalf("edit without thread or message: %+v", ev)
			}
		case bridge.AgentTyping:
			if ev.ThreadID == "" {
				t.Fatalf("typing without thread: %+v", ev)
			}
		}
	})
}
