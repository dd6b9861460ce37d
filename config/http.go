package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"time"
)

// HTTP is the one listener that serves every adapter.
type HTTP struct {
	// Listen is the address to listen on, host:port.
	Listen string `mapstructure:"listen" default:":8080"`
	// PublicURL is how the bridge is reached from outside (links in
	// notifications, webhook registration).
	PublicURL string `mapstructure:"public_url"`
	// TrustedProxies are the CIDRs or IPs whose X-Forwarded-For is believed.
	TrustedProxies []string `mapstructure:"trusted_proxies"`

	// ReadHeaderTimeout bounds reading a request's headers, ReadTimeout the
	// whole request with its body, WriteTimeout a response (from the end
	// of its request's headers), IdleTimeout a keep-alive connection
	// waiting for its next request. WebSockets, once upgraded, have none
	// of these: their pings find vanished peers.
	ReadHeaderTimeout time.Duration `mapstructure:"read_header_timeout" default:"10s"`
	ReadTimeout       time.Duration `mapstructure:"read_timeout" default:"30s"`
	WriteTimeout      time.Duration `mapstructure:"write_timeout" default:"60s"`
	IdleTimeout       time.Duration `mapstructure:"idle_timeout" default:"60s"`
	// MaxHeaderBytes caps a request's headers (with the request line).
	MaxHeaderBytes int `mapstructure:"max_header_bytes" default:"65536"`
}

// TrustedProxyPrefixes returns TrustedProxies as prefixes; a single IP
// becomes a full-length prefix. Invalid entries (rejected by validation) are
// skipped.
func (h HTTP) TrustedProxyPrefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range h.TrustedProxies {
		if p, err := parseProxy(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func parseProxy(s string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is neither an IP address nor a CIDR: %w", s, err)
	}
	return p.Masked(), nil
}

func (h HTTP) validate(p *problems) {
	if err := checkListen(h.Listen); err != nil {
		p.add("http.listen", err)
	}
	if h.PublicURL != "" {
		if err := checkHTTPURL(h.PublicURL); err != nil {
			p.add("http.public_url", err)
		}
	}
	for i, s := range h.TrustedProxies {
		if _, err := parseProxy(s); err != nil {
			p.add(index("http.trusted_proxies", i), err)
		}
	}
	for key, d := range map[string]time.Duration{"http.read_header_timeout": h.ReadHeaderTimeout,
		"http.read_timeout": h.ReadTimeout, "http.write_timeout": h.WriteTimeout, "http.idle_timeout": h.IdleTimeout} {
		if d <= 0 {
			p.addf(key, "must be positive (a slow client would otherwise hold its connection forever)")
		}
	}
	if h.MaxHeaderBytes < minHeaderBytes {
		p.addf("http.max_header_bytes", "must be at least %d", minHeaderBytes)
	}
}

// minHeaderBytes is the least header room a browser's request needs.
const minHeaderBytes = 4096

func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad listen address %q, want host:port such as \":8080\": %w", addr, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("bad port %q in listen address %q", port, addr)
	}
	return nil
}

// checkHTTPURL accepts absolute http and https URLs.
func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("bad URL %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("bad URL %q: want an absolute http or https URL", s)
	}
	return nil
}
