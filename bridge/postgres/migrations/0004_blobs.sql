-- 0004: the bytes of shared files (bridge.Blobs), so that every replica
-- serves every file. created_at is unix nanoseconds, like the other tables;
-- the index serves the orphan sweep's oldest-first listing.
CREATE TABLE blobs (
    id           TEXT   NOT NULL PRIMARY KEY,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    owner        TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    data         BYTEA  NOT NULL
);
CREATE INDEX blobs_created ON blobs (created_at, id);
