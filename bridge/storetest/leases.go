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
