package config

import (
	"fmt"
	"net"
	"net/mail"
	"slices"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// Notifier tells people or systems about handoff events. Notifier names are
// the keys of the notifiers map, read in lower case; teams name them in
// notify.
type Notifier struct {
	// Kind is email, webhook, slack or discord.
	Kind string `mapstructure:"kind"`
	// Events lists the events sent (handoff.requested, …); empty means all.
	Events []string `mapstructure:"events"`

	// Email: SMTP server host:port (STARTTLS), sender, recipients, login.
	SMTP        string   `mapstructure:"smtp"`
	From        string   `mapstructure:"from"`
	To          []string `mapstructure:"to"`
	Username    string   `mapstructure:"username"`
	PasswordEnv string   `mapstructure:"password_env"`

	// Webhook: the URL posted to and the HMAC key for X-Signature.
	URL       string `mapstructure:"url"`
	SecretEnv string `mapstructure:"secret_env"`

	// Slack and Discord: the channel (empty means the team's channel) and
	// the mention (@here, a user group, a role).
	Channel string `mapstructure:"channel"`
	Mention string `mapstructure:"mention"`

	// Resolved from PasswordEnv and SecretEnv.
	Password Secret `mapstructure:"-"`
	Secret   Secret `mapstructure:"-"`
}

var (
	notifierKinds = []string{"email", "webhook", "slack", "discord"}
	// notificationEvents are the event names notifiers may subscribe to.
	notificationEvents = []string{
		string(bridge.EventRequested), string(bridge.EventJoined), string(bridge.EventRejected),
		string(bridge.EventResolved), string(bridge.EventFallback), string(bridge.EventAbandoned),
		string(bridge.EventLead),
	}
)

// Wants reports whether the notifier is sent events of kind e.
func (n Notifier) Wants(e bridge.HandoffEventKind) bool {
	return len(n.Events) == 0 || slices.Contains(n.Events, string(e))
}

func (c *Config) validateNotifiers(p *problems) {
	for _, name := range sortedKeys(c.Notifiers) {
		n := c.Notifiers[name]
		path := "notifiers." + name
		for i, e := range n.Events {
			p.oneOf(index(path+".events", i), "event", e, notificationEvents...)
		}
		if !p.oneOf(path+".kind", "kind", n.Kind, notifierKinds...) {
			continue
		}
		n.checkUnused(p, path)
		switch n.Kind {
		case "email":
			if _, _, err := net.SplitHostPort(n.SMTP); err != nil {
				p.add(path+".smtp", fmt.Errorf("want host:port such as smtp.example.com:587: %w", err))
			}
			if _, err := mail.ParseAddress(n.From); err != nil {
				p.add(path+".from", fmt.Errorf("bad address %q: %w", n.From, err))
			}
			if len(n.To) == 0 {
				p.addf(path+".to", "must list at least one address")
			}
			for i, to := range n.To {
				if _, err := mail.ParseAddress(to); err != nil {
					p.add(index(path+".to", i), fmt.Errorf("bad address %q: %w", to, err))
				}
			}
			if n.Username != "" {
				requiredSecret(p, path+".password_env", n.PasswordEnv, n.Password, "username is set")
			} else {
				optionalSecret(p, path+".password_env", n.PasswordEnv, n.Password)
			}
		case "webhook":
			if err := checkHTTPURL(n.URL); err != nil {
				p.add(path+".url", err)
			}
			requiredSecret(p, path+".secret_env", n.SecretEnv, n.Secret, "webhook payloads are signed")
		case "slack", "discord":
			if on, key := c.workspaceEnabled(n.Kind); !on {
				p.addf(path+".kind", "%s is not enabled (set %s: true)", n.Kind, key)
			}
		}
	}
}

// checkUnused reports keys that the notifier's kind does not read: they are
// most likely meant for another kind.
func (n Notifier) checkUnused(p *problems, path string) {
	fields := []struct {
		key   string
		set   bool
		kinds string
	}{
		{"smtp", n.SMTP != "", "email"},
		{"from", n.From != "", "email"},
		{"to", len(n.To) > 0, "email"},
		{"username", n.Username != "", "email"},
		{"password_env", n.PasswordEnv != "", "email"},
		{"url", n.URL != "", "webhook"},
		{"secret_env", n.SecretEnv != "", "webhook"},
		{"channel", n.Channel != "", "slack discord"},
		{"mention", n.Mention != "", "slack discord"},
	}
	for _, f := range fields {
		if f.set && !slices.Contains(strings.Fields(f.kinds), n.Kind) {
			p.addf(path+"."+f.key, "not used by kind %s (only by %s)", n.Kind, orList(strings.Fields(f.kinds)))
		}
	}
}
