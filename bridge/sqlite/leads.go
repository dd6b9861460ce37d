package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/handoffbridge/handoff/bridge"
)

// AddLead stores l, sets l.ID and fills a zero CreatedAt.
func (t *tx) AddLead(ctx context.Context, l *bridge.Lead) error {
	if err := t.writable("add lead"); err != nil {
		return err
	}
	created := fill(l.CreatedAt, t.now())
	var id int64
	err := t.queryRow(ctx,
		`INSERT INTO leads (handoff_id, conversation_id, team, name, email, phone, message, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(l.HandoffID), nullID(l.ConversationID), string(l.Team), l.Name, l.Email, l.Phone, l.Message,
		created.UnixNano()).Scan(&id)
	if err != nil {
		return fmt.Errorf("sqlite: add lead: %w", err)
	}
	l.ID, l.CreatedAt = bridge.LeadID(id), created
	return nil
}

// Leads lists the newest leads first, at most limit (0: all): whoever
// reads them wants the latest.
func (t *tx) Leads(ctx context.Context, limit int) ([]bridge.Lead, error) {
	rows, err := t.query(ctx,
		`SELECT id, handoff_id, conversation_id, team, name, email, phone, message, created_at
		 FROM leads ORDER BY id DESC LIMIT ?`, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: leads: %w", err)
	}
	defer rows.Close()
	var ls []bridge.Lead
	for rows.Next() {
		var (
			l             bridge.Lead
			handoff, conv sql.NullInt64
			created       int64
		)
		if err := rows.Scan(&l.ID, &handoff, &conv, &l.Team, &l.Name, &l.Email, &l.Phone, &l.Message, &created); err != nil {
			return nil, fmt.Errorf("sqlite: leads: %w", err)
		}
		l.HandoffID, l.ConversationID = bridge.HandoffID(handoff.Int64), bridge.ConversationID(conv.Int64)
		l.CreatedAt = unixTime(created)
		ls = append(ls, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: leads: %w", err)
	}
	return ls, nil
}
