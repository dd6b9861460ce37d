package webhookfake

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/webhook"
)

var (
	key = []byte("shared")
	now = time.Unix(1764237600, 0)
)

func request(body, ts, sig string) *http.Request {
	r := httptest.NewRequest("POST", "/hook", strings.NewReader(body))
	r.Header.Set("X-Bridge-Timestamp", ts)
	r.Header.Set("X-Bridge-Signature", sig)
	return r
}

func TestVerifyRequest(t *testing.T) {
	body := `{"id":"a","event":"handoff.requested"}`
	ts := strconv.FormatInt(now.Unix(), 10)
	good := webhook.Sign(key, ts, []byte(body))
	old := strconv.FormatInt(now.Add(-10*time.Minute).Unix(), 10)
	tests := []struct {
		name, body, ts, sig string
		wantErr             string
	}{
		{"valid", body, ts, good, ""},
		{"tampered body", strings.Replace(body, "requested", "resolved", 1), ts, good, "bad signature"},
		{"other timestamp, same signature", body, strconv.FormatInt(now.Unix()-1, 10), good, "bad signature"},
		{"replayed old request", body, old, webhook.Sign(key, old, []byte(body)), "too far"},
		{"signed with another key", body, ts, webhook.Sign([]byte("other"), ts, []byte(body)), "bad signature"},
		{"no signature", body, ts, "", "missing X-Bridge-Signature"},
		{"not hex", body, ts, "sha256=zz", "malformed"},
		{"no timestamp", body, "", good, "X-Bridge-Timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyRequest(request(tt.body, tt.ts, tt.sig), key, 5*time.Minute, now)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused a valid request: %v", err)
			case tt.wantErr == "" && string(got) != tt.body:
				t.Errorf("body = %q", got)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v; want %q", err, tt.wantErr)
			}
		})
	}
}

func FuzzVerifyRequest(f *testing.F) {
	ts := strconv.FormatInt(now.Unix(), 10)
	f.Add(`{"id":"a"}`, ts, webhook.Sign(key, ts, []byte(`{"id":"a"}`)))
	f.Add("", "", "")
	f.Add("x", "-1", "sha256=00")
	f.Fuzz(func(t *testing.T, body, ts, sig string) {
		got, err := VerifyRequest(request(body, ts, sig), key, 5*time.Minute, now)
		if err != nil {
			return
		}
		// Accepted: it must be exactly what the bridge would have signed.
		if sig != webhook.Sign(key, ts, []byte(body)) || string(got) != body {
			t.Fatalf("accepted a request not signed with the key: ts %q sig %q", ts, sig)
		}
	})
}
