package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the store named by dsn to the new file
// dst, readable by its owner only (0600). It never overwrites: an existing
// dst is an error.
//
// The copy is SQLite's VACUUM INTO, run in one read transaction on a
// connection of its own: it sees one committed state, and a bridge using the
// store (in this process or another) keeps reading and writing meanwhile.
// The store is not migrated, so a newer binary can back up the store of an
// older bridge before replacing it.
func Backup(ctx context.Context, dsn, dst string) (err error) {
	t := parseDSN(dsn)
	if t.memory {
		return errors.New("sqlite: backup: an in-memory store has nothing to back up")
	}
	if _, err := os.Stat(t.path); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	// Created here, empty, so that the mode and the refusal to overwrite
	// are ours: VACUUM INTO fills an empty file and keeps its mode.
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(dst) // never leave a partial copy that looks like a backup
		}
	}()

	// Not query_only: SQLite refuses VACUUM INTO on such a connection,
	// though it only reads the source.
	db, err := sql.Open("sqlite", t.withParams())
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer db.Close()
	if err := isStore(ctx, db); err != nil {
		return fmt.Errorf("sqlite: backup %s: %w", t.path, err)
	}
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	// VACUUM INTO does not sync the file it wrote.
	if err := syncFile(dst); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	return nil
}

// isStore tells a bridge store from any other file: it has the migrations
// table Open creates.
func isStore(ctx context.Context, db *sql.DB) error {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("not a bridge store (no schema_migrations table)")
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
