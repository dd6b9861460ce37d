package sqlite

import (
	"database/sql"
	"encoding/json"
	"time"
)

// nanos encodes a time as unix nanoseconds, NULL for the zero time (whose
// UnixNano is out of range).
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// timeOf decodes what nanos encoded. Times come back in UTC so that they
// do not depend on the host's zone.
func timeOf(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return unixTime(n.Int64)
}

// unixTime decodes a NOT NULL time column.
func unixTime(n int64) time.Time { return time.Unix(0, n).UTC() }

// fill returns t, or now when t is zero.
func fill(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

// nullID encodes an id reference: zero, meaning none, is NULL so that the
// foreign key holds.
func nullID[T ~int64](id T) any {
	if id == 0 {
		return nil
	}
	return int64(id)
}

// toJSON encodes v as JSON text, or NULL when empty says there is nothing
// worth storing.
func toJSON(v any, empty bool) (any, error) {
	if empty {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// fromJSON decodes what toJSON encoded; NULL leaves dst as it is.
func fromJSON(s sql.NullString, dst any) error {
	if !s.Valid || s.String == "" {
		return nil
	}
	return json.Unmarshal([]byte(s.String), dst)
}
