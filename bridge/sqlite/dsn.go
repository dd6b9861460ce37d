package sqlite

import (
	"net/url"
	"strings"
)

// connPragmas run on every connection, as modernc.org/sqlite _pragma
// parameters (it runs busy_timeout first). See the package doc for why
// synchronous=NORMAL is enough.
var connPragmas = []string{
	"busy_timeout(5000)",
	"journal_mode(WAL)",
	"foreign_keys(1)",
	"synchronous(NORMAL)",
}

// target is what a DSN given to Open names.
type target struct {
	// base is the DSN without our parameters: a path or a file: URI, with
	// the caller's own query parameters kept.
	base string
	// path is the file on disk, "" for an in-memory database.
	path   string
	memory bool
}

// parseDSN understands a plain path ("data/bridge.db"), a file: URI
// ("file:data/bridge.db?mode=rwc", "file:///var/lib/bridge.db") and
// ":memory:" (also "file::memory:" and mode=memory URIs).
func parseDSN(dsn string) target {
	if dsn == "" || dsn == ":memory:" {
		return target{base: ":memory:", memory: true}
	}
	if !strings.HasPrefix(dsn, "file:") {
		// A plain path: modernc.org/sqlite strips the query from it, so a
		// path cannot carry parameters of its own.
		p, _, _ := strings.Cut(dsn, "?")
		return target{base: p, path: p}
	}
	dsn, _, _ = strings.Cut(dsn, "#")
	p, query, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if strings.HasPrefix(p, "//") { // file://host/path: only an empty or local host
		host, tail, _ := strings.Cut(p[2:], "/")
		if host == "" || host == "localhost" {
			p = "/" + tail
		}
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	q, _ := url.ParseQuery(query)
	if p == "" || p == ":memory:" || q.Get("mode") == "memory" {
		return target{base: dsn, memory: true}
	}
	return target{base: dsn, path: p}
}

// withParams appends modernc.org/sqlite parameters to a DSN.
func (t target) withParams(extra ...string) string {
	v := url.Values{}
	for _, p := range connPragmas {
		v.Add("_pragma", p)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Add(extra[i], extra[i+1])
	}
	sep := "?"
	if strings.HasPrefix(t.base, "file:") && strings.Contains(t.base, "?") {
		sep = "&"
	}
	return t.base + sep + v.Encode()
}
