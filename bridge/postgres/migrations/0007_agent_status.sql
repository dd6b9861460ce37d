-- 0007: agents' statuses (bridge.AgentTx), one row per agent who ever set
-- one; an agent without a row is offline. The same as bridge/sqlite's 0010.
CREATE TABLE agent_status (
    agent      TEXT   NOT NULL PRIMARY KEY,
    status     TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

-- ActiveHandoffCounts: the capacity check at every Join.
CREATE INDEX handoffs_active_owner ON handoffs (owner) WHERE state = 'active';
