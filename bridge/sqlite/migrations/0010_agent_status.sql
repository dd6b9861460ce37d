-- Agents' statuses (bridge.AgentTx): one row per agent who ever set one;
-- an agent without a row is offline.
CREATE TABLE agent_status (
    agent      TEXT    NOT NULL PRIMARY KEY,
    status     TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- ActiveHandoffCounts: the capacity check at every Join.
CREATE INDEX handoffs_active_owner ON handoffs (owner) WHERE state = 'active';
