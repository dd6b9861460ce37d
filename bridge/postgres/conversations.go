package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

const conversationCols = `id, channel, chat_id, user_id, user_name, context, misses, offer,
	last_handoff, created_at, updated_at, awaiting`

func scanConversation(r pgx.Row) (*bridge.Conversation, error) {
	var (
		c                bridge.Conversation
		userCtx, offer   []byte
		last, awaiting   *int64
		created, updated int64
	)
	if err := r.Scan(&c.ID, &c.Address.Channel, &c.Address.ChatID, &c.User.ID, &c.User.DisplayName,
		&userCtx, &c.Misses, &offer, &last, &created, &updated, &awaiting); err != nil {
		return nil, err
	}
	if err := fromJSON(userCtx, &c.Context); err != nil {
		return nil, fmt.Errorf("context: %w", err)
	}
	if offer != nil {
		c.Offer = new(bridge.Offer)
		if err := fromJSON(offer, c.Offer); err != nil {
			return nil, fmt.Errorf("offer: %w", err)
		}
	}
	c.LastHandoff = idOf[bridge.HandoffID](last)
	c.Awaiting = idOf[bridge.MessageID](awaiting)
	c.CreatedAt, c.UpdatedAt = unixTime(created), unixTime(updated)
	return &c, nil
}

// Conversation returns the conversation with id.
func (t *tx) Conversation(ctx context.Context, id bridge.ConversationID) (*bridge.Conversation, error) {
	c, err := scanConversation(t.queryRow(ctx,
		`SELECT `+conversationCols+` FROM conversations WHERE id = $1`+t.lockRow(), int64(id)))
	if err != nil {
		return nil, notFound("conversation "+id.String(), err)
	}
	return c, nil
}

// ConversationByAddress returns the conversation at a, its natural key.
func (t *tx) ConversationByAddress(ctx context.Context, a bridge.ChatAddress) (*bridge.Conversation, error) {
	c, err := scanConversation(t.queryRow(ctx,
		`SELECT `+conversationCols+` FROM conversations WHERE channel = $1 AND chat_id = $2`+t.lockRow(),
		string(a.Channel), a.ChatID))
	if err != nil {
		return nil, notFound("conversation at "+a.String(), err)
	}
	return c, nil
}

// conversationJSON encodes the JSON columns of c.
func conversationJSON(c *bridge.Conversation) (userCtx, offer any, err error) {
	if userCtx, err = toJSON(c.Context, c.Context == bridge.UserContext{}); err != nil {
		return nil, nil, fmt.Errorf("context: %w", err)
	}
	if offer, err = toJSON(c.Offer, c.Offer == nil); err != nil {
		return nil, nil, fmt.Errorf("offer: %w", err)
	}
	return userCtx, offer, nil
}

// CreateConversation stores c, sets c.ID and fills its zero times. The
// address is unique: when it has a conversation already, even one another
// transaction created a moment ago, the insert does nothing (waiting for
// that transaction to end) and the error wraps errTaken, which makes
// Update try once more (see errTaken).
func (t *tx) CreateConversation(ctx context.Context, c *bridge.Conversation) error {
	if err := t.writable("create conversation"); err != nil {
		return err
	}
	userCtx, offer, err := conversationJSON(c)
	if err != nil {
		return fmt.Errorf("postgres: create conversation: %w", err)
	}
	now := t.now()
	created := fill(c.CreatedAt, now)
	updated := fill(c.UpdatedAt, created)
	var id int64
	err = t.queryRow(ctx,
		`INSERT INTO conversations (channel, chat_id, user_id, user_name, context, misses, offer,
			last_handoff, created_at, updated_at, awaiting)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		 ON CONFLICT ON CONSTRAINT conversations_address DO NOTHING
		 RETURNING id`,
		string(c.Address.Channel), c.Address.ChatID, c.User.ID, c.User.DisplayName, userCtx, c.Misses, offer,
		nullID(c.LastHandoff), created.UnixNano(), updated.UnixNano(), nullID(c.Awaiting)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("address %w", t.note(errTaken))
	}
	if err != nil {
		return fmt.Errorf("postgres: create conversation at %s: %w", c.Address, err)
	}
	c.ID, c.CreatedAt, c.UpdatedAt = bridge.ConversationID(id), created, updated
	return nil
}

// UpdateConversation rewrites everything of c but its id, address and
// creation time, which never change.
func (t *tx) UpdateConversation(ctx context.Context, c *bridge.Conversation) error {
	if err := t.writable("update conversation"); err != nil {
		return err
	}
	userCtx, offer, err := conversationJSON(c)
	if err != nil {
		return fmt.Errorf("postgres: update conversation %s: %w", c.ID, err)
	}
	updated := fill(c.UpdatedAt, t.now())
	err = t.execOne(ctx, "update conversation "+c.ID.String(),
		`UPDATE conversations SET user_id = $1, user_name = $2, context = $3, misses = $4, offer = $5,
			last_handoff = $6, updated_at = $7, awaiting = $8
		 WHERE id = $9`,
		c.User.ID, c.User.DisplayName, userCtx, c.Misses, offer,
		nullID(c.LastHandoff), updated.UnixNano(), nullID(c.Awaiting), int64(c.ID))
	if err != nil {
		return err
	}
	c.UpdatedAt = updated
	return nil
}

// ConversationsAwaiting lists conversations whose last user message has no
// AI answer yet, oldest first.
func (t *tx) ConversationsAwaiting(ctx context.Context, limit int) ([]bridge.Conversation, error) {
	rows, err := t.query(ctx,
		`SELECT `+conversationCols+` FROM conversations WHERE awaiting IS NOT NULL ORDER BY updated_at, id LIMIT $1`,
		limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: conversations awaiting an answer: %w", err)
	}
	out, err := collect(t, rows, func(r pgx.Rows) (bridge.Conversation, error) {
		c, err := scanConversation(r)
		if err != nil {
			return bridge.Conversation{}, err
		}
		return *c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: conversations awaiting an answer: %w", err)
	}
	return out, nil
}
