// Package connlog records when the connections a platform allows only once
// were open: Slack Socket Mode WebSockets, Telegram getUpdates long polls,
// Discord gateway sessions. The platform fakes keep one Log each, so that
// a test running several replicas of the bridge can tell whether two were
// ever open at once, and how long a connection took to come back after
// its holder died.
//
// A Log is a list of spans (peer, opened, closed), appended as the fake
// sees connections open and close; Overlaps finds the pairs open at once.
// It knows nothing of replicas or kills: the test that kills them judges
// which overlaps and gaps it accepts.
package connlog
