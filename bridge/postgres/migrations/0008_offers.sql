-- 0008: assignment (bridge.HandoffOffer): the agent a pending request is
-- offered to and who had it before, and when the offer passes on, which
-- the SLA timer also waits for. The same as bridge/sqlite's 0011.
ALTER TABLE handoffs ADD COLUMN offer JSONB;
ALTER TABLE handoffs ADD COLUMN offer_deadline BIGINT;
CREATE INDEX handoffs_offer_deadline ON handoffs (offer_deadline) WHERE state = 'pending' AND offer_deadline IS NOT NULL;
