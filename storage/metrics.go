package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// EventCounts counts the appeal log's events of the given kinds with
// after < id <= upTo (no upper bound when upTo <= 0), by kind and the
// department that owned the appeal after each. The log is append-only and
// ids grow, so counts over disjoint id ranges add up: a caller can count
// the whole log once and then only what is new.
func (s *Store) EventCounts(ctx context.Context, kinds []appeal.EventKind, after, upTo int64) ([]appeal.EventCount, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	q := `SELECT kind, department_code, COUNT(*) FROM appeal_events WHERE id > ?`
	args := []any{after}
	if upTo > 0 {
		q += ` AND id <= ?`
		args = append(args, upTo)
	}
	q += ` AND kind IN (?` + repeatParams(len(kinds)-1) + `) GROUP BY kind, department_code ORDER BY kind, department_code`
	for _, k := range kinds {
		args = append(args, string(k))
	}
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(q), args...)
	if err != nil {
		return nil, fail("event counts", err)
	}
	defer rows.Close()
	var out []appeal.EventCount
	for rows.Next() {
		var c appeal.EventCount
		if err := rows.Scan(&c.Kind, &c.Department, &c.N); err != nil {
			return nil, fail("event counts", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("event counts", err)
	}
	return out, nil
}

// SettledEventID is the largest event id above after of an event logged
// before before; after itself when there is none. Every transaction that
// writes events is short, so when before is minutes ago no event with a
// smaller id can still be uncommitted (on PostgreSQL ids are taken at
// insert, not at commit): counts up to this id are final.
func (s *Store) SettledEventID(ctx context.Context, after int64, before time.Time) (int64, error) {
	var id sql.NullInt64
	if err := s.db.GetContext(ctx, &id, s.db.Rebind(`SELECT MAX(id) FROM appeal_events WHERE id > ? AND at < ?`),
		after, tm(before)); err != nil {
		return 0, fail("settled event id", err)
	}
	if !id.Valid {
		return after, nil
	}
	return id.Int64, nil
}

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
