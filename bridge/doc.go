// Package bridge is the core of the handoff bridge: the things of the problem
// (Conversation, Message, Handoff, Agent, Team, Lead, Trigger), the handoff
// state machine, the per-conversation router, what the durable outbox's
// entries mean and the SLA timers. Delivering the outbox (streams, pacing,
// retries, recording) is package bridge/outbox.
//
// The package knows nothing of Slack, Discord, Telegram, WhatsApp or the web
// widget. Platforms plug in through the small interfaces declared here
// (UserChannel, AgentWorkspace, Responder, Notifier and their optional
// capabilities) and hand their inbound events to the Engine through one entry
// point, Engine.Handle. They never see the Store: what they read of the core
// comes with the deliveries they are handed or from the Engine's read-only
// views (Handoff, Handoffs, HandoffRecord, ChatHistory, Backlog), what they
// must remember for themselves goes to their AdapterState, and secrets the
// bridge makes for itself come from Engine.Key; adapters holding sockets
// tell the other replicas of a shared store what those must show through
// the Fanout port (LocalFanout on SQLite). Persistence is the Store
// interface, its Tx composed of one small interface per subject;
// bridge/sqlite is the embedded implementation.
//
// Every adapter package (adapters/…) is made the same way, and a new
// platform follows it: New(Options) (*T, error). Options holds the
// credentials, the tuning and the ports the adapter needs from the core:
// Handler (the Engine, as an EventHandler) for its inbound events, State
// (Engine.AdapterState) for its own keys, and a small interface, declared
// in the adapter, of the Engine's views it reads (slack's Handoffs, web's
// History, discord's Core). New checks the options, fills in
// defaults and contacts no platform: a bad configuration fails at startup,
// and Run (for a Runner) or the first delivery reaches the platform.
// cmd/bridge wires each adapter in its own wire_*.go. Two packages there
// are not adapters in this sense and keep the shape of what they are:
// adapters/blobdir opens a directory of files (Open, like a store) and
// adapters/prometheus.New registers metrics with a registry.
package bridge
