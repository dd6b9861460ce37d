package config

import (
	"strings"
	"time"
	"unicode"

	"github.com/handoffbridge/handoff/bridge"
)

// Team is a named group of agents with its own workspace channel, SLA window
// and notification targets. Team names are the keys of the teams map; like
// every key, they are read in lower case.
type Team struct {
	// Workspace is where the team answers: slack, discord, mattermost,
	// msteams or console.
	Workspace string `mapstructure:"workspace" default:"console"`
	// Channel is the workspace channel new threads are opened in (a Slack,
	// Discord or Mattermost channel id, a Teams channel id
	// 19:…@thread.tacv2; optional for the console).
	Channel string `mapstructure:"channel"`
	// SLA is how long a request may wait before the fallback; 0 disables it.
	SLA time.Duration `mapstructure:"sla"`
	// Fallback is lead_form or none (tell the user nobody is available).
	Fallback string `mapstructure:"fallback" default:"none"`
	// Hours, when set, makes the fallback immediate outside them.
	Hours *Hours `mapstructure:"hours"`
	// Notify names notifiers (keys of notifiers) told about this team.
	Notify []string `mapstructure:"notify"`
	// Roles are workspace role ids (Discord roles) whose members may act on
	// this team's handoffs beside the agents of the team.
	Roles []string `mapstructure:"roles"`
	// Summary is what summary the card shows: ai (the OpenAI-compatible
	// responder's, extractive until it comes or without that responder),
	// extractive (the reason and the user's last messages) or off.
	Summary string `mapstructure:"summary" default:"ai"`
	// CannedReplies are saved answers agents send by name.
	CannedReplies []CannedReply `mapstructure:"canned_replies"`
	// MaxActivePerAgent bounds the active handoffs an agent may own when
	// joining one of this team's (counted across teams); 0 means no limit.
	MaxActivePerAgent int `mapstructure:"max_active_per_agent"`
	// Assignment is how new requests reach an agent: first_join (shown to
	// everyone, the first to Join owns it), round_robin (offered to one
	// available agent in turn) or least_busy (to the available agent with
	// the fewest active handoffs).
	Assignment string `mapstructure:"assignment" default:"first_join"`
	// OfferTimeout is how long an offered agent has to Join before the
	// request is offered to the next.
	OfferTimeout time.Duration `mapstructure:"offer_timeout" default:"2m"`
	// OfferedOnly lets only the offered agent (or an admin) Join while the
	// offer stands; by default any agent of the team may.
	OfferedOnly bool `mapstructure:"offered_only"`
}

// CannedReply is one saved answer of a team.
type CannedReply struct {
	// Name is what agents type to send it: one word, unique in the team.
	Name string `mapstructure:"name"`
	// Text is Markdown with {user_name}, {agent_name} and {team}.
	Text string `mapstructure:"text"`
}

var (
	workspaces = []string{"slack", "discord", "mattermost", "msteams", "console"}
	fallbacks  = []string{"lead_form", "none"}
	summaries  = []string{"ai", "extractive", "off"}
	assigns    = []string{"first_join", "round_robin", "least_busy"}
)

// teamNames lists the configured team names, sorted.
func (c *Config) teamNames() []string { return sortedKeys(c.Teams) }

// checkTeam reports a reference to a team that is not configured.
func (c *Config) checkTeam(p *problems, path, team string) bool {
	if _, ok := c.Teams[team]; ok {
		return true
	}
	hint := "no teams are configured"
	if len(c.Teams) > 0 {
		hint = "known teams: " + strings.Join(c.teamNames(), ", ")
	}
	if _, ok := c.Teams[strings.ToLower(team)]; ok && team != strings.ToLower(team) {
		hint = "team names are read in lower case: write " + strings.ToLower(team)
	}
	p.addf(path, "unknown team %q (%s)", team, hint)
	return false
}

// workspaceEnabled reports whether the workspace is switched on, and the key
// that switches it.
func (c *Config) workspaceEnabled(w string) (bool, string) {
	switch w {
	case "slack":
		return c.Slack.Enabled, "slack.enabled"
	case "discord":
		return c.Discord.Enabled, "discord.enabled"
	case "mattermost":
		return c.Mattermost.Enabled, "mattermost.enabled"
	case "msteams":
		return c.MSTeams.Enabled, "msteams.enabled"
	case "console":
		return c.Console.Enabled, "console.enabled"
	}
	return false, ""
}

func (c *Config) validateTeams(p *problems) {
	for _, name := range c.teamNames() {
		t := c.Teams[name]
		path := "teams." + name
		if strings.TrimSpace(name) == "" {
			p.addf(path, "team name must not be empty")
		}
		if p.oneOf(path+".workspace", "workspace", t.Workspace, workspaces...) {
			if on, key := c.workspaceEnabled(t.Workspace); !on {
				p.addf(path+".workspace", "workspace %s is not enabled (set %s: true)", t.Workspace, key)
			}
			if t.Workspace != "console" && strings.TrimSpace(t.Channel) == "" {
				p.addf(path+".channel", "required for the %s workspace", t.Workspace)
			}
		}
		checkDuration(p, path+".sla", t.SLA, true, time.Second)
		p.oneOf(path+".fallback", "fallback", t.Fallback, fallbacks...)
		p.oneOf(path+".summary", "summary", t.Summary, summaries...)
		if t.Hours != nil {
			parseHours(p, path+".hours", *t.Hours)
		}
		for i, n := range t.Notify {
			if _, ok := c.Notifiers[n]; !ok {
				p.addf(index(path+".notify", i), "notifier %q is not defined under notifiers", n)
			}
		}
		p.oneOf(path+".assignment", "assignment", t.Assignment, assigns...)
		checkDuration(p, path+".offer_timeout", t.OfferTimeout, false, time.Second)
		if t.MaxActivePerAgent < 0 {
			p.addf(path+".max_active_per_agent", "must not be negative (0 means no limit)")
		}
		for i, r := range t.Roles {
			if strings.TrimSpace(r) == "" {
				p.addf(index(path+".roles", i), "must not be empty")
			}
		}
		validateCannedReplies(p, path+".canned_replies", t.CannedReplies)
	}
}

// checkDuration rejects negative durations, zero unless zeroOK, and, since
// a bare number is read as nanoseconds, durations under least.
func checkDuration(p *problems, path string, d time.Duration, zeroOK bool, least time.Duration) {
	switch {
	case d < 0:
		p.addf(path, "must not be negative")
	case d == 0 && !zeroOK:
		p.addf(path, "must be positive")
	case d > 0 && d < least:
		p.addf(path, "%v is too short; write a unit, e.g. 3m or 90s", d)
	}
}

func validateCannedReplies(p *problems, path string, replies []CannedReply) {
	seen := map[string]int{}
	for i, r := range replies {
		at := index(path, i)
		name := strings.ToLower(r.Name)
		switch prev, dup := seen[name]; {
		case strings.TrimSpace(r.Name) == "":
			p.addf(at+".name", "must not be empty")
		case strings.ContainsFunc(r.Name, unicode.IsSpace):
			p.addf(at+".name", "%q: one word, without spaces (agents type it after /handoff reply)", r.Name)
		case dup:
			p.addf(at+".name", "duplicate canned reply %q (also %s)", r.Name, index(path, prev))
		default:
			seen[name] = i
		}
		if strings.TrimSpace(r.Text) == "" {
			p.addf(at+".text", "must not be empty")
		}
		for _, bad := range bridge.UnknownPlaceholders(r.Text) {
			p.addf(at+".text", "unknown placeholder %s (known: %s)", bad, strings.Join(bridge.CannedPlaceholders, ", "))
		}
	}
}
