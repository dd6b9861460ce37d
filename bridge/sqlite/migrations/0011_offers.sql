-- Assignment (bridge.HandoffOffer): the agent a pending request is offered
-- to and who had it before (JSON), and when the offer passes on, which the
-- SLA timer also waits for (NextDeadline, DueHandoffs).
ALTER TABLE handoffs ADD COLUMN offer TEXT;
ALTER TABLE handoffs ADD COLUMN offer_deadline INTEGER;
CREATE INDEX handoffs_offer_deadline ON handoffs (offer_deadline) WHERE state = 'pending' AND offer_deadline IS NOT NULL;
