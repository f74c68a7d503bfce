package storage

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/appealbot/appealbot/appeal"
)

// exportColumns are what the export reads of an appeal: everything but the
// body, the citizen's contact details, the callback URL and the pending
// extension, which a spreadsheet of response times does not need.
const exportColumns = `id, source, external_id, title, category, priority, location,
	received_at, department_code, status, assignee_id, claim_by, answer_by, resolve_by,
	assigned_at, claimed_at, answered_at, closed_at, created_at, updated_at`

type exportRow struct {
	ID         int64   `db:"id"`
	Source     string  `db:"source"`
	ExternalID string  `db:"external_id"`
	Title      string  `db:"title"`
	Category   string  `db:"category"`
	Priority   string  `db:"priority"`
	Location   string  `db:"location"`
	ReceivedAt dbTime  `db:"received_at"`
	Department *string `db:"department_code"`
	Status     string  `db:"status"`
	Assignee   *int64  `db:"assignee_id"`
	ClaimBy    dbTime  `db:"claim_by"`
	AnswerBy   dbTime  `db:"answer_by"`
	ResolveBy  dbTime  `db:"resolve_by"`
	AssignedAt dbTime  `db:"assigned_at"`
	ClaimedAt  dbTime  `db:"claimed_at"`
	AnsweredAt dbTime  `db:"answered_at"`
	ClosedAt   dbTime  `db:"closed_at"`
	CreatedAt  dbTime  `db:"created_at"`
	UpdatedAt  dbTime  `db:"updated_at"`
}

// ExportAppeals calls fn with every appeal received in [from, to), oldest
// first (by received time, then id), without its body, citizen, callback URL,
// extension or answers. Rows are read one at a time from a single query, so
// memory does not grow with the range. An error from fn, or the end of ctx,
// stops the query and is returned. fn must not use the store: on SQLite the
// query holds a connection (not the write lock) until it ends.
func (s *Store) ExportAppeals(ctx context.Context, from, to time.Time, fn func(appeal.Appeal) error) error {
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(`SELECT `+exportColumns+` FROM appeals
		WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id`), tm(from), tm(to))
	if err != nil {
		return fail("export appeals", err)
	}
	defer rows.Close()
	var r exportRow
	for rows.Next() {
		r = exportRow{}
		if err := rows.Scan(&r.ID, &r.Source, &r.ExternalID, &r.Title, &r.Category, &r.Priority, &r.Location,
			&r.ReceivedAt, &r.Department, &r.Status, &r.Assignee, &r.ClaimBy, &r.AnswerBy, &r.ResolveBy,
			&r.AssignedAt, &r.ClaimedAt, &r.AnsweredAt, &r.ClosedAt, &r.CreatedAt, &r.UpdatedAt); err != nil {
			return fail("export appeals", err)
		}
		a := appeal.Appeal{
			ID: appeal.ID(r.ID), Source: r.Source, ExternalID: r.ExternalID, Title: r.Title,
			Category: r.Category, Priority: appeal.Priority(r.Priority), Location: r.Location,
			ReceivedAt: r.ReceivedAt.Time, Status: appeal.Status(r.Status),
			Deadlines:  appeal.Deadlines{ClaimBy: r.ClaimBy.Time, AnswerBy: r.AnswerBy.Time, ResolveBy: r.ResolveBy.Time},
			AssignedAt: r.AssignedAt.Time, ClaimedAt: r.ClaimedAt.Time, AnsweredAt: r.AnsweredAt.Time,
			ClosedAt: r.ClosedAt.Time, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
		}
		if r.Department != nil {
			a.Department = *r.Department
		}
		if r.Assignee != nil {
			a.Assignee = appeal.MemberID(*r.Assignee)
		}
		if err := fn(a); err != nil {
			return err
		}
		// database/sql notices the end of ctx in another goroutine, and
		// a driver may hold the rest of the result already: without this
		// an export cancelled late could run on to its last row and
		// report success.
		if err := ctx.Err(); err != nil {
			return fail("export appeals", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fail("export appeals", err)
	}
	return nil
}

// bulkColumns are the columns InsertAppeals writes.
var bulkColumns = []string{"source", "external_id", "title", "body", "category", "priority",
	"citizen_name", "citizen_phone", "location", "received_at", "callback_url",
	"department_code", "status", "assignee_id", "claim_by", "answer_by", "resolve_by",
	"assigned_at", "claimed_at", "answered_at", "closed_at", "next_action_at",
	"created_at", "updated_at"}

func bulkValues(a appeal.Appeal) []any {
	r := toAppealRow(a)
	return []any{r.Source, r.ExternalID, r.Title, r.Body, r.Category, r.Priority,
		r.CitizenName, r.CitizenPhone, r.Location, r.ReceivedAt, r.CallbackURL,
		r.Department, r.Status, r.Assignee, r.ClaimBy, r.AnswerBy, r.ResolveBy,
		r.AssignedAt, r.ClaimedAt, r.AnsweredAt, r.ClosedAt, r.NextActionAt,
		r.CreatedAt, r.UpdatedAt}
}

// InsertAppeals loads appeals as they are, in one transaction, without
// events, messages or the duplicate check of CreateAppeal: it is the fast
// path for loading history and benchmark fixtures, not for intake. Ids are
// assigned by the database; extensions and answers are not written. On
// PostgreSQL it uses COPY; on SQLite multi-row INSERTs.
func (s *Store) InsertAppeals(ctx context.Context, as []appeal.Appeal) error {
	rows := make([][]any, len(as))
	for i, a := range as {
		rows[i] = bulkValues(a)
	}
	if err := s.inTx(ctx, func(tx *sqlx.Tx) error { return s.bulkInsert(ctx, tx, "appeals", bulkColumns, rows) }); err != nil {
		return fail("insert "+strconv.Itoa(len(as))+" appeals", err)
	}
	return nil
}

// InsertHistories loads appeals with the ids they carry and their events,
// in one transaction, the bulk way of InsertAppeals: for loading history
// and benchmark fixtures. The kept figures do not see them: call
// RebuildFigures once loading is done.
func (s *Store) InsertHistories(ctx context.Context, as []appeal.Appeal, events []appeal.Event) error {
	rows := make([][]any, len(as))
	for i, a := range as {
		rows[i] = append([]any{int64(a.ID)}, bulkValues(a)...)
	}
	evs := make([][]any, len(events))
	for i, e := range events {
		evs[i] = []any{int64(e.AppealID), tm(e.At), string(e.Kind), nullID(e.Actor),
			string(e.FromStatus), string(e.ToStatus), e.Department, e.Note, e.Outcome}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.bulkInsert(ctx, tx, "appeals", append([]string{"id"}, bulkColumns...), rows); err != nil {
			return err
		}
		if err := s.bulkInsert(ctx, tx, "appeal_events", []string{"appeal_id", "at", "kind", "actor_id",
			"from_status", "to_status", "department_code", "note", "outcome"}, evs); err != nil {
			return err
		}
		if s.driver == Postgres {
			_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('appeals', 'id'), (SELECT MAX(id) FROM appeals))`)
			return err
		}
		return nil
	})
	if err != nil {
		return fail("insert "+strconv.Itoa(len(as))+" histories", err)
	}
	return nil
}

// bulkInsert writes rows into table's columns: COPY on PostgreSQL,
// INSERTs of many rows each on SQLite (below its limit of 32766
// parameters).
func (s *Store) bulkInsert(ctx context.Context, tx *sqlx.Tx, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if s.driver == Postgres {
		stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, columns...))
		if err != nil {
			return err
		}
		for _, vals := range rows {
			for i, v := range vals {
				// COPY takes driver values; dbTime and the Null types
				// are converted here rather than by database/sql.
				if vals[i], err = driverValue(v); err != nil {
					stmt.Close()
					return err
				}
			}
			if _, err := stmt.ExecContext(ctx, vals...); err != nil {
				stmt.Close()
				return err
			}
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			stmt.Close()
			return err
		}
		return stmt.Close()
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"
	per := 30000 / len(columns)
	for start := 0; start < len(rows); start += per {
		part := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		args := make([]any, 0, len(part)*len(columns))
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// driverValue converts v to a value COPY accepts.
func driverValue(v any) (any, error) {
	if dv, ok := v.(driver.Valuer); ok {
		return dv.Value()
	}
	return v, nil
}

// Analyze refreshes the planner's statistics (SQLite's ANALYZE), as after
// a bulk load. On PostgreSQL it is VACUUM (ANALYZE), what autovacuum does
// after many inserts: besides the statistics it marks the loaded pages
// all-visible, without which an index-only scan (the open appeals' count
// of /metrics, through appeals_open_deadlines) reads every row's page.
func (s *Store) Analyze(ctx context.Context) error {
	q := `ANALYZE`
	if s.driver == Postgres {
		q = `VACUUM (ANALYZE)`
	}
	if _, err := s.db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("storage: analyze: %w", err)
	}
	return nil
}
