// Package pgtest gives tests a private PostgreSQL server and a fresh
// database per test, with the server binaries the machine has installed
// (Debian's postgresql package: /usr/lib/postgresql/N/bin). No container,
// no download: initdb and postgres run as child processes of the test.
//
// A package that uses it calls Main from its TestMain, so that the server
// is stopped when its tests end:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// and each test asks for a database of its own:
//
//	dsn := pgtest.NewDatabase(t)
//
// The server starts at the first NewDatabase of the package and serves all
// its tests. It runs in a temporary directory with fsync, full page writes
// and synchronous commit off (tests need no durability, and it makes every
// commit cheap), listens on a Unix socket in that directory only (no TCP
// port to collide on), and trusts local connections. When the test process
// runs as root, the server runs as the unprivileged "postgres" user, since
// PostgreSQL refuses to run as root. It dies with the test process, even
// when that is killed (see start).
//
// Without the binaries the tests that need a database skip, unless the
// environment sets BRIDGE_PG=require (as CI does), which makes them fail.
package pgtest
