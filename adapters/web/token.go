package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A session token is "v1.<session id>.<unix start>.<signature>": the
// signature is HMAC-SHA256 over the rest with the session secret. The
// widget keeps it in localStorage; whoever holds it is that session, so it
// names only the session and its start, nothing about the user.
const tokenVersion = "v1"

// sessionTTL is how long a token resumes its conversation.
const sessionTTL = 30 * 24 * time.Hour

// sessionKeyName names the generated session secret among the bridge's
// keys, kept so that tokens survive restarts without any configuration.
const sessionKeyName = "web.session"

var b64 = base64.RawURLEncoding

// tokens signs and checks session tokens.
type tokens struct{ secret []byte }

// session is a verified token's content.
type session struct {
	ID    string
	Start time.Time
}

func newSessionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b64.EncodeToString(b)
}

func (t tokens) sign(s session) string {
	body := tokenVersion + "." + s.ID + "." + strconv.FormatInt(s.Start.Unix(), 10)
	return body + "." + t.mac(body)
}

func (t tokens) mac(body string) string {
	m := hmac.New(sha256.New, t.secret)
	m.Write([]byte(body))
	return b64.EncodeToString(m.Sum(nil))
}

var errBadToken = errors.New("bad session token")

// verify checks a token's signature and age.
func (t tokens) verify(token string, now time.Time) (session, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != tokenVersion || len(parts[1]) != 22 {
		return session{}, errBadToken
	}
	body := strings.Join(parts[:3], ".")
	if !hmac.Equal([]byte(parts[3]), []byte(t.mac(body))) {
		return session{}, errBadToken
	}
	unix, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return session{}, errBadToken
	}
	start := time.Unix(unix, 0)
	if now.Sub(start) > sessionTTL || start.After(now.Add(time.Minute)) {
		return session{}, fmt.Errorf("%w: expired", errBadToken)
	}
	return session{ID: parts[1], Start: start}, nil
}

// Keys gives the secret keys the bridge makes for itself, each created
// once and kept (the *bridge.Engine).
type Keys interface {
	Key(ctx context.Context, name string) ([]byte, error)
}

// LoadSessionSecret returns the key that signs session tokens: configured
// when given, else one generated on first start and kept with the bridge's
// keys, so that widget sessions survive restarts with no configuration.
func LoadSessionSecret(ctx context.Context, keys Keys, configured string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	secret, err := keys.Key(ctx, sessionKeyName)
	if err != nil {
		return nil, fmt.Errorf("load widget session secret: %w", err)
	}
	return secret, nil
}
