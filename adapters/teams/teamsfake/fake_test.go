package teamsfake_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/teams/teamsfake"
)

// The fake answers as Entra ID and the Bot Connector do: tokens only for
// the app's own credentials, Connector calls only with a token it issued,
// 429 with Retry-After when told, and the OpenID metadata leading to a key
// endorsed for Teams.
func TestFakeSpeaksTheWire(t *testing.T) {
	f := teamsfake.New(teamsfake.Options{})
	defer f.Close()
	tokenURL := strings.ReplaceAll(f.TokenURL(), "{tenant}", f.TenantID())
	getToken := func(secret string) (int, map[string]any) {
		res, err := http.PostForm(tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {f.AppID()},
			"client_secret": {secret}, "scope": {"https://api.botframework.com/.default"}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	if status, body := getToken("wrong"); status != 401 || body["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", status, body)
	}
	status, body := getToken(f.AppPassword())
	token, _ := body["access_token"].(string)
	if status != 200 || token == "" || body["expires_in"] != float64(3600) {
		t.Fatalf("token: %d %v", status, body)
	}

	channel := f.NewChannel()
	members := f.ServiceURL() + "v3/conversations/" + url.PathEscape(channel) + "/members"
	call := func(auth string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, members, nil)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := call(""); res.StatusCode != 401 {
		t.Fatalf("no token: %d", res.StatusCode)
	}
	if res := call(token); res.StatusCode != 200 {
		t.Fatalf("with the token: %d", res.StatusCode)
	}
	f.Throttle(1, 7)
	if res := call(token); res.StatusCode != 429 || res.Header.Get("Retry-After") != "7" {
		t.Fatalf("throttled: %d Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	f.RevokeTokens()
	if res := call(token); res.StatusCode != 401 {
		t.Fatalf("revoked token: %d", res.StatusCode)
	}
	if got := len(f.Calls()); got != 4 {
		t.Fatalf("%d calls recorded, want 4", got)
	}

	var meta struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, f.OpenIDURL(), &meta)
	var keys struct {
		Keys []struct {
			Kty, Kid     string
			Endorsements []string
		}
	}
	getJSON(t, meta.JWKSURI, &keys)
	if meta.Issuer != f.Issuer() || len(keys.Keys) != 1 || keys.Keys[0].Kty != "RSA" || keys.Keys[0].Endorsements[0] != "msteams" {
		t.Fatalf("metadata %+v, keys %+v", meta, keys)
	}
}

func getJSON(t *testing.T, u string, out any) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
