// Package mattermost is the Mattermost agent workspace: each handoff is a
// thread in the team's channel, opened by a root post of the bot whose
// message attachment carries the request's context and interactive
// buttons (Join, Reject, Resolve) that follow the handoff's state; the
// post is patched in place as the state changes. The conversation so far
// and the user's live messages are posted as replies (root_id); the
// owner's replies there reach the user, other replies stay internal notes
// (marked with a reaction). Edits and deletions are relayed both ways,
// and typing both ways (the WebSocket's user_typing action and typing
// event).
//
// The bot is a Mattermost bot account with a personal access token. The
// bridge talks to the REST API v4 and listens on the WebSocket event
// stream. A button's click reaches the bridge as Mattermost's action
// request at ActionsPath under the bridge's public URL; the action's
// context holds a secret only the bridge and the server know (an HMAC of
// the handoff and the action under a key the bridge keeps in its store,
// which Mattermost never shows to clients), checked in constant time
// before anything of the request is used. Answers an agent alone should
// see (already taken, not an agent of the team) go back as the action's
// ephemeral text. The /handoffs slash command posts to CommandPath,
// verified with the command's token. After a reconnect, the posts written
// while the stream was down are read back from each channel since the
// last post seen (by create_at), so nothing is lost; the engine's
// de-duplication by post id keeps anything from arriving twice. A 429
// becomes a *bridge.RetryAfterError with Mattermost's Retry-After, so the
// outbox retries it in order.
//
// Why a small client of its own rather than Mattermost's Go module
// (github.com/mattermost/mattermost/server/public/model): the module proxy
// this project builds from refuses that module ("403 Forbidden: this
// module version is not available"), and the module is heavy besides (it
// pulls in much of the server's dependency tree for a handful of routes).
// The bridge uses seven REST routes and four WebSocket events; their wire
// shapes are in model.go, the WebSocket is github.com/coder/websocket, the
// project's WebSocket library.
package mattermost
