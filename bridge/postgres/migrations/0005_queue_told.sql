-- 0005: what each waiting user was last told of their place in the queue
-- (bridge.QueueTold), kept with the handoff so that the text channels'
-- pacing holds across restarts and replicas. queue_text_at is unix
-- nanoseconds, NULL before any message.
ALTER TABLE handoffs
    ADD COLUMN queue_place      BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN queue_text_place BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN queue_text_at    BIGINT;
