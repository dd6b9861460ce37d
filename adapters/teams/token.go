package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// connectorScope is what the bridge's tokens are for: the Bot Connector.
const connectorScope = "https://api.botframework.com/.default"

// tokenSource gets client-credentials tokens from Entra ID and keeps the
// current one until shortly before it expires.
type tokenSource struct {
	url, clientID, secret string
	client                *http.Client
	now                   func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// refreshBefore is how long before its expiry a token is replaced, so that
// none expires on its way.
func refreshBefore(lifetime time.Duration) time.Duration { return min(5*time.Minute, lifetime/2) }

// get returns a valid token, fetching one when there is none or it is
// about to expire. Callers wait for one fetch rather than each making one.
func (s *tokenSource) get(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.now().Before(s.expires) {
		return s.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.clientID},
		"client_secret": {s.secret}, "scope": {connectorScope}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := s.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&body)
	if res.StatusCode != http.StatusOK || body.AccessToken == "" {
		if body.Error != "" {
			return "", &tokenError{status: res.StatusCode, code: body.Error, desc: body.Description}
		}
		return "", &tokenError{status: res.StatusCode, code: res.Status}
	}
	life := time.Duration(body.ExpiresIn) * time.Second
	s.token, s.expires = body.AccessToken, s.now().Add(life-refreshBefore(life))
	return s.token, nil
}

// drop forgets token after the Connector refused it, unless a newer one
// replaced it already.
func (s *tokenSource) drop(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == token {
		s.token = ""
	}
}

// tokenError is Entra ID refusing to issue a token.
type tokenError struct {
	status     int
	code, desc string
}

func (e *tokenError) Error() string {
	s := fmt.Sprintf("token endpoint refused (%d): %s", e.status, e.code)
	if e.desc != "" {
		s += ": " + firstLine(e.desc)
	}
	return s
}

// refused reports a refusal of the credentials, as opposed to an outage.
func (e *tokenError) refused() bool { return e.status == 400 || e.status == 401 || e.status == 403 }

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}
