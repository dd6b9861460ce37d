package clientip

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	tests := []struct {
		name    string
		remote  string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"no proxy", "198.51.100.1:5000", nil, proxies, "198.51.100.1"},
		{"header from the internet is ignored", "198.51.100.1:5000", []string{"1.2.3.4"}, proxies, "198.51.100.1"},
		{"no trusted proxies configured", "10.0.0.5:5000", []string{"1.2.3.4"}, nil, "10.0.0.5"},
		{"one trusted proxy", "10.0.0.5:5000", []string{"203.0.113.4"}, proxies, "203.0.113.4"},
		{"two trusted hops", "127.0.0.1:5000", []string{"203.0.113.4, 10.1.1.1"}, proxies, "203.0.113.4"},
		{"spoofed entries left of the client", "10.0.0.5:5000", []string{"6.6.6.6, 203.0.113.4"}, proxies, "203.0.113.4"},
		{"several header lines", "10.0.0.5:5000", []string{"6.6.6.6", "203.0.113.4"}, proxies, "203.0.113.4"},
		{"garbage hop stops the walk", "10.0.0.5:5000", []string{"203.0.113.4, nonsense"}, proxies, "10.0.0.5"},
		{"all hops trusted", "10.0.0.5:5000", []string{"10.2.2.2"}, proxies, "10.2.2.2"},
		{"IPv6 peer", "[2001:db8::1]:443", nil, proxies, "2001:db8::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/ws", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := Of(r, tt.trusted); got != tt.want {
				t.Errorf("Of = %q, want %q", got, tt.want)
			}
		})
	}
}
