package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/internal/pgtest"
)

// TestMain stops the PostgreSQL server a test of this package started.
func TestMain(m *testing.M) { pgtest.Main(m) }

// TestRunOnPostgres: the zero-config start with only the store switched to
// PostgreSQL by the environment: the bridge migrates the empty database,
// is ready, and a widget user's question is answered and kept there, not
// in a SQLite file.
func TestRunOnPostgres(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	dir := t.TempDir()
	sqliteFile := filepath.Join(dir, "data", "bridge.db")
	t.Setenv("BRIDGE_HTTP_LISTEN", "127.0.0.1:0")
	t.Setenv("BRIDGE_STORE_DRIVER", "postgres")
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("BRIDGE_STORE_DSN", sqliteFile) // where the console's admin token would go
	// Replicas share the admin's token: on PostgreSQL it comes from the
	// environment (TestClusterRefusesAMadeUpAdminToken).
	t.Setenv("BRIDGE_CONSOLE_ADMIN_TOKEN_ENV", "CONSOLE_ADMIN_TOKEN")
	t.Setenv("CONSOLE_ADMIN_TOKEN", adminToken)
	ctx, cancel := context.WithCancel(t.Context())
	var logs syncBuffer
	addrC := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"run"}, &bytes.Buffer{}, &logs, func(a string) { addrC <- a }) }()
	var addr string
	select {
	case addr = <-addrC:
	case err := <-done:
		t.Fatalf("bridge exited before listening: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("bridge did not start listening")
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cancel()
			<-done
		}
	})

	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&ready)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || ready["store"] != "ok" {
		t.Fatalf("/readyz = %d %v, want 200 with the store ok", resp.StatusCode, ready)
	}

	widget, err := webfake.Dial(ctx, "ws://"+addr+"/ws", webfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(widget.Drop)
	if _, err := widget.Say(ctx, "How do I reset my password?"); err != nil {
		t.Fatal(err)
	}
	if _, err := widget.WaitFor(ctx, "the knowledge base's answer", func(fs []webfake.Frame) bool {
		for _, f := range webfake.Messages(fs) {
			if f.Role == "ai" && strings.Contains(f.Text, "Forgot password?") {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}

	cancel()
	stopped = true
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v\n%s", err, logs.String())
	}
	if strings.Contains(logs.String(), dsn) || !strings.Contains(logs.String(), "DSN from $DATABASE_URL") {
		t.Errorf("the log should name the DSN's variable, not the DSN:\n%s", logs.String())
	}
	db, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	var question, answer int
	err = db.QueryRow(t.Context(), `SELECT count(*) FILTER (WHERE role = 'user'), count(*) FILTER (WHERE role = 'ai') FROM messages`).Scan(&question, &answer)
	if err != nil || question != 1 || answer != 1 {
		t.Errorf("PostgreSQL holds %d user and %d AI messages (%v), want 1 and 1", question, answer, err)
	}
	if _, err := os.Stat(sqliteFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a SQLite file was made at %s (%v)", sqliteFile, err)
	}
}

// TestBackupPointsPostgresToItsTools: `bridge backup` copies SQLite files;
// with the postgres store it says what to use instead, and writes nothing.
func TestBackupPointsPostgresToItsTools(t *testing.T) {
	t.Setenv("BRIDGE_STORE_DRIVER", "postgres")
	t.Setenv("DATABASE_URL", "postgres://bridge@db.invalid/bridge")
	t.Setenv("BRIDGE_CONSOLE_ADMIN_TOKEN_ENV", "CONSOLE_ADMIN_TOKEN")
	t.Setenv("CONSOLE_ADMIN_TOKEN", adminToken)
	out := filepath.Join(t.TempDir(), "backup.db")
	err := backup(t.Context(), "", out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup with the postgres store = %v, want a pointer to pg_dump", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("backup wrote %s (%v)", out, err)
	}
}
