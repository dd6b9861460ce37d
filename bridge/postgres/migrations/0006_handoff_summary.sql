-- 0005: the summary agents read on a handoff's card: extractive at the
-- request, replaced by the AI's when it arrives in time.
ALTER TABLE handoffs ADD COLUMN summary TEXT NOT NULL DEFAULT '';
