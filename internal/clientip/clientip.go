// Package clientip finds the address of the client behind an HTTP request,
// believing X-Forwarded-For only from the configured trusted proxies. The
// web widget and the agent console key their limits on it.
package clientip

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Of is the client's address: the peer's, unless the peer is a trusted
// proxy, in which case X-Forwarded-For is read from the right, skipping
// trusted proxies, and the first address not ours is the client's.
// Anything a client writes into the header beyond that is ignored.
func Of(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled hop: stop believing the header here
		}
		a = a.Unmap()
		if !isTrusted(a, trusted) {
			return a.String()
		}
		peer = a
	}
	return peer.String()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
