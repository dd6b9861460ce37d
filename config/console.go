package config

// minAdminToken is the shortest admin token taken: guessing it must be
// out of reach.
const minAdminToken = 16

// HasConsoleLogin reports whether an agent has a console token or password
// in the config; without one the bridge makes an admin login.
func (c *Config) HasConsoleLogin() bool {
	for _, a := range c.Agents {
		if a.ConsoleTokenEnv != "" || a.ConsolePasswordHash.Reveal() != "" {
			return true
		}
	}
	return false
}

// validateConsole checks the console's own keys. Replicas sharing a
// PostgreSQL store must accept the same logins, so the made-up admin token
// of a single process is refused there: its token comes from the
// environment, the same on every replica, or agents have logins of their
// own.
func (c *Config) validateConsole(p *problems) {
	if !c.Console.Enabled {
		return
	}
	const path = "console.admin_token_env"
	optionalSecret(p, path, c.Console.AdminTokenEnv, c.Console.AdminToken)
	if t := c.Console.AdminToken.Reveal(); t != "" && len(t) < minAdminToken {
		p.addf(path, "the token in %s must be at least %d characters", c.Console.AdminTokenEnv, minAdminToken)
	}
	if c.Store.Driver == "postgres" && c.Console.AdminTokenEnv == "" && !c.HasConsoleLogin() {
		p.addf(path, "must name an environment variable holding the console admin's token when store.driver is postgres "+
			"and no agent has a console login: replicas share logins, and each would make a token of its own "+
			"(or give agents console_token_env or console_password_hash, or set console.enabled: false)")
	}
}
