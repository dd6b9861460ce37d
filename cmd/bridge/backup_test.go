package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// TestBackupCommandBesideARunningBridge: `bridge backup` with the running
// bridge's config copies its store; the copy opens with the data in it.
func TestBackupCommandBesideARunningBridge(t *testing.T) {
	path := writeConfig(t, minimalConfig+oneTeam)
	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(filepath.Dir(path), "data", "bridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	conv := &bridge.Conversation{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "backed-up"}}
	if err := store.Update(ctx, func(tx bridge.Tx) error { return tx.CreateConversation(ctx, conv) }); err != nil {
		t.Fatal(err)
	}
	store.Close()
	startBridge(t, path)

	out := filepath.Join(t.TempDir(), "bridge-backup.db")
	var stdout bytes.Buffer
	if err := run(ctx, []string{"backup", "-config", path, "-out", out}, &stdout, &stdout, nil); err != nil {
		t.Fatalf("bridge backup: %v\n%s", err, stdout.String())
	}
	if !strings.Contains(stdout.String(), out) {
		t.Errorf("bridge backup did not name the file: %q", stdout.String())
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, %v; want mode 600", info, err)
	}
	restored, err := sqlite.Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	err = restored.View(context.Background(), func(tx bridge.Tx) error {
		_, err := tx.ConversationByAddress(ctx, conv.Address)
		return err
	})
	if err != nil {
		t.Errorf("the conversation is not in the backup: %v", err)
	}

	if err := run(ctx, []string{"backup", "-config", path, "-out", out}, &stdout, &stdout, nil); err == nil {
		t.Error("backup overwrote an existing file")
	}
	if err := run(ctx, []string{"backup", "-config", path}, &stdout, &stdout, nil); err == nil || !strings.Contains(err.Error(), "-out") {
		t.Errorf("backup without -out: %v", err)
	}
}
