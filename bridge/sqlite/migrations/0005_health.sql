-- One row that the readiness probe rewrites: proof that the store still
-- takes a write (a full disk, a read-only file or a broken WAL fail it).
CREATE TABLE health (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
);
