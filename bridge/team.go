package bridge

import (
	"slices"
	"time"
)

// Team is a named group of agents with its own workspace channel, SLA window
// and notification targets.
type Team struct {
	ID        TeamID
	Workspace WorkspaceKind
	Channel   string // the workspace channel new threads are opened in
	// SLA is how long a request may stay pending before the fallback; zero
	// disables the timer.
	SLA      time.Duration
	Fallback FallbackKind
	// Hours, when set, makes the fallback immediate outside business hours.
	Hours *BusinessHours
	// Notify names the notifiers told about this team's events.
	Notify []string
	// Roles are workspace role ids (e.g. Discord roles) whose members may act
	// on this team's handoffs, beside the agents listed for the team.
	Roles []string
	// Summary is what summary the team's cards show; empty means SummaryAI.
	Summary SummaryMode
	// CannedReplies are the team's saved answers (see CannedReply).
	CannedReplies []CannedReply
	// MaxActivePerAgent bounds the active handoffs an agent may own (across
	// teams) when joining one of this team's; zero means no limit.
	MaxActivePerAgent int
	// Assignment says how new requests reach an agent; empty means
	// first_join.
	Assignment Assignment
	// OfferTimeout is how long an offered agent has to Join before the
	// request is offered to the next; zero means DefaultOfferTimeout.
	OfferTimeout time.Duration
	// OfferedOnly lets only the offered agent (or an admin) Join while an
	// offer stands; otherwise any agent of the team may.
	OfferedOnly bool
}

// FallbackKind says what happens when the SLA window elapses.
type FallbackKind string

// Fallbacks.
const (
	FallbackNone     FallbackKind = "none"      // tell the user no agents are available
	FallbackLeadForm FallbackKind = "lead_form" // collect name, contact and message
)

// BusinessHours is a weekly opening window in a time zone.
type BusinessHours struct {
	Location *time.Location
	Days     [7]bool       // indexed by time.Weekday
	Open     time.Duration // since midnight
	Close    time.Duration // since midnight; Close <= Open means past midnight
}

// IsOpen reports whether t falls inside the opening hours.
func (b *BusinessHours) IsOpen(t time.Time) bool {
	if b == nil {
		return true
	}
	loc := b.Location
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	midnight := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	since := lt.Sub(midnight)
	if b.Close > b.Open {
		return b.Days[lt.Weekday()] && since >= b.Open && since < b.Close
	}
	// An overnight window belongs to the day it opens on.
	if since >= b.Open {
		return b.Days[lt.Weekday()]
	}
	yesterday := (lt.Weekday() + 6) % 7
	return since < b.Close && b.Days[yesterday]
}

// Agent is a human who answers from a workspace.
type Agent struct {
	ID    AgentID
	Name  string // shown to users when the workspace gives no display name
	Admin bool
	Teams []TeamID
	// Identities maps a workspace to the agent's user id there (Slack member
	// id, Discord user id, console login).
	Identities map[WorkspaceKind]string
}

// InTeam reports whether the agent belongs to the team.
func (a *Agent) InTeam(t TeamID) bool { return slices.Contains(a.Teams, t) }

// Lead is the contact a user leaves when nobody could answer in time.
type Lead struct {
	ID             LeadID         `json:"id,omitempty"`
	HandoffID      HandoffID      `json:"handoff_id,omitempty"`
	ConversationID ConversationID `json:"conversation_id,omitempty"`
	Team           TeamID         `json:"team,omitempty"`
	Name           string         `json:"name"`
	Email          string         `json:"email,omitempty"`
	Phone          string         `json:"phone,omitempty"`
	Message        string         `json:"message"`
	CreatedAt      time.Time      `json:"created_at,omitzero"`
}

// LeadField is a step of the lead form.
type LeadField string

// Lead form steps, in order. LeadDone marks a finished form.
const (
	LeadName    LeadField = "name"
	LeadContact LeadField = "contact" // an email address or a phone number
	LeadMessage LeadField = "message"
	LeadDone    LeadField = "done"
)
