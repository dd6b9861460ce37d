package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/config"
)

// backup writes a consistent copy of the config's store to out (a new file,
// mode 0600), beside a running bridge or not.
func backup(ctx context.Context, configPath, out string, stdout io.Writer) error {
	if out == "" {
		return errors.New("backup: -out FILE is required")
	}
	cfg, err := config.Load(configPath, nil)
	if err != nil {
		return err
	}
	if cfg.Store.Driver == "postgres" {
		return errors.New("backup: the postgres store is backed up with PostgreSQL's tools (pg_dump, or the server's own backups); see docs/postgres.md")
	}
	if err := sqlite.Backup(ctx, cfg.Store.DSN, out); err != nil {
		return err
	}
	info, err := os.Stat(out)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backup: %s → %s (%d bytes)\n", cfg.Store.DSN, out, info.Size())
	return nil
}
