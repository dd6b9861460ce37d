package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// checkpointEvery is how often the WAL is copied back into the database
// file. Each checkpoint copies every page changed since the last one once,
// however often it was written meanwhile.
const checkpointEvery = 250 * time.Millisecond

// restartFrames is the WAL length, in frames (a page each), past which the
// writer itself finishes a checkpoint between two batches, so that its
// next transaction starts the WAL over.
const restartFrames = 4096

// checkpointer copies the WAL into the database file from a connection of
// its own, off the writer's path.
//
// By default SQLite checkpoints on the committing connection whenever the
// WAL passes 1,000 pages: every few dozen transactions the single writer
// stopped to copy pages and fsync both files, and every Update queued
// behind it waited; that was most of the relay's p99. With automatic
// checkpoints off on the writer, a PASSIVE checkpoint here runs beside
// the writer and the readers without blocking them.
//
// A checkpoint running beside the writer never lets the WAL start over,
// though: by the time it ends, the writer has appended new frames, and
// SQLite rewinds the WAL only when every frame is in the database file.
// Under steady load the WAL grew by gigabytes. So when it passes
// restartFrames, the checkpointer asks the writer (long) to checkpoint
// between two batches, when nothing is appended: only the frames since
// the last checkpoint are left to copy, and the next transaction rewinds.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
	long atomic.Bool // the WAL is long: the writer should finish a checkpoint
	halt sync.Once
}

// startCheckpointer opens the checkpoint connection and starts its loop.
func startCheckpointer(t target) (*checkpointer, error) {
	db, err := sql.Open("sqlite", t.withParams())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open checkpointer: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c, nil
}

func (c *checkpointer) loop() {
	defer close(c.done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
			// A failed checkpoint (another one running, a reader holding
			// the oldest frames) leaves the frames for the next one: the
			// WAL is only longer meanwhile.
			_ = c.checkpoint(context.Background())
		}
	}
}

// checkpoint runs one PASSIVE checkpoint: as many frames as no reader
// still needs, without waiting for anyone.
func (c *checkpointer) checkpoint(ctx context.Context) error {
	logFrames, err := passiveCheckpoint(ctx, c.db)
	if err != nil {
		return err
	}
	if logFrames > restartFrames {
		c.long.Store(true)
	}
	return nil
}

// passiveCheckpoint runs a PASSIVE checkpoint on db and returns the WAL's
// length in frames.
func passiveCheckpoint(ctx context.Context, db *sql.DB) (logFrames int, err error) {
	var busy, copied int
	if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &copied); err != nil {
		return 0, fmt.Errorf("sqlite: checkpoint: %w", err)
	}
	return logFrames, nil
}

// finishCheckpoint is the writer's part: called between two batches, it
// checkpoints on the write connection when the WAL is long.
func (s *Store) finishCheckpoint() {
	if s.checkpoints == nil || !s.checkpoints.long.CompareAndSwap(true, false) {
		return
	}
	// A reader still on old frames makes it incomplete: the checkpointer
	// asks again at its next look.
	_, _ = passiveCheckpoint(context.Background(), s.write)
}

// close stops the loop and the connection. The last connection to close,
// the writer's, checkpoints what is left.
func (c *checkpointer) close() error {
	c.pause()
	return c.db.Close()
}

// pause stops the loop (for good).
func (c *checkpointer) pause() {
	c.halt.Do(func() { close(c.stop) })
	<-c.done
}
