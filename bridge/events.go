package bridge

// Event is something an adapter hands to the engine through Engine.Handle.
// The set is closed: the types below are the whole vocabulary between
// platforms and the core.
type Event interface{ isEvent() }

// UserMessage is a message a user wrote on a user channel.
type UserMessage struct {
	Address ChatAddress
	User    User
	Context UserContext
	// PlatformID is the platform's id for the message; a second event with
	// the same id in the same chat is a redelivery and changes nothing.
	PlatformID  string
	Text        string
	Attachments []Attachment
	// Routing says what happens outside a handoff; the zero value lets
	// the triggers and the AI act.
	Routing Routing
	// Remember, when set, is called in the event's transaction with its
	// outcome and returns an entry of the channel's adapter state to write
	// in that transaction (the answer to an idempotent request: kept if and
	// only if the message is).
	Remember func(Outcome) (namespace, key, value string)
}

// UserChoice is a button the user pressed (an offer's accept or decline, a
// cancel), or the typed equivalent a channel recognised.
type UserChoice struct {
	Address    ChatAddress
	User       User
	PlatformID string // the click's id, for de-duplication; may be empty
	Choice     ChoiceID
}

// UserLeadForm is a whole lead form submitted at once (the widget's form).
type UserLeadForm struct {
	Address    ChatAddress
	PlatformID string
	Name       string
	Contact    string // email address or phone number
	Message    string
}

// UserEdit is a user changing (or, with Deleted, removing) a message
// they sent earlier: the relayed copy in the agents' thread follows.
type UserEdit struct {
	Address    ChatAddress
	PlatformID string // the edited message's id
	Text       string
	Deleted    bool
}

// UserTyping says the user is typing.
type UserTyping struct{ Address ChatAddress }

// AgentRef identifies the person acting in a workspace.
type AgentRef struct {
	Workspace   WorkspaceKind
	UserID      string   // the platform's user id (Slack U…, Discord snowflake, console login)
	DisplayName string   // as the workspace shows them; the user sees this name
	Roles       []string // workspace roles, for role-based permission
}

// AgentAction is a Join, Reject or Resolve pressed in a workspace. The
// handoff is named by id or, when zero, by its thread.
type AgentAction struct {
	Agent    AgentRef
	Handoff  HandoffID
	ThreadID string
	Action   Action
	// EventID de-duplicates redelivered clicks; may be empty.
	EventID string
}

// AgentMessage is a reply an agent wrote in a handoff's thread. The
// handoff is named by id or, when zero, by its thread (Handoff lets a
// workspace that knows it, like the console, reply before the thread's
// opening has been delivered).
type AgentMessage struct {
	Agent       AgentRef
	Handoff     HandoffID
	ThreadID    string
	PlatformID  string
	Text        string // Markdown
	Attachments []Attachment
}

// AgentEdit is an agent changing (or, with Deleted, removing) a thread reply.
type AgentEdit struct {
	Agent      AgentRef
	Handoff    HandoffID
	ThreadID   string
	PlatformID string // the edited message's id
	Text       string
	Deleted    bool
}

// AgentTyping says an agent is typing in a thread.
type AgentTyping struct {
	Agent    AgentRef
	Handoff  HandoffID
	ThreadID string
}

func (UserMessage) isEvent()  {}
func (UserChoice) isEvent()   {}
func (UserLeadForm) isEvent() {}
func (UserEdit) isEvent()     {}
func (UserTyping) isEvent()   {}
func (AgentAction) isEvent()  {}
func (AgentMessage) isEvent() {}
func (AgentEdit) isEvent()    {}
func (AgentTyping) isEvent()  {}
