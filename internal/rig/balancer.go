package rig

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// maxBalancedBody bounds the request bodies the Balancer buffers (it must
// be able to send one again to another replica).
const maxBalancedBody = 16 << 20

// Balancer is a round-robin load balancer in front of replicas of the
// bridge, as a reverse proxy in production would be: each request goes to
// the next replica, and on to the one after when a replica cannot be
// reached or fails mid-request (it is down or was just killed), like
// nginx's proxy_next_upstream error. It serves plain HTTP requests (a
// platform's webhooks), not WebSockets.
type Balancer struct {
	srv    *httptest.Server
	client *http.Client

	mu       sync.Mutex
	backends []string
	next     int
	retried  int
}

// NewBalancer starts a balancer over backends (http://host:port each) on
// a loopback port; Close stops it.
func NewBalancer(backends ...string) *Balancer {
	b := &Balancer{backends: backends, client: &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	b.srv = httptest.NewServer(b)
	return b
}

// URL is the balancer's base URL.
func (b *Balancer) URL() string { return b.srv.URL }

// Close stops the balancer.
func (b *Balancer) Close() { b.srv.Close() }

// Retried counts the requests sent again to another replica.
func (b *Balancer) Retried() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.retried
}

// ServeHTTP forwards r to the replicas in turn until one answers.
func (b *Balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBalancedBody))
	if err != nil {
		http.Error(w, "balancer: read request: "+err.Error(), http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	first := b.next
	b.next = (b.next + 1) % len(b.backends)
	backends := b.backends
	b.mu.Unlock()
	var lastErr error
	for i := range backends {
		if i > 0 {
			b.mu.Lock()
			b.retried++
			b.mu.Unlock()
		}
		resp, err := b.forward(r, backends[(first+i)%len(backends)], body)
		if err != nil {
			lastErr = err
			continue
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
		return
	}
	http.Error(w, fmt.Sprintf("balancer: no replica answered: %v", lastErr), http.StatusBadGateway)
}

// forward sends a copy of r with body to backend.
func (b *Balancer) forward(r *http.Request, backend string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, backend+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	return b.client.Do(req)
}
