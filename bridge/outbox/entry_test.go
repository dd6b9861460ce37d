package outbox

import (
	"encoding/json"
	"testing"
)

// A destination's text form is what databases written before it had a type
// hold: reading it back gives the same destination, and writing it gives
// the same text, so existing outboxes, message copies and metrics labels
// keep matching.
func TestDestinationTextForm(t *testing.T) {
	for _, tt := range []struct {
		d    Destination
		text string
	}{
		{Destination{User, "web"}, "user:web"},
		{Destination{Workspace, "slack"}, "workspace:slack"},
		{Destination{Notifier, "hook-crm"}, "notify:hook-crm"},
		{Destination{Notifier, "a:b"}, "notify:a:b"}, // a name may hold the separator
		{Destination{Kind: "future", Name: "x"}, "future:x"},
		{Destination{}, ""},
	} {
		if got := tt.d.String(); got != tt.text {
			t.Errorf("%#v.String() = %q, want %q", tt.d, got, tt.text)
		}
		back, err := ParseDestination(tt.text)
		if err != nil || back != tt.d {
			t.Errorf("ParseDestination(%q) = %#v, %v; want %#v", tt.text, back, err, tt.d)
		}
		raw, err := json.Marshal(tt.d)
		if err != nil || string(raw) != `"`+tt.text+`"` {
			t.Errorf("json of %#v = %s, %v; want %q", tt.d, raw, err, tt.text)
		}
	}
	for _, bad := range []string{"web", ":web"} {
		if d, err := ParseDestination(bad); err == nil {
			t.Errorf("ParseDestination(%q) = %#v, want an error", bad, d)
		}
	}
}
