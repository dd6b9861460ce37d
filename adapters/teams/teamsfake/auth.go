package teamsfake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// token is Entra ID's client-credentials grant.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid_request", "error_description": err.Error()})
		return
	}
	f := r.PostForm
	switch {
	case r.PathValue("tenant") != s.opts.TenantID && r.PathValue("tenant") != "botframework.com":
		writeJSON(w, 400, map[string]string{"error": "invalid_request", "error_description": "AADSTS90002: Tenant '" + r.PathValue("tenant") + "' not found."})
	case f.Get("grant_type") != "client_credentials":
		writeJSON(w, 400, map[string]string{"error": "unsupported_grant_type", "error_description": "AADSTS70003: The app requested an unsupported grant type."})
	case f.Get("client_id") != s.opts.AppID:
		writeJSON(w, 400, map[string]string{"error": "unauthorized_client", "error_description": "AADSTS700016: Application with identifier '" + f.Get("client_id") + "' was not found in the directory."})
	case f.Get("client_secret") != s.opts.AppPassword:
		writeJSON(w, 401, map[string]string{"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."})
	case f.Get("scope") != "https://api.botframework.com/.default":
		writeJSON(w, 400, map[string]string{"error": "invalid_scope", "error_description": "AADSTS70011: The provided value for the input parameter 'scope' is not valid."})
	default:
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		tok := "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake." + base64.RawURLEncoding.EncodeToString(b)
		s.mu.Lock()
		s.tokens[tok] = true
		s.tokenFetches++
		s.mu.Unlock()
		s.changes.Notify()
		life := int(s.opts.TokenLife.Seconds())
		writeJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": life, "ext_expires_in": life, "access_token": tok})
	}
}

// openID is the Bot Framework's OpenID metadata document.
func (s *Server) openID(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, map[string]any{
		"issuer":                                s.Issuer(),
		"authorization_endpoint":                "https://invalid.botframework.com/v1/auth",
		"jwks_uri":                              s.srv.URL + "/v1/.well-known/keys",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
	})
}

// keys is the key set, each key endorsed for the channels it signs for.
func (s *Server) keys(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.keyFetches++
	pub, kid := s.key.PublicKey, s.kid
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "kid": kid, "x5t": kid,
		"n":            base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":            base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		"endorsements": []string{"msteams", "webchat"},
	}}})
}

// authorized checks a Connector call's bearer token.
func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok && s.tokens[tok]
}
