package bridge

import "time"

// ChatAddress says where a user is: the channel kind and the platform's own
// chat id (a widget session, a Telegram chat id, a Discord channel id, a
// WhatsApp phone number). It is the natural key of a Conversation.
type ChatAddress struct {
	Channel ChannelKind `json:"channel"`
	ChatID  string      `json:"chat_id"`
}

func (a ChatAddress) String() string { return string(a.Channel) + ":" + a.ChatID }

// User is the person chatting, as their channel describes them.
type User struct {
	ID          string `json:"id,omitempty"`           // platform user id, if any
	DisplayName string `json:"display_name,omitempty"` // shown to agents
}

// UserContext is what the agent sees about the user beside the history.
// Every field is optional; channels fill what they know, except
// SessionStart: when the user's current session began, their first message
// after a quiet gap (Settings.SessionIdleGap), which the engine alone sets
// (see continueSession).
type UserContext struct {
	IP           string    `json:"ip,omitempty"`
	Country      string    `json:"country,omitempty"`
	UserAgent    string    `json:"user_agent,omitempty"`
	PageURL      string    `json:"page_url,omitempty"`
	Referrer     string    `json:"referrer,omitempty"`
	Language     string    `json:"language,omitempty"`
	ChatTitle    string    `json:"chat_title,omitempty"`
	ChatType     string    `json:"chat_type,omitempty"`
	Username     string    `json:"username,omitempty"`
	Phone        string    `json:"phone,omitempty"`
	SessionStart time.Time `json:"session_start,omitempty"`
}

// Merge fills the empty fields of c from newer and returns the result; a
// channel may learn more about a user as the chat goes on.
func (c UserContext) Merge(newer UserContext) UserContext {
	pick := func(old, nu string) string {
		if nu != "" {
			return nu
		}
		return old
	}
	c.IP = pick(c.IP, newer.IP)
	c.Country = pick(c.Country, newer.Country)
	c.UserAgent = pick(c.UserAgent, newer.UserAgent)
	c.PageURL = pick(c.PageURL, newer.PageURL)
	c.Referrer = pick(c.Referrer, newer.Referrer)
	c.Language = pick(c.Language, newer.Language)
	c.ChatTitle = pick(c.ChatTitle, newer.ChatTitle)
	c.ChatType = pick(c.ChatType, newer.ChatType)
	c.Username = pick(c.Username, newer.Username)
	c.Phone = pick(c.Phone, newer.Phone)
	// SessionStart is the core's own (see continueSession), never a
	// channel's.
	return c
}

// Conversation is one user's chat on one user channel.
type Conversation struct {
	ID      ConversationID
	Address ChatAddress
	User    User
	Context UserContext

	// Misses counts the responder's consecutive "no answer" replies; it drives
	// the AI-initiated trigger and resets on any confident answer.
	Misses int
	// Offer is a handoff offer shown to the user and not yet answered.
	Offer *Offer
	// LastHandoff is the most recent handoff of this conversation, open or
	// not; a new handoff links it as its predecessor.
	LastHandoff HandoffID
	// Awaiting is the user message the AI has yet to answer. It is set in
	// the transaction that stores the message and cleared with the answer,
	// so an answer cut short by a crash is given at the next start.
	Awaiting MessageID

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Offer is a pending "would you like to talk to a human?" question.
type Offer struct {
	Trigger  string    `json:"trigger"`
	Reason   string    `json:"reason"`
	Team     TeamID    `json:"team"`
	Priority Priority  `json:"priority"`
	At       time.Time `json:"at"`
}
