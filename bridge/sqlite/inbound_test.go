package sqlite

import (
	"context"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

func TestMarkInbound(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		steps := []struct {
			source, id string
			fresh      bool
		}{
			{"slack", "Ev01", true},
			{"slack", "Ev01", false}, // a Slack retry
			{"slack", "ev01", true},  // ids are case-sensitive
			{"telegram", "Ev01", true},
			{"telegram", "Ev01", false},
			{"slack", "", true},
			{"slack", "", false},
		}
		for _, st := range steps {
			update(t, s, func(tx bridge.Tx) error {
				fresh, err := tx.MarkInbound(ctx, st.source, st.id)
				if fresh != st.fresh {
					t.Errorf("MarkInbound(%q, %q) = %v, want %v", st.source, st.id, fresh, st.fresh)
				}
				return err
			})
		}
		// Twice in one transaction: the second sees the first.
		update(t, s, func(tx bridge.Tx) error {
			a, err := tx.MarkInbound(ctx, "discord", "1")
			if err != nil {
				return err
			}
			b, err := tx.MarkInbound(ctx, "discord", "1")
			if !a || b {
				t.Errorf("MarkInbound twice in one transaction = %v, %v; want true, false", a, b)
			}
			return err
		})
	})
}

func TestCursors(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		steps := []struct {
			set, name, want string
		}{
			{"", "telegram.offset", ""}, // unset
			{"100", "telegram.offset", "100"},
			{"101", "telegram.offset", "101"},
			{"", "telegram.offset", ""}, // set to empty
			{"x", "other", "x"},
		}
		for i, st := range steps {
			if i > 0 {
				update(t, s, func(tx bridge.Tx) error { return tx.SetCursor(ctx, st.name, st.set) })
			}
			view(t, s, func(tx bridge.Tx) error {
				got, err := tx.Cursor(ctx, st.name)
				if got != st.want {
					t.Errorf("step %d: Cursor(%q) = %q, want %q", i, st.name, got, st.want)
				}
				return err
			})
		}
	})
}
