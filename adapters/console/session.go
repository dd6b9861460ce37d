package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// cookieName names the session cookie; it is scoped to /console.
const cookieName = "bridge_console"

// maxSessionsPerLogin bounds the sessions one agent keeps at once (tabs
// share one; each browser or device has its own): the oldest go first.
const maxSessionsPerLogin = 50

// session is one login: kept in the store, so that logout ends it for good
// and every replica sharing the store accepts it.
type session struct {
	id      string
	login   string
	expires time.Time
}

// stateStore is where sessions are kept: the console's namespace of the
// adapter state (a *bridge.AdapterState).
type stateStore interface {
	Get(ctx context.Context, key string) (string, error)
	Modify(ctx context.Context, key string, fn func(old string) (string, error)) error
}

// sessions holds the logged-in sessions. A session id is the login and a
// random part; the cookie carries it and an HMAC of it, so a forged or
// altered cookie is refused before any lookup, and the CSRF token is
// another HMAC of the id, so it needs no storage. The sessions of one
// login are one record of the store, pruned of expired ones as new ones
// start, so that nothing needs sweeping.
type sessions struct {
	key   []byte
	state stateStore
}

func newSessions(key []byte, state stateStore) *sessions {
	return &sessions{key: key, state: state}
}

func (s *sessions) mac(purpose, id string) string {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(purpose + ":" + id))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// storedSession is a session as kept in a login's record.
type storedSession struct {
	ID      string    `json:"id"`
	Expires time.Time `json:"expires"`
}

// sessionsKey names a login's record of sessions.
func sessionsKey(login string) string { return "sessions:" + login }

// newSessionID makes the id of a session of login: "<login>~<random>",
// the login base64-encoded so that the id needs no escaping in a cookie.
func newSessionID(login string) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString([]byte(login)) + "~" + base64.RawURLEncoding.EncodeToString(b)
}

// loginOf reads the login out of a session id.
func loginOf(id string) (string, bool) {
	enc, _, ok := strings.Cut(id, "~")
	if !ok {
		return "", false
	}
	login, err := base64.RawURLEncoding.DecodeString(enc)
	return string(login), err == nil && len(login) > 0
}

// create starts a session and returns it with the cookie value.
func (s *sessions) create(ctx context.Context, login string, now time.Time, ttl time.Duration) (session, string, error) {
	sess := session{id: newSessionID(login), login: login, expires: now.Add(ttl)}
	err := s.state.Modify(ctx, sessionsKey(login), func(old string) (string, error) {
		kept := slices.DeleteFunc(decodeSessions(old), func(x storedSession) bool { return now.After(x.Expires) })
		kept = append(kept, storedSession{ID: sess.id, Expires: sess.expires})
		if len(kept) > maxSessionsPerLogin {
			kept = kept[len(kept)-maxSessionsPerLogin:]
		}
		b, err := json.Marshal(kept)
		return string(b), err
	})
	if err != nil {
		return session{}, "", fmt.Errorf("console: keep the session: %w", err)
	}
	return sess, sess.id + "." + s.mac("session", sess.id), nil
}

// parseCookie checks a cookie value's signature and returns the session id.
func (s *sessions) parseCookie(v string) (string, bool) {
	id, sig, ok := strings.Cut(v, ".")
	if !ok || id == "" || len(v) > 400 {
		return "", false
	}
	if !hmac.Equal([]byte(sig), []byte(s.mac("session", id))) {
		return "", false
	}
	return id, true
}

// lookup returns the live session named by a cookie value; ok is false
// for a cookie not signed here, or a session ended or expired.
func (s *sessions) lookup(ctx context.Context, cookie string, now time.Time) (sess session, ok bool, err error) {
	id, ok := s.parseCookie(cookie)
	if !ok {
		return session{}, false, nil
	}
	login, ok := loginOf(id)
	if !ok {
		return session{}, false, nil
	}
	raw, err := s.state.Get(ctx, sessionsKey(login))
	if err != nil {
		return session{}, false, fmt.Errorf("console: read the session: %w", err)
	}
	for _, x := range decodeSessions(raw) {
		if x.ID == id && !now.After(x.Expires) {
			return session{id: id, login: login, expires: x.Expires}, true, nil
		}
	}
	return session{}, false, nil
}

// end ends a session (logout) on every replica.
func (s *sessions) end(ctx context.Context, id string) error {
	login, ok := loginOf(id)
	if !ok {
		return nil
	}
	err := s.state.Modify(ctx, sessionsKey(login), func(old string) (string, error) {
		kept := slices.DeleteFunc(decodeSessions(old), func(x storedSession) bool { return x.ID == id })
		if len(kept) == 0 {
			return "[]", nil
		}
		b, err := json.Marshal(kept)
		return string(b), err
	})
	if err != nil {
		return fmt.Errorf("console: end the session: %w", err)
	}
	return nil
}

// decodeSessions reads a login's record; a damaged one holds no session
// (its agent logs in again).
func decodeSessions(raw string) []storedSession {
	var out []storedSession
	if raw != "" && json.Unmarshal([]byte(raw), &out) != nil {
		return nil
	}
	return out
}

func (s *sessions) csrf(id string) string { return s.mac("csrf", id) }

func (s *sessions) checkCSRF(id, token string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(s.csrf(id)))
}
