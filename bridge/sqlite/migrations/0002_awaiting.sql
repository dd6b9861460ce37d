-- The user message the AI has yet to answer, so that an answer cut short
-- by a crash is given at the next start.
ALTER TABLE conversations ADD COLUMN awaiting INTEGER REFERENCES messages (id);
CREATE INDEX conversations_awaiting ON conversations (updated_at, id) WHERE awaiting IS NOT NULL;
