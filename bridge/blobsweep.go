package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// BlobSweeper deletes orphaned files: blobs older than Grace that no
// message references (an upload the user never sent, an agent file of a
// thread that was not a handoff's).
type BlobSweeper struct {
	Store  Store
	Blobs  Blobs
	Grace  time.Duration // default 24 h
	Every  time.Duration // default 1 h
	Clock  Clock
	Logger *slog.Logger
}

// sweepBatch bounds the blobs looked at per transaction.
const sweepBatch = 500

// errNoBlobRefs is a store that cannot tell which blobs are referenced.
var errNoBlobRefs = errors.New("the store cannot tell which files messages reference; orphaned files are kept")

// Sweep deletes the orphans and returns how many.
func (s *BlobSweeper) Sweep(ctx context.Context) (int, error) {
	grace := s.Grace
	if grace <= 0 {
		grace = 24 * time.Hour
	}
	old, err := s.Blobs.StoredBefore(ctx, s.clock().Now().Add(-grace), 0)
	if err != nil {
		return 0, fmt.Errorf("blob sweep: %w", err)
	}
	deleted := 0
	for len(old) > 0 {
		batch := old[:min(len(old), sweepBatch)]
		old = old[len(batch):]
		var refs map[BlobID]bool
		err := s.Store.View(ctx, func(tx Tx) error {
			rtx, ok := tx.(BlobRefTx)
			if !ok {
				return errNoBlobRefs
			}
			var err error
			refs, err = rtx.ReferencedBlobs(ctx, batch)
			return err
		})
		if err != nil {
			return deleted, fmt.Errorf("blob sweep: %w", err)
		}
		for _, id := range batch {
			if refs[id] {
				continue
			}
			if err := s.Blobs.Delete(ctx, id); err != nil {
				return deleted, fmt.Errorf("blob sweep: %w", err)
			}
			deleted++
		}
	}
	return deleted, nil
}

func (s *BlobSweeper) clock() Clock {
	if s.Clock == nil {
		return SystemClock{}
	}
	return s.Clock
}

// Run sweeps at start and every Every until ctx ends.
func (s *BlobSweeper) Run(ctx context.Context) error {
	every := s.Every
	if every <= 0 {
		every = time.Hour
	}
	log := s.Logger
	if log == nil {
		log = slog.Default()
	}
	for {
		n, err := s.Sweep(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("orphaned files not swept", "err", err)
		case n > 0:
			log.Info("orphaned files deleted", "count", n)
		}
		timer := s.clock().NewTimer(every)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C():
		}
	}
}
