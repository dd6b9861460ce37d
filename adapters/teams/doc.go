// Package teams is the Microsoft Teams agent workspace, a Bot Framework
// bot: each handoff is an Adaptive Card posted in the team's channel, its
// buttons (Join, Reject, Resolve) Action.Submit actions, the card updated
// in place as the handoff changes; the conversation so far and the user's
// live messages are posted in the card's reply chain, and the owner's
// replies there reach the user (others' stay internal notes). Agents'
// edits and deletions (messageUpdate, messageDelete) and typing are
// relayed; what only one agent may see (a refusal, "already taken") goes
// to them in a personal chat with the bot, where "handoffs" also lists the
// open handoffs of their teams. A Notifier posts alerts in a channel.
//
// Inbound activities arrive at /teams/messages. Each request's bearer token
// is verified before its body is read: an RS256 JWT signed by a key the
// Bot Framework's OpenID metadata names (cached, refetched daily and when
// an unknown key id shows up), with the Bot Framework's issuer, the app id
// as audience and an unexpired lifetime, give or take the clock skew.
// Outbound calls go to the Bot Connector REST API with a client-credentials
// token from Microsoft Entra ID, cached and fetched again before it
// expires (or at once when the Connector refuses it).
//
// Package teamsfake beside it speaks the same wire protocol for tests.
package teams
