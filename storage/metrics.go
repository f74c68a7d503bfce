package storage

import (
	"context"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// MetricCounts is what the metrics scrape reads from the database, so that
// every instance reports the same totals and none of them resets on a
// restart.
type MetricCounts struct {
	// Events counts the appeal log's events of the kinds the scrape asked
	// for, by kind and the department that owned the appeal after each.
	Events []EventCount
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

// MetricCounts reads the counts the metrics scrape reports, as of now. The
// event count reads only the index on (kind, department_code); the open
// count reads only appeals that are not closed, and the outbox count only
// pending rows, through their partial indexes.
func (s *Store) MetricCounts(ctx context.Context, now time.Time, kinds []appeal.EventKind) (MetricCounts, error) {
	var out MetricCounts
	if len(kinds) > 0 {
		q := `SELECT kind, department_code, COUNT(*) FROM appeal_events WHERE kind IN (?` +
			repeatParams(len(kinds)-1) + `) GROUP BY kind, department_code ORDER BY kind, department_code`
		args := make([]any, len(kinds))
		for i, k := range kinds {
			args[i] = string(k)
		}
		rows, err := s.db.QueryContext(ctx, s.db.Rebind(q), args...)
		if err != nil {
			return out, fail("metric counts: events", err)
		}
		for rows.Next() {
			var c EventCount
			if err := rows.Scan(&c.Kind, &c.Department, &c.N); err != nil {
				rows.Close()
				return out, fail("metric counts: events", err)
			}
			out.Events = append(out.Events, c)
		}
		if err := rows.Close(); err != nil {
			return out, fail("metric counts: events", err)
		}
		if err := rows.Err(); err != nil {
			return out, fail("metric counts: events", err)
		}
	}

	open := []any{string(appeal.StatusUnassigned), string(appeal.StatusAssigned), string(appeal.StatusClaimed),
		string(appeal.StatusPendingApproval), string(appeal.StatusAnswered), string(appeal.StatusReturned)}
	t := tm(now)
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(`SELECT COALESCE(department_code, ''), status, COUNT(*),
		SUM(CASE WHEN (status = 'assigned' AND claim_by < ?)
			OR (status IN ('claimed', 'pending_approval') AND answer_by < ?)
			OR (status = 'answered' AND resolve_by < ?) THEN 1 ELSE 0 END)
		FROM appeals WHERE status IN (?, ?, ?, ?, ?, ?)
		GROUP BY COALESCE(department_code, ''), status ORDER BY 1, 2`), append([]any{t, t, t}, open...)...)
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
