package webhookfake

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/adapters/webhook"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Delivery is one request the receiver accepted.
type Delivery struct {
	ID        string // X-Bridge-Delivery
	Event     string // X-Bridge-Event
	Timestamp string // X-Bridge-Timestamp
	Body      []byte
	Payload   webhook.Payload
	// Duplicate is set when a delivery with the same id was accepted before.
	Duplicate bool
}

// Stats counts what the receiver saw.
type Stats struct {
	Requests     int // every request that reached the handler
	Accepted     int // answered 2xx, duplicates included
	Duplicates   int // accepted again under an id accepted before
	BadSignature int // refused with 401
	Failed       int // answered an error on purpose (down, 500, 429)
}

// Receiver is a webhook endpoint on loopback.
type Receiver struct {
	secret []byte
	maxAge time.Duration
	now    func() time.Time
	srv    *httptest.Server

	mu        sync.Mutex
	accepted  []Delivery
	seen      map[string]bool
	stats     Stats
	down      bool
	downCode  int // 0: the connection is dropped
	failEvery int
	failRatio float64
	tooMany   int
	retryAt   string
	hold      chan struct{} // non-nil: requests wait until it is closed
	delay     time.Duration
	changes   waitfor.Changes
}

// Option configures a Receiver.
type Option func(*Receiver)

// WithClock makes the receiver judge timestamps by now (a test's fake
// clock); the default is the system clock.
func WithClock(now func() time.Time) Option { return func(r *Receiver) { r.now = now } }

// WithMaxAge sets how far a timestamp may be from now (default 5 minutes).
func WithMaxAge(d time.Duration) Option { return func(r *Receiver) { r.maxAge = d } }

// NewReceiver starts a receiver verifying with secret. Close it when done.
func NewReceiver(secret []byte, opts ...Option) *Receiver {
	r := &Receiver{secret: secret, maxAge: 5 * time.Minute, now: time.Now, seen: map[string]bool{}}
	for _, o := range opts {
		o(r)
	}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	return r
}

// URL is where to POST.
func (r *Receiver) URL() string { return r.srv.URL + "/hooks/handoff" }

// Close stops the server.
func (r *Receiver) Close() {
	r.Release()
	r.srv.Close()
}

// Down makes the receiver refuse everything: with status, or by dropping
// the connection when status is 0.
func (r *Receiver) Down(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down, r.downCode = true, status
}

// Up makes the receiver accept again.
func (r *Receiver) Up() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = false
}

// FailEvery makes every n-th request answer 500 (2: half of them); 0 stops.
func (r *Receiver) FailEvery(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failEvery = n
}

// FailRandomly makes each request answer 500 with probability p.
func (r *Receiver) FailRandomly(p float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failRatio = p
}

// TooManyRequests makes the next n requests answer 429 with Retry-After.
func (r *Receiver) TooManyRequests(n int, retryAfter string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tooMany, r.retryAt = n, retryAfter
}

// Delay makes every request take d before it is answered: a slow receiver.
func (r *Receiver) Delay(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delay = d
}

// Hold makes requests wait, unanswered, until Release.
func (r *Receiver) Hold() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hold == nil {
		r.hold = make(chan struct{})
	}
}

// Release answers the held requests and stops holding.
func (r *Receiver) Release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hold != nil {
		close(r.hold)
		r.hold = nil
	}
}

// Accepted returns the deliveries accepted so far, in arrival order.
func (r *Receiver) Accepted() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Delivery(nil), r.accepted...)
}

// Stats returns the counts so far.
func (r *Receiver) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// WaitFor blocks until ok holds for the accepted deliveries and the stats.
// Without a deadline on ctx it gives up after waitfor.DefaultBound.
func (r *Receiver) WaitFor(ctx context.Context, what string, ok func([]Delivery, Stats) bool) ([]Delivery, error) {
	var (
		got []Delivery
		st  Stats
	)
	err := r.changes.Until(ctx, what, func() bool {
		r.mu.Lock()
		got, st = append([]Delivery(nil), r.accepted...), r.stats
		r.mu.Unlock()
		return ok(got, st)
	})
	if err != nil {
		return got, fmt.Errorf("webhook receiver: %w (accepted %d, stats %+v)", err, len(got), st)
	}
	return got, nil
}

// WaitAccepted blocks until n distinct deliveries were accepted.
func (r *Receiver) WaitAccepted(ctx context.Context, n int) ([]Delivery, error) {
	return r.WaitFor(ctx, strconv.Itoa(n)+" deliveries", func(ds []Delivery, st Stats) bool {
		return st.Accepted-st.Duplicates >= n
	})
}

// changedLocked wakes the waiters; r.mu is held.
func (r *Receiver) changedLocked() { r.changes.Notify() }

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.stats.Requests++
	n := r.stats.Requests
	hold, delay := r.hold, r.delay
	var refuse func()
	switch {
	case r.down:
		code := r.downCode
		refuse = func() {
			if code == 0 {
				panic(http.ErrAbortHandler) // the connection drops, as when the host is gone
			}
			http.Error(w, "receiver is down", code)
		}
	case r.tooMany > 0:
		r.tooMany--
		retry := r.retryAt
		refuse = func() {
			w.Header().Set("Retry-After", retry)
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}
	case (r.failEvery > 0 && n%r.failEvery == 0) || (r.failRatio > 0 && rand.Float64() < r.failRatio):
		refuse = func() { http.Error(w, "internal error", http.StatusInternalServerError) }
	}
	if refuse != nil {
		r.stats.Failed++
	}
	r.changedLocked()
	r.mu.Unlock()

	if hold != nil {
		select {
		case <-hold:
		case <-req.Context().Done():
			return
		}
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-req.Context().Done():
			t.Stop()
			return
		}
	}
	if refuse != nil {
		refuse()
		return
	}
	d, err := r.verify(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.changedLocked()
	if err != nil {
		r.stats.BadSignature++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	d.Duplicate = r.seen[d.ID]
	r.seen[d.ID] = true
	r.stats.Accepted++
	if d.Duplicate {
		r.stats.Duplicates++
	}
	r.accepted = append(r.accepted, d)
	w.WriteHeader(http.StatusNoContent)
}

func (r *Receiver) verify(req *http.Request) (Delivery, error) {
	body, err := VerifyRequest(req, r.secret, r.maxAge, r.now())
	if err != nil {
		return Delivery{}, err
	}
	d := Delivery{ID: req.Header.Get("X-Bridge-Delivery"), Event: req.Header.Get("X-Bridge-Event"),
		Timestamp: req.Header.Get("X-Bridge-Timestamp"), Body: body}
	if err := json.Unmarshal(body, &d.Payload); err != nil {
		return Delivery{}, fmt.Errorf("decode body: %w", err)
	}
	if d.ID != d.Payload.ID || d.Event != string(d.Payload.Event) {
		return Delivery{}, fmt.Errorf("headers (%s, %s) disagree with the body (%s, %s)", d.ID, d.Event, d.Payload.ID, d.Payload.Event)
	}
	return d, nil
}
