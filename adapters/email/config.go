package email

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// TLSMode says how the connection to the SMTP server is secured.
type TLSMode string

// TLS modes.
const (
	// STARTTLS connects in plain text and upgrades before anything else is
	// said (submission, port 587). The server must offer it.
	STARTTLS TLSMode = "starttls"
	// ImplicitTLS speaks TLS from the first byte (port 465).
	ImplicitTLS TLSMode = "implicit"
	// NoTLS sends in plain text, for a relay on the same host; a login is
	// then refused, as it would travel in clear.
	NoTLS TLSMode = "none"
)

// Defaults of Options.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultConfigPause = 15 * time.Minute
)

// Options configures an email notifier.
type Options struct {
	// Addr is the SMTP server's host:port.
	Addr string
	// TLS is the connection's security; default STARTTLS.
	TLS TLSMode
	// TLSConfig overrides the TLS settings (tests trust their own CA with
	// it); default: verify the server's certificate for Addr's host.
	TLSConfig *tls.Config
	// Username and Password log in with AUTH PLAIN; no login when empty.
	Username, Password string
	// From is the sender address; To the recipients.
	From string
	To   []string
	// Templates render the subject and the parts; default DefaultTemplates.
	Templates *Templates
	// Link returns the link to a handoff shown in the message; nil leaves
	// it out.
	Link func(bridge.Notification) string
	// DigestThreshold is how many messages may go out within DigestWindow
	// before further events are held and sent as one digest at the end of
	// the window; 0 sends every event on its own.
	DigestThreshold int
	DigestWindow    time.Duration
	// Timeout bounds one SMTP session; default DefaultTimeout.
	Timeout time.Duration
	// ConfigPause is how long the notifier stops contacting the server
	// after an authentication or TLS failure (the config must be fixed;
	// retrying at once would only lock the account); default
	// DefaultConfigPause.
	ConfigPause time.Duration
	// Clock is for the digest window and the Date header; default the
	// system clock.
	Clock bridge.Clock
}

func (c *Options) check() error {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("email: smtp address %q: want host:port: %w", c.Addr, err)
	}
	switch c.TLS {
	case "":
		c.TLS = STARTTLS
	case STARTTLS, ImplicitTLS:
	case NoTLS:
		if c.Username != "" {
			return errors.New("email: a login needs TLS (starttls or implicit): the password would travel in clear")
		}
	default:
		return fmt.Errorf("email: unknown TLS mode %q: want starttls, implicit or none", c.TLS)
	}
	if c.Username != "" && c.Password == "" {
		return errors.New("email: a username is set but the password is empty")
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("email: sender %q: %w", c.From, err)
	}
	if len(c.To) == 0 {
		return errors.New("email: no recipients")
	}
	for _, to := range c.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return fmt.Errorf("email: recipient %q: %w", to, err)
		}
	}
	if c.DigestThreshold < 0 || (c.DigestThreshold > 0 && c.DigestWindow <= 0) {
		return errors.New("email: a digest needs a threshold of at least 1 and a positive window")
	}
	if c.TLSConfig == nil {
		c.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if c.TLSConfig.ServerName == "" {
		c.TLSConfig = c.TLSConfig.Clone()
		c.TLSConfig.ServerName = host
	}
	if c.Templates == nil {
		c.Templates = DefaultTemplates()
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.ConfigPause <= 0 {
		c.ConfigPause = DefaultConfigPause
	}
	if c.Clock == nil {
		c.Clock = bridge.SystemClock{}
	}
	return nil
}
