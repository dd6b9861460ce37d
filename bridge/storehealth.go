package bridge

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// storeFaults remembers, per destination, why the store last refused to
// record deliveries, until it records them again.
type storeFaults struct {
	mu sync.Mutex
	by map[Destination]error
}

func (f *storeFaults) set(d Destination, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.by == nil {
		f.by = map[Destination]error{}
	}
	f.by[d] = err
}

func (f *storeFaults) clear(d Destination) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.by, d)
}

// first is one of the faults, the same one each time while they last.
func (f *storeFaults) first() (Destination, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ds := make([]Destination, 0, len(f.by))
	for d := range f.by {
		ds = append(ds, d)
	}
	if len(ds) == 0 {
		return Destination{}, nil
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].String() < ds[j].String() })
	return ds[0], f.by[ds[0]]
}

// StoreProber is a store that can check itself for readiness: a cheap
// read and a cheap write. It is optional; without it, StoreHealth reads
// the outbox's depth.
type StoreProber interface {
	Probe(ctx context.Context) error
}

// probeTimeout bounds how long StoreHealth waits for a probe; probeEvery
// is how long a result serves, so that a storm of readiness checks costs
// the store one probe a second.
const (
	probeTimeout = time.Second
	probeEvery   = time.Second
)

// storeProbe runs at most one probe at a time and keeps its result for
// probeEvery.
type storeProbe struct {
	mu      sync.Mutex
	at      time.Time // when err was found; zero before the first probe
	err     error
	running chan struct{} // closed when the probe under way ends
}

// StoreHealth is what /readyz says of the store: down when it fails a
// probe (it cannot be read or written: a damaged file, a full disk),
// degraded while it refuses to record deliveries: they then wait, and are
// not sent again, until it takes them.
func (e *Engine) StoreHealth(ctx context.Context) Health {
	if err := e.probeStore(ctx); err != nil {
		return Health{State: HealthDown, Detail: err.Error()}
	}
	if d, err := e.storeFaults.first(); err != nil {
		return Health{State: HealthDegraded, Detail: "recording deliveries to " + d.String() + " fails: " + err.Error()}
	}
	return Health{State: HealthUp}
}

// probeStore returns the last probe's result if it is recent, else waits
// for a new one, at most probeTimeout. A probe is never cut short (a
// write, once queued, runs); the callers stop waiting for it instead.
func (e *Engine) probeStore(ctx context.Context) error {
	p := &e.probe
	p.mu.Lock()
	if !p.at.IsZero() && e.clock.Now().Sub(p.at) < probeEvery {
		err := p.err
		p.mu.Unlock()
		return err
	}
	if p.running == nil {
		p.running = make(chan struct{})
		go e.runProbe(p.running)
	}
	done := p.running
	p.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	select {
	case <-done:
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.err
	case <-ctx.Done():
		return fmt.Errorf("the store did not answer a read and a write within %s", probeTimeout)
	}
}

func (e *Engine) runProbe(done chan struct{}) {
	ctx := context.Background()
	var err error
	if sp, ok := e.store.(StoreProber); ok {
		err = sp.Probe(ctx)
	} else {
		err = e.store.View(ctx, func(tx Tx) error {
			_, _, err := tx.OutboxDepth(ctx)
			return err
		})
	}
	p := &e.probe
	p.mu.Lock()
	p.at, p.err, p.running = e.clock.Now(), err, nil
	p.mu.Unlock()
	close(done)
}
