package postgres

import (
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
func timeOf(n *int64) time.Time {
	if n == nil {
		return time.Time{}
	}
	return unixTime(*n)
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

// idOf decodes what nullID encoded.
func idOf[T ~int64](n *int64) T {
	if n == nil {
		return 0
	}
	return T(*n)
}

// toJSON encodes v as JSON text for a JSONB column, or NULL when empty says
// there is nothing worth storing.
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
func fromJSON(b []byte, dst any) error {
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, dst)
}

// limitArg is the argument of a "LIMIT $n": limit, or NULL (no limit) for
// limit <= 0. A parameter, not a number in the SQL, so that one prepared
// statement serves every limit.
func limitArg(limit int) any {
	if limit <= 0 {
		return nil
	}
	return int64(limit)
}
