-- DueOutbox scans a destination's pending entries in id order and stops at
-- its limit; this index serves that scan (outbox_pending serves the
-- per-stream probes).
CREATE INDEX outbox_due ON outbox (destination, id)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
