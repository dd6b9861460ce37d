package sqlite

import (
	"context"
	"database/sql"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// TestUpgradeMovesAdapterCursorsToAdapterState: an install upgraded in
// place keeps what its adapters kept as cursors (a Telegram offset,
// Discord read positions, WhatsApp windows, console thread lines) and the
// widget's session key, now under the adapters' namespaces and in the
// keys table; the platform cursors of others stay where they were.
func TestUpgradeMovesAdapterCursorsToAdapterState(t *testing.T) {
	dsn := tempDSN(t)
	ctx := context.Background()
	old := openAt(t, dsn, newClock())
	undoAdapterStateMigration(t, old.write)
	cursors := map[string]string{
		"telegram.offset":                  "1234",
		"whatsapp.last_inbound.4915550001": "1741964966",
		"whatsapp.last_message.4915550001": "wamid.ABC",
		"whatsapp.status.wamid.XYZ":        "failed",
		"console:lines:17":                 `[{"text":"Ana joined.","at":"2025-03-14T15:09:26Z"}]`,
		"discord:thread:998877":            "1122334455",
		"discord:dm-index":                 "111 222",
		"web.session_secret":               "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
		"other.cursor":                     "kept",
	}
	for name, value := range cursors {
		if _, err := old.write.Exec(`INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, 1)`, name, value); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	s := openAt(t, dsn, newClock())
	want := []struct{ namespace, key, value string }{
		{"telegram", "offset", "1234"},
		{"whatsapp", "last_inbound.4915550001", "1741964966"},
		{"whatsapp", "last_message.4915550001", "wamid.ABC"},
		{"whatsapp", "status.wamid.XYZ", "failed"},
		{"console", "lines:17", cursors["console:lines:17"]},
		{"discord", "thread:998877", "1122334455"},
		{"discord", "dm-index", "111 222"},
	}
	view(t, s, func(tx bridge.Tx) error {
		for _, w := range want {
			got, err := tx.AdapterState(ctx, w.namespace, w.key)
			if err != nil || got != w.value {
				t.Errorf("AdapterState(%s, %s) = %q, %v; want %q", w.namespace, w.key, got, err, w.value)
			}
		}
		key, err := tx.Key(ctx, "web.session")
		if err != nil || len(key) != 32 || key[1] != 0x11 || key[31] != 0xff {
			t.Errorf("Key(web.session) = %x, %v; want the 32 bytes the cursor held in hex", key, err)
		}
		if v, err := tx.Cursor(ctx, "other.cursor"); err != nil || v != "kept" {
			t.Errorf("Cursor(other.cursor) = %q, %v; want it left alone", v, err)
		}
		for name := range cursors {
			if name == "other.cursor" {
				continue
			}
			if v, err := tx.Cursor(ctx, name); err != nil || v != "" {
				t.Errorf("Cursor(%s) = %q, %v after the upgrade; want it moved away", name, v, err)
			}
		}
		return nil
	})
}

// undoAdapterStateMigration makes a fresh database look like one from
// before adapter state had a table of its own (schema version 5).
func undoAdapterStateMigration(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, q := range []string{
		`DROP TABLE adapter_state`,
		`DROP TABLE keys`,
		`DROP TABLE leases`,                            // 0007, which comes back with 0006
		`ALTER TABLE handoffs DROP COLUMN queue_place`, // 0008, likewise
		`ALTER TABLE handoffs DROP COLUMN queue_text_place`,
		`ALTER TABLE handoffs DROP COLUMN queue_text_at`,
		`ALTER TABLE handoffs DROP COLUMN summary`, // 0009, likewise
		`DROP TABLE agent_status`,                  // 0010, likewise
		`DROP INDEX handoffs_active_owner`,
		`DROP INDEX handoffs_offer_deadline`, // 0011, likewise
		`ALTER TABLE handoffs DROP COLUMN offer`,
		`ALTER TABLE handoffs DROP COLUMN offer_deadline`,
		`DELETE FROM schema_migrations WHERE version >= 6`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}
