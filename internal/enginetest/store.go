package enginetest

import (
	"path/filepath"
	"testing"

	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// OpenStore opens the SQLite store at path, failing the test if it
// cannot. The caller closes it: harnesses that restart the bridge close
// it and open the same file again.
func OpenStore(t testing.TB, path string, opts ...sqlite.Option) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), path, opts...)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return st
}

// TempStore opens a new SQLite store in t's temp dir and closes it when
// the test ends, after the cleanups registered later (such as Run's) have
// stopped what uses it.
func TempStore(t testing.TB, opts ...sqlite.Option) *sqlite.Store {
	t.Helper()
	st := OpenStore(t, filepath.Join(t.TempDir(), "b.db"), opts...)
	t.Cleanup(func() { _ = st.Close() })
	return st
}
