// Package console is the bridge's built-in web agent console: an agent
// workspace served on the bridge's own listener under /console, for teams
// without Slack or Discord and for the zero-config default.
//
// Agents log in with a token or a password from the config (or the admin
// token the bridge makes on first start), and get a live list of handoffs
// with the user's context and waiting time, the full history of each, a
// composer with a Markdown preview, typing indicators both ways, Join /
// Reject / Resolve and internal notes. Every action goes to the engine as
// the same events Slack and Discord produce, so the rules are the same; a
// refusal is shown to the agent who tried.
//
// The page talks to the bridge over a small JSON API (actions, replies,
// reads) and one WebSocket per tab that pushes changes, so that several
// agents see each other's work live, on whichever replica each tab is
// connected (events travel between replicas through bridge.Fanout).
// Sessions are kept in the store, so that every replica accepts them,
// named by a signed HttpOnly SameSite=Strict cookie; every state-changing
// request also carries a per-session CSRF token in a header.
package console
