package outbox

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ID identifies an entry in the store.
type ID int64

func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }

// Op is what an entry asks its destination to do. The operations
// themselves are the engine's (package bridge); the outbox only carries
// them, and tells them apart for metrics and merging.
type Op string

// Entry is one durable delivery. It is written in the same transaction as
// the change that causes it, and delivered at least once, in order within
// its Stream.
type Entry struct {
	ID          ID
	Destination Destination
	// Stream orders deliveries: entries of one stream go out one at a time,
	// in id order (a conversation for users, a handoff for threads).
	Stream  string
	Op      Op
	Payload json.RawMessage
	// Attempts counts failed deliveries so far.
	Attempts  int
	NextTry   time.Time
	LastError string
	CreatedAt time.Time
}

// Destination names who an entry is for: a user channel, an agent
// workspace or a notifier. Each destination has its own sender, so a slow
// platform never stalls another.
type Destination struct {
	Kind DestinationKind
	// Name is the channel, workspace or notifier of that kind ("web",
	// "slack", "hook-crm").
	Name string
}

// DestinationKind says what a destination is.
type DestinationKind string

// The kinds of destinations. Their text is the prefix of a destination's
// stored form (see String).
const (
	User      DestinationKind = "user"
	Workspace DestinationKind = "workspace"
	// Notifier destinations are in no hurry: they send in the gaps between
	// the engine's writes, and record their results in batches.
	Notifier DestinationKind = "notify"
)

// String is the destination's stored and logged form, "kind:name"
// ("user:web", "workspace:slack", "notify:hook-crm"); "" for the zero
// destination. Stores keep it as text, and metrics label by it.
func (d Destination) String() string {
	if d == (Destination{}) {
		return ""
	}
	return string(d.Kind) + ":" + d.Name
}

// ParseDestination reads the form String writes. A kind the outbox does
// not know is kept as it is, so that nothing stored is lost in a read.
func ParseDestination(s string) (Destination, error) {
	if s == "" {
		return Destination{}, nil
	}
	kind, name, ok := strings.Cut(s, ":")
	if !ok || kind == "" {
		return Destination{}, fmt.Errorf("destination %q: want kind:name", s)
	}
	return Destination{Kind: DestinationKind(kind), Name: name}, nil
}

// MarshalText writes the stored form, so that logs and JSON show
// "user:web" as before the type had fields.
func (d Destination) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads the stored form.
func (d *Destination) UnmarshalText(b []byte) error {
	parsed, err := ParseDestination(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}
