//go:build linux

package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// smallDisk mounts a tmpfs of size bytes for the test, or skips it where
// mounting is not allowed.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	mountTmpfs(t, dir, 0, size)
	return dir
}

// fillDisk writes a file until the disk is full and returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill the disk: %v", err)
			}
			return path
		}
	}
}

// TestFullDiskRefusesThenRecovers: on a real full disk, a write fails with
// an error saying so and changes nothing; once there is room, the same
// store writes again, without a restart. The engine relies on both to hold
// deliveries back until the store takes their result.
func TestFullDiskRefusesThenRecovers(t *testing.T) {
	dir := smallDisk(t, "2m")
	ctx := context.Background()
	s := openAt(t, filepath.Join(dir, "bridge.db"), newClock())
	c := seedConversation(t, s, "full")

	filler := fillDisk(t, dir)
	big := strings.Repeat("x", 256<<10) // more than any WAL space left to reuse
	err := s.Update(ctx, func(tx bridge.Tx) error {
		return tx.AddMessage(ctx, &bridge.Message{ConversationID: c, Role: bridge.RoleUser, Text: big})
	})
	if err == nil || !strings.Contains(err.Error(), "full") {
		t.Fatalf("Update on a full disk = %v, want an error naming the full disk", err)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	update(t, s, func(tx bridge.Tx) error {
		return tx.AddMessage(ctx, &bridge.Message{ConversationID: c, Role: bridge.RoleUser, Text: big})
	})
	var got []bridge.Message
	view(t, s, func(tx bridge.Tx) error {
		var err error
		got, err = tx.Messages(ctx, c, 0, 0)
		return err
	})
	if len(got) != 1 {
		t.Errorf("after the disk has room: %d messages stored, want the 1 written then (the refused one undone)", len(got))
	}
}
