package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// DefaultTimeout bounds one delivery attempt: a receiver slower than this
// is treated as down and the event is retried later.
const DefaultTimeout = 10 * time.Second

// Options configures a webhook notifier.
type Options struct {
	// URL receives the POSTs (http or https).
	URL string
	// Secret is the shared HMAC key; required.
	Secret []byte
	// Link returns the link to a handoff put in the payload as thread_url;
	// nil leaves it out.
	Link func(bridge.Notification) string
	// Client sends the requests; default: a client with Timeout that does
	// not follow redirects.
	Client *http.Client
	// Timeout bounds one attempt; default DefaultTimeout.
	Timeout time.Duration
	// Clock stamps X-Bridge-Timestamp; default the system clock.
	Clock bridge.Clock
	// UserAgent is sent as User-Agent; default "handoff-bridge-webhook".
	UserAgent string
}

// Notifier POSTs notifications to one URL.
type Notifier struct {
	cfg  Options
	host string
}

var _ bridge.Notifier = (*Notifier)(nil)

// New checks cfg and makes the notifier.
func New(cfg Options) (*Notifier, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook: url %q: want an absolute http or https URL", cfg.URL)
	}
	if len(cfg.Secret) == 0 {
		return nil, errors.New("webhook: a secret is required: payloads are signed")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Client == nil {
		// A receiver gets many deliveries at once (one per handoff in
		// flight): keep their connections, where Go's default keeps 2.
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = 32
		cfg.Client = &http.Client{
			Transport: transport,
			Timeout:   cfg.Timeout,
			// A redirected POST becomes a GET and loses its body: report
			// it instead, so that the URL gets fixed.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if cfg.Clock == nil {
		cfg.Clock = bridge.SystemClock{}
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "handoff-bridge-webhook"
	}
	return &Notifier{cfg: cfg, host: u.Host}, nil
}

// Notify POSTs n once. The body is the same on every retry of n; the
// timestamp and signature are those of this attempt.
func (w *Notifier) Notify(ctx context.Context, n bridge.Notification) error {
	p := Payload{Notification: n}
	if w.cfg.Link != nil {
		p.ThreadURL = w.cfg.Link(n)
	}
	body, err := json.Marshal(p)
	if err != nil {
		return bridge.Permanent(fmt.Errorf("webhook: encode %s %s: %w", n.Event, n.ID, err))
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return bridge.Permanent(fmt.Errorf("webhook: build request: %w", err))
	}
	ts := strconv.FormatInt(w.cfg.Clock.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", w.cfg.UserAgent)
	req.Header.Set(HeaderEvent, string(n.Event))
	req.Header.Set(HeaderDelivery, n.ID)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(w.cfg.Secret, ts, body))
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		// Unreachable, refused, reset or too slow: the receiver may be back
		// later. Only the host is named: a webhook URL's path or query often
		// holds a token, and errors end up in logs and the delivery log.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("webhook: post %s %s to %s: %w", n.Event, n.ID, w.host, err)
	}
	defer resp.Body.Close()
	err = checkResponse(resp, w.cfg.Clock.Now())
	// Drain what is left so that the connection is reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("webhook: post %s %s: %w", n.Event, n.ID, err)
	}
	return nil
}
