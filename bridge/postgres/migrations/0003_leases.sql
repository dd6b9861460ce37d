-- 0003: leases (bridge.Leases), one row per singleton name. The row stays
-- after a release (holder '') so that epochs only grow. expires_at is the
-- server's time: replicas' clocks never decide who holds a lease.
CREATE TABLE leases (
    name       TEXT        NOT NULL PRIMARY KEY,
    holder     TEXT        NOT NULL,
    epoch      BIGINT      NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
