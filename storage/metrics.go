package storage

import (
	"context"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// MetricCounts reads the open appeals and the outbox backlog as of now,
// with the messages no one could receive. It reads only appeals that are
// not closed and pending outbox rows, through their partial indexes.
func (s *Store) MetricCounts(ctx context.Context, now time.Time) (appeal.MetricCounts, error) {
	var out appeal.MetricCounts
	t := tm(now)
	// A returned appeal keeps the code of the department that sent it
	// back, but it waits for dispatch: it counts for no department.
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(`SELECT
		CASE WHEN status = 'returned' THEN '' ELSE COALESCE(department_code, '') END, status, COUNT(*),
		SUM(CASE WHEN (status = 'assigned' AND claim_by < ?)
			OR (status IN ('claimed', 'pending_approval') AND answer_by < ?)
			OR (status = 'answered' AND resolve_by < ?) THEN 1 ELSE 0 END)
		FROM appeals WHERE status <> 'closed'
		GROUP BY 1, status ORDER BY 1, 2`), t, t, t)
	if err != nil {
		return out, fail("metric counts: open", err)
	}
	for rows.Next() {
		var c appeal.OpenCount
		if err := rows.Scan(&c.Department, &c.Status, &c.N, &c.Overdue); err != nil {
			rows.Close()
			return out, fail("metric counts: open", err)
		}
		out.Open = append(out.Open, c)
	}
	if err := rows.Close(); err != nil {
		return out, fail("metric counts: open", err)
	}
	if err := rows.Err(); err != nil {
		return out, fail("metric counts: open", err)
	}

	var ob []struct {
		Recipient string `db:"recipient_kind"`
		Pending   int64  `db:"pending"`
		Oldest    dbTime `db:"oldest"`
	}
	if err := s.db.SelectContext(ctx, &ob, `SELECT recipient_kind, COUNT(*) AS pending, MIN(created_at) AS oldest
		FROM outbox WHERE state = 'pending' GROUP BY recipient_kind ORDER BY recipient_kind`); err != nil {
		return out, fail("metric counts: outbox", err)
	}
	for _, r := range ob {
		out.Outbox = append(out.Outbox, appeal.OutboxCount{Recipient: appeal.RecipientKind(r.Recipient), Pending: r.Pending, Oldest: r.Oldest.Time})
	}
	if out.Undeliverable, err = s.UndeliverableCount(ctx); err != nil {
		return out, fail("metric counts", err)
	}
	return out, nil
}

// repeatParams is n more ", ?" placeholders.
func repeatParams(n int) string {
	b := make([]byte, 0, 3*n)
	for range n {
		b = append(b, ", ?"...)
	}
	return string(b)
}
