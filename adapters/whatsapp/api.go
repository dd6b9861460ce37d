package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Graph API error codes the adapter acts on.
const (
	codeBadToken       = 190
	codeOutsideWindow  = 131047
	codeRateLimit      = 130429
	codePairRateLimit  = 131056
	defaultRetryAfter  = 5 * time.Second
	pairRateRetryAfter = 6 * time.Second
)

// apiError is a Graph API error answer.
type apiError struct {
	Status     int
	RetryAfter time.Duration // from a Retry-After header, when sent
	Code       int           `json:"code"`
	Message    string        `json:"message"`
	Data       struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

func (e *apiError) Error() string {
	if e.Data.Details != "" {
		return fmt.Sprintf("%s: %s", e.Message, e.Data.Details)
	}
	return e.Message
}

func asAPIError(err error, target **apiError) bool { return err != nil && errors.As(err, target) }

// call makes one Graph API request (path after the version) with the
// access token and returns the answer's body; every call's result goes to
// Health.
func (a *Adapter) call(ctx context.Context, method, path string, body any) ([]byte, error) {
	raw, err := a.roundTrip(ctx, method, path, body)
	a.health.record(err)
	return raw, err
}

func (a *Adapter) roundTrip(ctx context.Context, method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, bridge.Permanent(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.opts.APIURL+"/"+a.opts.APIVersion+path, rd)
	if err != nil {
		return nil, bridge.Permanent(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+a.opts.Token)
	resp, err := a.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 == 2 {
		return raw, nil
	}
	var envelope struct {
		Error apiError `json:"error"`
	}
	_ = json.Unmarshal(raw, &envelope)
	e := &envelope.Error
	e.Status = resp.StatusCode
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	if e.Message == "" {
		e.Message = resp.Status
	}
	return nil, e
}

// post sends one message object and returns its wamid.
func (a *Adapter) post(ctx context.Context, msg map[string]any) (string, error) {
	msg["messaging_product"] = "whatsapp"
	raw, err := a.call(ctx, http.MethodPost, "/"+a.opts.PhoneNumberID+"/messages", msg)
	if err != nil {
		return "", err
	}
	var ok struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(raw, &ok); err != nil {
		return "", fmt.Errorf("decode whatsapp send answer: %w", err)
	}
	if len(ok.Messages) == 0 {
		return "", nil
	}
	return ok.Messages[0].ID, nil
}

// classify maps a Graph API error onto the outbox's vocabulary: throttling
// is retried after the Retry-After the API gave (or a default), other 4xx
// can never succeed, anything else is retried with backoff.
func classify(op string, err error) error {
	var e *apiError
	if errors.As(err, &e) {
		switch {
		case e.Status == http.StatusTooManyRequests || e.Code == codeRateLimit || e.Code == codePairRateLimit:
			after := e.RetryAfter
			if after == 0 {
				after = map[bool]time.Duration{true: pairRateRetryAfter, false: defaultRetryAfter}[e.Code == codePairRateLimit]
			}
			return &bridge.RetryAfterError{After: after, Err: fmt.Errorf("%s: %w", op, err)}
		case e.Status == http.StatusBadRequest || e.Status == http.StatusForbidden || e.Status == http.StatusNotFound:
			return bridge.Permanent(fmt.Errorf("%s: %w", op, err))
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}
