package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

// DigestSchedules returns every stored digest schedule, ordered by
// department and kind. Departments without one use the configured default.
func (s *Store) DigestSchedules(ctx context.Context) ([]appeal.DigestSchedule, error) {
	var rows []struct {
		Department string `db:"department_code"`
		Kind       string `db:"kind"`
		Spec       string `db:"spec"`
		UpdatedAt  dbTime `db:"updated_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT department_code, kind, spec, updated_at
		FROM digest_schedules ORDER BY department_code, kind`); err != nil {
		return nil, fail("digest schedules", err)
	}
	out := make([]appeal.DigestSchedule, 0, len(rows))
	for _, r := range rows {
		out = append(out, appeal.DigestSchedule{Department: r.Department, Kind: appeal.DigestKind(r.Kind),
			Spec: r.Spec, UpdatedAt: r.UpdatedAt.Time})
	}
	return out, nil
}

// SetDigestSchedule stores the schedule of one department and kind,
// replacing the one stored before. The spec is not checked here: callers
// parse it first. ErrNotFound when the department does not exist.
func (s *Store) SetDigestSchedule(ctx context.Context, ds appeal.DigestSchedule) error {
	op := fmt.Sprintf("set %s digest schedule of %q", ds.Kind, ds.Department)
	if err := s.departmentExists(ctx, ds.Department); err != nil {
		return fail(op, err)
	}
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO digest_schedules (department_code, kind, spec, updated_at)
		VALUES (?, ?, ?, COALESCE(?, `+s.nowSQL+`))
		ON CONFLICT (department_code, kind) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at`),
		ds.Department, string(ds.Kind), ds.Spec, tm(ds.UpdatedAt)); err != nil {
		return fail(op, err)
	}
	return nil
}

// ClaimDigest records digest d and queues msgs, its messages, in one
// transaction, and reports whether it did. When a digest of the same
// department, kind and period start is recorded already (by this instance
// before a restart, or by another instance) it writes nothing and reports
// false: the unique key, not a timer, makes a digest go out once.
func (s *Store) ClaimDigest(ctx context.Context, d appeal.DigestRun, msgs []appeal.Message) (bool, error) {
	var claimed bool
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO digests (department_code, kind, period_start, period_end, created_at)
			VALUES (?, ?, ?, ?, COALESCE(?, `+s.nowSQL+`))
			ON CONFLICT (department_code, kind, period_start) DO NOTHING`),
			d.Department, string(d.Kind), tm(d.From), tm(d.To), tm(d.At))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		claimed = true
		return s.insertMessages(ctx, tx, 0, msgs, d.At)
	})
	if err != nil {
		return false, fail(fmt.Sprintf("claim %s digest of %q from %s", d.Kind, d.Department, d.From.UTC().Format(time.RFC3339)), err)
	}
	if claimed && len(msgs) > 0 {
		s.outboxWritten()
	}
	return claimed, nil
}

// DigestRuns returns the digests recorded for department dept, newest
// period first, at most n (default 50, at most 500).
func (s *Store) DigestRuns(ctx context.Context, dept string, n int) ([]appeal.DigestRun, error) {
	var rows []struct {
		ID         int64  `db:"id"`
		Department string `db:"department_code"`
		Kind       string `db:"kind"`
		From       dbTime `db:"period_start"`
		To         dbTime `db:"period_end"`
		At         dbTime `db:"created_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT id, department_code, kind, period_start, period_end, created_at
		FROM digests WHERE department_code = ? ORDER BY period_start DESC, id DESC LIMIT ?`), dept, limit(n)); err != nil {
		return nil, fail(fmt.Sprintf("digests of %q", dept), err)
	}
	out := make([]appeal.DigestRun, 0, len(rows))
	for _, r := range rows {
		out = append(out, appeal.DigestRun{ID: r.ID, Department: r.Department, Kind: appeal.DigestKind(r.Kind),
			From: r.From.Time, To: r.To.Time, At: r.At.Time})
	}
	return out, nil
}

// digestOpen are the statuses of appeals a department still works on.
var digestOpen = []appeal.Status{appeal.StatusAssigned, appeal.StatusClaimed, appeal.StatusPendingApproval, appeal.StatusAnswered}

// DigestAppeals returns what a digest of department dept reads, without
// answers: the appeals it still works on, and those that reached it, were
// claimed, answered or closed, or whose answer deadline fell, at or after
// since. Each part is one indexed range of (department_code, column), so
// the work grows with the period's appeals, not with the department's
// history.
func (s *Store) DigestAppeals(ctx context.Context, dept string, since time.Time) ([]appeal.Appeal, error) {
	q := `SELECT ` + appealColumns + ` FROM appeals WHERE id IN (
		SELECT id FROM appeals WHERE department_code = ? AND status IN (?, ?, ?, ?)`
	args := []any{dept}
	for _, st := range digestOpen {
		args = append(args, string(st))
	}
	for _, col := range []string{"assigned_at", "claimed_at", "answered_at", "closed_at", "answer_by"} {
		q += `
		UNION SELECT id FROM appeals WHERE department_code = ? AND ` + col + ` >= ?`
		args = append(args, dept, tm(since))
	}
	q += `) ORDER BY id`
	var rows []appealRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, fail(fmt.Sprintf("digest appeals of %q", dept), err)
	}
	out := make([]appeal.Appeal, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.appeal())
	}
	return out, nil
}
