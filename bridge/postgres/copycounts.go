package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// tableCount is what CopyIn compares of a table on both sides to tell a
// database it filled before from one holding something else: its rows,
// and the last id its sequence handed out.
type tableCount struct {
	table      string
	rows, last int64
}

// copyCounts are the counts of every copied table, in copyTables' order,
// then the files.
type copyCounts []tableCount

func (cs copyCounts) empty() bool {
	return !slices.ContainsFunc(cs, func(c tableCount) bool { return c.rows > 0 || c.last > 0 })
}

func (cs copyCounts) String() string {
	var parts []string
	for _, c := range cs {
		if c.rows > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.rows, c.table))
		}
	}
	if len(parts) == 0 {
		return "no rows, but its ids were used"
	}
	return strings.Join(parts, ", ")
}

func sourceCounts(ctx context.Context, src CopySource, files bridge.Blobs) (copyCounts, error) {
	var cs copyCounts
	for _, t := range copyTables {
		cols, err := src.Columns(ctx, t.name)
		if err != nil {
			return nil, err
		}
		c := tableCount{table: t.name}
		if len(cols) > 0 {
			if c.rows, err = src.Count(ctx, t.name); err != nil {
				return nil, err
			}
			if t.identity {
				if c.last, err = src.LastID(ctx, t.name); err != nil {
					return nil, err
				}
			}
		}
		cs = append(cs, c)
	}
	blobs := tableCount{table: blobsTable}
	if files != nil {
		ids, err := allBlobs(ctx, files)
		if err != nil {
			return nil, err
		}
		blobs.rows = int64(len(ids))
	}
	return append(cs, blobs), nil
}

func targetCounts(ctx context.Context, tx pgx.Tx) (copyCounts, error) {
	var cs copyCounts
	count := func(table string, identity bool) error {
		c := tableCount{table: table}
		name := pgx.Identifier{table}.Sanitize()
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+name).Scan(&c.rows); err != nil {
			return fmt.Errorf("count %s: %w", table, err)
		}
		if identity {
			err := tx.QueryRow(ctx, `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass), 0)`, table).Scan(&c.last)
			if err != nil {
				return fmt.Errorf("last id of %s: %w", table, err)
			}
		}
		cs = append(cs, c)
		return nil
	}
	for _, t := range copyTables {
		if err := count(t.name, t.identity); err != nil {
			return nil, err
		}
	}
	if err := count(blobsTable, false); err != nil {
		return nil, err
	}
	return cs, nil
}

func (cs copyCounts) equal(other copyCounts) bool { return slices.Equal(cs, other) }
