package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// TestReadyzNamesADamagedStore: with the messages table damaged on disk,
// every user message fails, and /readyz says so (it said 200 "store: ok").
func TestReadyzNamesADamagedStore(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "bridge.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	seedHistory(t, st)
	if code, body := getReadyz(t, st); code != http.StatusOK || body["store"] != "ok" {
		t.Fatalf("/readyz on a sound store = %d %v, want 200 store ok", code, body)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	damageTable(t, path, "messages")
	st, err = sqlite.Open(ctx, path) // the damage is in one table: it opens
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	engine := newTestEngine(t, st)
	_, err = engine.Handle(ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "c2"}, PlatformID: "m1", Text: "hello"})
	if err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("a user message on the damaged store: %v, want it to fail as malformed", err)
	}
	code, body := getReadyz(t, st)
	if code != http.StatusServiceUnavailable || !strings.Contains(body["store"], "database disk image is malformed") {
		t.Errorf("/readyz on a damaged store = %d %v, want 503 naming the store's error", code, body)
	}
}

func newTestEngine(t *testing.T, st bridge.Store) *bridge.Engine {
	t.Helper()
	e, err := bridge.New(bridge.Options{Store: st, Responder: bridge.ResponderFunc(func(context.Context, bridge.Question) (bridge.Reply, error) {
		return bridge.Reply{Text: "ok", Confidence: 1}, nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// getReadyz asks /readyz of a bridge on st with no adapters.
func getReadyz(t *testing.T, st bridge.Store) (int, map[string]string) {
	t.Helper()
	mux := http.NewServeMux()
	mountHealth(mux, newTestEngine(t, st), map[string]bridge.HealthChecker{})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("/readyz body: %v", err)
	}
	return resp.StatusCode, body
}

// seedHistory writes a conversation long enough that its messages fill
// several pages of the table.
func seedHistory(t *testing.T, st bridge.Store) {
	t.Helper()
	ctx := t.Context()
	err := st.Update(ctx, func(tx bridge.Tx) error {
		c := &bridge.Conversation{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "c1"}}
		if err := tx.CreateConversation(ctx, c); err != nil {
			return err
		}
		for range 200 {
			if err := tx.AddMessage(ctx, &bridge.Message{ConversationID: c.ID, Role: bridge.RoleUser, Text: strings.Repeat("history ", 40)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// damageTable overwrites every page of a table's b-tree in the closed
// database file at path, as a failing disk or a stray write would.
func damageTable(t *testing.T, path, table string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var pageSize int64
	if err := db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT pageno FROM dbstat WHERE name = ?", table)
	if err != nil {
		t.Fatal(err)
	}
	var pages []int64
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if len(pages) < 2 {
		t.Fatalf("table %s has %d pages; the test wants several", table, len(pages))
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("%s-wal still holds %d bytes: the damage would be read past", path, fi.Size())
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	junk := []byte(strings.Repeat("\xa5", int(pageSize)))
	for _, p := range pages {
		if _, err := f.WriteAt(junk, (p-1)*pageSize); err != nil {
			t.Fatal(err)
		}
	}
}
