package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// CopySource is a store being copied into PostgreSQL, read in one
// consistent snapshot: bridge/sqlite's Snapshot. Its tables and columns
// have the names of this package's schema.
type CopySource interface {
	Tables(ctx context.Context) ([]string, error)
	// Columns lists a table's columns; none when the source lacks it.
	Columns(ctx context.Context, table string) ([]string, error)
	Count(ctx context.Context, table string) (int64, error)
	// LastID is the highest id the table ever handed out, 0 if none.
	LastID(ctx context.Context, table string) (int64, error)
	// Rows calls fn with the named columns of each row; fn must not keep
	// the slice.
	Rows(ctx context.Context, table string, columns []string, fn func(values []any) error) error
}

// copyTable is a table CopyIn copies, in the order of copyTables (each
// after those its foreign keys name).
type copyTable struct {
	name string
	// identity: the table's id comes from a sequence, which the copy
	// moves past the source's last id.
	identity bool
	// later are columns naming rows of tables copied after this one,
	// filled in once those are there.
	later []string
}

var copyTables = []copyTable{
	{name: "conversations", identity: true, later: []string{"last_handoff", "awaiting"}},
	{name: "handoffs", identity: true},
	{name: "messages", identity: true},
	{name: "message_copies"},
	{name: "handoff_events", identity: true},
	{name: "leads", identity: true},
	{name: "inbound_events"},
	{name: "cursors"},
	{name: "outbox", identity: true},
	{name: "inbox", identity: true},
	{name: "adapter_state"},
	{name: "keys"},
	{name: "agent_status"},
}

// notCopied are the tables a copy leaves alone: the schema's own
// bookkeeping, the readiness probe's row, and leases, which belong to the
// processes running on a store, not to its data.
var notCopied = []string{"schema_migrations", "health", "leases"}

// blobsTable holds the files, copied from a bridge.Blobs rather than from
// the source's tables.
const blobsTable = "blobs"

// copyLock is the advisory lock a copy holds, so that two copies into one
// database run one after the other. ("copyin" in ASCII.)
const copyLock int64 = 0x636f7079696e

// ErrNotEmpty is CopyIn's refusal to copy into a database that holds
// something else than a copy of the source.
var ErrNotEmpty = errors.New("the database is not empty")

// CopyOptions tune CopyIn.
type CopyOptions struct {
	// Files are the source's files (its blob directory); nil copies none.
	Files bridge.Blobs
	// Replace empties a database that holds data, and copies all the same.
	Replace bool
	// Progress, if set, is told of each table copied, with its row count.
	Progress func(table string, rows int64)
}

// CopyReport says what CopyIn did.
type CopyReport struct {
	// Rows copied per table (blobs included); nil when nothing was copied.
	Rows map[string]int64
	// AlreadyCopied: the database already held as many rows as the
	// source, with the same last ids, in every table; nothing changed.
	AlreadyCopied bool
}

// CopyIn copies every table of src, and the files of opts.Files, into the
// store's database, in one transaction: all of it, or nothing. Ids are
// kept, and each sequence moved past the source's last id.
//
// The database must be empty (as Open leaves it). Run again on the
// database it filled, and the source unchanged, CopyIn changes nothing and
// says so (AlreadyCopied); a database holding anything else is refused
// with ErrNotEmpty unless opts.Replace, which empties it first. The bridge
// must not run on either store meanwhile.
func (s *Store) CopyIn(ctx context.Context, src CopySource, opts CopyOptions) (CopyReport, error) {
	if err := checkSourceTables(ctx, src); err != nil {
		return CopyReport{}, err
	}
	var report CopyReport
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, copyLock); err != nil {
			return err
		}
		want, err := sourceCounts(ctx, src, opts.Files)
		if err != nil {
			return err
		}
		have, err := targetCounts(ctx, tx)
		if err != nil {
			return err
		}
		switch {
		case have.empty():
		case have.equal(want) && !opts.Replace:
			report.AlreadyCopied = true
			return nil
		case !opts.Replace:
			return fmt.Errorf("%w: it holds %s", ErrNotEmpty, have)
		default:
			if err := emptyTables(ctx, tx); err != nil {
				return err
			}
		}
		report.Rows, err = copyAll(ctx, tx, src, opts)
		return err
	})
	if err != nil {
		return CopyReport{}, fmt.Errorf("postgres: copy in: %w", err)
	}
	return report, nil
}

// checkSourceTables refuses a source with a table this copy does not know:
// its rows would be left behind.
func checkSourceTables(ctx context.Context, src CopySource) error {
	tables, err := src.Tables(ctx)
	if err != nil {
		return fmt.Errorf("postgres: copy in: %w", err)
	}
	for _, t := range tables {
		if !slices.ContainsFunc(copyTables, func(c copyTable) bool { return c.name == t }) && !slices.Contains(notCopied, t) {
			return fmt.Errorf("postgres: copy in: the source has a table %q this version cannot copy (is the source from a newer bridge?)", t)
		}
	}
	return nil
}

// copyAll copies the tables, then the columns left for later, the files,
// and moves the sequences on.
func copyAll(ctx context.Context, tx pgx.Tx, src CopySource, opts CopyOptions) (map[string]int64, error) {
	rows := map[string]int64{}
	for _, t := range copyTables {
		n, err := copyTableRows(ctx, tx, src, t)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		rows[t.name] = n
		if opts.Progress != nil {
			opts.Progress(t.name, n)
		}
	}
	for _, t := range copyTables {
		if err := fillLater(ctx, tx, src, t); err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
	}
	n, err := copyFiles(ctx, tx, opts.Files)
	if err != nil {
		return nil, err
	}
	rows[blobsTable] = n
	if opts.Progress != nil {
		opts.Progress(blobsTable, n)
	}
	for _, t := range copyTables {
		if err := moveSequence(ctx, tx, src, t); err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return rows, nil
}

// copyChunk is how many rows go in one COPY: large enough to be cheap,
// small enough to keep little in memory.
const copyChunk = 1000

// copyTableRows copies a table's rows, its later columns left NULL.
func copyTableRows(ctx context.Context, tx pgx.Tx, src CopySource, t copyTable) (int64, error) {
	have, err := src.Columns(ctx, t.name)
	if err != nil || len(have) == 0 {
		return 0, err // a table the source lacks has nothing to copy
	}
	types, err := columnTypes(ctx, tx, t.name)
	if err != nil {
		return 0, err
	}
	var cols []string
	for _, c := range have {
		if _, ok := types[c]; !ok {
			return 0, fmt.Errorf("the source has a column %q that PostgreSQL lacks (is the source from a newer bridge?)", c)
		}
		if !slices.Contains(t.later, c) {
			cols = append(cols, c)
		}
	}
	var total int64
	chunk := make([][]any, 0, copyChunk)
	flush := func() error {
		n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, cols, pgx.CopyFromRows(chunk))
		total += n
		chunk = chunk[:0]
		return err
	}
	err = src.Rows(ctx, t.name, cols, func(values []any) error {
		row := make([]any, len(values))
		for i, v := range values {
			if row[i], err = convert(types[cols[i]], v); err != nil {
				return fmt.Errorf("column %s: %w", cols[i], err)
			}
		}
		if chunk = append(chunk, row); len(chunk) == copyChunk {
			return flush()
		}
		return nil
	})
	if err == nil && len(chunk) > 0 {
		err = flush()
	}
	return total, err
}

// fillLater sets the columns that name rows copied after their own table.
func fillLater(ctx context.Context, tx pgx.Tx, src CopySource, t copyTable) error {
	if len(t.later) == 0 {
		return nil
	}
	var set []string
	for i, c := range t.later {
		set = append(set, fmt.Sprintf("%s = $%d", pgx.Identifier{c}.Sanitize(), i+2))
	}
	update := fmt.Sprintf("UPDATE %s SET %s WHERE id = $1", pgx.Identifier{t.name}.Sanitize(), strings.Join(set, ", "))
	batch := &pgx.Batch{}
	flush := func() error {
		err := tx.SendBatch(ctx, batch).Close()
		batch = &pgx.Batch{}
		return err
	}
	err := src.Rows(ctx, t.name, append([]string{"id"}, t.later...), func(values []any) error {
		if !slices.ContainsFunc(values[1:], func(v any) bool { return v != nil }) {
			return nil
		}
		batch.Queue(update, slices.Clone(values)...)
		if batch.Len() == copyChunk {
			return flush()
		}
		return nil
	})
	if err == nil && batch.Len() > 0 {
		err = flush()
	}
	return err
}

// copyFiles copies every file of files into the blobs table, ids kept:
// messages name their attachments by id.
func copyFiles(ctx context.Context, tx pgx.Tx, files bridge.Blobs) (int64, error) {
	if files == nil {
		return 0, nil
	}
	ids, err := allBlobs(ctx, files)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		r, meta, err := files.Open(ctx, id)
		if err != nil {
			return 0, fmt.Errorf("file %s: %w", id, err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return 0, fmt.Errorf("file %s: %w", id, err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO blobs (id, name, content_type, owner, size, created_at, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			string(id), meta.Name, meta.ContentType, meta.Owner, int64(len(data)), meta.CreatedAt.UnixNano(), data)
		if err != nil {
			return 0, fmt.Errorf("file %s: %w", id, err)
		}
	}
	return int64(len(ids)), nil
}

// allBlobs lists every file: those stored before the end of time.
func allBlobs(ctx context.Context, files bridge.Blobs) ([]bridge.BlobID, error) {
	ids, err := files.StoredBefore(ctx, time.Unix(0, math.MaxInt64), 0)
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	return ids, nil
}

// moveSequence makes the table's id sequence hand out ids after the
// source's last one.
func moveSequence(ctx context.Context, tx pgx.Tx, src CopySource, t copyTable) error {
	if !t.identity {
		return nil
	}
	last, err := src.LastID(ctx, t.name)
	if err != nil || last == 0 {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, t.name, last)
	return err
}

// emptyTables empties what a copy fills, for Replace.
func emptyTables(ctx context.Context, tx pgx.Tx) error {
	names := pgx.Identifier{blobsTable}.Sanitize()
	for _, t := range copyTables {
		names += ", " + pgx.Identifier{t.name}.Sanitize()
	}
	_, err := tx.Exec(ctx, "TRUNCATE "+names+" RESTART IDENTITY")
	return err
}

// columnTypes maps a table's columns to their PostgreSQL types.
func columnTypes(ctx context.Context, tx pgx.Tx, table string) (map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return nil, err
	}
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		types[name] = typ
	}
	return types, rows.Err()
}

// convert turns a value as the source holds it into one for a column of
// PostgreSQL type typ: SQLite keeps booleans as integers, and may hand
// text as bytes or bytes as text.
func convert(typ string, v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case int64:
		if typ == "boolean" {
			return x != 0, nil
		}
	case string:
		if typ == "bytea" {
			return []byte(x), nil
		}
	case []byte:
		if typ == "text" || typ == "jsonb" {
			return string(x), nil
		}
	case float64:
		if typ == "bigint" || typ == "integer" {
			return nil, fmt.Errorf("a fraction (%v) where an integer belongs", x)
		}
	}
	return v, nil
}
