package config

import "regexp"

// Integration is an outside bot that hands conversations to human agents
// through the HTTP API (/api/v1). Integration names are the keys of the
// integrations map, read in lower case; each conversation belongs to one.
type Integration struct {
	// APIKeysEnv names the variables holding the integration's API keys.
	// Several keys are accepted at once, so a key can be rotated without
	// downtime: add the new one, move the bot over, remove the old one.
	APIKeysEnv []string `mapstructure:"api_keys_env"`
	// CallbackURL receives the signed callbacks (agent messages, typing,
	// state changes); empty means the bot reads the event stream instead.
	CallbackURL string `mapstructure:"callback_url"`
	// CallbackSecretEnv names the variable holding the HMAC key that signs
	// callbacks; required with a callback URL.
	CallbackSecretEnv string `mapstructure:"callback_secret_env"`
	// DefaultTeam receives handoffs that name no team; empty means
	// handoff.default_team.
	DefaultTeam string `mapstructure:"default_team"`
	// Teams the integration may hand off to; empty means only its default
	// team.
	Teams []string `mapstructure:"teams"`
	// RateLimit is the requests per second one integration may make, with
	// bursts of up to Burst.
	RateLimit float64 `mapstructure:"rate_limit" default:"20"`
	Burst     int     `mapstructure:"burst" default:"40"`
	// Triggers lets the bridge's own triggers (handoff.triggers) fire on
	// user messages posted outside a handoff; off, they are only recorded.
	Triggers bool `mapstructure:"triggers" default:"false"`
	// MaxMessageBytes caps one message's text.
	MaxMessageBytes int `mapstructure:"max_message_bytes" default:"8000"`

	// Resolved from the *Env fields.
	APIKeys        []Secret `mapstructure:"-"`
	CallbackSecret Secret   `mapstructure:"-"`
}

// integrationName is what an integration may be called: it becomes part of
// conversation addresses.
var integrationName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// minAPIKeyBytes keeps guessable keys out.
const minAPIKeyBytes = 24

func (c *Config) resolveIntegrationSecrets(get func(string) Secret) {
	for name, in := range c.Integrations {
		in.APIKeys = nil
		for _, env := range in.APIKeysEnv {
			in.APIKeys = append(in.APIKeys, get(env))
		}
		in.CallbackSecret = get(in.CallbackSecretEnv)
		c.Integrations[name] = in
	}
}

// EffectiveTeam is the team an integration's handoff without a team goes to.
func (c *Config) EffectiveTeam(in Integration) string {
	if in.DefaultTeam != "" {
		return in.DefaultTeam
	}
	return c.Handoff.DefaultTeam
}

func (c *Config) validateIntegrations(p *problems) {
	keyOwner := map[Secret]string{}
	for _, name := range sortedKeys(c.Integrations) {
		in := c.Integrations[name]
		path := "integrations." + name
		if !integrationName.MatchString(name) {
			p.addf(path, "integration names are 1 to 32 lower-case letters, digits, _ or -")
		}
		if len(in.APIKeysEnv) == 0 {
			p.addf(path+".api_keys_env", "must name at least one environment variable holding an API key")
		}
		for i, env := range in.APIKeysEnv {
			key := index(path+".api_keys_env", i)
			switch {
			case env == "":
				p.addf(key, "must name an environment variable")
			case i < len(in.APIKeys) && in.APIKeys[i].IsZero():
				p.addf(key, "environment variable %s is empty", env)
			case i < len(in.APIKeys) && len(in.APIKeys[i].Reveal()) < minAPIKeyBytes:
				p.addf(key, "the key in %s is too short: use at least %d random characters", env, minAPIKeyBytes)
			case i < len(in.APIKeys) && keyOwner[in.APIKeys[i]] != "":
				p.addf(key, "the key in %s is also a key of integration %s: each integration needs its own", env, keyOwner[in.APIKeys[i]])
			case i < len(in.APIKeys):
				keyOwner[in.APIKeys[i]] = name
			}
		}
		if in.CallbackURL != "" {
			if err := checkHTTPURL(in.CallbackURL); err != nil {
				p.add(path+".callback_url", err)
			}
			requiredSecret(p, path+".callback_secret_env", in.CallbackSecretEnv, in.CallbackSecret, "callbacks are signed")
		} else {
			optionalSecret(p, path+".callback_secret_env", in.CallbackSecretEnv, in.CallbackSecret)
		}
		if in.DefaultTeam != "" {
			c.checkTeam(p, path+".default_team", in.DefaultTeam)
		}
		for i, t := range in.Teams {
			c.checkTeam(p, index(path+".teams", i), t)
		}
		if in.RateLimit <= 0 {
			p.addf(path+".rate_limit", "must be positive (requests per second)")
		}
		if in.Burst <= 0 {
			p.addf(path+".burst", "must be positive")
		}
		if in.MaxMessageBytes <= 0 {
			p.addf(path+".max_message_bytes", "must be positive")
		}
	}
}
