// Package discordfake is a local Discord: an HTTP server answering the REST
// routes the bridge uses with Discord's JSON shapes, snowflake ids, per-route
// rate-limit headers and 429 answers, and a gateway WebSocket (HELLO,
// IDENTIFY/READY, heartbeats, RESUME, RECONNECT, INVALID_SESSION, dispatches
// with sequence numbers, JSON encoding), and the CDN: files users upload
// (File) get attachment links of Discord's shape, signed and expiring
// (ex, is, hm), that answer the file's bytes.
//
// The real discordgo client is pointed at it with Client(), an http.Client
// whose transport sends every request for discord.com to the fake: discordgo
// computes its endpoint strings at init, so rewriting the host is the one
// way in; the fake's /gateway answer then names its own WebSocket.
//
// Tests (and a load tool) act as Discord users through the methods in
// inject.go: write, edit or delete messages, type, click buttons, drop the
// gateway connection, and force 429s.
package discordfake
