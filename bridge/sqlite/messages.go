package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/handoffbridge/handoff/bridge"
)

const messageCols = `id, conversation_id, handoff_id, role, author, agent_id, text, attachments,
	internal, source, platform_id, edited_at, deleted_at, created_at`

func scanMessage(r scanner, m *bridge.Message) error {
	var (
		handoff                  sql.NullInt64
		attachments              sql.NullString
		edited, deleted, created sql.NullInt64
	)
	if err := r.Scan(&m.ID, &m.ConversationID, &handoff, &m.Role, &m.Author, &m.AgentID, &m.Text,
		&attachments, &m.Internal, &m.Source, &m.PlatformID, &edited, &deleted, &created); err != nil {
		return err
	}
	m.HandoffID = bridge.HandoffID(handoff.Int64)
	if err := fromJSON(attachments, &m.Attachments); err != nil {
		return fmt.Errorf("attachments: %w", err)
	}
	m.EditedAt, m.DeletedAt, m.CreatedAt = timeOf(edited), timeOf(deleted), timeOf(created)
	return nil
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
		return fmt.Errorf("sqlite: add message: %w", err)
	}
	created := fill(m.CreatedAt, t.now())
	var id int64
	err = t.queryRow(ctx,
		`INSERT INTO messages (conversation_id, handoff_id, role, author, agent_id, text, attachments,
			internal, source, platform_id, edited_at, deleted_at, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		int64(m.ConversationID), nullID(m.HandoffID), string(m.Role), m.Author, string(m.AgentID), m.Text, att,
		m.Internal, m.Source, m.PlatformID, nanos(m.EditedAt), nanos(m.DeletedAt), created.UnixNano()).Scan(&id)
	if err != nil {
		return fmt.Errorf("sqlite: add message to conversation %s: %w", m.ConversationID, err)
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
		return fmt.Errorf("sqlite: update message %s: %w", m.ID, err)
	}
	return t.execOne(ctx, "update message "+m.ID.String(),
		`UPDATE messages SET text = ?, attachments = ?, edited_at = ?, deleted_at = ? WHERE id = ?`,
		m.Text, att, nanos(m.EditedAt), nanos(m.DeletedAt), int64(m.ID))
}

// Message returns the message with id.
func (t *tx) Message(ctx context.Context, id bridge.MessageID) (*bridge.Message, error) {
	var m bridge.Message
	err := scanMessage(t.queryRow(ctx, `SELECT `+messageCols+` FROM messages WHERE id = ?`, int64(id)), &m)
	if err != nil {
		return nil, notFound("message "+id.String(), err)
	}
	return &m, nil
}

// Messages lists c's messages with ids above after, oldest first, at most
// limit (0: all).
func (t *tx) Messages(ctx context.Context, c bridge.ConversationID, after bridge.MessageID, limit int) ([]bridge.Message, error) {
	rows, err := t.query(ctx,
		`SELECT `+messageCols+` FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id LIMIT ?`,
		int64(c), int64(after), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: messages of conversation %s: %w", c, err)
	}
	defer rows.Close()
	var ms []bridge.Message
	for rows.Next() {
		var m bridge.Message
		if err := scanMessage(rows, &m); err != nil {
			return nil, fmt.Errorf("sqlite: messages of conversation %s: %w", c, err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: messages of conversation %s: %w", c, err)
	}
	return ms, nil
}

// RecentMessages returns the conversation's last limit messages, oldest
// first: what the responder sees, without reading a long history whole.
func (t *tx) RecentMessages(ctx context.Context, c bridge.ConversationID, limit int) ([]bridge.Message, error) {
	rows, err := t.query(ctx,
		`SELECT `+messageCols+` FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?`,
		int64(c), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: recent messages of conversation %s: %w", c, err)
	}
	defer rows.Close()
	var ms []bridge.Message
	for rows.Next() {
		var m bridge.Message
		if err := scanMessage(rows, &m); err != nil {
			return nil, fmt.Errorf("sqlite: recent messages of conversation %s: %w", c, err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: recent messages of conversation %s: %w", c, err)
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
		return nil, fmt.Errorf("sqlite: %s: %w", what, bridge.ErrNotFound)
	}
	var m bridge.Message
	// platform_id <> '' lets SQLite use the partial index messages_platform.
	// Should a platform id have been stored twice, the first message is the
	// one it was made into.
	err := scanMessage(t.queryRow(ctx,
		`SELECT `+messageCols+` FROM messages
		 WHERE source = ? AND platform_id = ? AND platform_id <> '' ORDER BY id LIMIT 1`,
		source, platformID), &m)
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
		`INSERT INTO message_copies (message_id, destination, platform_id) VALUES (?, ?, ?)
		 ON CONFLICT (message_id, destination) DO UPDATE SET platform_id = excluded.platform_id`,
		int64(m), d.String(), platformID)
	if err != nil {
		return fmt.Errorf("sqlite: add copy of message %s at %s: %w", m, d, err)
	}
	return nil
}

// MessageCopy returns the platform id m got at d.
func (t *tx) MessageCopy(ctx context.Context, m bridge.MessageID, d bridge.Destination) (string, error) {
	var id string
	err := t.queryRow(ctx,
		`SELECT platform_id FROM message_copies WHERE message_id = ? AND destination = ?`,
		int64(m), d.String()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || err != nil {
		return "", notFound(fmt.Sprintf("copy of message %s at %s", m, d), err)
	}
	return id, nil
}
