package web

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

func TestTokens(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	tk := tokens{secret: []byte("0123456789abcdef0123456789abcdef")}
	s := session{ID: newSessionID(), Start: now}
	good := tk.sign(s)
	tests := []struct {
		name  string
		token string
		at    time.Time
		ok    bool
	}{
		{"fresh", good, now, true},
		{"a month minus a day later", good, now.Add(29 * 24 * time.Hour), true},
		{"expired", good, now.Add(31 * 24 * time.Hour), false},
		{"other secret", tokens{secret: []byte("another secret of 32 bytes......")}.sign(s), now, false},
		{"session swapped", strings.Replace(good, s.ID, newSessionID(), 1), now, false},
		{"start moved", strings.Replace(good, ".1795", ".1700", 1), now, false},
		{"garbage", "v1.a.b.c", now, false},
		{"empty", "", now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tk.verify(tt.token, tt.at)
			if tt.ok != (err == nil) {
				t.Fatalf("verify = %+v, %v; want ok %v", got, err, tt.ok)
			}
			if tt.ok && (got.ID != s.ID || !got.Start.Equal(now)) {
				t.Errorf("verify = %+v, want %+v", got, s)
			}
		})
	}
}

// With no configured secret, the generated one is kept in the store: a
// token signed before a restart is still good after it.
func TestGeneratedSessionSecretSurvivesRestart(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "b.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	first, err := LoadSessionSecret(ctx, enginetest.Idle(t, st), "")
	if err != nil || len(first) != 32 {
		t.Fatalf("secret %x, %v", first, err)
	}
	token := tokens{secret: first}.sign(session{ID: newSessionID(), Start: time.Now()})
	_ = st.Close()

	st, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	again, err := LoadSessionSecret(ctx, enginetest.Idle(t, st), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (tokens{secret: again}).verify(token, time.Now()); err != nil {
		t.Errorf("token from before the restart refused: %v", err)
	}
	configured, _ := LoadSessionSecret(ctx, enginetest.Idle(t, st), "from-the-environment-0123456789")
	if string(configured) != "from-the-environment-0123456789" {
		t.Errorf("configured secret not used")
	}
}
