package pgtest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ErrNoBinaries is StartServer's error on a machine without PostgreSQL's
// server binaries.
var ErrNoBinaries = errNoBinaries

// Server is a private PostgreSQL server for a tool outside the tests
// (cmd/bridge-bench), started the same way as the tests' own: initdb into
// a temporary directory, a Unix socket there, fsync and synchronous commit
// off, run as the postgres user when the caller is root, and dying with
// the calling process.
type Server struct {
	srv *server
}

// StartServer starts a server and returns once it takes connections; Stop
// ends it and removes its directory.
func StartServer() (*Server, error) {
	bin, err := findBinDir()
	if err != nil {
		return nil, err
	}
	srv, err := start(bin)
	if err != nil {
		return nil, err
	}
	return &Server{srv: srv}, nil
}

// CreateDatabase creates an empty database and returns its connection
// string.
func (s *Server) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, s.srv.dsn("postgres"))
	if err != nil {
		return "", fmt.Errorf("pgtest: connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return s.srv.dsn(name), nil
}

// Pid is the postmaster's process id: the server's processes (backends,
// WAL writer, checkpointer, …) are its children.
func (s *Server) Pid() int { return s.srv.cmd.Process.Pid }

// Stop shuts the server down and removes its directory.
func (s *Server) Stop() error { return s.srv.stop() }
