package slack

import (
	"net/http"
	"time"
)

// idleConnsPerHost is how many idle connections to Slack are kept open.
// The bridge posts to many threads at once (one sender per destination,
// several streams in parallel); Go's default keeps 2, so every post beyond
// the second opened and closed a connection of its own.
const idleConnsPerHost = 64

// defaultHTTPClient is the client used when Options.HTTPClient is nil.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = idleConnsPerHost
	t.MaxIdleConns = 2 * idleConnsPerHost
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t}
}
