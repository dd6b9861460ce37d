// Package discord connects the bridge to Discord through one bot, in two
// roles: an agent workspace (a message with buttons in the team's channel
// and a thread started from it for each handoff; agents join, answer and
// resolve there) and a user channel (users write to the bot by direct
// message or in configured support channels).
//
// It uses discordgo for REST and the gateway. Component clicks arrive over
// the gateway by default or, when the application's public key is
// configured, also at /discord/interactions, verified with Ed25519. Every
// click is answered at once (deferred update) and handled after, so
// Discord's 3-second deadline holds however slow the store is. Messages
// are relayed in order per channel; after a gateway reconnect the threads
// of open handoffs, the support channels and known DMs are read back from
// the last message seen, so nothing written while the bot was
// disconnected is lost; the engine's de-duplication by message id keeps
// anything from arriving twice. A watchdog reconnects a gateway that
// stays open but delivers nothing. Agents list open handoffs with the
// /handoffs application command.
//
// Sends never ping by accident: user text has its mentions neutralised and
// every message carries allowed_mentions. A 429 that reaches the adapter
// becomes a *bridge.RetryAfterError with Discord's retry_after, so the
// engine's outbox retries it in order.
package discord
