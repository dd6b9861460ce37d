package console

import (
	"math"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Login failures are limited twice, neither limit keyed on the TCP peer
// (behind a reverse proxy that is the proxy, shared by every agent):
//
//   - per client address (after trusted proxies): 10 failures a minute,
//     then every attempt from that address is refused with 429 until a
//     failure is forgiven. Only failures count, so agents who type their
//     password right are never slowed, and one attacker's failures do not
//     touch anyone else's address.
//   - per account (a configured login name): 10 failures a minute from
//     anywhere. While an account is over it, addresses that have failed on
//     it themselves in the last minute are refused for it before their
//     password is checked; an address that has not is still checked, so
//     the agent logs in while someone else guesses their password.
//
// Tokens are long random strings, not guessable per account; guesses at
// them count against the address only.
const (
	failuresPerMinute = 10
	failureBurst      = 10
	// suspectFor is how long an address that failed on an account stays
	// refused for it while the account is over its limit.
	suspectFor = time.Minute
	// maxKeys bounds the memory under a spray of addresses; past it the
	// forgiven entries are dropped.
	maxKeys = 10000
)

type loginLimiter struct {
	mu       sync.Mutex
	clients  map[string]*rate.Limiter
	accounts map[string]*rate.Limiter
	// suspects holds when an address last failed on an account.
	suspects map[suspect]time.Time
}

type suspect struct{ client, account string }

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{clients: map[string]*rate.Limiter{}, accounts: map[string]*rate.Limiter{},
		suspects: map[suspect]time.Time{}}
}

// accountKey is the account a login attempt is for: a configured name, case
// folded as logins are; "" for tokens and unknown names, which have no
// account to protect.
func accountKey(name string, known bool) string {
	if !known {
		return ""
	}
	return strings.ToLower(name)
}

// check says whether an attempt from client on account may be tried, and
// if not, how long until it may.
func (l *loginLimiter) check(client, account string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if wait := waitFor(l.clients[client], now); wait > 0 {
		return false, wait
	}
	if account == "" {
		return true, 0
	}
	wait := waitFor(l.accounts[account], now)
	last, failed := l.suspects[suspect{client, account}]
	if wait > 0 && failed && now.Sub(last) < suspectFor {
		return false, max(wait, last.Add(suspectFor).Sub(now))
	}
	return true, 0
}

// failed counts a failed attempt.
func (l *loginLimiter) failed(client, account string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forget(now)
	take(l.clients, client, now)
	if account != "" {
		take(l.accounts, account, now)
		l.suspects[suspect{client, account}] = now
	}
}

func take(m map[string]*rate.Limiter, key string, now time.Time) {
	lim := m[key]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(failuresPerMinute/60.0), failureBurst)
		m[key] = lim
	}
	lim.AllowN(now, 1) // an empty bucket stays empty: check refuses
}

// waitFor is how long until lim has a failure to spare; 0 if it has one.
func waitFor(lim *rate.Limiter, now time.Time) time.Duration {
	if lim == nil {
		return 0
	}
	missing := 1 - lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(missing / float64(lim.Limit()) * float64(time.Second)))
}

// forget drops, when the maps grow large, what no longer limits anyone.
func (l *loginLimiter) forget(now time.Time) {
	if len(l.clients)+len(l.suspects) < maxKeys {
		return
	}
	for k, lim := range l.clients {
		if lim.TokensAt(now) >= failureBurst {
			delete(l.clients, k)
		}
	}
	for k, at := range l.suspects {
		if now.Sub(at) >= suspectFor {
			delete(l.suspects, k)
		}
	}
	if len(l.clients)+len(l.suspects) >= maxKeys { // all fresh: a spray; start over
		clear(l.clients)
		clear(l.suspects)
	}
}
