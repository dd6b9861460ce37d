-- Raw inbound deliveries accepted by a webhook before they are processed
-- (bridge.Inbox). AUTOINCREMENT: ids must never be reused, since a reader
-- resumes after the last id it saw.
CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source      TEXT    NOT NULL,
    body        BLOB    NOT NULL,
    received_at INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    given_up_at INTEGER
);
CREATE INDEX inbox_pending ON inbox (source, id) WHERE given_up_at IS NULL;
