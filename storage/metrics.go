package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// MetricCounts is what the metrics scrape reads of appeals and the outbox
// as they are now, so that every instance reports the same values.
type MetricCounts struct {
	// Open counts the appeals not closed, by department ("" while waiting
	// for dispatch) and status, with how many of them are past the
	// deadline they must meet next (claim, answer or resolve).
	Open []OpenCount
	// Outbox counts the messages waiting for delivery, by recipient kind.
	Outbox []OutboxCount
}

// EventCount is the number of events of one kind for one department.
type EventCount struct {
	Kind       appeal.EventKind
	Department string
	N          int64
}

// OpenCount is the number of open appeals of one department in one status.
type OpenCount struct {
	Department string
	Status     appeal.Status
	N          int64
	Overdue    int64
}

// OutboxCount is the backlog of one recipient kind.
type OutboxCount struct {
	Recipient appeal.RecipientKind
	Pending   int64
	// Oldest is when the oldest pending message was queued.
	Oldest time.Time
}

// EventCounts counts the appeal log's events of the given kinds with
// after < id <= upTo (no upper bound when upTo <= 0), by kind and the
// department that owned the appeal after each. The log is append-only and
// ids grow, so counts over disjoint id ranges add up: a caller can count
// the whole log once and then only what is new.
func (s *Store) EventCounts(ctx context.Context, kinds []appeal.EventKind, after, upTo int64) ([]EventCount, error) {
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
	var out []EventCount
	for rows.Next() {
		var c EventCount
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

// MetricCounts reads the open appeals and the outbox backlog as of now.
// It reads only appeals that are not closed and pending outbox rows,
// through their partial indexes.
func (s *Store) MetricCounts(ctx context.Context, now time.Time) (MetricCounts, error) {
	var out MetricCounts
	t := tm(now)
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(`SELECT COALESCE(department_code, ''), status, COUNT(*),
		SUM(CASE WHEN (status = 'assigned' AND claim_by < ?)
			OR (status IN ('claimed', 'pending_approval') AND answer_by < ?)
			OR (status = 'answered' AND resolve_by < ?) THEN 1 ELSE 0 END)
		FROM appeals WHERE status <> 'closed'
		GROUP BY COALESCE(department_code, ''), status ORDER BY 1, 2`), t, t, t)
	if err != nil {
		return out, fail("metric counts: open", err)
	}
	for rows.Next() {
		var c OpenCount
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
		out.Outbox = append(out.Outbox, OutboxCount{Recipient: appeal.RecipientKind(r.Recipient), Pending: r.Pending, Oldest: r.Oldest.Time})
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
