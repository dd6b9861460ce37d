package outbox

import (
	"context"
	"sync"
	"time"
)

// dispatcher sends one destination's entries. Entries of one stream go one
// at a time, in order; different streams go in parallel, up to
// Config.Concurrency. A slow or failing destination only delays itself.
type dispatcher struct {
	cfg    *Config
	dest   Destination
	sender Sender
	// patient is set for notifiers: they go out in the gaps between the
	// engine's writes (Config.Yield), and their results wait a moment for
	// company before they are recorded.
	patient bool

	wakeC chan struct{}
	mu    sync.Mutex
	// active is set while this replica sends for the destination: always
	// for one process alone, only inside Config.Claim's send for replicas.
	// gen counts the holds, so that an entry reserved under one hold is
	// not handed over in the next (another replica may have sent it
	// between). standby ends the claim of a destination not held, once
	// draining.
	active   bool
	gen      uint64
	standby  context.CancelFunc
	inFlight map[string]bool
	// finished holds entries whose result was recorded since the current
	// read of the outbox began: that read may still list them as due.
	finished map[ID]bool
	draining bool
	// dirty lists the streams that got a new entry or finished one since
	// the last look: usually only their heads need reading. fullScan asks
	// for a look at every stream (at start, for retries coming due, after
	// an error, and at most every fullScanEvery while busy).
	dirty    map[string]bool
	fullScan bool
	lastFull time.Time
	// ready are entries handed over from memory by the transaction that
	// wrote them (see Batch.handOver); their streams are reserved in
	// inFlight already.
	ready []Entry
	// behind lists the streams that got a new entry while one of theirs
	// was in flight: after it, they must be read again.
	behind map[string]bool

	// results carries finished sends to the recorder, which writes many of
	// them in one transaction: under load, one commit per batch instead of
	// one per message.
	results chan delivery
	// recordCtx is what results are recorded with: the run's context
	// without its end, so that a hold's fencing token goes along.
	recordCtx context.Context
}

// delivery is the outcome of sending one entry.
type delivery struct {
	entry Entry
	// merged are the entries after entry that went out with it (thread
	// posts queued behind one another); they are delivered with it.
	merged  []Entry
	receipt Receipt
	err     error
	at      time.Time
	// fromMemory is set for an entry handed over by the transaction that
	// wrote it: anything queued behind it was announced by touch.
	fromMemory bool
	// recordTries counts the tries to record this result.
	recordTries int
}

func newDispatcher(cfg *Config, d Destination, s Sender) *dispatcher {
	return &dispatcher{cfg: cfg, dest: d, sender: s, patient: d.Kind == Notifier, active: cfg.Claim == nil,
		wakeC: make(chan struct{}, 1), inFlight: map[string]bool{}, finished: map[ID]bool{},
		dirty: map[string]bool{}, behind: map[string]bool{}, fullScan: true, recordCtx: context.Background()}
}

// touch marks streams as having news, and wakes the sender. It reports
// whether this replica sends for the destination now.
func (d *dispatcher) touch(streams []string) (active bool) {
	d.mu.Lock()
	active = d.active
	for _, s := range streams {
		d.dirty[s] = true
		if d.inFlight[s] {
			d.behind[s] = true
		}
	}
	d.mu.Unlock()
	d.wake()
	return active
}

func (d *dispatcher) wake() {
	select {
	case d.wakeC <- struct{}{}:
	default:
	}
}

// reserve marks stream as in flight for an entry about to be handed over,
// unless it already is or this replica does not send for the destination;
// gen is the hold it was reserved in.
func (d *dispatcher) reserve(stream string) (gen uint64, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.active || d.inFlight[stream] {
		return 0, false
	}
	d.inFlight[stream] = true
	return d.gen, true
}

// offer hands over a committed entry whose stream was reserved in hold
// gen. In a later hold it is dropped: the store has it.
func (d *dispatcher) offer(gen uint64, entry Entry) {
	d.mu.Lock()
	if gen == d.gen {
		d.ready = append(d.ready, entry)
	}
	d.mu.Unlock()
	d.wake()
}

// unreserve frees a stream reserved in hold gen for an entry that was not
// committed.
func (d *dispatcher) unreserve(gen uint64, stream string) {
	d.mu.Lock()
	if gen == d.gen {
		delete(d.inFlight, stream)
		d.dirty[stream] = true
	}
	d.mu.Unlock()
	d.wake()
}

// claim marks the stream of an entry read from the store as in flight,
// unless it already is or the entry was just recorded.
func (d *dispatcher) claim(entry *Entry) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inFlight[entry.Stream] || d.finished[entry.ID] {
		return false
	}
	d.inFlight[entry.Stream] = true
	return true
}

// release ends an entry's turn: its stream may send its next entry. look
// says whether to read the stream again: its next entry may be waiting, or
// (after a failure) the entry itself.
func (d *dispatcher) release(entry *Entry, look bool) {
	d.mu.Lock()
	delete(d.inFlight, entry.Stream)
	d.finished[entry.ID] = true
	if look || d.behind[entry.Stream] {
		d.dirty[entry.Stream] = true
	}
	delete(d.behind, entry.Stream)
	d.mu.Unlock()
	d.wake()
}

// lookEverywhere asks the next look to read every stream.
func (d *dispatcher) lookEverywhere() {
	d.mu.Lock()
	d.fullScan = true
	d.mu.Unlock()
}

// drain makes run return once nothing is due and nothing is in flight. A
// replica that does not send for the destination stops claiming it.
func (d *dispatcher) drain() {
	d.mu.Lock()
	d.draining = true
	if !d.active && d.standby != nil {
		d.standby()
	}
	d.mu.Unlock()
	d.wake()
}

// idle reports whether nothing is in flight, and whether draining.
func (d *dispatcher) idle() (idle, draining bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.inFlight) == 0, d.draining
}
