// Package mattermostfake is a local Mattermost for tests and load tools:
// an httptest server that answers the REST API v4 routes the bridge uses
// with Mattermost's JSON shapes and errors (AppError bodies, 401 for a bad
// token, 403 outside a channel), streams the WebSocket events of the
// channels the bot is in (hello; posted, post_edited and post_deleted
// with the post as a JSON string inside data; typing) and answers the
// client's user_typing action, strips the buttons' integrations from what
// it shows clients, and does what the server does on a click (posts
// PostActionIntegrationRequest to the button's URL with its context,
// applies the answer's update, shows its ephemeral text to the clicking
// user only) and on a slash command (a form with the command's token).
// Told to, it answers 429 with the rate limiter's real headers
// (X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset,
// Retry-After) and body, refuses WebSocket connections, or drops the open
// ones.
//
// People act through the Server's methods (PostAsUser, EditAsUser,
// Click, RunCommand, …); everything is recorded for assertions.
package mattermostfake
