package config

import (
	"fmt"
	"strings"
	"testing"
)

// TestPostgresStore: the postgres driver takes its DSN from the variable
// dsn_env names, keeps it out of prints and logs, and takes a pool size.
func TestPostgresStore(t *testing.T) {
	const dsn = "postgres://bridge:s3cret@db:5432/bridge"
	for _, tt := range []struct {
		name, yaml, envName string
	}{
		{"default variable", "store: {driver: postgres, max_conns: 12}", "DATABASE_URL"},
		{"named variable", "store: {driver: postgres, dsn_env: BRIDGE_PG, max_conns: 12}", "BRIDGE_PG"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoad(t, "teams: {support: {workspace: console}}\nconsole: {admin_token_env: ADMIN}\n"+tt.yaml,
				envOf(tt.envName+"="+dsn, "ADMIN=0123456789abcdef"))
			s := c.Store
			if s.Driver != "postgres" || s.DSNEnv != tt.envName || s.PostgresDSN.Reveal() != dsn || s.MaxConns != 12 {
				t.Errorf("store = driver %q, dsn_env %q, dsn %q, max_conns %d", s.Driver, s.DSNEnv, s.PostgresDSN.Reveal(), s.MaxConns)
			}
			if c.Console.AdminToken.Reveal() != "0123456789abcdef" {
				t.Errorf("console admin token = %q, want the variable's", c.Console.AdminToken.Reveal())
			}
			if shown := fmt.Sprintf("%v %+v", s, s); strings.Contains(shown, "s3cret") {
				t.Errorf("the DSN's password shows in %s", shown)
			}
		})
	}
}

// TestSQLiteIgnoresTheDSNVariable: the default store reads no database
// variable, even one that is set for another program.
func TestSQLiteIgnoresTheDSNVariable(t *testing.T) {
	c := mustLoad(t, "teams: {support: {workspace: console}}\n", envOf("DATABASE_URL=postgres://other/app"))
	if c.Store.Driver != "sqlite" || !c.Store.PostgresDSN.IsZero() || c.Store.DSN != "data/bridge.db" {
		t.Errorf("store = %+v", c.Store)
	}
}
