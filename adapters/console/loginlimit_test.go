package console

import (
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

// loginFrom posts a login as the client named in X-Forwarded-For (none
// when empty) and returns the status and the Retry-After header.
func (w *world) loginFrom(t *testing.T, client, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", w.srv.URL+Prefix+"/api/login", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if client != "" {
		req.Header.Set("X-Forwarded-For", client)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

func behindProxy(o *Options) {
	o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}

var (
	caraRight = `{"name":"cara","password":"` + caraPassword + `"}`
	caraWrong = `{"name":"cara","password":"hunter2"}`
	anaRight  = `{"token":"` + anaToken + `"}`
)

// TestOneAttackerDoesNotLockAgentsOut: behind a reverse proxy every agent
// comes from the proxy's address; one client's bad logins throttle that
// client only.
func TestOneAttackerDoesNotLockAgentsOut(t *testing.T) {
	w := newWorldWith(t, behindProxy)
	const attacker = "198.51.100.66"
	for i := range 20 {
		code, _ := w.loginFrom(t, attacker, caraWrong)
		if want := http.StatusUnauthorized; i < failureBurst && code != want {
			t.Fatalf("bad login %d = %d, want %d", i+1, code, want)
		}
		if want := http.StatusTooManyRequests; i >= failureBurst && code != want {
			t.Fatalf("bad login %d = %d, want %d", i+1, code, want)
		}
	}
	if code, _ := w.loginFrom(t, "203.0.113.5", caraRight); code != http.StatusOK {
		t.Fatalf("cara, from her own address, with her password = %d, want 200", code)
	}
	if code, _ := w.loginFrom(t, "203.0.113.6", anaRight); code != http.StatusOK {
		t.Fatalf("ana, from her own address, with her token = %d, want 200", code)
	}
	for _, body := range []string{caraWrong, caraRight, anaRight} {
		code, retry := w.loginFrom(t, attacker, body)
		if secs, err := strconv.Atoi(retry); code != http.StatusTooManyRequests || err != nil || secs < 1 || secs > 60 {
			t.Fatalf("the attacker's login %s = %d, Retry-After %q; want 429 and a wait of 1 to 60 s", body, code, retry)
		}
	}
}

// TestAccountGuessedFromManyAddresses: when one account's password is
// guessed from many addresses, those addresses are refused for it, and the
// agent still logs in from theirs.
func TestAccountGuessedFromManyAddresses(t *testing.T) {
	w := newWorldWith(t, behindProxy)
	guessers := make([]string, failureBurst+2)
	for i := range guessers {
		guessers[i] = fmt.Sprintf("198.51.100.%d", i+1)
		if code, _ := w.loginFrom(t, guessers[i], caraWrong); code != http.StatusUnauthorized {
			t.Fatalf("first guess from %s = %d, want 401", guessers[i], code)
		}
	}
	if code, retry := w.loginFrom(t, guessers[0], caraRight); code != http.StatusTooManyRequests || retry == "" {
		t.Fatalf("a guesser retrying the account = %d, Retry-After %q; want 429 with Retry-After", code, retry)
	}
	if code, _ := w.loginFrom(t, guessers[0], anaRight); code != http.StatusOK {
		t.Fatalf("a guesser logging into another account = %d, want 200", code)
	}
	if code, _ := w.loginFrom(t, "203.0.113.5", caraRight); code != http.StatusOK {
		t.Fatalf("cara from her own address = %d, want 200", code)
	}
}

// TestForwardedForFromAnUntrustedPeerIsIgnored: without trusted proxies
// the header does not make a new client per attempt.
func TestForwardedForFromAnUntrustedPeerIsIgnored(t *testing.T) {
	w := newWorld(t)
	for i := range failureBurst {
		if code, _ := w.loginFrom(t, fmt.Sprintf("198.51.100.%d", i+1), caraWrong); code != http.StatusUnauthorized {
			t.Fatalf("bad login %d = %d, want 401", i+1, code)
		}
	}
	if code, _ := w.loginFrom(t, "203.0.113.99", `{"token":"guess"}`); code != http.StatusTooManyRequests {
		t.Fatalf("a login with a new forged X-Forwarded-For = %d, want 429", code)
	}
}
