package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"

	"github.com/handoffbridge/handoff/bridge"
)

var (
	_ bridge.Fanout        = (*Fanout)(nil)
	_ bridge.Runner        = (*Fanout)(nil)
	_ bridge.HealthChecker = (*Fanout)(nil)
)

// fanoutChannel is the one LISTEN channel of every replica; topics travel
// in the payload, so that a subscriber added later needs no new LISTEN.
const fanoutChannel = "handoff_bridge_fanout"

// FanoutApplicationName is the application_name of the listener's
// connection, which names it in pg_stat_activity.
const FanoutApplicationName = "handoff-bridge-fanout"

// reconnectDelay is how long the listener waits before connecting again
// after losing its connection; notices meanwhile are made up by Resync.
const reconnectDelay = time.Second

// FanoutOptions are the fan-out's observers, all optional.
type FanoutOptions struct {
	Logger *slog.Logger
	// OnNotice is told of each notice from another replica: its topic and
	// how long after it was published it arrived, by the two replicas'
	// clocks (for a NOTIFY lag metric). It must not block.
	OnNotice func(topic string, lag time.Duration)
	// OnResync is told each time the subscribers are told to resync: the
	// listener (re)connected.
	OnResync func()
}

// Fanout is bridge.Fanout on PostgreSQL's LISTEN/NOTIFY, through
// github.com/jackc/pgxlisten: Publish is a pg_notify on the store's pool,
// and Run keeps one connection of its own listening, outside the pool
// (LISTEN belongs to a session: behind PgBouncer, only session pooling
// keeps it). A notice is "v1 <origin> <unix nanos> <topic> <payload>"; a
// replica skips its own.
type Fanout struct {
	store  *Store
	origin string
	opts   FanoutOptions
	log    *slog.Logger

	mu   sync.Mutex
	subs map[string]map[*fanoutSub]struct{}
	// listening is set while the listener's connection is up.
	listening atomic.Bool
	// lastLateWarning is when a late notice was last logged (unix nanos).
	lastLateWarning atomic.Int64
}

type fanoutSub struct{ s bridge.FanoutSubscriber }

// Fanout makes the store's fan-out; Run it for the notices of the other
// replicas to arrive (publishing works without).
func (s *Store) Fanout(opts FanoutOptions) *Fanout {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Fanout{store: s, origin: rand.Text()[:16], opts: opts, log: opts.Logger.With("component", "fanout"),
		subs: map[string]map[*fanoutSub]struct{}{}}
}

// Publish sends payload to topic's subscribers on the other replicas: a
// NOTIFY outside any transaction, so it leaves at once. Call it after the
// change it tells of is committed.
func (f *Fanout) Publish(ctx context.Context, topic string, payload []byte) error {
	if len(payload) > bridge.MaxFanoutPayload {
		return fmt.Errorf("postgres: publish on %s: %w", topic, bridge.ErrFanoutPayloadTooLarge)
	}
	if topic == "" || strings.ContainsRune(topic, ' ') {
		return bridge.Permanent(fmt.Errorf("postgres: publish: topic %q must be one word", topic))
	}
	msg := "v1 " + f.origin + " " + strconv.FormatInt(time.Now().UnixNano(), 10) + " " + topic + " " + string(payload)
	if _, err := f.store.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, fanoutChannel, msg); err != nil {
		return fmt.Errorf("postgres: publish on %s: %w", topic, err)
	}
	return nil
}

// Subscribe registers s for topic's notices from the other replicas.
func (f *Fanout) Subscribe(topic string, s bridge.FanoutSubscriber) (stop func()) {
	sub := &fanoutSub{s: s}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs[topic] == nil {
		f.subs[topic] = map[*fanoutSub]struct{}{}
	}
	f.subs[topic][sub] = struct{}{}
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs[topic], sub)
	}
}

// Run listens until ctx ends, connecting again a second after any loss;
// at each (re)connection, once listening, every subscriber is told to
// Resync.
func (f *Fanout) Run(ctx context.Context) error {
	cfg := f.store.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = FanoutApplicationName
	l := &pgxlisten.Listener{
		Connect:        func(ctx context.Context) (*pgx.Conn, error) { return pgx.ConnectConfig(ctx, cfg) },
		ReconnectDelay: reconnectDelay,
		LogError: func(ctx context.Context, err error) {
			f.listening.Store(false)
			if ctx.Err() == nil {
				f.log.Warn("fan-out listener lost its connection; reconnecting", "err", err)
			}
		},
	}
	l.Handle(fanoutChannel, listenHandler{f})
	err := l.Listen(ctx)
	f.listening.Store(false)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// Health is up while the listener is connected, degraded otherwise: this
// replica's sockets then miss what other replicas send, until it
// reconnects and they resync.
func (f *Fanout) Health(context.Context) bridge.Health {
	if f.listening.Load() {
		return bridge.Health{State: bridge.HealthUp, Detail: "listening"}
	}
	return bridge.Health{State: bridge.HealthDegraded, Detail: "not listening: sockets here miss other replicas' updates until it reconnects"}
}

// listenHandler is the fan-out's pgxlisten handler.
type listenHandler struct{ f *Fanout }

// HandleBacklog runs once LISTEN is in place: what was published before
// is lost to this replica, so every subscriber resyncs from the store.
func (h listenHandler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	f := h.f
	f.listening.Store(true)
	f.log.Debug("fan-out listening; subscribers resync")
	if f.opts.OnResync != nil {
		f.opts.OnResync()
	}
	for _, s := range f.subscribers("") {
		s.Resync()
	}
	return nil
}

// HandleNotification passes another replica's notice to its topic's
// subscribers.
func (h listenHandler) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	f := h.f
	origin, sent, topic, payload, ok := parseNotice(n.Payload)
	if !ok {
		f.log.Warn("fan-out: malformed notice ignored", "bytes", len(n.Payload))
		return nil
	}
	if origin == f.origin {
		return nil // this replica's own: its sockets have it already
	}
	lag := time.Since(sent)
	if f.opts.OnNotice != nil {
		f.opts.OnNotice(topic, lag)
	}
	f.warnIfLate(lag)
	for _, s := range f.subscribers(topic) {
		s.Notice(payload)
	}
	return nil
}

// lateNotice is the lag past which a notice is worth a warning: users
// then see replies, typing and queue places that late on other replicas.
// Clocks out of step between the replicas' machines count in it too.
const lateNotice = 2 * time.Second

// warnIfLate logs a late notice, at most once a minute.
func (f *Fanout) warnIfLate(lag time.Duration) {
	if lag < lateNotice {
		return
	}
	now := time.Now().UnixNano()
	last := f.lastLateWarning.Load()
	if now-last < int64(time.Minute) || !f.lastLateWarning.CompareAndSwap(last, now) {
		return
	}
	f.log.Warn("fan-out notices arrive late: sockets on this replica show other replicas' updates that late",
		"lag", lag.Round(time.Millisecond), "hint", "a busy database, or the replicas' clocks out of step")
}

// subscribers lists topic's subscribers; "" lists every topic's.
func (f *Fanout) subscribers(topic string) []bridge.FanoutSubscriber {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []bridge.FanoutSubscriber
	for t, set := range f.subs {
		if topic != "" && t != topic {
			continue
		}
		for sub := range set {
			out = append(out, sub.s)
		}
	}
	return out
}

// parseNotice splits "v1 <origin> <unix nanos> <topic> <payload>".
func parseNotice(s string) (origin string, sent time.Time, topic string, payload []byte, ok bool) {
	parts := strings.SplitN(s, " ", 5)
	if len(parts) != 5 || parts[0] != "v1" {
		return "", time.Time{}, "", nil, false
	}
	nanos, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", time.Time{}, "", nil, false
	}
	return parts[1], time.Unix(0, nanos), parts[3], []byte(parts[4]), true
}
