// Package slack is the Slack agent workspace: each handoff is a thread in
// the team's channel, opened by a Block Kit message whose buttons (Join,
// Reject, Resolve) follow the handoff's state and which is updated in place.
// The conversation so far and the user's live messages are posted in the
// thread; the owner's replies there reach the user, other replies stay
// internal notes (marked with a reaction). Edits and deletions are relayed.
// Users' files are uploaded into the thread (bounded in size, linked when
// they cannot be); files agents share reach users as signed links to
// FilePath, which the bridge serves from Slack with the bot token.
//
// It connects with Socket Mode (the default: an app-level token, no public
// URL) or over HTTP (Events API, interactivity and slash commands at
// /slack/events, every request checked against the signing secret). A
// Socket Mode connection that delivers nothing, not even Slack's pings, for
// StaleAfter is reported degraded and reopened. It also
// provides the /handoffs slash command, a Slack notifier for alerts, and the
// checks `bridge check` runs.
//
// Text is converted between Markdown (the bridge's format) and Slack mrkdwn;
// text typed by users is escaped so it cannot mention or broadcast.
package slack
