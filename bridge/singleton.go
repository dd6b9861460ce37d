package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// releaseTimeout bounds the Release at shutdown: a database that does not
// answer only delays the takeover until expiry.
const releaseTimeout = 5 * time.Second

// Singleton runs Work only while it holds the lease Name, so that of the
// replicas sharing a store one at a time keeps a connection that must not
// be doubled (Telegram long polling, Slack Socket Mode, a Discord gateway
// session, the WhatsApp inbox drain).
//
// It keeps trying to acquire the lease, every TTL/3; once it holds it, it
// runs Work and renews every TTL/3, so that two renewals may fail before
// the lease expires. The first renewal that fails (lost, or the store did
// not answer) cancels Work's context: a holder that cannot prove its claim
// stops before another may take over. At shutdown it releases the lease,
// so that another replica takes over at once.
type Singleton struct {
	Name   string
	Holder string // this replica, unique among replicas
	Leases Leases
	TTL    time.Duration
	Work   Runner
	Clock  Clock
	Logger *slog.Logger
	// OnAcquired and OnLost, when set, are told of each change.
	OnAcquired func(Lease)
	OnLost     func(Lease)

	mu   sync.Mutex
	held *Lease
}

// Held returns the lease while this replica holds it.
func (s *Singleton) Held() (Lease, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held == nil {
		return Lease{}, false
	}
	return *s.held, true
}

func (s *Singleton) setHeld(l *Lease) {
	s.mu.Lock()
	s.held = l
	s.mu.Unlock()
}

// Run competes for the lease until ctx ends. It returns Work's error when
// Work fails on its own while the lease is held (a refused token, say).
func (s *Singleton) Run(ctx context.Context) error {
	if s.TTL <= 0 || s.Leases == nil || s.Work == nil {
		return fmt.Errorf("singleton %s: TTL, Leases and Work are required", s.Name)
	}
	for {
		l, ok, err := s.Leases.Acquire(ctx, s.Name, s.Holder, s.TTL)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.log().Warn("cannot acquire lease; retrying", "lease", s.Name, "err", err)
		}
		if ok {
			done, err := s.hold(ctx, l)
			if done {
				return err
			}
		}
		if !s.wait(ctx, s.TTL/3) {
			return nil
		}
	}
}

// hold runs Work under l until Work returns, ctx ends or a renewal fails.
// done reports that Run should return (with err).
func (s *Singleton) hold(ctx context.Context, l Lease) (done bool, err error) {
	s.setHeld(&l)
	s.log().Info("lease acquired; starting", "lease", s.Name, "epoch", l.Epoch)
	if s.OnAcquired != nil {
		s.OnAcquired(l)
	}
	if s.OnLost != nil {
		// After Work has returned, whichever way the lease ended.
		defer s.OnLost(l)
	}
	// Work's writes carry the lease's epoch: once it moved on, the store
	// refuses them (see LeaseFenceTx).
	workCtx, cancel := context.WithCancel(WithLease(ctx, l))
	defer cancel()
	workDone := make(chan error, 1)
	go func() { workDone <- s.Work.Run(workCtx) }()

	for {
		timer := s.clock().NewTimer(s.TTL / 3)
		select {
		case err := <-workDone:
			timer.Stop()
			s.release(ctx, l)
			return true, err
		case <-ctx.Done():
			timer.Stop()
			cancel()
			<-workDone
			s.release(ctx, l)
			return true, nil
		case <-timer.C():
		}
		if err := s.Leases.Renew(ctx, l, s.TTL); err != nil {
			cancel()
			<-workDone
			s.setHeld(nil)
			if ctx.Err() != nil {
				s.release(ctx, l)
				return true, nil
			}
			if !errors.Is(err, ErrLeaseLost) {
				// Unsure whether it still holds: give it up, so that the
				// next attempt starts from a clean claim.
				s.release(ctx, l)
			}
			s.log().Warn("lease lost; stopped", "lease", s.Name, "epoch", l.Epoch, "err", err)
			return false, nil
		}
	}
}

// release gives l up, even after ctx ended, and forgets it.
func (s *Singleton) release(ctx context.Context, l Lease) {
	s.setHeld(nil)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	if err := s.Leases.Release(rctx, l); err != nil {
		s.log().Warn("cannot release lease; another replica takes over once it expires", "lease", s.Name, "err", err)
	} else {
		s.log().Info("lease released", "lease", s.Name, "epoch", l.Epoch)
	}
}

func (s *Singleton) wait(ctx context.Context, d time.Duration) bool {
	t := s.clock().NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C():
		return true
	}
}

func (s *Singleton) clock() Clock {
	if s.Clock == nil {
		return SystemClock{}
	}
	return s.Clock
}

func (s *Singleton) log() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}
