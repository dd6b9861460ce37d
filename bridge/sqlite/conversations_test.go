package sqlite

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

func TestConversationRoundTrip(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		in   bridge.Conversation
	}{
		{"zero values", bridge.Conversation{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "s1"}}},
		{"every field set", bridge.Conversation{
			Address: bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: "-100123"},
			User:    bridge.User{ID: "u42", DisplayName: "Zoë"},
			Context: bridge.UserContext{
				IP: "203.0.113.7", Country: "PT", UserAgent: "Mozilla/5.0", PageURL: "https://x.example/p",
				Referrer: "https://r.example", Language: "pt", ChatTitle: "Support", ChatType: "private",
				Username: "zoe", Phone: "+351000", SessionStart: t0.Add(-time.Minute),
			},
			Misses: 2,
			Offer: &bridge.Offer{Trigger: "sales", Reason: "pricing", Team: "sales",
				Priority: bridge.PriorityHigh, At: t0.Add(-time.Second)},
			CreatedAt: t0.Add(-time.Hour),
			UpdatedAt: t0.Add(-30 * time.Minute),
		}},
	}
	eachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := tt.in
				update(t, s, func(tx bridge.Tx) error { return tx.CreateConversation(ctx, &c) })
				if c.ID == 0 {
					t.Fatal("CreateConversation did not set the id")
				}
				if tt.in.CreatedAt.IsZero() && (!c.CreatedAt.Equal(clock.Now()) || !c.UpdatedAt.Equal(clock.Now())) {
					t.Errorf("zero times filled with %v, %v; want the clock's %v", c.CreatedAt, c.UpdatedAt, clock.Now())
				}
				view(t, s, func(tx bridge.Tx) error {
					byID, err := tx.Conversation(ctx, c.ID)
					if err != nil {
						return err
					}
					if !reflect.DeepEqual(*byID, c) {
						t.Errorf("Conversation =\n%+v\nwant\n%+v", *byID, c)
					}
					byAddr, err := tx.ConversationByAddress(ctx, c.Address)
					if err != nil {
						return err
					}
					if !reflect.DeepEqual(byAddr, byID) {
						t.Errorf("ConversationByAddress = %+v, want %+v", byAddr, byID)
					}
					return nil
				})

				// Update every mutable field, and clear the optional ones.
				h := &bridge.Handoff{ConversationID: c.ID, State: bridge.StateResolved}
				update(t, s, func(tx bridge.Tx) error { return tx.CreateHandoff(ctx, h) })
				c.User = bridge.User{ID: "u43", DisplayName: "Zoe"}
				c.Context = c.Context.Merge(bridge.UserContext{Country: "ES"})
				c.Misses++
				c.Offer = nil
				c.LastHandoff = h.ID
				c.UpdatedAt = time.Time{}
				clock.Advance(time.Second)
				update(t, s, func(tx bridge.Tx) error { return tx.UpdateConversation(ctx, &c) })
				if !c.UpdatedAt.Equal(clock.Now()) {
					t.Errorf("UpdatedAt = %v, want the clock's %v", c.UpdatedAt, clock.Now())
				}
				view(t, s, func(tx bridge.Tx) error {
					got, err := tx.Conversation(ctx, c.ID)
					if err != nil {
						return err
					}
					if !reflect.DeepEqual(*got, c) {
						t.Errorf("after update =\n%+v\nwant\n%+v", *got, c)
					}
					return nil
				})
			})
		}
	})
}

func TestConversationTimesKeepTheInstant(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, ":memory:", newClock())
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	at := time.Date(2031, 12, 31, 23, 59, 59, 999999999, zone)
	c := &bridge.Conversation{Address: bridge.ChatAddress{Channel: "web", ChatID: "tz"}, CreatedAt: at, UpdatedAt: at}
	update(t, s, func(tx bridge.Tx) error { return tx.CreateConversation(ctx, c) })
	view(t, s, func(tx bridge.Tx) error {
		got, err := tx.Conversation(ctx, c.ID)
		if err != nil {
			return err
		}
		if !got.CreatedAt.Equal(at) || !got.UpdatedAt.Equal(at) {
			t.Errorf("times = %v, %v; want the instant %v", got.CreatedAt, got.UpdatedAt, at)
		}
		return nil
	})
}

func TestConversationErrors(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		seedConversation(t, s, "taken")
		tests := []struct {
			name     string
			do       func(tx bridge.Tx) error
			notFound bool
		}{
			{"missing id", func(tx bridge.Tx) error { _, err := tx.Conversation(ctx, 999); return err }, true},
			{"missing address", func(tx bridge.Tx) error {
				_, err := tx.ConversationByAddress(ctx, bridge.ChatAddress{Channel: "web", ChatID: "nobody"})
				return err
			}, true},
			{"same address on another channel is another chat", func(tx bridge.Tx) error {
				_, err := tx.ConversationByAddress(ctx, bridge.ChatAddress{Channel: "telegram", ChatID: "taken"})
				return err
			}, true},
			{"update missing", func(tx bridge.Tx) error {
				return tx.UpdateConversation(ctx, &bridge.Conversation{ID: 999})
			}, true},
			{"duplicate address", func(tx bridge.Tx) error {
				return tx.CreateConversation(ctx, &bridge.Conversation{Address: bridge.ChatAddress{Channel: "web", ChatID: "taken"}})
			}, false},
		}
		for _, tt := range tests {
			err := s.Update(ctx, tt.do)
			if err == nil {
				t.Errorf("%s: no error", tt.name)
				continue
			}
			if errors.Is(err, bridge.ErrNotFound) != tt.notFound {
				t.Errorf("%s: %v, ErrNotFound = %v, want %v", tt.name, err, !tt.notFound, tt.notFound)
			}
		}
	})
}
