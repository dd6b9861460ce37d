// Package apitest is the handoff API's test bridge: the real engine on
// SQLite, the API on a loopback server, Slack on its fake with the real
// Slack adapter over HTTP, a signature-checking callback receiver, and a
// transport that validates every exchange against the OpenAPI document.
// The API's tests and the example bot's use it.
package apitest
