// Package webhookfake is a webhook receiver for tests and load runs: an
// HTTP server that verifies each request's signature exactly as
// docs/notifications.md tells users to (VerifyRequest is the documented
// code), records what it accepted, and can be told to go down, answer
// errors or 429s, or hold requests to play a slow receiver.
package webhookfake
