// Package prometheus exposes the bridge's metrics in the Prometheus format:
// it implements bridge.Observer for what the engine does (transitions, time
// to join and resolve, leads, deliveries and their failures, 429s), and
// collects at scrape time what the store and the adapters know (handoffs by
// state, outbox depth and age, platform connections).
package prometheus
