// Package slackfake is a local Slack for tests and load tools: an httptest
// server that answers the Web API methods the bridge uses with Slack's real
// JSON shapes and error codes, enforces chat.postMessage's per-channel rate
// limit with real 429 answers (Retry-After and {"ok":false,"error":
// "ratelimited"}), speaks Socket Mode (apps.connections.open and a WebSocket
// with hello, envelopes and acks), and delivers signed Events API,
// interactivity and slash-command requests over HTTP with Slack's retry
// headers.
//
// Point the real slack-go client at it with slack.OptionAPIURL(s.APIURL()).
// Everything posted is recorded per channel and thread for assertions.
package slackfake
