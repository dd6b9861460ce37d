package config

import "strings"

// Mattermost is a Mattermost server as an agent workspace: a bot account
// with a personal access token; clicks on the cards' buttons and the
// /handoffs slash command come back to the bridge at http.public_url.
type Mattermost struct {
	Enabled bool `mapstructure:"enabled" default:"false"`
	// URL is the server's address (its Site URL), e.g.
	// https://chat.example.com.
	URL string `mapstructure:"url"`
	// TokenEnv names the variable holding the bot's personal access token.
	TokenEnv string `mapstructure:"token_env" default:"MATTERMOST_TOKEN"`
	// SlashTokenEnv names the variable holding the /handoffs slash
	// command's token; when the variable is unset the command is off.
	SlashTokenEnv string `mapstructure:"slash_token_env" default:"MATTERMOST_SLASH_TOKEN"`
	// NoteEmoji marks agents' replies that stay internal notes.
	NoteEmoji string `mapstructure:"note_emoji" default:"lock"`

	// Resolved from the *Env fields.
	Token      Secret `mapstructure:"-"`
	SlashToken Secret `mapstructure:"-"`
}

func (c *Config) validateMattermost(p *problems) {
	m := c.Mattermost
	if !m.Enabled {
		return
	}
	requiredSecret(p, "mattermost.token_env", m.TokenEnv, m.Token, "mattermost is enabled")
	if strings.TrimSpace(m.URL) == "" {
		p.addf("mattermost.url", "required when mattermost is enabled: the server's address, e.g. https://chat.example.com")
	} else if err := checkHTTPURL(m.URL); err != nil {
		p.add("mattermost.url", err)
	}
	if c.HTTP.PublicURL == "" {
		p.addf("http.public_url", "required when mattermost is enabled: the cards' buttons post their clicks to it")
	}
	if strings.Trim(m.NoteEmoji, ": ") == "" {
		p.addf("mattermost.note_emoji", "must name an emoji, e.g. lock")
	}
}
