-- Adapters' own durable keys get a table of their own, apart from the
-- platform cursors, and the keys the bridge makes for itself (the widget's
-- session signing key) one more. What adapters kept as cursors moves over,
-- so that an install upgraded in place keeps its Telegram offset, its
-- Discord read positions, WhatsApp windows, console thread lines and
-- widget sessions.
CREATE TABLE adapter_state (
    namespace  TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, key)
) WITHOUT ROWID;

CREATE TABLE keys (
    name       TEXT    NOT NULL PRIMARY KEY,
    value      BLOB    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- "<adapter>.<key>" (telegram, whatsapp) and "<adapter>:<key>" (console,
-- discord) were the adapters' cursor names.
INSERT INTO adapter_state (namespace, key, value, updated_at)
    SELECT 'telegram', substr(name, 10), value, updated_at FROM cursors WHERE name GLOB 'telegram.?*';
INSERT INTO adapter_state (namespace, key, value, updated_at)
    SELECT 'whatsapp', substr(name, 10), value, updated_at FROM cursors WHERE name GLOB 'whatsapp.?*';
INSERT INTO adapter_state (namespace, key, value, updated_at)
    SELECT 'console', substr(name, 9), value, updated_at FROM cursors WHERE name GLOB 'console:?*';
INSERT INTO adapter_state (namespace, key, value, updated_at)
    SELECT 'discord', substr(name, 9), value, updated_at FROM cursors WHERE name GLOB 'discord:?*';
INSERT INTO keys (name, value, created_at)
    SELECT 'web.session', unhex(value), updated_at FROM cursors
    WHERE name = 'web.session_secret' AND unhex(value) IS NOT NULL AND value != '';
DELETE FROM cursors
    WHERE name GLOB 'telegram.?*' OR name GLOB 'whatsapp.?*' OR name GLOB 'console:?*' OR name GLOB 'discord:?*'
       OR name = 'web.session_secret';
