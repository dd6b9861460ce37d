package slackfake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is what a delivery carries, named as Socket Mode names it.
type Kind string

// Delivery kinds.
const (
	KindEvent       Kind = "events_api"
	KindInteractive Kind = "interactive"
	KindSlash       Kind = "slash_commands"
)

// Result is how a delivery went: how many attempts it took and what the app
// answered (the ack's payload in Socket Mode, the response body over HTTP).
type Result struct {
	Attempts int
	Status   int // the last HTTP status; 0 in Socket Mode
	Response json.RawMessage
}

// delivery sends requests to the app: over its Socket Mode connection when
// it holds one, else over HTTP to the URL set with SetRequestURL.
type delivery struct {
	s        *Server
	mu       sync.Mutex
	url      string
	client   *http.Client
	envelope atomic.Int64
}

func (d *delivery) init(s *Server) {
	d.s = s
	d.client = &http.Client{Timeout: s.opts.AckTimeout}
}

// SetRequestURL sets where HTTP-mode deliveries go (the app's Events API,
// interactivity and slash-command Request URL, e.g. .../slack/events).
func (s *Server) SetRequestURL(u string) {
	s.deliver.mu.Lock()
	defer s.deliver.mu.Unlock()
	s.deliver.url = u
}

// Sign computes Slack's v0 request signature of body at timestamp ts.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", ts)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// DeliverOption changes one delivery.
type DeliverOption func(*deliverConfig)

type deliverConfig struct{ extra int }

// Redeliver sends the request n more times after it was answered, with the
// retry headers (or retry_attempt) set, as Slack does when the first answer
// came too late: the app must change nothing the second time.
func Redeliver(n int) DeliverOption { return func(c *deliverConfig) { c.extra = n } }

// Deliver sends a request of the given kind to the app and retries it as
// Slack does (up to Options.Retries more times) until it is acknowledged.
// payload is the JSON Slack sends: an event_callback, an interaction, or a
// slash command's fields as a JSON object of strings.
func (s *Server) Deliver(ctx context.Context, kind Kind, payload []byte, opts ...DeliverOption) (Result, error) {
	var cfg deliverConfig
	for _, o := range opts {
		o(&cfg)
	}
	var res Result
	var lastErr error
	delivered, failures, reason := false, 0, ""
	for attempt := 0; ; attempt++ {
		res.Attempts++
		var resp json.RawMessage
		var status int
		var err error
		if c := s.socket.current(); c != nil {
			id := fmt.Sprintf("env-%d", s.deliver.envelope.Add(1))
			resp, err = s.sendEnvelope(ctx, c, kind, id, payload, attempt, reason)
			reason = "timeout"
		} else {
			resp, status, err = s.postHTTP(ctx, kind, payload, attempt, reason)
			res.Status = status
			reason = "http_timeout"
			if err == nil && status != http.StatusOK {
				err, reason = fmt.Errorf("app answered HTTP %d", status), "http_error"
			}
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		switch {
		case delivered:
			cfg.extra-- // a redelivery: what counts is the first answer
		case err == nil:
			res.Response, delivered = resp, true
		default:
			lastErr = err
			if failures++; failures > s.opts.Retries {
				return res, fmt.Errorf("slackfake: %s not acknowledged after %d attempts: %w", kind, res.Attempts, lastErr)
			}
		}
		if delivered && cfg.extra <= 0 {
			return res, nil
		}
	}
}

// postHTTP signs and posts one request to the app's Request URL.
func (s *Server) postHTTP(ctx context.Context, kind Kind, payload []byte, attempt int, reason string) (json.RawMessage, int, error) {
	s.deliver.mu.Lock()
	target := s.deliver.url
	s.deliver.mu.Unlock()
	if target == "" {
		return nil, 0, fmt.Errorf("no Socket Mode connection and no request URL set")
	}
	body, ctype := payload, "application/json"
	switch kind {
	case KindInteractive:
		body, ctype = []byte("payload="+url.QueryEscape(string(payload))), "application/x-www-form-urlencoded"
	case KindSlash:
		var fields map[string]string
		if err := json.Unmarshal(payload, &fields); err != nil {
			return nil, 0, fmt.Errorf("slash command fields: %w", err)
		}
		form := url.Values{}
		for k, v := range fields {
			form.Set(k, v)
		}
		body, ctype = []byte(form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	ts := s.opts.Now().Unix()
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", Sign(s.opts.SigningSecret, ts, body))
	if attempt > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(attempt))
		req.Header.Set("X-Slack-Retry-Reason", reason)
	}
	resp, err := s.deliver.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, resp.StatusCode, err
	}
	return raw, resp.StatusCode, nil
}

// PostSigned posts body to the request URL with the given headers and no
// retries, for tests of forged or stale signatures.
func (s *Server) PostSigned(ctx context.Context, body []byte, contentType string, ts time.Time, signature string) (*http.Response, error) {
	s.deliver.mu.Lock()
	target := s.deliver.url
	s.deliver.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	if signature != "" {
		req.Header.Set("X-Slack-Signature", signature)
	}
	return s.deliver.client.Do(req)
}
