package upstream

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Defaults for the zero values of Options.
const (
	DefaultTimeout    = 10 * time.Second
	DefaultConfidence = 0.9
	DefaultMaxHistory = 50
)

// Options configures a Responder.
type Options struct {
	// URL is where each message is POSTed.
	URL string
	// Secret, when set, signs each request body (X-Bridge-Signature). It is
	// never logged.
	Secret string
	// Header holds extra request headers, e.g. an Authorization the bot
	// expects. Their values are never logged.
	Header http.Header
	// Timeout bounds one request, on top of the caller's context; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// HTTPClient sends the requests; nil means a client of its own.
	HTTPClient *http.Client
	// Confidence is given to answers that carry no confidence, in (0, 1];
	// zero means DefaultConfidence.
	Confidence float64
	// MaxHistory is how many of the latest history messages are sent; zero
	// means DefaultMaxHistory, negative sends none.
	MaxHistory int
}

func (c Options) withDefaults() (Options, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return c, fmt.Errorf("url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("url %q: want an http or https URL", c.URL)
	}
	if c.Timeout < 0 {
		return c, fmt.Errorf("timeout %s is negative", c.Timeout)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	if c.Confidence == 0 {
		c.Confidence = DefaultConfidence
	}
	if !(c.Confidence > 0 && c.Confidence <= 1) {
		return c, fmt.Errorf("confidence %v: want a value in (0, 1]", c.Confidence)
	}
	if c.MaxHistory == 0 {
		c.MaxHistory = DefaultMaxHistory
	}
	c.Header = c.Header.Clone()
	return c, nil
}

func (c Options) redacted() string {
	secret := ""
	if c.Secret != "" {
		secret = "[redacted]"
	}
	names := make([]string, 0, len(c.Header))
	for k := range c.Header {
		names = append(names, k)
	}
	return fmt.Sprintf("{URL:%s Secret:%s Header:%v Timeout:%s Confidence:%v MaxHistory:%d}",
		redactURL(c.URL), secret, names, c.Timeout, c.Confidence, c.MaxHistory)
}

// redactURL hides a password in the URL's user info.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "[unparsable URL]"
	}
	return u.Redacted()
}

// String prints the Options without its secret and header values.
func (c Options) String() string { return c.redacted() }

// GoString prints the Options without its secret and header values (%#v).
func (c Options) GoString() string { return "upstream.Options" + c.redacted() }

// LogValue logs the Options without its secret and header values.
func (c Options) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", redactURL(c.URL)),
		slog.Bool("signed", c.Secret != ""),
		slog.Duration("timeout", c.Timeout),
		slog.Float64("confidence", c.Confidence),
	)
}
