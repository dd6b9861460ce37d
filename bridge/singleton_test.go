package bridge_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

const leaseTTL = 30 * time.Second

// waitFor is the failure bound of every wait in these tests.
const waitFor = 10 * time.Second

// guarded is work that reports when it starts and when its context ends.
type guarded struct {
	started chan struct{}
	stopped chan struct{}
	fail    error // returned at once when set
}

func newGuarded() *guarded {
	return &guarded{started: make(chan struct{}, 10), stopped: make(chan struct{}, 10)}
}

func (g *guarded) Run(ctx context.Context) error {
	g.started <- struct{}{}
	if g.fail != nil {
		return g.fail
	}
	<-ctx.Done()
	g.stopped <- struct{}{}
	return nil
}

// replica is one Singleton competing for the lease "telegram", with its
// events.
type replica struct {
	s        *bridge.Singleton
	work     *guarded
	acquired chan bridge.Lease
	lost     chan bridge.Lease
	cancel   context.CancelFunc
	done     chan struct{} // closed when Run has returned err
	err      error
}

func startReplica(t *testing.T, leases bridge.Leases, clock bridge.Clock, holder string) *replica {
	t.Helper()
	r := &replica{work: newGuarded(), acquired: make(chan bridge.Lease, 10), lost: make(chan bridge.Lease, 10), done: make(chan struct{})}
	r.s = &bridge.Singleton{Name: "telegram", Holder: holder, Leases: leases, TTL: leaseTTL, Work: r.work, Clock: clock,
		OnAcquired: func(l bridge.Lease) { r.acquired <- l }, OnLost: func(l bridge.Lease) { r.lost <- l }}
	ctx, cancel := context.WithCancel(t.Context())
	r.cancel = cancel
	go func() { r.err = r.s.Run(ctx); close(r.done) }()
	t.Cleanup(func() { cancel(); <-r.done })
	return r
}

func receive[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(waitFor):
		t.Fatalf("no %s within %v", what, waitFor)
		panic("unreachable")
	}
}

func openLeases(t *testing.T, clock bridge.Clock) bridge.Leases {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "leases.db"), sqlite.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// waitArmed waits until the clock has a timer due within d of now, that is
// until the replicas are waiting for their next try or renewal.
func waitArmed(t *testing.T, clock *bridgetest.Clock, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitFor)
	defer cancel()
	if err := clock.WaitTimer(ctx, clock.Now().Add(d)); err != nil {
		t.Fatal(err)
	}
}

// waitTimers waits until n timers are armed.
func waitTimers(t *testing.T, clock *bridgetest.Clock, n int) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for clock.Timers() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d timers armed after %v, want %d", clock.Timers(), waitFor, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestSingletonHandsOverAtShutdown: of two replicas one runs the work; when
// it shuts down its work stops first, and the other takes over at its next
// try, without waiting for the lease to expire, at a higher epoch.
func TestSingletonHandsOverAtShutdown(t *testing.T) {
	clock := bridgetest.NewClock(t0)
	leases := openLeases(t, clock)
	a := startReplica(t, leases, clock, "replica-a")
	first := receive(t, a.acquired, "acquisition by replica a")
	receive(t, a.work.started, "start of a's work")
	if l, ok := a.s.Held(); !ok || l != first {
		t.Errorf("Held() = %+v, %v; want %+v", l, ok, first)
	}

	b := startReplica(t, leases, clock, "replica-b")
	waitTimers(t, clock, 2) // a's renewal, and b's next try: b was refused
	select {
	case <-b.work.started:
		t.Fatal("replica b started its work while a held the lease")
	default:
	}

	a.cancel()
	receive(t, a.work.stopped, "stop of a's work")
	receive(t, a.lost, "a's lease ending")
	receive(t, a.done, "a's Run returning")
	if a.err != nil {
		t.Errorf("a's Run = %v, want nil at shutdown", a.err)
	}
	if _, ok := a.s.Held(); ok {
		t.Error("a still says it holds the lease after shutdown")
	}
	clock.Advance(leaseTTL / 3) // b's next try; far before expiry
	second := receive(t, b.acquired, "acquisition by replica b")
	receive(t, b.work.started, "start of b's work")
	if second.Epoch <= first.Epoch {
		t.Errorf("b's epoch %d, want above a's %d", second.Epoch, first.Epoch)
	}
}

// TestSingletonRenewsWhileRunning: the holder renews every TTL/3, so that
// after several TTLs another replica still cannot take the lease.
func TestSingletonRenewsWhileRunning(t *testing.T) {
	clock := bridgetest.NewClock(t0)
	leases := openLeases(t, clock)
	a := startReplica(t, leases, clock, "replica-a")
	l := receive(t, a.acquired, "acquisition")
	for range 9 { // three TTLs
		waitArmed(t, clock, leaseTTL/3)
		clock.Advance(leaseTTL / 3)
	}
	waitArmed(t, clock, leaseTTL/3) // the ninth renewal is done
	if _, ok, err := leases.Acquire(t.Context(), "telegram", "replica-b", leaseTTL); err != nil || ok {
		t.Errorf("another holder's Acquire after 3 TTLs of renewals = %v, %v; want refused", ok, err)
	}
	select {
	case <-a.work.stopped:
		t.Error("the work stopped although every renewal succeeded")
	default:
	}
	if held, ok := a.s.Held(); !ok || held != l {
		t.Errorf("Held() = %+v, %v; want %+v", held, ok, l)
	}
}

// TestSingletonStopsWorkWhenTheLeaseIsLost: a holder whose lease expired
// before it could renew (a long pause) stops its work as soon as the
// renewal fails, and says so; another replica holds it meanwhile.
func TestSingletonStopsWorkWhenTheLeaseIsLost(t *testing.T) {
	clock := bridgetest.NewClock(t0)
	leases := openLeases(t, clock)
	a := startReplica(t, leases, clock, "replica-a")
	first := receive(t, a.acquired, "acquisition")
	receive(t, a.work.started, "start of the work")
	waitArmed(t, clock, leaseTTL/3)

	// The clock jumps past expiry (the process was paused): the renewal
	// that runs now finds the lease lapsed.
	clock.Advance(2 * leaseTTL)
	receive(t, a.work.stopped, "stop of the work")
	if lost := receive(t, a.lost, "lease lost"); lost != first {
		t.Errorf("lost %+v, want %+v", lost, first)
	}
	if _, ok := a.s.Held(); ok {
		t.Error("Held() says held after the lease was lost")
	}
	// a goes back to trying; it gets the lease again at a new epoch.
	waitArmed(t, clock, leaseTTL/3)
	clock.Advance(leaseTTL / 3)
	again := receive(t, a.acquired, "acquisition again")
	if again.Epoch <= first.Epoch {
		t.Errorf("epoch after losing the lease = %d, want above %d", again.Epoch, first.Epoch)
	}
	receive(t, a.work.started, "restart of the work")
}

// TestSingletonReturnsTheWorksError: work that fails on its own (a refused
// token) ends Run with its error and frees the lease for another replica.
func TestSingletonReturnsTheWorksError(t *testing.T) {
	clock := bridgetest.NewClock(t0)
	leases := openLeases(t, clock)
	refused := errors.New("token refused")
	work := newGuarded()
	work.fail = refused
	s := &bridge.Singleton{Name: "telegram", Holder: "replica-c", Leases: leases, TTL: leaseTTL, Work: work, Clock: clock}
	if err := s.Run(t.Context()); !errors.Is(err, refused) {
		t.Fatalf("Run = %v, want the work's error", err)
	}
	if _, ok, err := leases.Acquire(t.Context(), "telegram", "replica-d", leaseTTL); err != nil || !ok {
		t.Errorf("Acquire after the holder's work failed = %v, %v; want granted at once", ok, err)
	}
}
