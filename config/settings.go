package config

import (
	"maps"
	"slices"

	"github.com/handoffbridge/handoff/bridge"
)

// Settings builds the engine's settings from the configuration: teams with
// their business hours, agents with their workspace identities, the
// messages with the overrides applied, the triggers and the AI policy. It
// fails only on a configuration that Validate rejects.
func (c *Config) Settings() (bridge.Settings, error) {
	var p problems
	h := c.Handoff
	s := bridge.Settings{
		Enabled:        h.Enabled,
		NotePrefix:     h.NotePrefix,
		CancelPhrases:  slices.Clone(h.CancelPhrases),
		DefaultTeam:    bridge.TeamID(h.DefaultTeam),
		Teams:          make(map[bridge.TeamID]*bridge.Team, len(c.Teams)),
		Messages:       applyMessages(bridge.DefaultMessages(), c.Messages),
		BotName:        h.BotName,
		PublicURL:      c.HTTP.PublicURL,
		SessionIdleGap: h.SessionIdleGap,
		SummaryTimeout: h.SummaryTimeout,
		QueueUpdates: bridge.QueueUpdates{
			MinInterval: h.QueueUpdates.MinInterval,
			MinGain:     h.QueueUpdates.MinGain,
		},
		AI: bridge.AIPolicy{
			MinConfidence:     h.AI.MinConfidence,
			MissesBeforeOffer: h.AI.MissesBeforeOffer,
			Action:            bridge.TriggerAction(h.AI.Action),
			Team:              c.teamOrDefault(h.AI.Team),
			Priority:          bridge.Priority(h.AI.Priority),
		},
	}
	for _, t := range h.Triggers {
		s.Triggers = append(s.Triggers, bridge.Trigger{
			Name:     t.Name,
			Kind:     bridge.TriggerKind(t.Kind),
			Phrases:  slices.Clone(t.Phrases),
			Action:   bridge.TriggerAction(t.Action),
			Team:     c.teamOrDefault(t.Team),
			Priority: bridge.Priority(t.Priority),
		})
	}
	for _, name := range c.teamNames() {
		t := c.Teams[name]
		team := &bridge.Team{
			ID:        bridge.TeamID(name),
			Workspace: bridge.WorkspaceKind(t.Workspace),
			Channel:   t.Channel,
			SLA:       t.SLA,
			Fallback:  bridge.FallbackKind(t.Fallback),
			Notify:    slices.Clone(t.Notify),
			Roles:     slices.Clone(t.Roles),
			Summary:   bridge.SummaryMode(t.Summary),

			MaxActivePerAgent: t.MaxActivePerAgent,
			Assignment:        bridge.Assignment(t.Assignment),
			OfferTimeout:      t.OfferTimeout,
			OfferedOnly:       t.OfferedOnly,
		}
		for _, r := range t.CannedReplies {
			team.CannedReplies = append(team.CannedReplies, bridge.CannedReply{Name: r.Name, Text: r.Text})
		}
		if t.Hours != nil {
			team.Hours = parseHours(&p, "teams."+name+".hours", *t.Hours)
		}
		s.Teams[team.ID] = team
	}
	for _, a := range c.Agents {
		agent := &bridge.Agent{
			ID:         bridge.AgentID(a.Name),
			Name:       a.DisplayName,
			Admin:      a.Admin,
			Identities: map[bridge.WorkspaceKind]string{},
		}
		if agent.Name == "" {
			agent.Name = a.Name
		}
		for _, t := range a.Teams {
			agent.Teams = append(agent.Teams, bridge.TeamID(t))
		}
		ids := map[bridge.WorkspaceKind]string{
			bridge.WorkspaceSlack:      a.Slack,
			bridge.WorkspaceDiscord:    a.Discord,
			bridge.WorkspaceMattermost: a.Mattermost,
			bridge.WorkspaceMSTeams:    a.MSTeams,
			bridge.WorkspaceConsole:    a.Name,
		}
		maps.DeleteFunc(ids, func(_ bridge.WorkspaceKind, id string) bool { return id == "" })
		agent.Identities = ids
		s.Agents = append(s.Agents, agent)
	}
	if err := p.err(); err != nil {
		return bridge.Settings{}, err
	}
	return s, nil
}

// teamOrDefault is team, or the default team when team is empty.
func (c *Config) teamOrDefault(team string) bridge.TeamID {
	if team == "" {
		return bridge.TeamID(c.Handoff.DefaultTeam)
	}
	return bridge.TeamID(team)
}
