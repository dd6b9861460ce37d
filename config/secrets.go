package config

// LookupEnv looks an environment variable up, like os.LookupEnv. Tests
// inject their own instead of changing the process environment.
type LookupEnv func(key string) (value string, ok bool)

// resolveSecrets fills every Secret field from the variable its *_env key
// names. An empty name resolves to an empty secret; validation decides which
// secrets are required.
func (c *Config) resolveSecrets(env LookupEnv) {
	get := func(name string) Secret {
		if name == "" {
			return ""
		}
		c.secretEnvs = append(c.secretEnvs, name)
		v, _ := env(name)
		return Secret(v)
	}
	if c.Store.Driver == "postgres" {
		c.Store.PostgresDSN = get(c.Store.DSNEnv)
	}
	c.Slack.BotToken = get(c.Slack.BotTokenEnv)
	c.Slack.AppToken = get(c.Slack.AppTokenEnv)
	c.Slack.SigningSecret = get(c.Slack.SigningSecretEnv)
	c.Discord.BotToken = get(c.Discord.BotTokenEnv)
	c.Mattermost.Token = get(c.Mattermost.TokenEnv)
	c.Mattermost.SlashToken = get(c.Mattermost.SlashTokenEnv)
	c.MSTeams.AppPassword = get(c.MSTeams.AppPasswordEnv)
	w := &c.Channels
	w.Web.SessionSecret = get(w.Web.SessionSecretEnv)
	w.Telegram.Token = get(w.Telegram.TokenEnv)
	w.Telegram.WebhookSecret = get(w.Telegram.WebhookSecretEnv)
	w.WhatsApp.Token = get(w.WhatsApp.TokenEnv)
	w.WhatsApp.AppSecret = get(w.WhatsApp.AppSecretEnv)
	w.WhatsApp.VerifyToken = get(w.WhatsApp.VerifyTokenEnv)
	c.Responder.OpenAI.APIKey = get(c.Responder.OpenAI.APIKeyEnv)
	c.Responder.Webhook.Secret = get(c.Responder.Webhook.SecretEnv)
	c.Console.AdminToken = get(c.Console.AdminTokenEnv)
	for i := range c.Agents {
		c.Agents[i].ConsoleToken = get(c.Agents[i].ConsoleTokenEnv)
	}
	c.resolveIntegrationSecrets(get)
	for name, n := range c.Notifiers {
		n.Password = get(n.PasswordEnv)
		n.Secret = get(n.SecretEnv)
		c.Notifiers[name] = n
	}
}

// requiredSecret reports a secret that must be present: path is its *_env
// key, why says what needs it.
func requiredSecret(p *problems, path, envName string, value Secret, why string) {
	if envName == "" {
		p.addf(path, "must name an environment variable: %s", why)
		return
	}
	if value.IsZero() {
		p.addf(path, "environment variable %s is empty", envName)
	}
}

// optionalSecret reports a secret whose *_env key is set but whose variable
// is empty.
func optionalSecret(p *problems, path, envName string, value Secret) {
	if envName != "" && value.IsZero() {
		p.addf(path, "environment variable %s is empty", envName)
	}
}
