package upstream

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
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// SignatureHeader carries "sha256=<hex HMAC-SHA256 of the body>" when a
// secret is configured.
const SignatureHeader = "X-Bridge-Signature"

// maxBody bounds the response body read.
const maxBody = 1 << 20

// Responder asks an upstream bot over a webhook. It is safe for concurrent
// use.
type Responder struct {
	cfg Options
}

var _ bridge.Responder = (*Responder)(nil)

// New checks cfg, fills in its defaults and returns a Responder.
func New(cfg Options) (*Responder, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("upstream: config: %w", err)
	}
	return &Responder{cfg: cfg}, nil
}

// Sign returns the X-Bridge-Signature value for body: "sha256=" and the hex
// HMAC-SHA256 of body keyed with secret. Bots can use it to check requests.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Respond POSTs the question to the upstream bot and returns its answer (see
// the package documentation).
func (r *Responder) Respond(ctx context.Context, q bridge.Question) (bridge.Reply, error) {
	reply, err := r.respond(ctx, q)
	if err != nil {
		return bridge.Reply{}, fmt.Errorf("upstream: POST webhook: %w", err)
	}
	return reply, nil
}

func (r *Responder) respond(ctx context.Context, q bridge.Question) (bridge.Reply, error) {
	body, err := json.Marshal(newRequest(q, r.cfg.MaxHistory))
	if err != nil {
		return bridge.Reply{}, fmt.Errorf("encode request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return bridge.Reply{}, err
	}
	for k, vs := range r.cfg.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if r.cfg.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(r.cfg.Secret, body))
	}
	resp, err := r.cfg.HTTPClient.Do(req)
	if err != nil {
		return bridge.Reply{}, err // *url.Error: method, URL (password stripped) and cause
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return bridge.Reply{}, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return bridge.Reply{}, &StatusError{StatusCode: resp.StatusCode, Body: excerpt(data)}
	}
	if len(data) > maxBody {
		return bridge.Reply{}, fmt.Errorf("response body larger than %d bytes", maxBody)
	}
	if resp.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(data)) == 0 {
		return bridge.Reply{}, nil
	}
	return r.decode(data)
}

func (r *Responder) decode(data []byte) (bridge.Reply, error) {
	var res response
	if err := json.Unmarshal(data, &res); err != nil {
		return bridge.Reply{}, fmt.Errorf("decode response: %w (body: %s)", err, excerpt(data))
	}
	text := strings.TrimSpace(res.Text)
	if text == "" && !res.Handoff {
		return bridge.Reply{}, nil
	}
	conf := 0.0
	switch {
	case res.Confidence != nil:
		conf = *res.Confidence
		if !(conf >= 0 && conf <= 1) {
			return bridge.Reply{}, fmt.Errorf("confidence %v outside [0, 1]", conf)
		}
	case text != "":
		conf = r.cfg.Confidence
	}
	return bridge.Reply{Text: text, Confidence: conf, Handoff: res.Handoff, Reason: strings.TrimSpace(res.Reason)}, nil
}
