package teams

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Key refresh: the Bot Framework rotates its signing keys with notice, so
// the set is refetched daily, and at most once a minute when a token names
// a key the set lacks (a rotation since the last fetch, or a forgery).
const (
	keysMaxAge      = 24 * time.Hour
	keysMissRefetch = time.Minute
)

// verifier checks the bearer tokens of inbound requests.
type verifier struct {
	openIDURL string
	appID     string
	issuer    string
	skew      time.Duration
	client    *http.Client
	now       func() time.Time

	mu      sync.Mutex
	keys    map[string]signingKey
	fetched time.Time // when keys were fetched
	missed  time.Time // the last fetch for a key id the set lacked
}

type signingKey struct {
	pub          *rsa.PublicKey
	endorsements []string
}

var errUnauthorized = errors.New("unauthorized")

// verify checks the Authorization header and returns the token's claims.
func (v *verifier) verify(ctx context.Context, header string) (jwt.MapClaims, error) {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || raw == "" {
		return nil, fmt.Errorf("%w: no bearer token", errUnauthorized)
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return v.key(ctx, kid)
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(v.issuer), jwt.WithAudience(v.appID),
		jwt.WithLeeway(v.skew), jwt.WithExpirationRequired(), jwt.WithTimeFunc(v.now))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUnauthorized, err)
	}
	return claims, nil
}

// key is the public key kid names, endorsed for Teams.
func (v *verifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.now()
	k, ok := v.keys[kid]
	miss := !ok && v.keys != nil && now.Sub(v.missed) >= keysMissRefetch
	if v.keys == nil || now.Sub(v.fetched) > keysMaxAge || miss {
		if miss {
			v.missed = now
		}
		keys, err := v.fetchKeys(ctx)
		if err != nil && v.keys == nil {
			return nil, err
		}
		if err == nil {
			v.keys, v.fetched = keys, now
		} else if !miss {
			// Keep the old keys; try again in a minute, not at every request.
			v.fetched = now.Add(keysMissRefetch - keysMaxAge)
		}
		k, ok = v.keys[kid]
	}
	if !ok {
		return nil, fmt.Errorf("unknown signing key %q", kid)
	}
	if len(k.endorsements) > 0 && !slices.Contains(k.endorsements, "msteams") {
		return nil, fmt.Errorf("signing key %q is not endorsed for msteams", kid)
	}
	return k.pub, nil
}

// fetchKeys reads the OpenID metadata, then the key set it names.
func (v *verifier) fetchKeys(ctx context.Context) (map[string]signingKey, error) {
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := getJSON(ctx, v.client, v.openIDURL, &meta); err != nil {
		return nil, fmt.Errorf("openid metadata: %w", err)
	}
	if meta.JWKSURI == "" {
		return nil, errors.New("openid metadata names no jwks_uri")
	}
	var set struct {
		Keys []struct {
			Kty          string   `json:"kty"`
			Kid          string   `json:"kid"`
			N            string   `json:"n"`
			E            string   `json:"e"`
			Endorsements []string `json:"endorsements"`
		} `json:"keys"`
	}
	if err := getJSON(ctx, v.client, meta.JWKSURI, &set); err != nil {
		return nil, fmt.Errorf("signing keys: %w", err)
	}
	keys := map[string]signingKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(e) > 4 {
			continue
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		keys[k.Kid] = signingKey{pub: pub, endorsements: k.Endorsements}
	}
	return keys, nil
}

func getJSON(ctx context.Context, client *http.Client, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(out)
}
