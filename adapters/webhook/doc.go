// Package webhook is the webhook notifier: it POSTs each handoff event as
// JSON to a team's own system (ticketing, CRM), signed with HMAC-SHA256 over
// the timestamp and the body so that the receiver can tell it came from the
// bridge and is fresh. Deliveries come from the bridge's durable outbox:
// retried with exponential backoff and jitter for up to 24 hours, each event
// keeping its X-Bridge-Delivery id across retries so that a receiver can
// drop the repeats.
//
// The receiving side, and how to verify the signature, is described in
// docs/notifications.md; package webhookfake holds a receiver that verifies
// requests with the same code.
package webhook
