package openai

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults for the zero values of Options.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultConfidence = 0.9
	DefaultMaxHistory = 20
)

// DefaultSystemPrompt is used when Options.SystemPrompt is empty.
const DefaultSystemPrompt = `You are the support assistant of this service, chatting with a user.
Answer briefly and accurately, in the user's language, using Markdown sparingly.
If you do not know the answer, if the user asks for a person, or if the request
needs a human (account changes, complaints, legal, medical or financial advice),
call the request_human_handoff tool with a short reason instead of guessing.`

// Options configures a Responder.
type Options struct {
	// BaseURL is the API root, before /chat/completions: e.g.
	// https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama).
	BaseURL string
	// Model is the model name, e.g. "gpt-4o-mini" or "llama3.1".
	Model string
	// APIKey, when set, is sent as "Authorization: Bearer <key>". Local
	// servers usually need none. It is never logged.
	APIKey string
	// SystemPrompt leads every request; empty means DefaultSystemPrompt.
	SystemPrompt string
	// Temperature is sent when set; nil leaves the server's default.
	Temperature *float64
	// Timeout bounds one request, on top of the caller's context; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// HTTPClient sends the requests; nil means a client of its own.
	HTTPClient *http.Client
	// Confidence is given to answers in content, in (0, 1]; zero means
	// DefaultConfidence. See the package documentation.
	Confidence float64
	// MaxHistory is how many of the latest history messages are sent; zero
	// means DefaultMaxHistory, negative sends none.
	MaxHistory int
}

func (c Options) withDefaults() (Options, error) {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return c, fmt.Errorf("base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("base URL %q: want an http or https URL such as http://localhost:11434/v1", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if strings.TrimSpace(c.Model) == "" {
		return c, errors.New("model is empty")
	}
	if c.SystemPrompt == "" {
		c.SystemPrompt = DefaultSystemPrompt
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
	return c, nil
}

// redacted is the Options as printed and logged: without the API key.
func (c Options) redacted() string {
	key := ""
	if c.APIKey != "" {
		key = "[redacted]"
	}
	temp := "default"
	if c.Temperature != nil {
		temp = fmt.Sprint(*c.Temperature)
	}
	return fmt.Sprintf("{BaseURL:%s Model:%s APIKey:%s Temperature:%s Timeout:%s Confidence:%v MaxHistory:%d}",
		c.BaseURL, c.Model, key, temp, c.Timeout, c.Confidence, c.MaxHistory)
}

// String prints the Options without its API key.
func (c Options) String() string { return c.redacted() }

// GoString prints the Options without its API key (for %#v).
func (c Options) GoString() string { return "openai.Options" + c.redacted() }

// LogValue logs the Options without its API key.
func (c Options) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("model", c.Model),
		slog.Bool("api_key_set", c.APIKey != ""),
		slog.Duration("timeout", c.Timeout),
		slog.Float64("confidence", c.Confidence),
	)
}
