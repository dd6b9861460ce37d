package bridge

import "context"

// Responder is the AI: it answers a user's message, with a confidence, or
// says it cannot (an empty Reply.Text).
type Responder interface {
	Respond(ctx context.Context, q Question) (Reply, error)
}

// Question is what the responder is asked.
type Question struct {
	Conversation ConversationID
	Channel      ChannelKind
	Language     string
	Text         string
	// History is the conversation so far, oldest first, without Text.
	History []Message
}

// Reply is the responder's answer.
type Reply struct {
	Text       string  // Markdown; empty means "no answer"
	Confidence float64 // 0..1
	// Handoff is set when the responder itself asks for a human (e.g. an LLM
	// tool call); Reason says why.
	Handoff bool
	Reason  string
}

// ResponderFunc adapts a function to Responder.
type ResponderFunc func(ctx context.Context, q Question) (Reply, error)

// Respond calls f.
func (f ResponderFunc) Respond(ctx context.Context, q Question) (Reply, error) { return f(ctx, q) }

// InstantResponder is a Responder that answers from memory, without I/O
// and without the conversation's history (the built-in knowledge base). The
// engine asks it inside the transaction that stores the user's message and
// stores the answer in that same transaction: one transaction per question
// instead of a read and two writes. Respond is still what the engine calls
// for an answer owed from before a restart.
type InstantResponder interface {
	Responder
	// RespondNow answers q at once; q.History is empty.
	RespondNow(q Question) (Reply, error)
}
