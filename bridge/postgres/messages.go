package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

const messageCols = `id, conversation_id, handoff_id, role, author, agent_id, text, attachments,
	internal, source, platform_id, edited_at, deleted_at, created_at`

func scanMessage(r pgx.Row) (bridge.Message, error) {
	var (
		m               bridge.Message
		handoff         *int64
		attachments     []byte
		edited, deleted *int64
		created         int64
	)
	if err := r.Scan(&m.ID, &m.ConversationID, &handoff, &m.Role, &m.Author, &m.AgentID, &m.Text,
		&attachments, &m.Internal, &m.Source, &m.PlatformID, &edited, &deleted, &created); err != nil {
		return m, err
	}
	m.HandoffID = idOf[bridge.HandoffID](handoff)
	if err := fromJSON(attachments, &m.Attachments); err != nil {
		return m, fmt.Errorf("attachments: %w", err)
	}
	m.EditedAt, m.DeletedAt, m.CreatedAt = timeOf(edited), timeOf(deleted), unixTime(created)
	return m, nil
}

func attachmentsJSON(a []bridge.Attachment) (any, error) {
	v, err := toJSON(a, len(a) == 0)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	return v, nil
}

// AddMessage stores m, sets m.ID and fills a zero CreatedAt.
func (t *tx) AddMessage(ctx context.Context, m *bridge.Message) error {
	if err := t.writable("add message"); err != nil {
		return err
	}
	att, err := attachmentsJSON(m.Attachments)
	if err != nil {
		return fmt.Errorf("postgres: add message: %w", err)
	}
	created := fill(m.CreatedAt, t.now())
	var id int64
	err = t.queryRow(ctx,
		`INSERT INTO messages (conversation_id, handoff_id, role, author, agent_id, text, attachments,
			internal, source, platform_id, edited_at, deleted_at, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		int64(m.ConversationID), nullID(m.HandoffID), string(m.Role), m.Author, string(m.AgentID), m.Text, att,
		m.Internal, m.Source, m.PlatformID, nanos(m.EditedAt), nanos(m.DeletedAt), created.UnixNano()).Scan(&id)
	if err != nil {
		return fmt.Errorf("postgres: add message to conversation %s: %w", m.ConversationID, err)
	}
	m.ID, m.CreatedAt = bridge.MessageID(id), created
	return nil
}

// UpdateMessage rewrites m's text, attachments, edit and delete times; the
// rest of a message never changes.
func (t *tx) UpdateMessage(ctx context.Context, m *bridge.Message) error {
	if err := t.writable("update message"); err != nil {
		return err
	}
	att, err := attachmentsJSON(m.Attachments)
	if err != nil {
		return fmt.Errorf("postgres: update message %s: %w", m.ID, err)
	}
	return t.execOne(ctx, "update message "+m.ID.String(),
		`UPDATE messages SET text = $1, attachments = $2, edited_at = $3, deleted_at = $4 WHERE id = $5`,
		m.Text, att, nanos(m.EditedAt), nanos(m.DeletedAt), int64(m.ID))
}

// Message returns the message with id.
func (t *tx) Message(ctx context.Context, id bridge.MessageID) (*bridge.Message, error) {
	m, err := scanMessage(t.queryRow(ctx, `SELECT `+messageCols+` FROM messages WHERE id = $1`+t.lockRow(), int64(id)))
	if err != nil {
		return nil, notFound("message "+id.String(), err)
	}
	return &m, nil
}

// Messages lists c's messages with ids above after, oldest first, at most
// limit (0: all).
func (t *tx) Messages(ctx context.Context, c bridge.ConversationID, after bridge.MessageID, limit int) ([]bridge.Message, error) {
	rows, err := t.query(ctx,
		`SELECT `+messageCols+` FROM messages WHERE conversation_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		int64(c), int64(after), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: messages of conversation %s: %w", c, err)
	}
	ms, err := collect(t, rows, func(r pgx.Rows) (bridge.Message, error) { return scanMessage(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: messages of conversation %s: %w", c, err)
	}
	return ms, nil
}

// RecentMessages returns the conversation's last limit messages, oldest
// first: what the responder sees, without reading a long history whole.
func (t *tx) RecentMessages(ctx context.Context, c bridge.ConversationID, limit int) ([]bridge.Message, error) {
	rows, err := t.query(ctx,
		`SELECT `+messageCols+` FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT $2`,
		int64(c), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: recent messages of conversation %s: %w", c, err)
	}
	ms, err := collect(t, rows, func(r pgx.Rows) (bridge.Message, error) { return scanMessage(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: recent messages of conversation %s: %w", c, err)
	}
	slices.Reverse(ms)
	return ms, nil
}

// MessageByPlatformID finds the message made from a platform message. An
// empty platformID never matches: messages without one are not from a
// platform.
func (t *tx) MessageByPlatformID(ctx context.Context, source, platformID string) (*bridge.Message, error) {
	what := "message " + source + "/" + platformID
	if platformID == "" {
		return nil, fmt.Errorf("postgres: %s: %w", what, bridge.ErrNotFound)
	}
	// platform_id <> '' matches the partial index messages_platform.
	// Should a platform id have been stored twice, the first message is the
	// one it was made into.
	m, err := scanMessage(t.queryRow(ctx,
		`SELECT `+messageCols+` FROM messages
		 WHERE source = $1 AND platform_id = $2 AND platform_id <> '' ORDER BY id LIMIT 1`+t.lockRow(),
		source, platformID))
	if err != nil {
		return nil, notFound(what, err)
	}
	return &m, nil
}

// AddMessageCopy records the platform id m got at d. Recording it again
// replaces it: the latest delivery is the one later edits must reach.
func (t *tx) AddMessageCopy(ctx context.Context, m bridge.MessageID, d bridge.Destination, platformID string) error {
	if err := t.writable("add message copy"); err != nil {
		return err
	}
	_, err := t.exec(ctx,
		`INSERT INTO message_copies (message_id, destination, platform_id) VALUES ($1, $2, $3)
		 ON CONFLICT (message_id, destination) DO UPDATE SET platform_id = excluded.platform_id`,
		int64(m), d.String(), platformID)
	if err != nil {
		return fmt.Errorf("postgres: add copy of message %s at %s: %w", m, d, err)
	}
	return nil
}

// MessageCopy returns the platform id m got at d.
func (t *tx) MessageCopy(ctx context.Context, m bridge.MessageID, d bridge.Destination) (string, error) {
	var id string
	err := t.queryRow(ctx,
		`SELECT platform_id FROM message_copies WHERE message_id = $1 AND destination = $2`,
		int64(m), d.String()).Scan(&id)
	if err != nil {
		return "", notFound(fmt.Sprintf("copy of message %s at %s", m, d), err)
	}
	return id, nil
}
