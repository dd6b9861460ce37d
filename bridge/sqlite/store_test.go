package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

func TestParseDSN(t *testing.T) {
	tests := []struct {
		dsn    string
		path   string
		memory bool
	}{
		{dsn: ":memory:", memory: true},
		{dsn: "", memory: true},
		{dsn: "file::memory:", memory: true},
		{dsn: "file:x?mode=memory&cache=shared", memory: true},
		{dsn: "data/bridge.db", path: "data/bridge.db"},
		{dsn: "/var/lib/bridge.db", path: "/var/lib/bridge.db"},
		{dsn: "file:data/bridge.db", path: "data/bridge.db"},
		{dsn: "file:data/bridge.db?mode=rwc#frag", path: "data/bridge.db"},
		{dsn: "file:///var/lib/my%20bridge.db", path: "/var/lib/my bridge.db"},
		{dsn: "file://localhost/var/lib/bridge.db", path: "/var/lib/bridge.db"},
	}
	for _, tt := range tests {
		got := parseDSN(tt.dsn)
		if got.path != tt.path || got.memory != tt.memory {
			t.Errorf("parseDSN(%q) = path %q memory %v, want %q %v", tt.dsn, got.path, got.memory, tt.path, tt.memory)
		}
	}
}

func TestOpenDSNForms(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		dsn  string
		file string // the file that must exist afterwards
	}{
		{"path with missing parents", filepath.Join(dir, "a", "b", "bridge.db"), filepath.Join(dir, "a", "b", "bridge.db")},
		{"file URI", "file:" + filepath.Join(dir, "c", "bridge.db") + "?mode=rwc", filepath.Join(dir, "c", "bridge.db")},
		{"memory", ":memory:", ""},
		{"memory URI", "file::memory:", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openAt(t, tt.dsn, newClock())
			id := seedConversation(t, s, "x")
			// Every connection sees the same database, also in memory.
			for range 3 {
				view(t, s, func(tx bridge.Tx) error {
					_, err := tx.Conversation(context.Background(), id)
					return err
				})
			}
			if tt.file != "" {
				if _, err := os.Stat(tt.file); err != nil {
					t.Fatalf("database file: %v", err)
				}
			}
		})
	}
}

func TestPragmas(t *testing.T) {
	s := openAt(t, tempDSN(t), newClock())
	for name, db := range map[string]*sql.DB{"write": s.write, "read": s.read} {
		for pragma, want := range map[string]string{
			"journal_mode": "wal",
			"busy_timeout": "5000",
			"foreign_keys": "1",
			"synchronous":  "1", // NORMAL
		} {
			var got string
			if err := db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", name, pragma, err)
			}
			if !strings.EqualFold(got, want) {
				t.Errorf("%s: PRAGMA %s = %s, want %s", name, pragma, got, want)
			}
		}
	}
	var qo int
	if err := s.read.QueryRow("PRAGMA query_only").Scan(&qo); err != nil || qo != 1 {
		t.Errorf("read pool query_only = %d, %v; want 1", qo, err)
	}
	// The writer never stops to checkpoint: the checkpointer does.
	var auto int
	if err := s.write.QueryRow("PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Errorf("writer wal_autocheckpoint = %d, %v; want 0", auto, err)
	}
}

// TestCheckpointerCopiesTheWAL: what the writer commits is copied into the
// database file by the checkpointer, and the WAL starts over instead of
// growing without end.
func TestCheckpointerCopiesTheWAL(t *testing.T) {
	dsn := tempDSN(t)
	s := openAt(t, dsn, newClock())
	ctx := context.Background()
	for i := range 200 {
		update(t, s, func(tx bridge.Tx) error {
			_, err := tx.MarkInbound(ctx, "test", fmt.Sprint("ev-", i))
			return err
		})
	}
	var busy, frames, copied int
	if err := s.checkpoints.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
		t.Fatal(err)
	}
	if frames == 0 || copied != frames {
		t.Fatalf("checkpoint copied %d of %d WAL frames, want all", copied, frames)
	}
	walBefore, err := os.Stat(dsn + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// The next transaction starts the WAL over from its beginning: half as
	// many transactions again stay within the same file.
	for i := range 100 {
		update(t, s, func(tx bridge.Tx) error {
			_, err := tx.MarkInbound(ctx, "test", fmt.Sprint("again-", i))
			return err
		})
	}
	walAfter, err := os.Stat(dsn + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if walAfter.Size() > walBefore.Size() {
		t.Fatalf("WAL grew from %d to %d bytes after a full checkpoint, want it reused", walBefore.Size(), walAfter.Size())
	}
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	dsn := tempDSN(t)
	ctx := context.Background()
	clock := newClock()

	s1, err := Open(ctx, dsn, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	id := seedConversation(t, s1, "kept")
	applied := migrationRows(t, s1.write)
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	clock.Advance(time.Hour)
	s2 := openAt(t, dsn, clock)
	view(t, s2, func(tx bridge.Tx) error {
		c, err := tx.Conversation(ctx, id)
		if err != nil {
			return err
		}
		if c.Address.ChatID != "kept" {
			t.Errorf("chat id = %q", c.Address.ChatID)
		}
		return nil
	})
	ms, _ := migrations()
	again := migrationRows(t, s2.write)
	if len(again) != len(ms) || strings.Join(again, ";") != strings.Join(applied, ";") {
		t.Errorf("schema_migrations after reopen = %v, want %v (once each, untouched)", again, applied)
	}
}

// migrationRows lists schema_migrations as "version name applied_at".
func migrationRows(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT version || ' ' || name || ' ' || applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	dsn := tempDSN(t)
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.Exec(`INSERT INTO schema_migrations VALUES (9999, '9999_future', 0)`); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if s, err := Open(context.Background(), dsn); err == nil {
		_ = s.Close()
		t.Fatal("Open of a database from a newer build succeeded")
	}
}

func TestViewRefusesWrites(t *testing.T) {
	ctx := context.Background()
	now := t0
	writes := map[string]func(tx bridge.Tx) error{
		"MarkInbound": func(tx bridge.Tx) error { _, err := tx.MarkInbound(ctx, "s", "1"); return err },
		"CreateConversation": func(tx bridge.Tx) error {
			return tx.CreateConversation(ctx, &bridge.Conversation{Address: bridge.ChatAddress{Channel: "web", ChatID: "v"}})
		},
		"UpdateConversation": func(tx bridge.Tx) error { return tx.UpdateConversation(ctx, &bridge.Conversation{ID: 1}) },
		"AddMessage":         func(tx bridge.Tx) error { return tx.AddMessage(ctx, &bridge.Message{ConversationID: 1}) },
		"UpdateMessage":      func(tx bridge.Tx) error { return tx.UpdateMessage(ctx, &bridge.Message{ID: 1}) },
		"AddMessageCopy": func(tx bridge.Tx) error {
			return tx.AddMessageCopy(ctx, 1, bridge.UserDestination(bridge.ChannelWeb), "p")
		},
		"CreateHandoff": func(tx bridge.Tx) error { return tx.CreateHandoff(ctx, &bridge.Handoff{ConversationID: 1}) },
		"UpdateHandoff": func(tx bridge.Tx) error {
			_, err := tx.UpdateHandoff(ctx, &bridge.Handoff{ID: 1}, bridge.StatePending, "")
			return err
		},
		"SetHandoffThread": func(tx bridge.Tx) error { return tx.SetHandoffThread(ctx, 1, bridge.ThreadRef{ThreadID: "t"}) },
		"AddHandoffEvent":  func(tx bridge.Tx) error { return tx.AddHandoffEvent(ctx, &bridge.HandoffEvent{HandoffID: 1}) },
		"AddLead":          func(tx bridge.Tx) error { return tx.AddLead(ctx, &bridge.Lead{}) },
		"Enqueue": func(tx bridge.Tx) error {
			return tx.Enqueue(ctx, &bridge.OutboxEntry{Destination: bridge.UserDestination("d")})
		},
		"MarkDelivered": func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, 1, now) },
		"MarkRetry":     func(tx bridge.Tx) error { return tx.MarkRetry(ctx, 1, now, "e") },
		"MarkFailed":    func(tx bridge.Tx) error { return tx.MarkFailed(ctx, 1, now, "e") },
		"SetCursor":     func(tx bridge.Tx) error { return tx.SetCursor(ctx, "c", "v") },
	}
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		for name, write := range writes {
			err := s.View(ctx, write)
			if !errors.Is(err, ErrReadOnly) {
				t.Errorf("%s in View = %v, want ErrReadOnly", name, err)
			}
		}
	})
}

func TestForeignKeysEnforced(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		err := s.Update(context.Background(), func(tx bridge.Tx) error {
			return tx.AddMessage(context.Background(), &bridge.Message{ConversationID: 424242, Role: bridge.RoleUser})
		})
		if err == nil {
			t.Fatal("message of a missing conversation was stored")
		}
	})
}

// TestJSONColumnsAreJSON guards the encoding other tools (and the
// PostgreSQL port) rely on: JSON columns hold plain JSON documents.
func TestJSONColumnsAreJSON(t *testing.T) {
	s := openAt(t, tempDSN(t), newClock())
	c := &bridge.Conversation{
		Address: bridge.ChatAddress{Channel: "web", ChatID: "j"},
		Context: bridge.UserContext{IP: "203.0.113.9"},
	}
	update(t, s, func(tx bridge.Tx) error { return tx.CreateConversation(context.Background(), c) })
	var raw string
	if err := s.read.QueryRow(`SELECT context FROM conversations WHERE id = ?`, int64(c.ID)).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil || m["ip"] != "203.0.113.9" {
		t.Errorf("context column = %s (%v)", raw, err)
	}
}

func TestStatementsArePreparedOnce(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		conv := seedConversation(t, s, "stmts")
		add := func() {
			update(t, s, func(tx bridge.Tx) error {
				return tx.AddMessage(ctx, &bridge.Message{ConversationID: conv, Role: bridge.RoleUser})
			})
		}
		add() // runs unprepared, then is prepared
		s.writeStmts.mu.RLock()
		n := len(s.writeStmts.stmts)
		s.writeStmts.mu.RUnlock()
		if n == 0 {
			t.Fatal("nothing prepared after a transaction")
		}
		add() // runs prepared
		s.writeStmts.mu.RLock()
		again, wanted := len(s.writeStmts.stmts), len(s.writeStmts.wanted)
		s.writeStmts.mu.RUnlock()
		if again != n || wanted != 0 {
			t.Errorf("statements %d then %d, %d wanted; want the same ones reused", n, again, wanted)
		}
		view(t, s, func(tx bridge.Tx) error {
			ms, err := tx.Messages(ctx, conv, 0, 0)
			if len(ms) != 2 {
				t.Errorf("%d messages, want 2", len(ms))
			}
			return err
		})
	})
}

// TestWriterRewindsALongWAL: once the WAL is long, the writer finishes a
// checkpoint between two batches, and the WAL starts over. (A checkpoint
// beside a busy writer never let it: the WAL grew by gigabytes.)
func TestWriterRewindsALongWAL(t *testing.T) {
	s := openAt(t, tempDSN(t), newClock())
	s.checkpoints.pause() // only the writer checkpoints from here on
	ctx := context.Background()
	write := func(prefix string, n int) {
		for i := range n {
			update(t, s, func(tx bridge.Tx) error {
				_, err := tx.MarkInbound(ctx, "test", fmt.Sprint(prefix, i))
				return err
			})
		}
	}
	walFrames := func() int {
		t.Helper()
		var busy, frames, copied int
		// TRUNCATE would rewind it; this only reads the WAL's length.
		if err := s.checkpoints.db.QueryRow("PRAGMA wal_checkpoint(NOOP)").Scan(&busy, &frames, &copied); err != nil {
			t.Fatal(err)
		}
		return frames
	}
	write("a-", 300)
	long := walFrames()
	if long < 300 {
		t.Fatalf("WAL has %d frames after 300 transactions with checkpoints off", long)
	}
	s.checkpoints.long.Store(true)
	write("b-", 2) // the first batch is followed by the checkpoint, the second rewinds
	if got := walFrames(); got >= long/10 {
		t.Fatalf("WAL has %d frames after the writer's checkpoint, was %d: not started over", got, long)
	}
}
