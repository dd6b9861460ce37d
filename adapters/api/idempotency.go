package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// idempotencyTTL is how long a first answer is kept for retries: a key
// older than this is new again.
const idempotencyTTL = 24 * time.Hour

// answer is a recorded first answer.
type answer struct {
	Fingerprint string          `json:"fp"` // of the request: the same key with another request is refused
	Status      int             `json:"status"`
	Body        json.RawMessage `json:"body"`
	At          time.Time       `json:"at"`
}

// keyLocks serialises requests with the same idempotency key, so that two
// racing retries do the work once; requests with different keys never
// wait for each other.
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	waiters int // holders and waiters: the entry goes when none is left
}

func (l *keyLocks) lock(key string) (unlock func()) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]*keyLock{}
	}
	k := l.locks[key]
	if k == nil {
		k = &keyLock{}
		l.locks[key] = k
	}
	k.waiters++
	l.mu.Unlock()
	k.Lock()
	return func() {
		k.Unlock()
		l.mu.Lock()
		if k.waiters--; k.waiters == 0 {
			delete(l.locks, key)
		}
		l.mu.Unlock()
	}
}

// outcome is what an endpoint answers: a status and a JSON body, or a
// problem.
type outcome struct {
	status int
	body   any
	// recorded says the engine kept the answer itself, in the event's
	// transaction (see call.remember).
	recorded bool
}

// call is an idempotent request as its endpoint sees it.
type call struct {
	// key de-duplicates the request's event in the engine; "" when the
	// request has none.
	key string
	// remember turns the answer into the record that makes a retry return
	// it (nil without a key), for an endpoint whose event can store it in
	// its own transaction.
	remember func(outcome) (key, value string)
}

// idempotent runs do once per key (the Idempotency-Key header, else
// fallbackKey, e.g. the bot's message id): a retry gets the recorded first
// answer. Only successful answers are recorded, so a request that failed
// can be retried with the same key. An empty key runs do every time.
func (a *API) idempotent(w http.ResponseWriter, r *http.Request, it *integration, body []byte, fallbackKey string,
	do func(ctx context.Context, c call) (outcome, *problem)) {
	ctx := r.Context()
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		key = fallbackKey
	}
	if len(key) > 255 {
		writeProblem(w, invalid("Idempotency-Key", "at most 255 characters"))
		return
	}
	if key == "" {
		out, p := do(ctx, call{})
		a.respond(w, out, p)
		return
	}
	fp := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
	fingerprint := hex.EncodeToString(fp[:])
	recordKey := "idem:" + it.Name + ":" + key
	defer a.locks.lock(recordKey)()

	if first, ok := a.firstAnswer(ctx, recordKey); ok {
		if first.Fingerprint != fingerprint {
			writeProblem(w, &problem{Type: ProblemKeyReused, Title: "Idempotency key reused", Status: http.StatusUnprocessableEntity,
				Detail: "this Idempotency-Key was used for a different request", Field: "Idempotency-Key"})
			return
		}
		w.Header().Set("Idempotent-Replayed", "true")
		writeJSON(w, first.Status, first.Body)
		return
	}
	record := func(out outcome) (string, string) {
		b, _ := json.Marshal(out.body)
		rec, _ := json.Marshal(answer{Fingerprint: fingerprint, Status: out.status, Body: b, At: a.clock.Now()})
		return recordKey, string(rec)
	}
	out, p := do(ctx, call{key: it.Name + ":" + key, remember: record})
	if p != nil {
		writeProblem(w, p)
		return
	}
	b, err := json.Marshal(out.body)
	if err != nil {
		writeProblem(w, unavailable("the answer could not be encoded"))
		return
	}
	if out.recorded {
		writeJSON(w, out.status, b)
		return
	}
	_, rec := record(out)
	if err := a.records.Put(ctx, recordKey, rec); err != nil {
		// Done but not recorded: a retry is still harmless, since the
		// engine de-duplicates the event by the same key.
		a.log.Warn("api: idempotent answer not recorded", "integration", it.Name, "err", err)
	}
	writeJSON(w, out.status, b)
}

func (a *API) firstAnswer(ctx context.Context, recordKey string) (answer, bool) {
	v, err := a.records.Get(ctx, recordKey)
	if err != nil || v == "" {
		return answer{}, false
	}
	var first answer
	if json.Unmarshal([]byte(v), &first) != nil || a.clock.Now().Sub(first.At) > idempotencyTTL {
		return answer{}, false
	}
	return first, true
}

// respond writes an answer or a problem.
func (a *API) respond(w http.ResponseWriter, out outcome, p *problem) {
	if p != nil {
		writeProblem(w, p)
		return
	}
	b, err := json.Marshal(out.body)
	if err != nil {
		writeProblem(w, unavailable("the answer could not be encoded"))
		return
	}
	writeJSON(w, out.status, b)
}
