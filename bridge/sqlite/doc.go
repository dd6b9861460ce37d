// Package sqlite is the embedded bridge.Store: one SQLite file in WAL mode,
// through modernc.org/sqlite (pure Go, no cgo).
//
// # Connections
//
// SQLite allows one writer at a time, so the Store keeps two pools:
//
//   - a write pool of exactly one connection whose transactions start with
//     BEGIN IMMEDIATE. Update therefore queues writers in Go instead of
//     letting them collide inside SQLite, and a transaction never fails
//     half-way with SQLITE_BUSY when it upgrades from reading to writing;
//   - a read pool of several connections, opened with query_only, for View.
//     In WAL mode readers see a consistent snapshot and never block the
//     writer.
//
// An in-memory database (":memory:") exists per connection, so there the
// Store uses a single connection for both reads and writes.
//
// Concurrent Updates are committed together (group commit, groupcommit.go):
// one writer goroutine runs everything queued in one transaction, each
// Update in a savepoint of its own, and every caller returns after the
// commit that holds its writes. Automatic checkpoints are off on the
// writer; a connection of its own checkpoints the WAL every 250 ms
// (checkpoint.go), so that the writer seldom stops to copy pages and
// fsync: only when the WAL passes restartFrames does the writer finish a
// checkpoint between two batches, so that the WAL starts over.
//
// Statements are prepared once per connection and reused (stmtcache.go):
// parsing and planning were a quarter of the cost of a write transaction.
//
// Every connection runs with journal_mode=WAL, busy_timeout=5000,
// foreign_keys=ON and synchronous=NORMAL. With WAL, synchronous=NORMAL
// syncs the WAL only at checkpoints: a committed transaction survives a
// crash or kill -9 of the process (the WAL is in the OS page cache), and
// may be lost only if the machine itself loses power before the next
// checkpoint. The bridge needs the former (a restart, even after kill -9,
// resumes pending deliveries), and NORMAL makes each commit several times
// cheaper than FULL.
//
// # Encoding
//
// Times are INTEGER unix nanoseconds (UTC; the range is the years 1678 to
// 2262), NULL when the Go value is zero, and come back in UTC. Nanoseconds,
// not milliseconds, so that a time round-trips to the same instant and the
// queue order of handoffs created within one millisecond stays exact.
// Structs and lists (UserContext, Offer, the lead draft, Declined,
// Attachments) are JSON in TEXT, NULL when empty; a ThreadRef is three
// columns so it can be indexed. Zero ids are NULL so that foreign keys hold.
//
// The SQL of the queries avoids SQLite dialect where a portable form exists
// (INSERT ... ON CONFLICT, RETURNING, no INSERT OR IGNORE) so that the
// planned PostgreSQL store can follow it closely.
//
// # Migrations
//
// The schema lives in migrations/NNNN_name.sql, embedded in the binary.
// Open applies those not yet recorded in schema_migrations, in order, in one
// transaction, and refuses a database migrated by a newer version.
package sqlite
