package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// originPolicy decides which pages may open the socket and load the
// script: the configured origins, any ("*"), or with none configured only
// the bridge's own origin (its demo page).
type originPolicy struct {
	any     bool
	allowed map[string]bool // "scheme://host[:port]", lower case
}

func newOriginPolicy(origins []string) (originPolicy, error) {
	p := originPolicy{allowed: map[string]bool{}}
	for _, o := range origins {
		if o == "*" {
			p.any = true
			continue
		}
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return originPolicy{}, fmt.Errorf("bad allowed origin %q: want scheme://host[:port]", o)
		}
		p.allowed[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	return p, nil
}

// allows reports whether a page at origin may use the widget of a bridge
// reached as host. An empty origin (not a browser) is allowed: origins
// protect users' browsers, not the bridge, which limits every client alike.
func (p originPolicy) allows(origin, host string) bool {
	if origin == "" || p.any {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, host) {
		return true // the bridge's own pages
	}
	return p.allowed[strings.ToLower(u.Scheme+"://"+u.Host)]
}

// requestOrigin is the page origin of a request: the Origin header, or for
// a script load the Referer's origin.
func requestOrigin(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" {
		return o
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		if u, err := url.Parse(ref); err == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
		return "invalid:"
	}
	return ""
}
