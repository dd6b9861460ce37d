package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var messageContracts = []contract{
	{"MessageRoundTrip", testMessageRoundTrip},
	{"MessagesPaging", testMessagesPaging},
	{"MessageByPlatformIDAndCopies", testMessageByPlatformIDAndCopies},
}

func testMessageRoundTrip(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	conv := seedConversation(t, s, "m")
	h := &bridge.Handoff{ConversationID: conv, State: bridge.StatePending}
	seedHandoff(t, s, h)
	tests := []struct {
		name string
		in   bridge.Message
	}{
		{"zero values", bridge.Message{ConversationID: conv}},
		{"every field set", bridge.Message{
			ConversationID: conv, HandoffID: h.ID, Role: bridge.RoleAgent, Author: "Ana", AgentID: "ana",
			Text: "**hello** 👋",
			Attachments: []bridge.Attachment{
				{Name: "a.png", ContentType: "image/png", Size: 1234, URL: "https://f.example/a.png"},
				{Name: "b.txt", URL: "https://f.example/b.txt"},
			},
			Internal: true, Source: "slack", PlatformID: "1712345678.000100",
			EditedAt: t0.Add(time.Second), DeletedAt: t0.Add(2 * time.Second), CreatedAt: t0.Add(-time.Minute),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.in
			update(t, s, func(tx bridge.Tx) error { return tx.AddMessage(ctx, &m) })
			if m.ID == 0 {
				t.Fatal("AddMessage did not set the id")
			}
			if tt.in.CreatedAt.IsZero() && !m.CreatedAt.Equal(clock.Now()) {
				t.Errorf("zero CreatedAt filled with %v, want the clock's", m.CreatedAt)
			}
			view(t, s, func(tx bridge.Tx) error {
				got, err := tx.Message(ctx, m.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(*got, m) {
					t.Errorf("Message =\n%+v\nwant\n%+v", *got, m)
				}
				return nil
			})

			// UpdateMessage rewrites text, attachments, edit and delete
			// times, and nothing else.
			edited := m
			edited.Text, edited.Attachments = "edited", nil
			edited.EditedAt, edited.DeletedAt = t0.Add(time.Hour), time.Time{}
			if tt.in.Attachments == nil {
				edited.Attachments = []bridge.Attachment{{Name: "n", URL: "u"}}
			}
			sneaky := edited
			sneaky.Author, sneaky.Role, sneaky.Source, sneaky.CreatedAt = "mallory", bridge.RoleSystem, "x", t0
			update(t, s, func(tx bridge.Tx) error { return tx.UpdateMessage(ctx, &sneaky) })
			view(t, s, func(tx bridge.Tx) error {
				got, err := tx.Message(ctx, m.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(*got, edited) {
					t.Errorf("after UpdateMessage =\n%+v\nwant\n%+v", *got, edited)
				}
				return nil
			})
		})
	}
	view(t, s, func(tx bridge.Tx) error {
		if _, err := tx.Message(ctx, 9999); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("Message(missing) = %v, want ErrNotFound", err)
		}
		return nil
	})
	err := s.Update(ctx, func(tx bridge.Tx) error { return tx.UpdateMessage(ctx, &bridge.Message{ID: 9999}) })
	if !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("UpdateMessage(missing) = %v, want ErrNotFound", err)
	}
}

func testMessagesPaging(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	a, b := seedConversation(t, s, "a"), seedConversation(t, s, "b")
	var mine []bridge.MessageID
	update(t, s, func(tx bridge.Tx) error {
		for i := range 5 {
			for _, c := range []bridge.ConversationID{a, b} {
				m := &bridge.Message{ConversationID: c, Role: bridge.RoleUser, Text: string(rune('a' + i))}
				if err := tx.AddMessage(ctx, m); err != nil {
					return err
				}
				if c == a {
					mine = append(mine, m.ID)
				}
			}
		}
		return nil
	})
	view(t, s, func(tx bridge.Tx) error {
		for _, tt := range []struct {
			after bridge.MessageID
			limit int
			want  []bridge.MessageID
		}{
			{0, 0, mine},
			{0, 2, mine[:2]},
			{mine[1], 0, mine[2:]},
			{mine[1], 2, mine[2:4]},
			{mine[4], 0, nil},
		} {
			ms, err := tx.Messages(ctx, a, tt.after, tt.limit)
			if err != nil {
				return err
			}
			if got := ids(ms, messageID); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Messages(after %d, limit %d) = %v, want %v", tt.after, tt.limit, got, tt.want)
			}
		}
		// The last n of this conversation only, oldest first.
		for _, tt := range []struct {
			limit int
			want  []bridge.MessageID
		}{{2, mine[3:]}, {5, mine}, {9, mine}, {0, mine}} {
			ms, err := tx.RecentMessages(ctx, a, tt.limit)
			if err != nil {
				return err
			}
			if got := ids(ms, messageID); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("RecentMessages(limit %d) = %v, want %v", tt.limit, got, tt.want)
			}
		}
		return nil
	})
}

func testMessageByPlatformIDAndCopies(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	conv := seedConversation(t, s, "p")
	fromSlack := &bridge.Message{ConversationID: conv, Role: bridge.RoleAgent, Source: "slack", PlatformID: "171.01"}
	fromTG := &bridge.Message{ConversationID: conv, Role: bridge.RoleUser, Source: "telegram", PlatformID: "171.01"}
	ai := &bridge.Message{ConversationID: conv, Role: bridge.RoleAI}
	web, slack := bridge.UserDestination(bridge.ChannelWeb), bridge.WorkspaceDestination(bridge.WorkspaceSlack)
	update(t, s, func(tx bridge.Tx) error {
		for _, m := range []*bridge.Message{fromSlack, fromTG, ai} {
			if err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
		}
		if err := tx.AddMessageCopy(ctx, ai.ID, web, "w-1"); err != nil {
			return err
		}
		if err := tx.AddMessageCopy(ctx, ai.ID, slack, "s-1"); err != nil {
			return err
		}
		// A redelivery records the newer platform id.
		return tx.AddMessageCopy(ctx, ai.ID, web, "w-2")
	})
	view(t, s, func(tx bridge.Tx) error {
		for _, tt := range []struct {
			source, id string
			want       bridge.MessageID
		}{
			{"slack", "171.01", fromSlack.ID},
			{"telegram", "171.01", fromTG.ID},
			{"discord", "171.01", 0},
			{"slack", "nope", 0},
			{"", "", 0}, // the AI message has no platform id and is not found by one
		} {
			m, err := tx.MessageByPlatformID(ctx, tt.source, tt.id)
			switch {
			case tt.want == 0 && !errors.Is(err, bridge.ErrNotFound):
				t.Errorf("MessageByPlatformID(%q, %q) = %v, %v; want ErrNotFound", tt.source, tt.id, m, err)
			case tt.want != 0 && (err != nil || m.ID != tt.want):
				t.Errorf("MessageByPlatformID(%q, %q) = %v, %v; want message %d", tt.source, tt.id, m, err, tt.want)
			}
		}
		for _, tt := range []struct {
			m    bridge.MessageID
			d    bridge.Destination
			want string
		}{
			{ai.ID, web, "w-2"},
			{ai.ID, slack, "s-1"},
			{ai.ID, bridge.WorkspaceDestination(bridge.WorkspaceDiscord), ""},
			{fromSlack.ID, web, ""},
		} {
			got, err := tx.MessageCopy(ctx, tt.m, tt.d)
			if tt.want == "" {
				if !errors.Is(err, bridge.ErrNotFound) {
					t.Errorf("MessageCopy(%d, %s) = %q, %v; want ErrNotFound", tt.m, tt.d, got, err)
				}
			} else if err != nil || got != tt.want {
				t.Errorf("MessageCopy(%d, %s) = %q, %v; want %q", tt.m, tt.d, got, err, tt.want)
			}
		}
		return nil
	})
}
