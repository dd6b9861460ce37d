// Package api is the handoff API: a user channel for outside bots
// (Botpress, Rasa, Dialogflow CX, Voiceflow, an LLM app) that own their
// users' chats and hand conversations to the bridge's human agents over
// HTTP under /api/v1.
//
// To the engine it is a user channel like the widget: a bot's calls become
// events (a transcript, a handoff request, a user message, a cancel), and
// what the engine sends the user (agent replies, typing, state notices,
// lead-form steps) becomes a signed callback to the integration's URL,
// delivered from the durable outbox in order per conversation, with
// backoff, each carrying an event id to de-duplicate on. Bots without a
// callback URL read the same events from a Server-Sent Events stream.
//
// The contract is openapi.yaml, served as JSON at /api/v1/openapi.json;
// the tests validate every request and response against it. Each API key
// belongs to one integration and sees only that integration's
// conversations: the integration's name is part of every conversation's
// address. POSTs honour Idempotency-Key: the first answer is kept in the
// engine's adapter state (for a user message, in the message's own
// transaction), so a retried request returns it.
package api
