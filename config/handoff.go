package config

import (
	"math"
	"strings"
	"time"
)

// Handoff configures when and how conversations go to humans.
type Handoff struct {
	// Enabled switches the whole module: when false no trigger fires.
	Enabled bool `mapstructure:"enabled" default:"true"`
	// NotePrefix starts an agent reply that stays an internal note.
	NotePrefix string `mapstructure:"note_prefix" default:"//"`
	// CancelPhrases let a waiting user stop waiting.
	CancelPhrases []string `mapstructure:"cancel_phrases" default:"cancel,stop waiting"`
	// DefaultTeam takes handoffs whose trigger names no team; when empty and
	// exactly one team is configured, that team.
	DefaultTeam string `mapstructure:"default_team"`
	// BotName is the author shown on AI answers and notices.
	BotName  string    `mapstructure:"bot_name" default:"Assistant"`
	Triggers []Trigger `mapstructure:"triggers"`
	AI       AI        `mapstructure:"ai"`
	// SessionIdleGap: a user's message after this long with no message in
	// the conversation starts a new session (the card's "Session").
	SessionIdleGap time.Duration `mapstructure:"session_idle_gap" default:"30m"`
	QueueUpdates   QueueUpdates  `mapstructure:"queue_updates"`
	// SummaryTimeout bounds the wait for the AI's summary of a new handoff;
	// the card shows the extractive one meanwhile and keeps it past this.
	SummaryTimeout time.Duration `mapstructure:"summary_timeout" default:"8s"`
}

// QueueUpdates paces the queue-place messages of text channels (Telegram,
// WhatsApp, Discord DMs); the widget shows every change.
type QueueUpdates struct {
	// MinInterval is the least time between two such messages to a user.
	MinInterval time.Duration `mapstructure:"min_interval" default:"3m"`
	// MinGain is the least improvement, in places, worth a message; a
	// place halved always is.
	MinGain int `mapstructure:"min_gain" default:"2"`
}

// Trigger is a configured reason to hand a conversation to a human.
type Trigger struct {
	Name string `mapstructure:"name"`
	// Kind is request (the user asks for a human, the default) or topic.
	Kind    string   `mapstructure:"kind"`
	Phrases []string `mapstructure:"phrases"`
	// Action is handoff or offer; the default is handoff for requests and
	// offer for topics.
	Action string `mapstructure:"action"`
	// Team is where the handoff goes; empty means handoff.default_team.
	Team string `mapstructure:"team"`
	// Priority is low, normal (the default), high or urgent.
	Priority string `mapstructure:"priority"`
}

// AI is the AI-initiated trigger.
type AI struct {
	// MinConfidence: answers below it are not sent; a human is offered.
	MinConfidence float64 `mapstructure:"min_confidence" default:"0.45"`
	// MissesBeforeOffer "no answer" replies in a row offer a human; 0 never.
	MissesBeforeOffer int    `mapstructure:"misses_before_offer" default:"2"`
	Action            string `mapstructure:"action" default:"offer"`
	Team              string `mapstructure:"team"`
	Priority          string `mapstructure:"priority" default:"normal"`
}

var (
	triggerKinds   = []string{"request", "topic"}
	triggerActions = []string{"handoff", "offer"}
	priorities     = []string{"low", "normal", "high", "urgent"}
)

// normalizeHandoff fills the defaults that depend on other keys.
func (c *Config) normalizeHandoff() {
	h := &c.Handoff
	if h.DefaultTeam == "" && len(c.Teams) == 1 {
		for name := range c.Teams {
			h.DefaultTeam = name
		}
	}
	for i := range h.Triggers {
		t := &h.Triggers[i]
		if t.Kind == "" {
			t.Kind = "request"
		}
		if t.Action == "" {
			t.Action = "handoff"
			if t.Kind == "topic" {
				t.Action = "offer"
			}
		}
		if t.Priority == "" {
			t.Priority = "normal"
		}
	}
}

func (c *Config) validateHandoff(p *problems) {
	h := c.Handoff
	if strings.TrimSpace(h.BotName) == "" {
		p.addf("handoff.bot_name", "must not be empty")
	}
	for i, s := range h.CancelPhrases {
		if strings.TrimSpace(s) == "" {
			p.addf(index("handoff.cancel_phrases", i), "must not be empty")
		}
	}
	checkDuration(p, "handoff.session_idle_gap", h.SessionIdleGap, false, time.Minute)
	checkDuration(p, "handoff.queue_updates.min_interval", h.QueueUpdates.MinInterval, false, time.Second)
	checkDuration(p, "handoff.summary_timeout", h.SummaryTimeout, false, 100*time.Millisecond)
	if h.QueueUpdates.MinGain < 1 {
		p.addf("handoff.queue_updates.min_gain", "must be at least 1")
	}
	if h.DefaultTeam != "" {
		c.checkTeam(p, "handoff.default_team", h.DefaultTeam)
	}
	if h.Enabled && len(c.Teams) == 0 {
		p.addf("teams", "at least one team is needed while handoff.enabled is true")
	}
	names := map[string]int{}
	for i, t := range h.Triggers {
		path := index("handoff.triggers", i)
		switch prev, dup := names[t.Name]; {
		case strings.TrimSpace(t.Name) == "":
			p.addf(path+".name", "must not be empty")
		case dup:
			p.addf(path+".name", "duplicate trigger name %q (also handoff.triggers[%d])", t.Name, prev)
		default:
			names[t.Name] = i
		}
		p.oneOf(path+".kind", "kind", t.Kind, triggerKinds...)
		p.oneOf(path+".action", "action", t.Action, triggerActions...)
		p.oneOf(path+".priority", "priority", t.Priority, priorities...)
		if len(t.Phrases) == 0 {
			p.addf(path+".phrases", "must list at least one phrase")
		}
		for j, s := range t.Phrases {
			if strings.TrimSpace(s) == "" {
				p.addf(index(path+".phrases", j), "must not be empty")
			}
		}
		c.checkTriggerTeam(p, path+".team", t.Team)
	}

	ai := h.AI
	if math.IsNaN(ai.MinConfidence) || ai.MinConfidence < 0 || ai.MinConfidence > 1 {
		p.addf("handoff.ai.min_confidence", "%v is outside 0..1", ai.MinConfidence)
	}
	if ai.MissesBeforeOffer < 0 {
		p.addf("handoff.ai.misses_before_offer", "must not be negative")
	}
	p.oneOf("handoff.ai.action", "action", ai.Action, triggerActions...)
	p.oneOf("handoff.ai.priority", "priority", ai.Priority, priorities...)
	c.checkTriggerTeam(p, "handoff.ai.team", ai.Team)
}

// checkTriggerTeam checks the team a trigger routes to: a known team, or
// empty when a default team exists.
func (c *Config) checkTriggerTeam(p *problems, path, team string) {
	switch {
	case team != "":
		c.checkTeam(p, path, team)
	case c.Handoff.Enabled && c.Handoff.DefaultTeam == "" && len(c.Teams) > 1:
		p.addf(path, "no team given and no handoff.default_team set")
	}
}
