// Package teamsfake is a Microsoft Teams / Bot Framework fake that speaks
// the real wire protocol over loopback HTTP, for tests and load tools: the
// Entra ID token endpoint (client credentials), the Bot Framework's OpenID
// metadata and key set (its own RSA signing key), and the Bot Connector
// routes a bot calls (conversations, activities, updates, deletions,
// members), recording every call. It sends the bot activities signed as
// the Bot Framework signs them, and forged ones (another key, another
// audience, expired) to check they are refused.
package teamsfake
