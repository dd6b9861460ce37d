package api

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The request decoders take anything a client sends: they never panic,
// and what they accept holds to the limits the document states.
func FuzzDecodeRequests(f *testing.F) {
	f.Add(`{"external_id":"wa-1","user":{"name":"Uma","email":"u@example.com","locale":"de-DE","attributes":{"plan":"gold"}},"transcript":[{"role":"user","text":"hi","at":"2025-01-31T09:30:00Z"}]}`)
	f.Add(`{"team":"support","priority":"high","reason":"asked","summary":"late parcel","attributes":{"order":"7781"}}`)
	f.Add(`{"text":"hello **there**","message_id":"wamid.1","attachments":[{"url":"https://x.example/a.png","size":3}]}`)
	f.Add(`{"external_id":"a","transcript":[{"role":"bot","text":"x","at":"yesterday"}]}`)
	f.Add(`{"priority":3}`)
	f.Add(`[1,2]`)
	f.Add(`{"text":"a"}{"text":"b"}`)
	f.Fuzz(func(t *testing.T, body string) {
		if c, p := decodeConversation([]byte(body), 100); p == nil {
			if !externalIDRE.MatchString(c.ExternalID) || len(c.Transcript) > 500 || len(c.User.Attributes) > 50 {
				t.Errorf("accepted %+v", c)
			}
			for _, turn := range c.Transcript {
				if (turn.Role != "user" && turn.Role != "bot") || len(turn.Text) > 100 || strings.TrimSpace(turn.Text) == "" {
					t.Errorf("accepted turn %+v", turn)
				}
			}
		} else if p.Status < 400 || p.Status > 499 || p.Type == "" {
			t.Errorf("problem %+v", p)
		}
		if h, p := decodeHandoff([]byte(body)); p == nil {
			if utf8.RuneCountInString(h.Summary) > 4000 || (h.Priority != "" && h.Priority != "low" && h.Priority != "normal" && h.Priority != "high" && h.Priority != "urgent") {
				t.Errorf("accepted %+v", h)
			}
		}
		if m, p := decodeMessage([]byte(body), 100); p == nil {
			if len(m.Text) > 100 || (strings.TrimSpace(m.Text) == "" && len(m.Attachments) == 0) || len(m.Attachments) > 10 {
				t.Errorf("accepted %+v", m)
			}
			for _, a := range m.attachments() {
				if !strings.HasPrefix(a.URL, "http://") && !strings.HasPrefix(a.URL, "https://") {
					t.Errorf("accepted attachment %+v", a)
				}
			}
		}
		_ = plainText(body)
	})
}
