package config

import (
	"cmp"
	"fmt"
	"net"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Notifier tells people or systems about handoff events. Notifier names are
// the keys of the notifiers map, read in lower case; teams name them in
// notify.
type Notifier struct {
	// Kind is email, webhook, slack, discord, mattermost or msteams.
	Kind string `mapstructure:"kind"`
	// Events lists the events sent (handoff.requested, …); empty means all.
	Events []string `mapstructure:"events"`

	// Email: SMTP server host:port, sender, recipients, login.
	SMTP        string   `mapstructure:"smtp"`
	From        string   `mapstructure:"from"`
	To          []string `mapstructure:"to"`
	Username    string   `mapstructure:"username"`
	PasswordEnv string   `mapstructure:"password_env"`
	// TLS is starttls (the default: port 587), implicit (port 465) or none
	// (a relay on the same host; no login then).
	TLS string `mapstructure:"tls"`
	// Templates of the subject and the text part (text/template) and the
	// HTML part (html/template); empty means the built-in one.
	SubjectTemplate string `mapstructure:"subject_template"`
	TextTemplate    string `mapstructure:"text_template"`
	HTMLTemplate    string `mapstructure:"html_template"`
	// At most DigestThreshold messages go out per DigestWindow; further
	// events are sent as one digest at the end of the window. Unset: 10
	// per minute; 0 turns digests off.
	DigestThreshold *int          `mapstructure:"digest_threshold"`
	DigestWindow    time.Duration `mapstructure:"digest_window"`

	// Webhook: the URL posted to and the HMAC key of X-Bridge-Signature.
	URL       string `mapstructure:"url"`
	SecretEnv string `mapstructure:"secret_env"`

	// Slack, Discord, Mattermost and Teams: the channel (empty means the
	// team's channel); all but Teams: the mention (@here, a user group, a
	// role).
	Channel string `mapstructure:"channel"`
	Mention string `mapstructure:"mention"`

	// Resolved from PasswordEnv and SecretEnv.
	Password Secret `mapstructure:"-"`
	Secret   Secret `mapstructure:"-"`
}

var (
	notifierKinds = []string{"email", "webhook", "slack", "discord", "mattermost", "msteams"}
	// notificationEvents are the event names notifiers may subscribe to.
	notificationEvents = []string{
		string(bridge.EventRequested), string(bridge.EventJoined), string(bridge.EventRejected),
		string(bridge.EventResolved), string(bridge.EventFallback), string(bridge.EventAbandoned),
		string(bridge.EventLead), string(bridge.EventTransferred),
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
			p.oneOf(path+".tls", "tls mode", cmp.Or(n.TLS, "starttls"), "starttls", "implicit", "none")
			if n.TLS == "none" && n.Username != "" {
				p.addf(path+".tls", "none would send the password in clear: use starttls or implicit with a username")
			}
			if n.DigestThreshold != nil && *n.DigestThreshold < 0 {
				p.addf(path+".digest_threshold", "must not be negative (0 turns digests off)")
			}
			checkDuration(p, path+".digest_window", n.DigestWindow, true, time.Second)
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
		case "slack", "discord", "mattermost", "msteams":
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
		{"tls", n.TLS != "", "email"},
		{"subject_template", n.SubjectTemplate != "", "email"},
		{"text_template", n.TextTemplate != "", "email"},
		{"html_template", n.HTMLTemplate != "", "email"},
		{"digest_threshold", n.DigestThreshold != nil, "email"},
		{"digest_window", n.DigestWindow != 0, "email"},
		{"url", n.URL != "", "webhook"},
		{"secret_env", n.SecretEnv != "", "webhook"},
		{"channel", n.Channel != "", "slack discord mattermost msteams"},
		{"mention", n.Mention != "", "slack discord mattermost"},
	}
	for _, f := range fields {
		if f.set && !slices.Contains(strings.Fields(f.kinds), n.Kind) {
			p.addf(path+"."+f.key, "not used by kind %s (only by %s)", n.Kind, orList(strings.Fields(f.kinds)))
		}
	}
}
