package whatsapp

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// inboxSource names the adapter's entries in the store's Inbox.
const inboxSource = "whatsapp"

const (
	// inboxBatch is how many entries one read of the inbox takes.
	inboxBatch = 64
	// maxInFlight bounds the entries read but not yet processed, so that a
	// backlog stays in the store rather than in memory.
	maxInFlight = 256
	// maxLanes is how many users' entries are processed at once.
	maxLanes = 16
	// maxInboxAttempts is how often an entry is tried before it is given
	// up (kept in the store with its error for an operator).
	maxInboxAttempts = 8
)

func (a *Adapter) wakeInbox() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// Run processes the webhook deliveries stored by the webhook, oldest first
// per user, until ctx ends; entries left then (or by a crash) are processed
// at the next start. It also probes the Graph API once at start, for
// Health. With a store without an Inbox it only waits: deliveries are
// handled as they arrive.
func (a *Adapter) Run(ctx context.Context) error {
	a.probe(ctx)
	if a.inbox == nil {
		<-ctx.Done()
		return nil
	}
	l := &inboxLanes{queues: map[string][]bridge.InboxEntry{}, slots: make(chan struct{}, maxLanes), inFlight: make(chan struct{}, maxInFlight)}
	defer l.wg.Wait()
	var after bridge.InboxID
	for attempt := 0; ; {
		entries, err := a.inbox.PendingInbox(ctx, inboxSource, after, inboxBatch)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			a.log.Error("read whatsapp inbox", "err", err)
			if !wait(ctx, backoff(attempt)) {
				return nil
			}
			attempt++
			continue
		}
		attempt = 0
		if len(entries) == 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-a.wake:
			}
			continue
		}
		for _, e := range entries {
			after = e.ID
			if !a.dispatch(ctx, l, e) {
				return nil
			}
		}
	}
}

// inboxLanes runs the entries of each user in order, different users in
// parallel.
type inboxLanes struct {
	mu       sync.Mutex
	queues   map[string][]bridge.InboxEntry // a user's entries waiting; present while its worker runs
	slots    chan struct{}                  // one per running worker
	inFlight chan struct{}                  // one per entry read and not yet processed
	wg       sync.WaitGroup
}

// dispatch hands an entry to its user's lane. A delivery about several
// users (Meta may batch) waits for every lane to finish and runs alone, so
// that no user's order can change. It reports false once ctx has ended.
func (a *Adapter) dispatch(ctx context.Context, l *inboxLanes, e bridge.InboxEntry) bool {
	select {
	case l.inFlight <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	users := a.usersOf(e.Body)
	if len(users) != 1 {
		l.wg.Wait()
		a.process(ctx, e)
		<-l.inFlight
		return ctx.Err() == nil
	}
	key := users[0]
	l.mu.Lock()
	q, running := l.queues[key]
	l.queues[key] = append(q, e)
	l.mu.Unlock()
	if running {
		return true
	}
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	l.wg.Add(1)
	go func() {
		defer func() { <-l.slots; l.wg.Done() }()
		for {
			l.mu.Lock()
			q := l.queues[key]
			if len(q) == 0 || ctx.Err() != nil {
				delete(l.queues, key)
				l.mu.Unlock()
				return
			}
			next := q[0]
			l.queues[key] = q[1:]
			l.mu.Unlock()
			a.process(ctx, next)
			<-l.inFlight
		}
	}()
	return true
}

// usersOf lists the users a stored delivery is about, sorted.
func (a *Adapter) usersOf(body []byte) []string {
	hook, err := ParseWebhook(body)
	if err != nil {
		return nil
	}
	var users []string
	for _, v := range a.values(hook) {
		for _, m := range v.Messages {
			users = append(users, m.From)
		}
		for _, s := range v.Statuses {
			users = append(users, s.RecipientID)
		}
	}
	slices.Sort(users)
	return slices.Compact(users)
}

// process handles one stored delivery, retrying with backoff, and removes
// it once done. Shutting down leaves it for the next start; a delivery
// that keeps failing is given up after maxInboxAttempts, with an error
// log, rather than blocking its user for ever.
func (a *Adapter) process(ctx context.Context, e bridge.InboxEntry) {
	for attempt := e.Attempts; ; attempt++ {
		err := a.handleBody(ctx, e.Body)
		if err == nil {
			// Even when ctx has just ended: the work is done, say so.
			doneCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := a.inbox.DoneInbox(doneCtx, e.ID); err != nil {
				a.log.Warn("whatsapp inbox entry processed but not marked done; it is processed again (harmlessly) at the next start", "entry", e.ID, "err", err)
			}
			cancel()
			return
		}
		if ctx.Err() != nil || errors.Is(err, bridge.ErrShuttingDown) {
			return
		}
		var permanent *bridge.PermanentError
		if attempt+1 >= maxInboxAttempts || errors.As(err, &permanent) {
			a.log.Error("whatsapp delivery given up after repeated failures; it stays in the store's inbox", "entry", e.ID, "attempts", attempt+1, "err", err)
			if err := a.inbox.GiveUpInbox(ctx, e.ID, err.Error()); err != nil {
				a.log.Error("give up whatsapp inbox entry", "entry", e.ID, "err", err)
			}
			return
		}
		a.log.Warn("whatsapp delivery failed, retrying", "entry", e.ID, "attempt", attempt+1, "err", err)
		if err := a.inbox.RetryInbox(ctx, e.ID, err.Error()); err != nil && ctx.Err() == nil {
			a.log.Warn("record whatsapp inbox retry", "entry", e.ID, "err", err)
		}
		if !wait(ctx, backoff(attempt)) {
			return
		}
	}
}

// handleBody processes a stored delivery (checked when it was received).
func (a *Adapter) handleBody(ctx context.Context, body []byte) error {
	hook, err := ParseWebhook(body)
	if err != nil {
		return bridge.Permanent(err)
	}
	return a.handleHook(ctx, hook)
}

// backoff grows from 1 s to 1 min.
func backoff(attempt int) time.Duration {
	return min(time.Second<<min(attempt, 6), time.Minute)
}

// wait pauses for d unless ctx ends first; it reports whether to go on.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
