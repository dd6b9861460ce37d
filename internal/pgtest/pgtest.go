package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// RequireEnv names the environment variable that, set to "require", turns
// a skip for want of PostgreSQL into a failure.
const RequireEnv = "BRIDGE_PG"

// dropBound bounds the drop of a test's database at its clean-up.
const dropBound = 30 * time.Second

// shared is the package's server, started by the first NewDatabase.
var shared struct {
	mainCalled atomic.Bool
	once       sync.Once
	srv        *server
	admin      *pgxpool.Pool // on the "postgres" database, for CREATE and DROP DATABASE
	err        error
	stopped    bool
	seq        atomic.Int64
}

// Main runs the package's tests, then stops the server if a test started
// it, and exits. Call it from TestMain.
func Main(m *testing.M) {
	shared.mainCalled.Store(true)
	code := m.Run()
	if err := stopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// stopShared stops the server, if one was started.
func stopShared() error {
	var err error
	shared.once.Do(func() { shared.err = errors.New("pgtest: the server was stopped") })
	if shared.srv != nil && !shared.stopped {
		shared.stopped = true
		shared.admin.Close()
		err = shared.srv.stop()
	}
	return err
}

// serverFor returns the running server, starting it at the first call.
// Without the binaries it skips t, or fails it under BRIDGE_PG=require.
func serverFor(t testing.TB) *server {
	t.Helper()
	if !shared.mainCalled.Load() {
		t.Fatal("pgtest: call pgtest.Main(m) from the package's TestMain, so that the server is stopped after the tests")
	}
	shared.once.Do(func() {
		bin, err := findBinDir()
		if err != nil {
			shared.err = err
			return
		}
		srv, err := start(bin)
		if err != nil {
			shared.err = err
			return
		}
		admin, err := pgxpool.New(context.Background(), srv.dsn("postgres"))
		if err != nil {
			_ = srv.stop()
			shared.err = fmt.Errorf("connect to the test server: %w", err)
			return
		}
		shared.srv, shared.admin = srv, admin
	})
	if errors.Is(shared.err, errNoBinaries) && os.Getenv(RequireEnv) != "require" {
		t.Skipf("pgtest: %v (set %s=require to fail instead)", shared.err, RequireEnv)
	}
	if shared.err != nil {
		t.Fatalf("pgtest: %v", shared.err)
	}
	return shared.srv
}

// NewDatabase creates an empty database for t on the package's server and
// returns its connection string (keyword=value form). The database is
// dropped when t ends, with any session still connected to it.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return createDatabase(t, serverFor(t), "")
}

// Template is a database prepared once per test process (a schema, seed
// rows), which NewDatabase copies for each test: cheaper than preparing
// every test's database anew.
type Template struct {
	// Name tells the template apart from the package's others.
	Name string
	// Setup prepares the template at dsn. It must close its connections
	// before it returns: PostgreSQL copies no database that is in use.
	Setup func(ctx context.Context, dsn string) error

	once sync.Once
	db   string
	err  error
}

// NewDatabase creates a copy of the template for t and returns its
// connection string; it is dropped when t ends. The first call prepares
// the template.
func (tm *Template) NewDatabase(t testing.TB) string {
	t.Helper()
	srv := serverFor(t)
	tm.once.Do(func() {
		tm.db = "template_" + tm.Name
		ctx := context.Background()
		if _, err := shared.admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{tm.db}.Sanitize()); err != nil {
			tm.err = fmt.Errorf("create template %s: %w", tm.db, err)
			return
		}
		if err := tm.Setup(ctx, srv.dsn(tm.db)); err != nil {
			tm.err = fmt.Errorf("set up template %s: %w", tm.db, err)
		}
	})
	if tm.err != nil {
		t.Fatalf("pgtest: %v", tm.err)
	}
	return createDatabase(t, srv, tm.db)
}

// createDatabase creates a database for t, a copy of template ("": the
// server's default, empty one), dropped at t's clean-up.
func createDatabase(t testing.TB, srv *server, template string) string {
	t.Helper()
	name := fmt.Sprintf("test_%d", shared.seq.Add(1))
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		create += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := shared.admin.Exec(t.Context(), create); err != nil {
		t.Fatalf("pgtest: create database %s: %v\n%s", name, err, srv.log)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), dropBound)
		defer cancel()
		if _, err := shared.admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return srv.dsn(name)
}
