-- Leases (bridge.Leases): one row per singleton name. One process owns a
-- SQLite file, so its leases are always granted; the table keeps the same
-- contract (epochs, expiry) as on PostgreSQL.
CREATE TABLE leases (
    name       TEXT    NOT NULL PRIMARY KEY,
    holder     TEXT    NOT NULL,
    epoch      INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
