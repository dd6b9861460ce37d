-- What each waiting user was last told of their place in the queue
-- (bridge.QueueTold), kept with the handoff so that the text channels'
-- pacing holds across restarts. queue_text_at is unix nanoseconds, NULL
-- before any message.
ALTER TABLE handoffs ADD COLUMN queue_place INTEGER NOT NULL DEFAULT 0;
ALTER TABLE handoffs ADD COLUMN queue_text_place INTEGER NOT NULL DEFAULT 0;
ALTER TABLE handoffs ADD COLUMN queue_text_at INTEGER;
