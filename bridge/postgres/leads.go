package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

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
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		nullID(l.HandoffID), nullID(l.ConversationID), string(l.Team), l.Name, l.Email, l.Phone, l.Message,
		created.UnixNano()).Scan(&id)
	if err != nil {
		return fmt.Errorf("postgres: add lead: %w", err)
	}
	l.ID, l.CreatedAt = bridge.LeadID(id), created
	return nil
}

// Leads lists the newest leads first, at most limit (0: all): whoever
// reads them wants the latest.
func (t *tx) Leads(ctx context.Context, limit int) ([]bridge.Lead, error) {
	rows, err := t.query(ctx,
		`SELECT id, handoff_id, conversation_id, team, name, email, phone, message, created_at
		 FROM leads ORDER BY id DESC LIMIT $1`, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: leads: %w", err)
	}
	ls, err := collect(t, rows, func(r pgx.Rows) (bridge.Lead, error) {
		var (
			l             bridge.Lead
			handoff, conv *int64
			created       int64
		)
		err := r.Scan(&l.ID, &handoff, &conv, &l.Team, &l.Name, &l.Email, &l.Phone, &l.Message, &created)
		l.HandoffID, l.ConversationID = idOf[bridge.HandoffID](handoff), idOf[bridge.ConversationID](conv)
		l.CreatedAt = unixTime(created)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: leads: %w", err)
	}
	return ls, nil
}
