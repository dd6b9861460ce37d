package bridge

import (
	"context"
	"sort"
	"sync"
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

// StoreHealth is what /readyz says of the store: down when it cannot be
// read, degraded while it refuses to record deliveries (a full disk): they
// then wait, and are not sent again, until it takes them.
func (e *Engine) StoreHealth(ctx context.Context) Health {
	err := e.store.View(ctx, func(tx Tx) error {
		_, _, err := tx.OutboxDepth(ctx)
		return err
	})
	if err != nil {
		return Health{State: HealthDown, Detail: err.Error()}
	}
	if d, err := e.storeFaults.first(); err != nil {
		return Health{State: HealthDegraded, Detail: "recording deliveries to " + d.String() + " fails: " + err.Error()}
	}
	return Health{State: HealthUp}
}
