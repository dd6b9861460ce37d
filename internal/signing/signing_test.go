package signing

import (
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	secret, body := []byte("s3cret"), []byte(`{"id":"evt_1"}`)
	now := time.Unix(1_740_000_000, 0)
	ts := "1740000000"
	sig := Sign(secret, ts, body)
	tests := []struct {
		name          string
		secret        []byte
		ts, sig, body string
		at            time.Time
		maxAge        time.Duration
		want          bool
	}{
		{"as signed", secret, ts, sig, string(body), now, time.Minute, true},
		{"other secret", []byte("other"), ts, sig, string(body), now, time.Minute, false},
		{"body changed", secret, ts, sig, `{"id":"evt_2"}`, now, time.Minute, false},
		{"timestamp changed", secret, "1740000001", sig, string(body), now, time.Minute, false},
		{"replayed later", secret, ts, sig, string(body), now.Add(time.Hour), time.Minute, false},
		{"no age check", secret, ts, sig, string(body), now.Add(time.Hour), 0, true},
		{"no signature", secret, ts, "", string(body), now, time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verify(tt.secret, tt.ts, tt.sig, []byte(tt.body), tt.at, tt.maxAge); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
	if sig[:7] != "sha256=" || len(sig) != 7+64 {
		t.Errorf("signature %q is not sha256=<64 hex>", sig)
	}
}
