// Package rig runs the real bridge binary as a child process wired to the
// platform fakes, for the crash test and the load tool (cmd/bridge-bench).
//
// It builds cmd/bridge once (Build), writes a config file that points the
// bridge at fakes started in the calling process (WriteConfig), starts the
// binary on a data directory and waits for /readyz (Start), kills it with
// SIGKILL and restarts it on the same data (Process.Kill, Process.Start),
// and reads what the process costs from /proc (Process.Usage) and its
// goroutines from /metrics (Process.Goroutines).
//
// On the platform side, Agent is a Slack agent on the Slack fake who joins
// every handoff of a team and replies from its thread, and User is a web
// widget user (webfake) who reconnects, resends what the bridge did not
// acknowledge and catches up after a crash; TelegramUsers and WhatsAppUsers
// are users of the Telegram and WhatsApp fakes (updates queued for
// getUpdates; signed webhook deliveries, redelivered until taken), whose
// received messages are read back from the fakes. DiscordAgent is an agent
// on the Discord fake who clicks Join on every handoff card of a team and
// replies in its thread, and DiscordUsers write to the bot by direct
// message or in a support channel (Config.DiscordAPIURL wires the bridge
// to that fake). All record what they
// sent and saw, tagged with unique ids, so that a Ledger can tell lost,
// duplicated and out-of-order messages end to end.
package rig
