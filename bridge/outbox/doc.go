// Package outbox delivers what the engine decided to send: messages to
// users, threads and posts to agent workspaces, events to notifiers. Every
// delivery is an Entry, written in the same store transaction as the change
// that causes it, so a change is never stored without its deliveries nor
// the other way round.
//
// The engine (package bridge) talks to the outbox through a small surface:
// inside a transaction it enqueues entries on a Batch; once the
// transaction commits, Batch.Committed tells the senders which streams
// have news. Everything else comes through ports the engine implements:
// Store (reads, and the transaction that records results), Sender (one per
// destination: pace, then perform an entry with its adapter), Merger and
// Observer. The outbox owns the entry, destination and error types those
// ports share; package bridge names them too, as aliases, for adapters and
// stores.
//
// # Streams and order
//
// Each destination (a user channel, a workspace, a notifier) has its own
// sender, so a slow platform never stalls another. Its entries are grouped
// in streams, a conversation or a handoff: a stream's entries go out one
// at a time, in id order, and only the oldest undelivered one, the head,
// may go. Different streams go in parallel, up to Config.Concurrency. A
// head that waits for a retry holds back its stream, and only it. An entry
// that heads its stream when enqueued is handed to its sender from memory
// after the commit, saving a read; any other is found in the store.
//
// # Pacing, merging and retries
//
// Before a send, the destination's Sender paces it (the platform's rate
// limits); a platform's 429 comes back as RetryAfterError and the entry
// is retried no sooner than it asks. An entry that had to wait (a retry,
// or pacing) may take the entries queued behind it in its stream along,
// as one delivery (Merger: thread posts become one post), so that a slow
// stream catches up instead of falling behind. A failed send is retried
// after an exponential backoff (1s doubling to 5 minutes, with jitter); a
// PermanentError, or an entry older than Config.MaxAge, is given up, and
// RecordTx.GaveUp tells the engine, which tells the agents.
//
// # Recording
//
// Results are recorded in batches, one transaction for whatever finished
// meanwhile (notifiers linger a moment for company), through Store.Record:
// the marks, what the delivery learned (RecordTx.Delivered), and what the
// engine enqueues in reaction, together. A stream moves on only once its
// head's result is recorded. When the store refuses a result (a full
// disk), the entries stay in flight and are recorded again after a
// backoff; they are not sent again meanwhile, and Config.RecordFault lets
// health checks say so.
//
// # Replicas
//
// Replicas sharing a store each enqueue in their own transactions, but a
// destination's entries are sent by one replica at a time: the one whose
// Config.Claim runs the destination's sender (in package bridge, the
// holder of its lease). Streams stay in order and pacing covers all of
// the destination's traffic. A sender whose hold ends forgets what it had
// in memory; the next holder starts by reading every stream, and finds
// entries other replicas enqueue by Config.PollEvery (or a wake-up,
// Outbox.Wake). Results are recorded with the hold's context, whose
// fencing token makes the store refuse them once the hold moved on
// (Config.Fenced): the new holder sends such an entry again. See
// shared.go.
//
// # Crashes
//
// Delivery is at least once. A crash before the change's transaction
// commits loses the change and its entries together. A crash after the
// commit but before the send leaves the entry due: it goes out after the
// restart. A crash after the send but before its result is recorded (or
// while the store refuses it) sends the entry once more after the restart;
// that is the one duplicate the design allows, and destinations that can
// (notifiers) carry an id to drop it. A crash after recording changes
// nothing: the entry is delivered, failed, or due at its next try.
package outbox
