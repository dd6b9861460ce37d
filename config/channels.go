package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Channels are where users chat.
type Channels struct {
	Web      WebChannel      `mapstructure:"web"`
	Telegram TelegramChannel `mapstructure:"telegram"`
	WhatsApp WhatsAppChannel `mapstructure:"whatsapp"`
	Discord  DiscordChannel  `mapstructure:"discord"`
}

// WebChannel is the embeddable web widget.
type WebChannel struct {
	Enabled bool `mapstructure:"enabled" default:"true"`
	// AllowedOrigins may open the widget socket ("https://www.example.com",
	// or "*" for any); empty allows only the bridge's own origin.
	AllowedOrigins []string `mapstructure:"allowed_origins"`
	// MaxMessageBytes caps one user message.
	MaxMessageBytes int `mapstructure:"max_message_bytes" default:"4000"`
	// MaxSocketsPerClient caps the widget sockets open at once from one
	// client address (after trusted proxies); more are closed at once.
	MaxSocketsPerClient int `mapstructure:"max_sockets_per_client" default:"20"`
	// SessionSecretEnv names the variable holding the key that signs widget
	// session tokens; empty means a random key generated on first start and
	// kept in the store (sessions survive restarts either way).
	SessionSecretEnv string `mapstructure:"session_secret_env"`

	// Uploads are the files users may send from the widget.
	Uploads WebUploads `mapstructure:"uploads"`

	// SessionSecret is resolved from SessionSecretEnv.
	SessionSecret Secret `mapstructure:"-"`
}

// WebUploads bound the files users send from the widget (kept in the data
// directory's files/ next to the database).
type WebUploads struct {
	Enabled bool `mapstructure:"enabled" default:"true"`
	// MaxBytes caps one file.
	MaxBytes int64 `mapstructure:"max_bytes" default:"10485760"`
	// AllowedTypes are media types ("application/pdf") or families
	// ("image/*"); empty means images (PNG, JPEG, GIF, WebP), PDF, plain
	// text and CSV.
	AllowedTypes []string `mapstructure:"allowed_types"`
}

// TelegramChannel is a Telegram bot.
type TelegramChannel struct {
	Enabled  bool   `mapstructure:"enabled" default:"false"`
	TokenEnv string `mapstructure:"token_env" default:"TELEGRAM_BOT_TOKEN"`
	// Mode is polling (long polling) or webhook (at /telegram/webhook; needs
	// http.public_url).
	Mode             string `mapstructure:"mode" default:"polling"`
	WebhookSecretEnv string `mapstructure:"webhook_secret_env" default:"TELEGRAM_WEBHOOK_SECRET"`
	// Groups lets the bot serve group chats, answering only when addressed
	// (a mention or a reply to the bot); off, only private chats are served.
	Groups bool `mapstructure:"groups" default:"false"`
	// APIURL is the Bot API server (a self-hosted one, or a test fake).
	APIURL string `mapstructure:"api_url" default:"https://api.telegram.org"`
	// StallTimeout is how long long polling may go without a successful
	// getUpdates answer (calls failing, or one hanging) before /readyz says
	// degraded and the poller restarts. It must exceed the 25 s long poll.
	StallTimeout time.Duration `mapstructure:"stall_timeout" default:"75s"`

	// Resolved from the *Env fields.
	Token         Secret `mapstructure:"-"`
	WebhookSecret Secret `mapstructure:"-"`
}

// WhatsAppChannel is a WhatsApp Cloud API number.
type WhatsAppChannel struct {
	Enabled        bool   `mapstructure:"enabled" default:"false"`
	PhoneNumberID  string `mapstructure:"phone_number_id"`
	TokenEnv       string `mapstructure:"token_env" default:"WHATSAPP_TOKEN"`
	AppSecretEnv   string `mapstructure:"app_secret_env" default:"WHATSAPP_APP_SECRET"`
	VerifyTokenEnv string `mapstructure:"verify_token_env" default:"WHATSAPP_VERIFY_TOKEN"`
	// APIURL and APIVersion locate the Graph API (a test fake changes the URL).
	APIURL     string `mapstructure:"api_url" default:"https://graph.facebook.com"`
	APIVersion string `mapstructure:"api_version" default:"v21.0"`
	// TemplateName is an approved message template sent instead of an agent
	// reply that falls outside the 24-hour window; empty sends none (the
	// agent is told either way). TemplateLanguage is its language code.
	TemplateName     string `mapstructure:"template_name"`
	TemplateLanguage string `mapstructure:"template_language" default:"en_US"`

	// Resolved from the *Env fields.
	Token       Secret `mapstructure:"-"`
	AppSecret   Secret `mapstructure:"-"`
	VerifyToken Secret `mapstructure:"-"`
}

// DiscordChannel lets users reach the Discord bot (see Discord) by direct
// message or in support channels.
type DiscordChannel struct {
	Enabled bool `mapstructure:"enabled" default:"false"`
	// SupportChannels are channel ids where users may write to the bot.
	SupportChannels []string `mapstructure:"support_channels"`
}

var telegramModes = []string{"polling", "webhook"}

// graphVersion is a Graph API version path segment.
var graphVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

func (c *Config) validateChannels(p *problems) {
	if w := c.Channels.Web; w.Enabled {
		for i, o := range w.AllowedOrigins {
			if err := checkOrigin(o); err != nil {
				p.add(index("channels.web.allowed_origins", i), err)
			}
		}
		if w.MaxMessageBytes <= 0 {
			p.addf("channels.web.max_message_bytes", "must be positive")
		}
		if w.MaxSocketsPerClient <= 0 {
			p.addf("channels.web.max_sockets_per_client", "must be positive")
		}
		optionalSecret(p, "channels.web.session_secret_env", w.SessionSecretEnv, w.SessionSecret)
		if u := w.Uploads; u.Enabled {
			if u.MaxBytes <= 0 {
				p.addf("channels.web.uploads.max_bytes", "must be positive")
			}
			for i, t := range u.AllowedTypes {
				if typ, sub, ok := strings.Cut(t, "/"); !ok || typ == "" || sub == "" || strings.ContainsAny(t, " ;,") || typ == "*" {
					p.addf(index("channels.web.uploads.allowed_types", i), "%q is not a media type like image/png or image/*", t)
				}
			}
		}
	}
	if t := c.Channels.Telegram; t.Enabled {
		requiredSecret(p, "channels.telegram.token_env", t.TokenEnv, t.Token, "telegram is enabled")
		if p.oneOf("channels.telegram.mode", "mode", t.Mode, telegramModes...) && t.Mode == "webhook" {
			requiredSecret(p, "channels.telegram.webhook_secret_env", t.WebhookSecretEnv, t.WebhookSecret, "channels.telegram.mode is webhook")
			if c.HTTP.PublicURL == "" {
				p.addf("http.public_url", "required when channels.telegram.mode is webhook")
			}
		}
		if err := checkHTTPURL(t.APIURL); err != nil {
			p.add("channels.telegram.api_url", err)
		}
		checkDuration(p, "channels.telegram.stall_timeout", t.StallTimeout, false, time.Second)
		if t.StallTimeout >= time.Second && t.StallTimeout < 30*time.Second {
			p.addf("channels.telegram.stall_timeout", "must be at least 30s (the long poll itself waits 25s), got %v", t.StallTimeout)
		}
	}
	if w := c.Channels.WhatsApp; w.Enabled {
		if strings.TrimSpace(w.PhoneNumberID) == "" {
			p.addf("channels.whatsapp.phone_number_id", "required when whatsapp is enabled")
		}
		requiredSecret(p, "channels.whatsapp.token_env", w.TokenEnv, w.Token, "whatsapp is enabled")
		requiredSecret(p, "channels.whatsapp.app_secret_env", w.AppSecretEnv, w.AppSecret, "whatsapp is enabled")
		requiredSecret(p, "channels.whatsapp.verify_token_env", w.VerifyTokenEnv, w.VerifyToken, "whatsapp is enabled")
		if err := checkHTTPURL(w.APIURL); err != nil {
			p.add("channels.whatsapp.api_url", err)
		}
		if !graphVersion.MatchString(w.APIVersion) {
			p.addf("channels.whatsapp.api_version", "want a Graph API version such as v21.0, got %q", w.APIVersion)
		}
		if w.TemplateName != "" && strings.TrimSpace(w.TemplateLanguage) == "" {
			p.addf("channels.whatsapp.template_language", "required when channels.whatsapp.template_name is set")
		}
	}
	if d := c.Channels.Discord; d.Enabled {
		if !c.Discord.Enabled {
			p.addf("channels.discord.enabled", "needs the Discord bot: set discord.enabled: true")
		}
		for i, id := range d.SupportChannels {
			if !digits(id) {
				p.addf(index("channels.discord.support_channels", i), "want a numeric channel id, got %q", id)
			}
		}
	}
}

// checkOrigin accepts "*" and scheme://host[:port].
func checkOrigin(o string) error {
	if o == "*" {
		return nil
	}
	u, err := url.Parse(o)
	if err != nil {
		return fmt.Errorf("bad origin %q: %w", o, err)
	}
	if u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("bad origin %q, want scheme://host[:port] such as https://www.example.com, or *", o)
	}
	return nil
}
