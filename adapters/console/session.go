package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
	"time"
)

// cookieName names the session cookie; it is scoped to /console.
const cookieName = "bridge_console"

// session is one login: kept on the server, so logout ends it for good.
type session struct {
	id      string
	login   string
	expires time.Time
}

// sessions holds the logged-in sessions. The cookie carries the session id
// and an HMAC of it, so a forged or altered cookie is refused before any
// lookup; the CSRF token is another HMAC of the id, so it needs no storage.
type sessions struct {
	key []byte
	mu  sync.Mutex
	m   map[string]session
}

func newSessions(key []byte) *sessions {
	return &sessions{key: key, m: map[string]session{}}
}

func (s *sessions) mac(purpose, id string) string {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(purpose + ":" + id))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// create starts a session and returns the cookie value.
func (s *sessions) create(login string, now time.Time, ttl time.Duration) (session, string) {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	id := base64.RawURLEncoding.EncodeToString(b)
	sess := session{id: id, login: login, expires: now.Add(ttl)}
	s.mu.Lock()
	for k, v := range s.m { // drop expired sessions as new ones start
		if now.After(v.expires) {
			delete(s.m, k)
		}
	}
	s.m[id] = sess
	s.mu.Unlock()
	return sess, id + "." + s.mac("session", id)
}

// parseCookie checks a cookie value's signature and returns the session id.
func (s *sessions) parseCookie(v string) (string, bool) {
	id, sig, ok := strings.Cut(v, ".")
	if !ok || id == "" || len(v) > 200 {
		return "", false
	}
	if !hmac.Equal([]byte(sig), []byte(s.mac("session", id))) {
		return "", false
	}
	return id, true
}

// lookup returns the live session named by a cookie value.
func (s *sessions) lookup(cookie string, now time.Time) (session, bool) {
	id, ok := s.parseCookie(cookie)
	if !ok {
		return session{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[id]
	if !ok || now.After(sess.expires) {
		delete(s.m, id)
		return session{}, false
	}
	return sess, true
}

func (s *sessions) end(id string) {
	s.mu.Lock()
	delete(s.m, id)
	s.mu.Unlock()
}

func (s *sessions) csrf(id string) string { return s.mac("csrf", id) }

func (s *sessions) checkCSRF(id, token string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(s.csrf(id)))
}
