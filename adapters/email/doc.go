// Package email is the email notifier: one message per handoff event, with
// plain-text and HTML parts rendered from configurable templates and the
// link to the handoff, sent over SMTP with STARTTLS or implicit TLS and
// AUTH PLAIN. When a burst of events would flood an inbox, the events past
// a threshold within a window are held and sent together as one digest.
//
// Deliveries come from the bridge's durable outbox, so a message is sent
// at least once: the Message-ID is derived from the notification id and is
// the same on every retry, for mail systems that drop duplicates by it.
// Held digest events stay in the outbox until the digest is sent, so a
// restart loses none of them.
package email
