package discord

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultAPIURL is Discord's own API host, where discordgo sends every REST
// call.
const DefaultAPIURL = "https://discord.com/"

// APIClient returns an http.Client for Options.HTTPClient that sends the
// REST calls discordgo makes to https://discord.com/… to base instead (a
// proxy in front of Discord, or a local fake under load), keeping the
// path after base's own. discordgo builds its endpoint URLs once at init
// from discord.com, so the transport is the one place to redirect them;
// the gateway follows, since its URL is what base's /gateway answers.
func APIClient(base string) (*http.Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord: api url %q: want an absolute http(s) URL", base)
	}
	return &http.Client{Timeout: 20 * time.Second, Transport: redirectAPI{base: u, next: http.DefaultTransport}}, nil
}

// redirectAPI rewrites requests for Discord's API hosts to base.
type redirectAPI struct {
	base *url.URL
	next http.RoundTripper
}

func (r redirectAPI) RoundTrip(req *http.Request) (*http.Response, error) {
	if host := req.URL.Hostname(); host != "discord.com" && host != "discordapp.com" {
		return r.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.base.Scheme, r.base.Host, r.base.Host
	req.URL.Path = strings.TrimSuffix(r.base.Path, "/") + req.URL.Path
	req.URL.RawPath = ""
	return r.next.RoundTrip(req)
}
