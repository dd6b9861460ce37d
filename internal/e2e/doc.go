// Package e2e holds end-to-end tests that cross adapters in one process:
// the user channels (web widget, Telegram, WhatsApp) and the Slack and
// Discord workspaces registered on the same engine and SQLite store, each
// talking to its platform fake over loopback through the real client code,
// so that a message or a file is followed from the user's app to the
// agent's thread and back.
package e2e
