package main

import (
	"context"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/postgres"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/config"
)

// openStore opens the store the config names: the SQLite file, or the
// PostgreSQL database whose DSN the environment holds.
func openStore(ctx context.Context, cfg config.Store) (bridge.Store, error) {
	if cfg.Driver == "postgres" {
		return postgres.Open(ctx, cfg.PostgresDSN.Reveal(), postgres.WithMaxConns(cfg.MaxConns))
	}
	return sqlite.Open(ctx, cfg.DSN)
}

// storeName says which store the config names, for logs and `bridge
// check`: never PostgreSQL's DSN, which holds a password, but the variable
// it comes from.
func storeName(cfg config.Store) string {
	if cfg.Driver == "postgres" {
		return "postgres (DSN from $" + cfg.DSNEnv + ")"
	}
	return cfg.Driver + " " + cfg.DSN
}
