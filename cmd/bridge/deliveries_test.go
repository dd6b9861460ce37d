package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

func TestDeliveriesCommandShowsNotifierLog(t *testing.T) {
	path := writeConfig(t, minimalConfig+oneTeam)
	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(filepath.Dir(path), "data", "bridge.db"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(bridge.Notification{ID: "hook-crm-7-requested-1", Event: bridge.EventRequested, Handoff: 7})
	err = store.Update(ctx, func(tx bridge.Tx) error {
		hook := bridge.OutboxEntry{Destination: bridge.NotifierDestination("hook-crm"), Stream: "handoff:7", Op: bridge.OpNotify, Payload: payload}
		if err := tx.Enqueue(ctx, &hook); err != nil {
			return err
		}
		if err := tx.MarkRetry(ctx, hook.ID, hook.CreatedAt, "webhook answered 503 Service Unavailable"); err != nil {
			return err
		}
		thread := bridge.OutboxEntry{Destination: bridge.WorkspaceDestination(bridge.WorkspaceSlack), Stream: "handoff:7", Op: bridge.OpThreadOpen}
		return tx.Enqueue(ctx, &thread)
	})
	if err != nil {
		t.Fatal(err)
	}
	store.Close()

	var out bytes.Buffer
	if err := run(ctx, []string{"deliveries", "-config", path}, &out, &bytes.Buffer{}, nil); err != nil {
		t.Fatalf("bridge deliveries: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a header and one notifier row (thread entries are not notifications), got:\n%s", out.String())
	}
	for _, want := range []string{"hook-crm", "handoff.requested", "hook-crm-7-requested-1", "pending", " 1 ", "503 Service Unavailable"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row %q lacks %q", lines[1], want)
		}
	}
}
