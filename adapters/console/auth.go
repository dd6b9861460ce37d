package console

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/clientip"
)

// csrfHeader carries the session's CSRF token on every state-changing
// request. A cross-site form cannot set headers, and the SameSite=Strict
// cookie is not sent cross-site at all: two independent guards.
const csrfHeader = "X-CSRF-Token"

// maxLoginBody bounds a login request.
const maxLoginBody = 4 << 10

// dummyHash is compared against when the login name is unknown, so that a
// wrong name takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.MinCost)

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	Token    string `json:"token"`
}

type meResponse struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Admin       bool   `json:"admin"`
	CSRF        string `json:"csrf"`
	NotePrefix  string `json:"note_prefix,omitempty"`
	// Uploads are the limits of the files agents may send; absent when
	// they may send none.
	Uploads *files.Limits `json:"uploads,omitempty"`
	// Status is the agent's status (available, away, offline); absent for
	// a login that is no configured agent, who has none.
	Status bridge.AgentStatus `json:"status,omitempty"`
}

// errBadLogin is the one answer to every failed login: it does not say
// whether the name exists.
const errBadLogin = "wrong name, password or token"

func (c *Console) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxLoginBody)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "malformed login request")
		return
	}
	client := clientip.Of(r, c.proxies)
	account := ""
	if req.Token == "" {
		account = accountKey(req.Name, c.hasPasswordLogin(req.Name))
	}
	if ok, wait := c.limiter.check(client, account, c.now()); !ok {
		secs := max(int(math.Ceil(wait.Seconds())), 1)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf("too many failed logins; try again in %d seconds", secs))
		return
	}
	l, ok := c.authenticate(req)
	if !ok {
		c.limiter.failed(client, account, c.now())
		c.log.Info("console login refused", "name", req.Name, "remote", client)
		writeError(w, http.StatusUnauthorized, errBadLogin)
		return
	}
	sess, cookie, err := c.sessions.create(r.Context(), l.Name, c.now(), c.ttl)
	if err != nil {
		c.log.Error("console login not kept", "agent", l.Name, "err", err)
		writeError(w, http.StatusServiceUnavailable, "could not log in just now; try again in a moment")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: cookie, Path: Prefix, HttpOnly: true,
		Secure: c.secure, SameSite: http.SameSiteStrictMode, MaxAge: int(c.ttl.Seconds())})
	c.log.Info("console login", "agent", l.Name, "remote", client)
	writeJSON(w, http.StatusOK, c.me(r.Context(), l, sess))
}

// hasPasswordLogin says whether name is an agent who logs in with a
// password.
func (c *Console) hasPasswordLogin(name string) bool {
	for _, l := range c.allLogins() {
		if strings.EqualFold(l.Name, name) && l.PasswordHash != "" {
			return true
		}
	}
	return false
}

// authenticate checks a token (against every agent's, in constant time) or
// a name and password (bcrypt).
func (c *Console) authenticate(req loginRequest) (Login, bool) {
	if req.Token != "" {
		given := sha256.Sum256([]byte(req.Token))
		var found Login
		match := 0
		for _, l := range c.allLogins() {
			if l.Token == "" {
				continue
			}
			want := sha256.Sum256([]byte(l.Token))
			if subtle.ConstantTimeCompare(given[:], want[:]) == 1 {
				found, match = l, 1
			}
		}
		return found, match == 1
	}
	if req.Name == "" || req.Password == "" {
		return Login{}, false
	}
	var l Login
	var ok bool
	for _, x := range c.allLogins() {
		if strings.EqualFold(x.Name, req.Name) && x.PasswordHash != "" {
			l, ok = x, true
		}
	}
	hash := []byte(l.PasswordHash)
	if !ok {
		hash = dummyHash
	}
	if err := bcrypt.CompareHashAndPassword(hash, []byte(req.Password)); err != nil || !ok {
		return Login{}, false
	}
	return l, true
}

func (c *Console) me(ctx context.Context, l Login, s session) meResponse {
	me := meResponse{Name: l.Name, DisplayName: l.displayName(), Admin: l.Admin, CSRF: c.sessions.csrf(s.id), NotePrefix: c.notes}
	if c.files != nil {
		lim := c.files.Limits()
		me.Uploads = &lim
	}
	if st, err := c.engine.AgentStatus(ctx, l.agentRef()); err == nil {
		me.Status = st
	} else if !errors.Is(err, bridge.ErrNotAgent) {
		c.log.Warn("console: read agent status", "agent", l.Name, "err", err)
	}
	return me
}

func (c *Console) handleMe(w http.ResponseWriter, r *http.Request) {
	a := agentOf(r.Context())
	writeJSON(w, http.StatusOK, c.me(r.Context(), a.login, a.session))
}

func (c *Console) handleLogout(w http.ResponseWriter, r *http.Request) {
	a := agentOf(r.Context())
	if err := c.sessions.end(r.Context(), a.session.id); err != nil {
		c.log.Error("console logout not kept", "agent", a.login.Name, "err", err)
		writeError(w, http.StatusServiceUnavailable, "could not log out just now; try again in a moment")
		return
	}
	c.tell(r.Context(), notice{Logout: a.session.id})
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, HttpOnly: true,
		Secure: c.secure, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// authedAgent is the logged-in agent of a request.
type authedAgent struct {
	login   Login
	session session
}

type ctxKey struct{}

func agentOf(ctx context.Context) authedAgent {
	a, _ := ctx.Value(ctxKey{}).(authedAgent)
	return a
}

// authed lets through requests of a live session whose agent is still
// configured, with a valid CSRF token on anything but GET.
func (c *Console) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(cookieName)
		if err != nil {
			writeError(w, http.StatusUnauthorized, "not logged in")
			return
		}
		sess, ok, err := c.sessions.lookup(r.Context(), ck.Value, c.now())
		if err != nil {
			c.log.Error("console session not read", "err", err)
			writeError(w, http.StatusServiceUnavailable, "could not check the login just now; try again in a moment")
			return
		}
		if !ok {
			writeError(w, http.StatusUnauthorized, "not logged in (the session ended)")
			return
		}
		l, ok := c.login(sess.login)
		if !ok {
			_ = c.sessions.end(r.Context(), sess.id) // refused anyway; a failure leaves a session nobody can use
			writeError(w, http.StatusUnauthorized, "this login is no longer configured")
			return
		}
		if r.Method != http.MethodGet && !c.sessions.checkCSRF(sess.id, r.Header.Get(csrfHeader)) {
			writeError(w, http.StatusForbidden, "missing or wrong "+csrfHeader+" header")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, authedAgent{login: l, session: sess})))
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
