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
package bridge
