package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var conversationContracts = []contract{
	{"ConversationRoundTrip", testConversationRoundTrip},
	{"ConversationErrors", testConversationErrors},
	{"ConversationsAwaiting", testConversationsAwaiting},
}

func testConversationRoundTrip(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
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
		{"times in another zone", bridge.Conversation{
			Address:   bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "tz"},
			CreatedAt: time.Date(2031, 12, 31, 23, 59, 59, 999999999, time.FixedZone("UTC+5:30", 5*3600+1800)),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.in
			update(t, s, func(tx bridge.Tx) error { return tx.CreateConversation(ctx, &c) })
			if c.ID == 0 {
				t.Fatal("CreateConversation did not set the id")
			}
			switch {
			case tt.in.CreatedAt.IsZero() && (!c.CreatedAt.Equal(clock.Now()) || !c.UpdatedAt.Equal(clock.Now())):
				t.Errorf("zero times filled with %v, %v; want the clock's %v", c.CreatedAt, c.UpdatedAt, clock.Now())
			case tt.in.UpdatedAt.IsZero() && !c.UpdatedAt.Equal(c.CreatedAt):
				t.Errorf("zero UpdatedAt filled with %v, want CreatedAt %v", c.UpdatedAt, c.CreatedAt)
			}
			// Times come back in UTC: compare with the caller's copy so.
			want := c
			want.CreatedAt, want.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
			view(t, s, func(tx bridge.Tx) error {
				byID, err := tx.Conversation(ctx, c.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(*byID, want) {
					t.Errorf("Conversation =\n%+v\nwant\n%+v", *byID, want)
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

			// Update every mutable field and clear the optional ones; the
			// address and the creation time never change.
			h := &bridge.Handoff{ConversationID: c.ID, State: bridge.StateResolved}
			update(t, s, func(tx bridge.Tx) error { return tx.CreateHandoff(ctx, h) })
			var m bridge.Message
			update(t, s, func(tx bridge.Tx) error {
				m = bridge.Message{ConversationID: c.ID, Role: bridge.RoleUser}
				return tx.AddMessage(ctx, &m)
			})
			want.User = bridge.User{ID: "u43", DisplayName: "Zoe"}
			want.Context = want.Context.Merge(bridge.UserContext{Country: "ES"})
			want.Misses++
			want.Offer = nil
			want.LastHandoff = h.ID
			want.Awaiting = m.ID
			clock.Advance(time.Second)
			want.UpdatedAt = clock.Now()
			sneaky := want
			sneaky.UpdatedAt = time.Time{}
			sneaky.Address.ChatID, sneaky.CreatedAt = "moved", t0.Add(time.Hour)
			update(t, s, func(tx bridge.Tx) error { return tx.UpdateConversation(ctx, &sneaky) })
			if !sneaky.UpdatedAt.Equal(clock.Now()) {
				t.Errorf("zero UpdatedAt filled with %v, want the clock's %v", sneaky.UpdatedAt, clock.Now())
			}
			view(t, s, func(tx bridge.Tx) error {
				got, err := tx.Conversation(ctx, c.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(*got, want) {
					t.Errorf("after UpdateConversation =\n%+v\nwant\n%+v", *got, want)
				}
				return nil
			})
		})
	}
}

func testConversationErrors(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
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
		{"same chat id on another channel is another chat", func(tx bridge.Tx) error {
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
			t.Errorf("%s: %v; wraps ErrNotFound %v, want %v", tt.name, err, !tt.notFound, tt.notFound)
		}
	}
}

// testConversationsAwaiting: a conversation is listed while it has a
// message the AI has yet to answer, least recently updated first.
func testConversationsAwaiting(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	a, b, idle := seedConversation(t, s, "a"), seedConversation(t, s, "b"), seedConversation(t, s, "idle")
	await := func(conv bridge.ConversationID, answered bool) bridge.MessageID {
		var msg bridge.MessageID
		clock.Advance(time.Second)
		update(t, s, func(tx bridge.Tx) error {
			c, err := tx.Conversation(ctx, conv)
			if err != nil {
				return err
			}
			c.Awaiting, c.UpdatedAt = 0, time.Time{}
			if !answered {
				m := &bridge.Message{ConversationID: conv, Role: bridge.RoleUser, Text: "hi"}
				if err := tx.AddMessage(ctx, m); err != nil {
					return err
				}
				c.Awaiting, msg = m.ID, m.ID
			}
			return tx.UpdateConversation(ctx, c)
		})
		return msg
	}
	check := func(step string, want ...bridge.ConversationID) {
		t.Helper()
		view(t, s, func(tx bridge.Tx) error {
			got, err := tx.ConversationsAwaiting(ctx, 0)
			if err != nil {
				return err
			}
			if ids := ids(got, conversationID); !reflect.DeepEqual(ids, want) {
				t.Errorf("%s: ConversationsAwaiting = %v, want %v (not %d)", step, ids, want, idle)
			}
			return nil
		})
	}
	check("none yet")
	msgB := await(b, false)
	await(a, false)
	check("both, b first", b, a)
	view(t, s, func(tx bridge.Tx) error {
		got, err := tx.ConversationsAwaiting(ctx, 1)
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].ID != b || got[0].Awaiting != msgB {
			t.Errorf("ConversationsAwaiting(1) = %+v, want conversation %d awaiting %d", got, b, msgB)
		}
		return nil
	})
	await(b, true)
	check("b answered", a)
}
