// Package e2e holds end-to-end tests that cross adapters in one process:
// a user channel (Telegram, WhatsApp) and the Slack workspace registered on
// the same engine and SQLite store, each talking to its platform fake over
// loopback through the real client code, so that a message is followed from
// the user's app to the agent's Slack thread and back.
package e2e
