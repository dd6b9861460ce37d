package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var leaseContracts = []contract{
	{"LeaseExclusive", testLeaseExclusive},
	{"LeaseRenewByHolderOnly", testLeaseRenewByHolderOnly},
	{"LeaseRelease", testLeaseRelease},
	{"LeaseExpiry", testLeaseExpiry},
	{"LeaseFenceRefusesStaleHolder", testLeaseFenceRefusesStaleHolder},
}

func leasesOf(t *testing.T, s bridge.Store) bridge.Leases {
	t.Helper()
	l, ok := s.(bridge.Leases)
	if !ok {
		t.Skip("the store is no bridge.Leases")
	}
	return l
}

func acquire(t *testing.T, ls bridge.Leases, name, holder string, ttl time.Duration) (bridge.Lease, bool) {
	t.Helper()
	l, ok, err := ls.Acquire(t.Context(), name, holder, ttl)
	if err != nil {
		t.Fatalf("Acquire(%s, %s): %v", name, holder, err)
	}
	if ok && (l.Name != name || l.Holder != holder || l.Epoch <= 0) {
		t.Fatalf("Acquire(%s, %s) = %+v; want the name, the holder and a positive epoch", name, holder, l)
	}
	return l, ok
}

// testLeaseExclusive: a held lease is refused to another holder, granted
// again to its holder at the same epoch, and names are independent.
func testLeaseExclusive(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ls := leasesOf(t, s)
	a, ok := acquire(t, ls, "telegram", "replica-a", time.Minute)
	if !ok {
		t.Fatal("Acquire of a lease nobody held was refused")
	}
	if _, ok := acquire(t, ls, "telegram", "replica-b", time.Minute); ok {
		t.Error("a second holder acquired a held lease")
	}
	if again, ok := acquire(t, ls, "telegram", "replica-a", time.Minute); !ok || again.Epoch != a.Epoch {
		t.Errorf("the holder acquiring again = %+v, %v; want granted at epoch %d", again, ok, a.Epoch)
	}
	if _, ok := acquire(t, ls, "slack", "replica-b", time.Minute); !ok {
		t.Error("another name's lease was refused")
	}
}

// testLeaseRenewByHolderOnly: the holder renews; another holder, or the
// holder with a stale epoch, gets ErrLeaseLost.
func testLeaseRenewByHolderOnly(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ls := leasesOf(t, s)
	ctx := t.Context()
	a, _ := acquire(t, ls, "discord", "replica-a", time.Minute)
	if err := ls.Renew(ctx, a, time.Minute); err != nil {
		t.Errorf("Renew by the holder = %v, want nil", err)
	}
	for _, l := range []bridge.Lease{
		{Name: "discord", Holder: "replica-b", Epoch: a.Epoch},
		{Name: "discord", Holder: "replica-a", Epoch: a.Epoch + 1},
		{Name: "never", Holder: "replica-a", Epoch: 1},
	} {
		if err := ls.Renew(ctx, l, time.Minute); !errors.Is(err, bridge.ErrLeaseLost) {
			t.Errorf("Renew(%+v) = %v, want ErrLeaseLost", l, err)
		}
	}
}

// testLeaseRelease: a released lease goes to the next holder at once, at
// a higher epoch; the old holder can neither renew nor release it then.
func testLeaseRelease(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ls := leasesOf(t, s)
	ctx := t.Context()
	a, _ := acquire(t, ls, "whatsapp", "replica-a", time.Hour)
	if err := ls.Release(ctx, a); err != nil {
		t.Fatalf("Release: %v", err)
	}
	b, ok := acquire(t, ls, "whatsapp", "replica-b", time.Hour)
	if !ok || b.Epoch <= a.Epoch {
		t.Fatalf("Acquire after a release = %+v, %v; want granted above epoch %d", b, ok, a.Epoch)
	}
	if err := ls.Release(ctx, a); err != nil {
		t.Errorf("Release of a lease no longer held = %v, want nil", err)
	}
	if err := ls.Renew(ctx, a, time.Hour); !errors.Is(err, bridge.ErrLeaseLost) {
		t.Errorf("Renew by the old holder = %v, want ErrLeaseLost", err)
	}
	if _, ok := acquire(t, ls, "whatsapp", "replica-c", time.Hour); ok {
		t.Error("the old holder's Release freed the new holder's lease")
	}
	if err := ls.Release(ctx, b); err != nil {
		t.Fatal(err)
	}
	if again, ok := acquire(t, ls, "whatsapp", "replica-b", time.Hour); !ok || again.Epoch <= b.Epoch {
		t.Errorf("the holder acquiring after its release = %+v, %v; want a new epoch above %d", again, ok, b.Epoch)
	}
}

// testLeaseExpiry: once a lease's time is up another holder takes it at a
// higher epoch, and the old holder's renewal fails. The store measures
// expiry by its own clock (the test clock, or the database server's), so
// the test advances the one and waits for the other.
func testLeaseExpiry(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ls := leasesOf(t, s)
	const ttl = 50 * time.Millisecond
	a, _ := acquire(t, ls, "slack", "replica-a", ttl)
	clock.Advance(time.Minute)
	deadline := time.Now().Add(10 * time.Second)
	var b bridge.Lease
	for {
		var ok bool
		if b, ok = acquire(t, ls, "slack", "replica-b", time.Hour); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lease was not free 10 s after its %v ran out", ttl)
		}
		time.Sleep(ttl / 5) // the database's clock moves on its own
	}
	if b.Epoch <= a.Epoch {
		t.Errorf("epoch after a takeover = %d, want above %d", b.Epoch, a.Epoch)
	}
	if err := ls.Renew(t.Context(), a, time.Hour); !errors.Is(err, bridge.ErrLeaseLost) {
		t.Errorf("Renew by the expired holder = %v, want ErrLeaseLost", err)
	}
}

// fenced runs an Update that fences l, then writes an adapter state key.
func fenced(t *testing.T, s bridge.Store, l bridge.Lease, key, value string) error {
	t.Helper()
	return s.Update(t.Context(), func(tx bridge.Tx) error {
		f, ok := tx.(bridge.LeaseFenceTx)
		if !ok {
			t.Skip("the store's Tx is no bridge.LeaseFenceTx")
		}
		if err := f.FenceLease(t.Context(), l); err != nil {
			return err
		}
		return tx.PutAdapterState(t.Context(), "telegram", key, value)
	})
}

// testLeaseFenceRefusesStaleHolder: a write fenced by the current holder's
// epoch goes through; once the lease changed hands (released and taken,
// or taken at a new epoch by the same holder), the old claim's write is
// refused with ErrLeaseLost and nothing of it is stored.
func testLeaseFenceRefusesStaleHolder(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ls := leasesOf(t, s)
	ctx := t.Context()
	a, _ := acquire(t, ls, "telegram", "replica-a", time.Hour)
	if err := fenced(t, s, a, "offset", "10"); err != nil {
		t.Fatalf("a write fenced by the holder's epoch = %v, want nil", err)
	}
	if err := ls.Release(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := fenced(t, s, a, "offset", "11"); !errors.Is(err, bridge.ErrLeaseLost) {
		t.Errorf("a write fenced by a released lease = %v, want ErrLeaseLost", err)
	}
	b, _ := acquire(t, ls, "telegram", "replica-b", time.Hour)
	if err := fenced(t, s, b, "offset", "20"); err != nil {
		t.Fatalf("a write fenced by the new holder = %v, want nil", err)
	}
	for _, stale := range []bridge.Lease{a, {Name: "telegram", Holder: "replica-a", Epoch: b.Epoch}, {Name: "telegram", Holder: "replica-b", Epoch: a.Epoch}} {
		if err := fenced(t, s, stale, "offset", "12"); !errors.Is(err, bridge.ErrLeaseLost) {
			t.Errorf("a write fenced by %+v while %+v holds = %v, want ErrLeaseLost", stale, b, err)
		}
	}
	if err := fenced(t, s, bridge.Lease{Name: "never", Holder: "replica-a", Epoch: 1}, "offset", "13"); !errors.Is(err, bridge.ErrLeaseLost) {
		t.Errorf("a write fenced by a lease never taken = %v, want ErrLeaseLost", err)
	}
	view(t, s, func(tx bridge.Tx) error {
		got, err := tx.AdapterState(ctx, "telegram", "offset")
		if err == nil && got != "20" {
			t.Errorf("offset = %q, want the new holder's 20: a stale write got through", got)
		}
		return err
	})
}
