// Package postgres is the bridge.Store on PostgreSQL, through pgx's
// connection pool (github.com/jackc/pgx/v5/pgxpool): the store for running
// several replicas of the bridge on one database. It keeps the same tables
// and meaning as bridge/sqlite and passes the same conformance suite
// (bridge/storetest).
//
// # Transactions
//
// Update runs at READ COMMITTED. Alone, that level would lose updates: two
// transactions reading a conversation, changing it and writing it back
// both read the old row. So in a write transaction every lookup of one row
// (a conversation, handoff, message or cursor) locks it (FOR NO KEY
// UPDATE), and a second transaction reading it waits for the first to
// commit and then reads its result: read-modify-write Updates run as if
// one after the other, on one replica or several. The compare-and-set of
// UpdateHandoff (the first Join wins) is one conditional UPDATE, which
// READ COMMITTED checks again against the newest row after waiting.
//
// Locks taken in different orders may deadlock; PostgreSQL then aborts one
// transaction (40P01), and Update runs it again, fn included, with a
// random backoff, at most maxAttempts times; likewise serialization
// failures (40001) and a connection lost before a statement was sent.
// View runs a READ ONLY, REPEATABLE READ transaction: one snapshot for all
// its reads, which never fails for colliding.
//
// A conversation's address is unique. When two replicas see a chat's
// first message at once, both look the address up, find nothing, and
// insert; the second insert waits for the first transaction, then does
// nothing, and its Update is run once more, where the lookup finds the
// other's conversation (see errTaken); likewise two replicas making the
// widget's signing key at their first start end up with one key.
//
// # Encoding
//
// Times are BIGINT unix nanoseconds, NULL when the Go value is zero, and
// come back in UTC. Not timestamptz, whose microseconds would lose the
// nanoseconds the conformance suite asks back (and the queue order of
// handoffs created within one microsecond). Structs and lists are JSONB,
// NULL when empty; the outbox payload is TEXT, byte for byte what the
// engine wrote. Zero ids are NULL so that foreign keys hold.
//
// # Migrations
//
// The schema lives in migrations/NNNN_name.sql, embedded in the binary.
// Open applies those not yet recorded in schema_migrations, each in its
// own transaction under an advisory lock (pg_advisory_xact_lock), so that
// replicas starting together apply each once; migrations only go forward,
// and a database migrated by a newer version is refused.
//
// # Fan-out
//
// Fanout is bridge.Fanout on LISTEN/NOTIFY (github.com/jackc/pgxlisten):
// one NOTIFY channel for every topic, each notice tagged with its replica
// so that a replica skips its own, and one listening connection per
// replica outside the pool, which tells its subscribers to resync from the
// store each time it (re)connects.
//
// # Connections
//
// The pool's size is pgxpool's default (the larger of 4 and the number of
// CPUs) unless WithMaxConns or the DSN's pool_max_conns says otherwise.
// Statements are prepared once per connection and cached (pgx's default).
package postgres
