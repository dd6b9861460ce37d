package config

import (
	"strings"
)

// Agent is a human who answers from a workspace.
type Agent struct {
	// Name identifies the agent (unique); it is also the console login.
	Name string `mapstructure:"name"`
	// DisplayName is shown to users; empty means Name.
	DisplayName string `mapstructure:"display_name"`
	// Admin may resolve any handoff.
	Admin bool     `mapstructure:"admin"`
	Teams []string `mapstructure:"teams"`
	// Slack, Discord and Mattermost are the agent's user ids there.
	Slack      string `mapstructure:"slack"`
	Discord    string `mapstructure:"discord"`
	Mattermost string `mapstructure:"mattermost"`
	// MSTeams is the agent's Microsoft Entra object id (or Teams user id
	// 29:…).
	MSTeams string `mapstructure:"msteams"`
	// ConsoleTokenEnv names the environment variable holding the agent's
	// console login token.
	ConsoleTokenEnv string `mapstructure:"console_token_env"`
	// ConsolePasswordHash is a bcrypt hash of the agent's console password.
	ConsolePasswordHash Secret `mapstructure:"console_password_hash"`

	// ConsoleToken is resolved from ConsoleTokenEnv.
	ConsoleToken Secret `mapstructure:"-"`
}

func (c *Config) validateAgents(p *problems) {
	names := map[string]int{}
	slackIDs := map[string]int{}
	discordIDs := map[string]int{}
	mattermostIDs := map[string]int{}
	teamsIDs := map[string]int{}
	for i, a := range c.Agents {
		path := index("agents", i)
		switch prev, dup := names[strings.ToLower(a.Name)]; {
		case strings.TrimSpace(a.Name) == "":
			p.addf(path+".name", "must not be empty")
		case dup:
			p.addf(path+".name", "duplicate agent name %q (also agents[%d])", a.Name, prev)
		default:
			names[strings.ToLower(a.Name)] = i
		}
		for j, t := range a.Teams {
			c.checkTeam(p, index(path+".teams", j), t)
		}
		uniqueID(p, path+".slack", a.Slack, i, slackIDs)
		uniqueID(p, path+".discord", a.Discord, i, discordIDs)
		uniqueID(p, path+".mattermost", a.Mattermost, i, mattermostIDs)
		uniqueID(p, path+".msteams", a.MSTeams, i, teamsIDs)
		if a.MSTeams != "" && !c.MSTeams.Enabled {
			p.addf(path+".msteams", "set but msteams.enabled is false")
		}
		if a.Slack != "" && !c.Slack.Enabled {
			p.addf(path+".slack", "set but slack.enabled is false")
		}
		if a.Discord != "" && !c.Discord.Enabled {
			p.addf(path+".discord", "set but discord.enabled is false")
		}
		if a.Mattermost != "" && !c.Mattermost.Enabled {
			p.addf(path+".mattermost", "set but mattermost.enabled is false")
		}
		if h := a.ConsolePasswordHash.Reveal(); h != "" && !strings.HasPrefix(h, "$2") {
			p.addf(path+".console_password_hash", "not a bcrypt hash (it should start with $2a$, $2b$ or $2y$)")
		}
		if c.Console.Enabled {
			optionalSecret(p, path+".console_token_env", a.ConsoleTokenEnv, a.ConsoleToken)
		}
	}
}

// uniqueID reports a workspace user id given to two agents.
func uniqueID(p *problems, path, id string, i int, seen map[string]int) {
	if id == "" {
		return
	}
	if prev, dup := seen[id]; dup {
		p.addf(path, "user id %q is also given to agents[%d]", id, prev)
		return
	}
	seen[id] = i
}
