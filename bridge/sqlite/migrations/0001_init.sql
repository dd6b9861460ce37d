-- 0001: the whole first schema.
--
-- Conventions (see doc.go):
--   * times are INTEGER unix nanoseconds, NULL when the Go value is zero;
--   * structs and lists (user context, offer, lead draft, declined agents,
--     attachments) are JSON in TEXT, NULL when empty;
--   * an id reference that is zero in Go is NULL here, so that foreign keys
--     can be enforced;
--   * ids are AUTOINCREMENT so that an id is never reused, even after
--     rows are pruned: message and outbox ids are idempotency keys.

CREATE TABLE conversations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    channel      TEXT    NOT NULL,
    chat_id      TEXT    NOT NULL,
    user_id      TEXT    NOT NULL DEFAULT '',
    user_name    TEXT    NOT NULL DEFAULT '',
    context      TEXT,
    misses       INTEGER NOT NULL DEFAULT 0,
    offer        TEXT,
    last_handoff INTEGER REFERENCES handoffs (id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (channel, chat_id)
);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    handoff_id      INTEGER REFERENCES handoffs (id),
    role            TEXT    NOT NULL,
    author          TEXT    NOT NULL DEFAULT '',
    agent_id        TEXT    NOT NULL DEFAULT '',
    text            TEXT    NOT NULL DEFAULT '',
    attachments     TEXT,
    internal        INTEGER NOT NULL DEFAULT 0,
    source          TEXT    NOT NULL DEFAULT '',
    platform_id     TEXT    NOT NULL DEFAULT '',
    edited_at       INTEGER,
    deleted_at      INTEGER,
    created_at      INTEGER NOT NULL
);

-- History pages: Messages(conversation, after, limit).
CREATE INDEX messages_conversation ON messages (conversation_id, id);
-- Edits and de-duplication: MessageByPlatformID. Messages without a
-- platform id (AI answers, notices) are never looked up this way, so they
-- stay out of the index.
CREATE INDEX messages_platform ON messages (source, platform_id) WHERE platform_id <> '';

CREATE TABLE message_copies (
    message_id  INTEGER NOT NULL REFERENCES messages (id),
    destination TEXT    NOT NULL,
    platform_id TEXT    NOT NULL,
    PRIMARY KEY (message_id, destination)
) WITHOUT ROWID;

CREATE TABLE handoffs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id  INTEGER NOT NULL REFERENCES conversations (id),
    team             TEXT    NOT NULL DEFAULT '',
    state            TEXT    NOT NULL,
    owner            TEXT    NOT NULL DEFAULT '',
    owner_name       TEXT    NOT NULL DEFAULT '',
    owner_ref        TEXT    NOT NULL DEFAULT '',
    priority         TEXT    NOT NULL DEFAULT '',
    -- priority_rank is bridge.Priority.Rank, stored so that the queue order
    -- is an index scan and not a CASE in every query.
    priority_rank    INTEGER NOT NULL DEFAULT 1,
    trigger_name     TEXT    NOT NULL DEFAULT '',
    reason           TEXT    NOT NULL DEFAULT '',
    previous_id      INTEGER REFERENCES handoffs (id),
    deadline         INTEGER,
    thread_workspace TEXT    NOT NULL DEFAULT '',
    thread_channel   TEXT    NOT NULL DEFAULT '',
    thread_id        TEXT    NOT NULL DEFAULT '',
    lead_step        TEXT    NOT NULL DEFAULT '',
    lead_draft       TEXT,
    declined         TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    closed_at        INTEGER
);

-- OpenHandoff.
CREATE INDEX handoffs_conversation ON handoffs (conversation_id, state);
-- HandoffByThread: button clicks and thread replies.
CREATE INDEX handoffs_thread ON handoffs (thread_workspace, thread_id) WHERE thread_id <> '';
-- NextDeadline and DueHandoffs: the SLA timers.
CREATE INDEX handoffs_deadline ON handoffs (deadline) WHERE state = 'pending' AND deadline IS NOT NULL;
-- Handoffs and QueuePosition: the queue order within a team and state.
CREATE INDEX handoffs_queue ON handoffs (team, state, priority_rank DESC, created_at, id);

CREATE TABLE handoff_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    handoff_id INTEGER NOT NULL REFERENCES handoffs (id),
    kind       TEXT    NOT NULL,
    actor      TEXT    NOT NULL DEFAULT '',
    from_state TEXT    NOT NULL DEFAULT '',
    to_state   TEXT    NOT NULL DEFAULT '',
    note       TEXT    NOT NULL DEFAULT '',
    at         INTEGER NOT NULL
);

CREATE INDEX handoff_events_handoff ON handoff_events (handoff_id, id);

CREATE TABLE leads (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    handoff_id      INTEGER REFERENCES handoffs (id),
    conversation_id INTEGER REFERENCES conversations (id),
    team            TEXT    NOT NULL DEFAULT '',
    name            TEXT    NOT NULL DEFAULT '',
    email           TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    message         TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL
);

-- Processed inbound event ids. seen_at lets a janitor prune old ones.
CREATE TABLE inbound_events (
    source  TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (source, id)
) WITHOUT ROWID;

CREATE TABLE cursors (
    name       TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    destination  TEXT    NOT NULL,
    stream       TEXT    NOT NULL,
    op           TEXT    NOT NULL,
    payload      TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_try     INTEGER NOT NULL,
    last_error   TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    delivered_at INTEGER,
    failed_at    INTEGER
);

-- The pending entries only: delivered and failed ones leave the index, so
-- DueOutbox, NextOutboxTry and OutboxDepth cost what is pending, not what
-- was ever sent.
CREATE INDEX outbox_pending ON outbox (destination, stream, id)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
