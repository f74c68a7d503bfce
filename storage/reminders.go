package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

// dueQuery selects the appeals the reminder scan must look at, soonest
// first. It reads only the partial index appeals_next_action up to now, so
// its cost follows what is due, not what is stored. On PostgreSQL the rows
// are locked, and rows another scanner holds are skipped rather than waited
// for, so concurrent scanners share the work instead of queueing.
func (s *Store) dueQuery() string {
	q := `SELECT ` + appealColumns + ` FROM appeals
		WHERE next_action_at <= ? ORDER BY next_action_at, id LIMIT ?`
	if s.driver == Postgres {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	return s.db.Rebind(q)
}

// ExplainDue returns the database's plan of the reminder scan's due query
// at now, for the benchmark's record. On PostgreSQL analyze runs it (inside
// a transaction that is rolled back).
func (s *Store) ExplainDue(ctx context.Context, now time.Time, n int, analyze bool) (string, error) {
	prefix := `EXPLAIN QUERY PLAN `
	if s.driver == Postgres {
		prefix = `EXPLAIN `
		if analyze {
			prefix = `EXPLAIN (ANALYZE, BUFFERS) `
		}
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return "", fail("explain due", err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, prefix+s.dueQuery(), tm(now), n)
	if err != nil {
		return "", fail("explain due", err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := ""
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", fail("explain due", err)
		}
		line := fmt.Sprint(vals[len(vals)-1])
		if b, ok := vals[len(vals)-1].([]byte); ok {
			line = string(b)
		}
		out += line + "\n"
	}
	if err := rows.Err(); err != nil {
		return "", fail("explain due", err)
	}
	return out, nil
}

func location(name string) *time.Location {
	l, err := appeal.Zone(name)
	if err != nil {
		return time.UTC
	}
	return l
}

// ScanReminders runs one batch of the reminder scan at now, in one
// transaction: it selects up to n appeals whose next_action_at is due,
// reads the stages already recorded for their current round and their
// departments' timezones, and writes what plan decides: the stage rows,
// the events, the (merged) outbox messages and every appeal's new
// next_action_at. It returns how many appeals the batch held; 0 means
// nothing is due.
//
// A stage row that exists already (its unique key) rolls the whole batch
// back with ErrConflict, so no message is ever enqueued twice. plan must
// not use the store.
func (s *Store) ScanReminders(ctx context.Context, now time.Time, n int, plan func([]appeal.Due) appeal.ReminderPlan) (int, error) {
	if n <= 0 {
		n = 500
	}
	var got int
	wrote := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var rows []appealRow
		if err := tx.SelectContext(ctx, &rows, s.dueQuery(), tm(now), n); err != nil {
			return err
		}
		got = len(rows)
		if got == 0 {
			return nil
		}
		ids := make([]int64, len(rows))
		depts := map[string]bool{}
		for i, r := range rows {
			ids[i] = r.ID
			if r.Department.Valid {
				depts[r.Department.String] = true
			}
		}
		recorded, err := s.stagesDone(ctx, tx, ids)
		if err != nil {
			return err
		}
		zones := map[string]*time.Location{}
		if len(depts) > 0 {
			codes := make([]string, 0, len(depts))
			for c := range depts {
				codes = append(codes, c)
			}
			q, args, err := sqlx.In(`SELECT code, timezone FROM departments WHERE code IN (?)`, codes)
			if err != nil {
				return err
			}
			var ds []struct {
				Code     string `db:"code"`
				Timezone string `db:"timezone"`
			}
			if err := tx.SelectContext(ctx, &ds, tx.Rebind(q), args...); err != nil {
				return err
			}
			for _, d := range ds {
				zones[d.Code] = location(d.Timezone)
			}
		}
		batch := make([]appeal.Due, len(rows))
		for i, r := range rows {
			a := r.appeal()
			batch[i] = appeal.Due{Appeal: a, Done: recorded[a.ID], Location: zones[a.Department]}
		}

		p := plan(batch)

		// A batch writes in a few statements, not a few per appeal: the
		// scan's cost is its round trips.
		stageRows := make([][]any, 0, len(p.Stages))
		for _, st := range p.Stages {
			stageRows = append(stageRows, []any{int64(st.Appeal), tm(st.Round), string(st.Stage), st.Sent, tm(now)})
		}
		if err := insertRows(s.q(ctx, tx), `INSERT INTO reminder_stages (appeal_id, round, stage, sent, at) VALUES `, stageRows); err != nil {
			return fmt.Errorf("record stages: %w", err)
		}
		eventRows := make([][]any, 0, len(p.Events))
		for _, e := range p.Events {
			eventRows = append(eventRows, []any{int64(e.AppealID), tm(e.At), string(e.Kind), nullID(e.Actor),
				string(e.FromStatus), string(e.ToStatus), e.Department, e.Note})
		}
		if err := insertRows(s.q(ctx, tx), `INSERT INTO appeal_events
			(appeal_id, at, kind, actor_id, from_status, to_status, department_code, note) VALUES `, eventRows); err != nil {
			return err
		}
		if err := s.insertMessages(ctx, tx, 0, p.Messages, now); err != nil {
			return err
		}
		wrote = len(p.Messages) > 0
		nextRows := make([][]any, 0, len(rows))
		for _, r := range rows {
			next := p.Next[appeal.ID(r.ID)]
			if !next.IsZero() && !next.After(now) {
				// Never leave an appeal due: the scan would loop on it.
				return fmt.Errorf("plan left appeal %d due at %v", r.ID, next)
			}
			nextRows = append(nextRows, []any{r.ID, tm(next)})
		}
		return s.setNextActions(ctx, tx, nextRows)
	})
	if err != nil {
		return 0, fail("scan reminders", err)
	}
	if wrote {
		s.outboxWritten()
	}
	return got, nil
}

// ladderStages are the stages other than the repeat, for the index
// reminder_stages_latest (appeal_id, stage, round): an appeal's record of
// them is read without reading its repeats, which grow with every day it
// waits.
func ladderStages() []string {
	var out []string
	for _, r := range appeal.Ladder {
		if r.Stage != appeal.StageRepeat {
			out = append(out, string(r.Stage))
		}
	}
	return out
}

// stagesDone reads what was recorded of appeals ids: every stage but the
// repeats, and of those the latest, each through reminder_stages_latest.
func (s *Store) stagesDone(ctx context.Context, q sqlx.QueryerContext, ids []int64) (map[appeal.ID]appeal.Done, error) {
	out := make(map[appeal.ID]appeal.Done, len(ids))
	for _, query := range []struct {
		sql  string
		args []any
	}{
		{`SELECT appeal_id, round, stage FROM reminder_stages WHERE appeal_id IN (?) AND stage IN (?)`,
			[]any{ids, ladderStages()}},
		{`SELECT a.id AS appeal_id, (SELECT MAX(r.round) FROM reminder_stages r
				WHERE r.appeal_id = a.id AND r.stage = 'repeat') AS round, 'repeat' AS stage
			FROM appeals a WHERE a.id IN (?)`, []any{ids}},
	} {
		sql, args, err := sqlx.In(query.sql, query.args...)
		if err != nil {
			return nil, err
		}
		var rows []struct {
			AppealID int64  `db:"appeal_id"`
			Round    dbTime `db:"round"`
			Stage    string `db:"stage"`
		}
		if err := sqlx.SelectContext(ctx, q, &rows, s.db.Rebind(sql), args...); err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.Round.IsZero() {
				continue // no repeat yet
			}
			d := out[appeal.ID(r.AppealID)]
			d.Add(r.Round.Time, appeal.Stage(r.Stage))
			out[appeal.ID(r.AppealID)] = d
		}
	}
	return out, nil
}

// StagesDone returns what the reminder scan recorded of appeal id.
func (s *Store) StagesDone(ctx context.Context, id appeal.ID) (appeal.Done, error) {
	done, err := s.stagesDone(ctx, s.db, []int64{int64(id)})
	if err != nil {
		return appeal.Done{}, fail(fmt.Sprintf("stages done of appeal %d", id), err)
	}
	return done[id], nil
}

// ReminderStage is a recorded stage, for tests and /appeal.
type ReminderStage struct {
	Appeal appeal.ID
	Round  time.Time
	Stage  appeal.Stage
	Sent   bool
	At     time.Time
}

// ReminderStages returns the stages recorded for appeal id, in the order
// they were recorded.
func (s *Store) ReminderStages(ctx context.Context, id appeal.ID) ([]ReminderStage, error) {
	var rows []struct {
		AppealID int64  `db:"appeal_id"`
		Round    dbTime `db:"round"`
		Stage    string `db:"stage"`
		Sent     bool   `db:"sent"`
		At       dbTime `db:"at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT appeal_id, round, stage, sent, at
		FROM reminder_stages WHERE appeal_id = ? ORDER BY at, round, stage`), int64(id)); err != nil {
		return nil, fail(fmt.Sprintf("reminder stages of appeal %d", id), err)
	}
	out := make([]ReminderStage, len(rows))
	for i, r := range rows {
		out[i] = ReminderStage{Appeal: appeal.ID(r.AppealID), Round: r.Round.Time, Stage: appeal.Stage(r.Stage),
			Sent: r.Sent, At: r.At.Time}
	}
	return out, nil
}

// rowsPerStatement keeps a multi-row statement well inside both drivers'
// limits on parameters (SQLite: 32766, PostgreSQL: 65535).
const rowsPerStatement = 500

// insertRows runs prefix followed by one "(?, ?, …)" per row, in chunks.
func insertRows(q txq, prefix string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	return insertTuples(q, prefix, "("+strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ")+")", "", rows)
}

// insertTuples runs prefix followed by tuple (an SQL row with one '?' per
// value of a row) once per row, then suffix, in chunks of rows that keep
// within the drivers' limits on parameters.
func insertTuples(q txq, prefix, tuple, suffix string, rows [][]any) error {
	return eachChunk(rows, func(chunk [][]any) error {
		query, args := tuplesSQL(prefix, tuple, suffix, chunk)
		return q.exec(query, args...)
	})
}

// eachChunk calls fn with rows in chunks of at most maxParams values.
func eachChunk(rows [][]any, fn func([][]any) error) error {
	for len(rows) > 0 {
		n := min(len(rows), rowsPerStatement, max(maxParams/max(len(rows[0]), 1), 1))
		if err := fn(rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// tuplesSQL is prefix, tuple once per row and suffix, with rows' values.
func tuplesSQL(prefix, tuple, suffix string, rows [][]any) (string, []any) {
	var b strings.Builder
	b.WriteString(prefix)
	args := make([]any, 0, len(rows)*len(rows[0]))
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
		args = append(args, r...)
	}
	b.WriteString(suffix)
	return b.String(), args
}

// maxParams is the most parameters one multi-row statement carries.
const maxParams = 16000

// setNextActions sets next_action_at of each (id, time) row in one
// statement per chunk.
func (s *Store) setNextActions(ctx context.Context, tx *sqlx.Tx, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), rowsPerStatement)
		var b, ids strings.Builder
		args := make([]any, 0, 3*n)
		idArgs := make([]any, 0, n)
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			if s.driver == Postgres {
				b.WriteString("(?::bigint, ?::timestamptz)")
			} else {
				b.WriteString("(?, ?)")
			}
			args = append(args, r...)
			if i > 0 {
				ids.WriteString(", ")
			}
			ids.WriteString("?")
			idArgs = append(idArgs, r[0])
		}
		var q string
		if s.driver == Postgres {
			// The id list lets the planner reach the rows by primary key
			// instead of hashing the whole table against the values.
			q = `UPDATE appeals SET next_action_at = v.next FROM (VALUES ` + b.String() + `) AS v (id, next)
				WHERE appeals.id = v.id AND appeals.id IN (` + ids.String() + `)`
			args = append(args, idArgs...)
		} else {
			q = `WITH v (id, next) AS (VALUES ` + b.String() + `)
				UPDATE appeals SET next_action_at = (SELECT next FROM v WHERE v.id = appeals.id)
				WHERE id IN (SELECT id FROM v)`
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}
