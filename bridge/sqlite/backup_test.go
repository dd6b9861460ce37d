package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// TestBackupOfALiveStore backs a store up while writers keep committing
// pairs of messages, each pair in one transaction: the backup opens as a
// store, holds everything committed before it started, and no half pair.
func TestBackupOfALiveStore(t *testing.T) {
	ctx := context.Background()
	dsn := tempDSN(t)
	s := openAt(t, dsn, bridge.SystemClock{})

	const writers = 4
	convs := make([]bridge.ConversationID, writers)
	for i := range convs {
		convs[i] = seedConversation(t, s, fmt.Sprintf("live-%d", i))
		addPair(t, s, convs[i], "before the backup")
	}

	stop := make(chan struct{})
	started := make(chan struct{}, writers)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			for n := 0; ; n++ {
				if err := s.Update(ctx, pairWriter(convs[i], fmt.Sprint("during ", n))); err != nil {
					errs <- err
					return
				}
				if n == 0 {
					started <- struct{}{}
				}
				select {
				case <-stop:
					return
				default:
				}
			}
		})
	}
	for range writers {
		<-started
	}
	dst := filepath.Join(t.TempDir(), "backup.db")
	err := Backup(ctx, dsn, dst)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a writer failed during the backup: %v", err)
	}
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}

	info, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("backup mode = %o, want 600", mode)
	}
	b := openAt(t, dst, bridge.SystemClock{})
	view(t, b, func(tx bridge.Tx) error {
		for _, c := range convs {
			ms, err := tx.Messages(ctx, c, 0, 1_000_000)
			if err != nil {
				return err
			}
			// Before the backup: one pair; the writers' first: one more.
			if len(ms) < 4 || len(ms)%2 != 0 || ms[0].Text != "before the backup" {
				t.Errorf("conversation %d in the backup: %d messages, first %q; want an even number ≥ 4 from \"before the backup\"",
					c, len(ms), ms[0].Text)
			}
		}
		return nil
	})
}

// TestBackupDoesNotWaitForAWriteInFlight: a write transaction is open (the
// store's single writer is busy); the backup finishes anyway, without it.
func TestBackupDoesNotWaitForAWriteInFlight(t *testing.T) {
	ctx := context.Background()
	dsn := tempDSN(t)
	s := openAt(t, dsn, bridge.SystemClock{})
	conv := seedConversation(t, s, "in-flight")
	addPair(t, s, conv, "committed")

	inside, held := make(chan struct{}), make(chan struct{})
	release := sync.OnceFunc(func() { close(held) })
	defer release() // before the store closes, which waits for the write
	writeDone := make(chan error, 1)
	go func() {
		writeDone <- s.Update(ctx, func(tx bridge.Tx) error {
			if err := pairWriter(conv, "uncommitted")(tx); err != nil {
				return err
			}
			close(inside)
			<-held
			return nil
		})
	}()
	<-inside
	dst := filepath.Join(t.TempDir(), "backup.db")
	backupDone := make(chan error, 1)
	go func() { backupDone <- Backup(ctx, dsn, dst) }()
	select {
	case err := <-backupDone:
		if err != nil {
			t.Fatalf("Backup: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the backup waited for the write transaction")
	}
	release()
	if err := <-writeDone; err != nil {
		t.Fatal(err)
	}

	b := openAt(t, dst, bridge.SystemClock{})
	view(t, b, func(tx bridge.Tx) error {
		ms, err := tx.Messages(ctx, conv, 0, 100)
		if err != nil {
			return err
		}
		if len(ms) != 2 || ms[0].Text != "committed" {
			t.Errorf("backup has %d messages (%v), want the committed pair only", len(ms), ms)
		}
		return nil
	})
}

func TestBackupRefuses(t *testing.T) {
	ctx := context.Background()
	dsn := tempDSN(t)
	s := openAt(t, dsn, bridge.SystemClock{})
	seedConversation(t, s, "x")
	dir := t.TempDir()

	existing := filepath.Join(dir, "existing.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Another SQLite database, not the bridge's.
	plain := filepath.Join(dir, "plain.db")
	db, err := sql.Open("sqlite", plain)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tests := []struct {
		name, dsn, dst, wantErr string
	}{
		{name: "existing output", dsn: dsn, dst: existing, wantErr: "exists"},
		{name: "missing store", dsn: filepath.Join(dir, "nowhere", "bridge.db"), dst: filepath.Join(dir, "a.db"), wantErr: "no such file"},
		{name: "in-memory store", dsn: ":memory:", dst: filepath.Join(dir, "b.db"), wantErr: "in-memory"},
		{name: "not a bridge store", dsn: plain, dst: filepath.Join(dir, "c.db"), wantErr: "not a bridge store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Backup(ctx, tt.dsn, tt.dst)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Backup = %v, want an error with %q", err, tt.wantErr)
			}
			if tt.dst == existing {
				if b, _ := os.ReadFile(existing); !bytes.Equal(b, []byte("keep me")) {
					t.Errorf("the existing file was changed: %q", b)
				}
			} else if _, err := os.Stat(tt.dst); !os.IsNotExist(err) {
				t.Errorf("a failed backup left %s behind (%v)", tt.dst, err)
			}
		})
	}
}

func pairWriter(c bridge.ConversationID, text string) func(tx bridge.Tx) error {
	return func(tx bridge.Tx) error {
		for range 2 {
			if err := tx.AddMessage(context.Background(), &bridge.Message{ConversationID: c, Role: bridge.RoleUser, Text: text}); err != nil {
				return err
			}
		}
		return nil
	}
}

func addPair(t *testing.T, s *Store, c bridge.ConversationID, text string) {
	t.Helper()
	update(t, s, pairWriter(c, text))
}
