package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var optionalContracts = []contract{
	{"Inbox", testInbox},
	{"DeliveryLog", testDeliveryLog},
	{"JoinWaits", testJoinWaits},
	{"QueuedHandoffs", testQueuedHandoffs},
}

// testInbox: entries come back per source, in order, until done or given
// up; a retry is counted; ids are never reused.
func testInbox(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	in, ok := s.(bridge.Inbox)
	if !ok {
		t.Skip("the store is no bridge.Inbox")
	}
	ctx := t.Context()
	var put []bridge.InboxID
	for i := range 3 {
		id, err := in.PutInbox(ctx, "whatsapp", fmt.Appendf(nil, `{"n":%d}`, i))
		if err != nil {
			t.Fatal(err)
		}
		put = append(put, id)
		clock.Advance(time.Second)
	}
	if _, err := in.PutInbox(ctx, "other", []byte("x")); err != nil {
		t.Fatal(err)
	}
	got, err := in.PendingInbox(ctx, "whatsapp", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || string(got[0].Body) != `{"n":0}` || string(got[2].Body) != `{"n":2}` ||
		got[0].Source != "whatsapp" || !got[0].ReceivedAt.Equal(t0) || !got[2].ReceivedAt.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("pending entries: %+v; want the three, in order, received at the clock's times", got)
	}
	if after, err := in.PendingInbox(ctx, "whatsapp", put[0], 1); err != nil || len(after) != 1 || after[0].ID != put[1] {
		t.Errorf("PendingInbox(after %d, limit 1) = %+v, %v; want entry %d", put[0], after, err, put[1])
	}
	if err := in.RetryInbox(ctx, put[0], "engine busy"); err != nil {
		t.Fatal(err)
	}
	if err := in.GiveUpInbox(ctx, put[1], "never works"); err != nil {
		t.Fatal(err)
	}
	if err := in.DoneInbox(ctx, put[2]); err != nil {
		t.Fatal(err)
	}
	if err := in.DoneInbox(ctx, put[2]); err != nil {
		t.Errorf("DoneInbox of an entry already done = %v, want no error", err)
	}
	got, err = in.PendingInbox(ctx, "whatsapp", 0, 0)
	if err != nil || len(got) != 1 || got[0].ID != put[0] || got[0].Attempts != 1 || got[0].LastError != "engine busy" {
		t.Fatalf("pending after a retry, a give-up and a done = %+v, %v; want the retried one, counted", got, err)
	}
	n, oldest, err := in.InboxDepth(ctx, "whatsapp")
	if err != nil || n != 1 || !oldest.Equal(t0) {
		t.Errorf("InboxDepth = %d, %v, %v; want 1 at %v", n, oldest, err, t0)
	}
	if next, err := in.PutInbox(ctx, "whatsapp", []byte("{}")); err != nil || next <= put[2] {
		t.Errorf("id after deleting the newest = %d, %v; want above %d", next, err, put[2])
	}
	if err := in.RetryInbox(ctx, 999999, "x"); err == nil {
		t.Error("RetryInbox of a missing entry succeeded, want an error")
	}
	if err := in.GiveUpInbox(ctx, 999999, "x"); err == nil {
		t.Error("GiveUpInbox of a missing entry succeeded, want an error")
	}
}

// testDeliveryLog: the log lists the outbox newest first by destination
// kind and name prefix (taken literally), with each entry's status,
// attempts and last error.
func testDeliveryLog(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	log, ok := s.(bridge.DeliveryLog)
	if !ok {
		t.Skip("the store is no bridge.DeliveryLog")
	}
	ctx := t.Context()
	enqueue := func(dest bridge.Destination) bridge.OutboxID {
		e := bridge.OutboxEntry{Destination: dest, Stream: "handoff:1", Op: bridge.OpNotify, Payload: []byte(`{"id":"x"}`)}
		update(t, s, func(tx bridge.Tx) error { return tx.Enqueue(ctx, &e) })
		return e.ID
	}
	hookCRM := bridge.NotifierDestination("hook_crm")
	delivered := enqueue(hookCRM)
	retrying := enqueue(hookCRM)
	failed := enqueue(hookCRM)
	otherNotifier := enqueue(bridge.NotifierDestination("hookxcrm")) // '_' is no wildcard
	percent := enqueue(bridge.NotifierDestination("100%"))
	thread := enqueue(bridge.WorkspaceDestination(bridge.WorkspaceSlack))
	clock.Advance(time.Minute)
	update(t, s, func(tx bridge.Tx) error {
		if err := tx.MarkDelivered(ctx, delivered, clock.Now()); err != nil {
			return err
		}
		if err := tx.MarkRetry(ctx, retrying, clock.Now().Add(time.Second), "webhook answered 503"); err != nil {
			return err
		}
		if err := tx.MarkRetry(ctx, retrying, clock.Now().Add(2*time.Second), "webhook answered 500"); err != nil {
			return err
		}
		if err := tx.MarkRetry(ctx, failed, clock.Now().Add(time.Second), "webhook answered 503"); err != nil {
			return err
		}
		return tx.MarkFailed(ctx, failed, clock.Now(), "permanent: webhook answered 404")
	})
	for _, tt := range []struct {
		kind   bridge.DestinationKind
		prefix string
		limit  int
		want   []bridge.OutboxID
	}{
		{bridge.DestinationNotifier, "hook_crm", 0, []bridge.OutboxID{failed, retrying, delivered}},
		{bridge.DestinationNotifier, "hook_crm", 2, []bridge.OutboxID{failed, retrying}},
		{bridge.DestinationNotifier, "", 0, []bridge.OutboxID{percent, otherNotifier, failed, retrying, delivered}},
		{bridge.DestinationNotifier, "1%", 0, nil}, // '%' is no wildcard either
		{"", "", 0, []bridge.OutboxID{thread, percent, otherNotifier, failed, retrying, delivered}},
		{bridge.DestinationNotifier, "nobody", 0, nil},
	} {
		got, err := log.Deliveries(ctx, tt.kind, tt.prefix, tt.limit)
		if err != nil {
			t.Fatalf("Deliveries(%q, %q, %d): %v", tt.kind, tt.prefix, tt.limit, err)
		}
		var listed []bridge.OutboxID
		for _, d := range got {
			listed = append(listed, d.ID)
		}
		if !slices.Equal(listed, tt.want) {
			t.Errorf("Deliveries(%q, %q, %d) = %v; want %v", tt.kind, tt.prefix, tt.limit, listed, tt.want)
		}
	}

	all, err := log.Deliveries(ctx, bridge.DestinationNotifier, "hook_crm", 0)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[bridge.OutboxID]bridge.Delivery{}
	for _, d := range all {
		byID[d.ID] = d
	}
	for _, c := range []struct {
		id       bridge.OutboxID
		status   bridge.DeliveryStatus
		attempts int
		lastErr  string
		doneAt   time.Time
	}{
		{delivered, bridge.DeliveryDelivered, 0, "", clock.Now()},
		{retrying, bridge.DeliveryPending, 2, "webhook answered 500", time.Time{}},
		// The failing attempt counts too.
		{failed, bridge.DeliveryFailed, 2, "permanent: webhook answered 404", clock.Now()},
	} {
		d := byID[c.id]
		if d.Status != c.status || d.Attempts != c.attempts || d.LastError != c.lastErr || !d.DoneAt.Equal(c.doneAt) {
			t.Errorf("entry %d: status %s, attempts %d, last error %q, done at %v; want %s, %d, %q, %v",
				c.id, d.Status, d.Attempts, d.LastError, d.DoneAt, c.status, c.attempts, c.lastErr, c.doneAt)
		}
		if string(d.Payload) != `{"id":"x"}` || d.Op != bridge.OpNotify || d.Destination != hookCRM || d.Stream != "handoff:1" {
			t.Errorf("entry %d lost its fields: %+v", c.id, d.OutboxEntry)
		}
	}
}
