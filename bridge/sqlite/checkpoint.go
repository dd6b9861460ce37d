package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// checkpointEvery is how often the WAL is copied back into the database
// file. Each checkpoint copies every page changed since the last one once,
// however often it was written meanwhile.
const checkpointEvery = 250 * time.Millisecond

// checkpointer copies the WAL into the database file from a connection of
// its own, off the writer's path.
//
// By default SQLite checkpoints on the committing connection whenever the
// WAL passes 1,000 pages: every few dozen transactions the single writer
// stopped to copy pages and fsync both files, and every Update queued
// behind it waited; that was most of the relay's p99. With automatic
// checkpoints off on the writer, a PASSIVE checkpoint here runs beside
// the writer and the readers without blocking them.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
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
	var busy, logFrames, copied int
	if err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &copied); err != nil {
		return fmt.Errorf("sqlite: checkpoint: %w", err)
	}
	return nil
}

// close stops the loop and the connection. The last connection to close,
// the writer's, checkpoints what is left.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}
