-- 0002: what adapters keep for themselves (bridge.AdapterStateTx) and the
-- keys the bridge makes for itself (bridge.KeysTx), as in bridge/sqlite's
-- 0006. Nothing to move over: no released version kept them as cursors
-- on PostgreSQL.

CREATE TABLE adapter_state (
    namespace  TEXT   NOT NULL,
    key        TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (namespace, key)
);

CREATE TABLE keys (
    name       TEXT   NOT NULL PRIMARY KEY,
    value      BYTEA  NOT NULL,
    created_at BIGINT NOT NULL
);
