package bridge

import "time"

// Settings is the part of the configuration the engine reads on every event:
// triggers, teams, agents and texts. It is replaced whole on config reload
// (Engine.Apply), never changed in place.
type Settings struct {
	// Enabled switches the handoff module: when false no trigger fires and
	// users never see a handoff prompt; the AI answers everything.
	Enabled bool
	// NotePrefix starts an agent reply that stays internal; empty means no
	// prefix (other agents' replies are still notes).
	NotePrefix string
	// CancelPhrases let a waiting user stop waiting by typing them.
	CancelPhrases []string
	Triggers      []Trigger
	AI            AIPolicy
	// DefaultTeam takes handoffs whose trigger names no team.
	DefaultTeam TeamID
	Teams       map[TeamID]*Team
	Agents      []*Agent
	Messages    Messages
	// BotName is the author shown on AI answers and notices.
	BotName string
	// PublicURL is how the bridge is reached from outside; lines in
	// threads link to other handoffs under it (HandoffLink). May be empty.
	PublicURL string
	// SessionIdleGap ends a user's session: a message after this long
	// without any message in the conversation starts a new one (the
	// "session" agents see on the card). Zero means DefaultSessionIdleGap.
	SessionIdleGap time.Duration
	// QueueUpdates paces the queue-place messages of text channels.
	QueueUpdates QueueUpdates
	// SummaryTimeout bounds the wait for the AI's summary of a handoff;
	// past it the card keeps the extractive one. Zero means
	// DefaultSummaryTimeout.
	SummaryTimeout time.Duration
}

func (s *Settings) summaryTimeout() time.Duration {
	if s.SummaryTimeout > 0 {
		return s.SummaryTimeout
	}
	return DefaultSummaryTimeout
}

// TriggerAction says what a fired trigger does.
type TriggerAction string

// Trigger actions.
const (
	ActionHandoff TriggerAction = "handoff" // request a human at once
	ActionOffer   TriggerAction = "offer"   // ask the user first
)

// TriggerKind says why a trigger exists; it colours the reason agents see.
type TriggerKind string

// Trigger kinds.
const (
	TriggerRequest TriggerKind = "request" // the user asks for a human
	TriggerTopic   TriggerKind = "topic"   // a sensitive or high-value topic
	TriggerAI      TriggerKind = "ai"      // the responder is not confident
)

// Trigger is a configured reason to hand a conversation to a human.
type Trigger struct {
	Name     string
	Kind     TriggerKind
	Phrases  []string
	Action   TriggerAction
	Team     TeamID
	Priority Priority
}

// AIPolicy is the AI-initiated trigger.
type AIPolicy struct {
	// MinConfidence: an answer below it is not sent; a human is offered.
	MinConfidence float64
	// MissesBeforeOffer: after this many "no answer" replies in a row, a
	// human is offered. Zero disables it.
	MissesBeforeOffer int
	Action            TriggerAction
	Team              TeamID
	Priority          Priority
}

// Messages are the texts the bridge sends users. Placeholders: {position},
// {agent}, {team}.
type Messages struct {
	Offer              string
	OfferLowConfidence string
	AcceptLabel        string
	DeclineLabel       string
	CancelLabel        string
	TypeYesNo          string
	OfferDeclined      string
	Waiting            string
	WaitingNoPosition  string
	StillWaiting       string
	QueueMoved         string
	Joined             string
	Requeued           string
	// Transferred tells the user who is with them after a transfer to
	// another agent ({agent}); TransferredTeam, after one to another team
	// ({team}, {agent}: who had it).
	Transferred      string
	TransferredTeam  string
	Resolved         string
	Cancelled        string
	NoAgents         string
	NoAnswer         string
	LeadIntro        string
	LeadName         string
	LeadContact      string
	LeadMessage      string
	LeadBadContact   string
	LeadEmpty        string
	LeadThanks       string
	AlreadyRequested string
	DeliveryFailed   string
}

// DefaultMessages are the built-in English texts.
func DefaultMessages() Messages {
	return Messages{
		Offer:              "Would you like to talk to a member of our team?",
		OfferLowConfidence: "I'm not sure I can answer that well. Would you like to talk to a member of our team?",
		AcceptLabel:        "Talk to a human",
		DeclineLabel:       "No, thanks",
		CancelLabel:        "Stop waiting",
		TypeYesNo:          "Reply yes or no.",
		OfferDeclined:      "No problem. Ask me anything else.",
		Waiting:            "I've asked a member of our team to join. You are number {position} in the queue; please stay here.",
		WaitingNoPosition:  "I've asked a member of our team to join; please stay here.",
		StillWaiting:       "You're already waiting for a member of our team; they'll see your messages when they join.",
		QueueMoved:         "You are now number {position} in the queue.",
		Joined:             "{agent} has joined the conversation.",
		Requeued:           "{agent} had to step away; another member of the team will join shortly.",
		Transferred:        "{agent} is now with you; they can see the conversation so far.",
		TransferredTeam:    "I've passed your conversation to our {team} team; one of them will join shortly and can see the conversation so far.",
		Resolved:           "{agent} has closed this conversation. I'm back to help with anything else.",
		Cancelled:          "OK, you're no longer waiting. I'm here if you need anything else.",
		NoAgents:           "Sorry, no one from our team is available right now. Please try again later.",
		NoAnswer:           "Sorry, I don't know the answer to that.",
		LeadIntro:          "Sorry, no one from our team is available right now. Leave your details and we'll get back to you.",
		LeadName:           "What is your name?",
		LeadContact:        "What email address or phone number can we reach you at?",
		LeadMessage:        "What would you like us to help you with?",
		LeadBadContact:     "That doesn't look like an email address or a phone number. Please try again.",
		LeadEmpty:          "Please type an answer.",
		LeadThanks:         "Thank you, {name}. We'll get back to you as soon as we can.",
		AlreadyRequested:   "You're already in touch with our team.",
		DeliveryFailed:     "A message could not be delivered to the user: {error}",
	}
}

// Team returns the team by id, or nil.
func (s *Settings) Team(id TeamID) *Team {
	if s == nil || s.Teams == nil {
		return nil
	}
	return s.Teams[id]
}

// AgentByIdentity finds the agent who is userID in workspace w.
func (s *Settings) AgentByIdentity(w WorkspaceKind, userID string) *Agent {
	for _, a := range s.Agents {
		if userID != "" && a.Identities[w] == userID {
			return a
		}
	}
	return nil
}

// Agent finds an agent by id.
func (s *Settings) Agent(id AgentID) *Agent {
	for _, a := range s.Agents {
		if a.ID == id {
			return a
		}
	}
	return nil
}
