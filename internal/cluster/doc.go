// Package cluster holds the acceptance test of the bridge run as several
// replicas on one PostgreSQL database (issue 16), and the judgement of
// what the platform fakes saw of its singleton connections.
//
// The test itself, TestCluster, is behind the cluster build tag (it runs
// for a few minutes):
//
//	go test -tags cluster -run TestCluster -v ./internal/cluster/
//
// It starts a private PostgreSQL server (internal/pgtest), builds the
// bridge binary and runs three replicas of it (internal/rig) wired to the
// Slack fake (Socket Mode or HTTP mode behind a load balancer, by run),
// the Telegram fake (long polling) and the Discord fake. Widget users are
// spread over the replicas and move to another one when theirs dies;
// Telegram and Discord users and Slack and Discord agents talk both ways;
// widget users ask the AI; others wait on a short SLA. For a minute it
// SIGKILLs a random replica every few seconds and restarts it, then
// restarts all three one at a time with SIGTERM, drains, and checks:
// every message arrived once and in order, every SLA fallback fired once,
// the outbox is empty and no AI answer is owed, no platform saw two
// Socket Mode connections, Telegram pollers or Discord sessions at once
// outside a failover window, and each singleton came back within the
// lease TTL + 5 s of its holder's death. It prints a summary with one
// line per check and the takeover times.
//
// CLUSTER_SEED replays a run's kill schedule and Slack mode;
// CLUSTER_SLACK_MODE (socket or http) forces the mode; CLUSTER_CHAOS sets
// the length of the kill phase (default 60s).
//
// Failover judges the fakes' connection logs (internal/connlog) against
// the kills and stops the test made: which overlaps fall outside a
// failover window, and how long each singleton took to come back.
package cluster
