package sqlite

import (
	"context"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

func TestConversationsAwaiting(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		a, b := seedConversation(t, s, "a"), seedConversation(t, s, "b")
		var msg bridge.MessageID
		update(t, s, func(tx bridge.Tx) error {
			m := &bridge.Message{ConversationID: b, Role: bridge.RoleUser, Text: "hi"}
			if err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
			msg = m.ID
			c, err := tx.Conversation(ctx, b)
			if err != nil {
				return err
			}
			c.Awaiting = m.ID
			return tx.UpdateConversation(ctx, c)
		})
		view(t, s, func(tx bridge.Tx) error {
			got, err := tx.ConversationsAwaiting(ctx, 0)
			if err != nil {
				return err
			}
			if len(got) != 1 || got[0].ID != b || got[0].Awaiting != msg {
				t.Errorf("awaiting = %+v, want conversation %d awaiting %d (not %d)", got, b, msg, a)
			}
			return nil
		})
		update(t, s, func(tx bridge.Tx) error {
			c, err := tx.Conversation(ctx, b)
			if err != nil {
				return err
			}
			c.Awaiting = 0
			return tx.UpdateConversation(ctx, c)
		})
		view(t, s, func(tx bridge.Tx) error {
			got, err := tx.ConversationsAwaiting(ctx, 0)
			if err == nil && len(got) != 0 {
				t.Errorf("still awaiting after the answer: %+v", got)
			}
			return err
		})
	})
}
