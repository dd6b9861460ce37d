package config

import (
	"strings"
	"time"
)

// MSTeams is the Microsoft Teams bot (Bot Framework): an agent workspace.
// Activities arrive at /teams/messages, signed by the Bot Framework; the
// bridge answers through the Bot Connector API with a token it gets from
// Microsoft Entra ID with the app's id and password.
type MSTeams struct {
	Enabled bool `mapstructure:"enabled" default:"false"`
	// AppID is the bot's Microsoft App ID (the Entra app registration's
	// Application (client) ID): the audience of inbound tokens.
	AppID string `mapstructure:"app_id"`
	// AppPasswordEnv names the variable holding the app's client secret.
	AppPasswordEnv string `mapstructure:"app_password_env" default:"TEAMS_APP_PASSWORD"`
	// TenantID is the Entra tenant of a single-tenant bot (the default
	// for new bots); "botframework.com" for a multi-tenant one.
	TenantID string `mapstructure:"tenant_id"`
	// ServiceURL is the Bot Connector of the team's region, where the
	// bridge posts (Teams names it in every activity).
	ServiceURL string `mapstructure:"service_url" default:"https://smba.trafficmanager.net/teams/"`
	// TokenURL is where the bridge gets its tokens; "{tenant}" is replaced
	// by TenantID.
	TokenURL string `mapstructure:"token_url" default:"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"`
	// OpenIDURL is the Bot Framework's OpenID metadata document, which
	// names the keys inbound activities are signed with.
	OpenIDURL string `mapstructure:"openid_url" default:"https://login.botframework.com/v1/.well-known/openidconfiguration"`
	// Issuer is the issuer inbound tokens must carry.
	Issuer string `mapstructure:"issuer" default:"https://api.botframework.com"`
	// ClockSkew is how far a token's times may be off.
	ClockSkew time.Duration `mapstructure:"clock_skew" default:"5m"`

	// AppPassword is resolved from AppPasswordEnv.
	AppPassword Secret `mapstructure:"-"`
}

func (c *Config) validateMSTeams(p *problems) {
	m := c.MSTeams
	if !m.Enabled {
		return
	}
	if strings.TrimSpace(m.AppID) == "" {
		p.addf("msteams.app_id", "required when msteams is enabled: the bot's Microsoft App ID")
	}
	if strings.TrimSpace(m.TenantID) == "" {
		p.addf("msteams.tenant_id", "required when msteams is enabled: the Entra tenant id (botframework.com for a multi-tenant bot)")
	}
	requiredSecret(p, "msteams.app_password_env", m.AppPasswordEnv, m.AppPassword, "msteams is enabled")
	for key, u := range map[string]string{"msteams.service_url": m.ServiceURL, "msteams.openid_url": m.OpenIDURL,
		"msteams.token_url": strings.ReplaceAll(m.TokenURL, "{tenant}", "t")} {
		if err := checkHTTPURL(u); err != nil {
			p.add(key, err)
		}
	}
	if strings.TrimSpace(m.Issuer) == "" {
		p.addf("msteams.issuer", "must not be empty")
	}
	checkDuration(p, "msteams.clock_skew", m.ClockSkew, true, time.Second)
}
