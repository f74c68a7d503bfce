package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

// insertFeedback stores a verdict; a second verdict with the same key on
// the same appeal is a unique violation (ErrConflict once wrapped).
func insertFeedback(ctx context.Context, tx *sqlx.Tx, id appeal.ID, f appeal.Feedback) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO feedback
		(appeal_id, dedupe_key, external_id, result, comment, department_code, answered_at, reopened, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		int64(id), f.Key(), f.ExternalID, string(f.Result), f.Comment, f.Department, tm(f.AnsweredAt), f.Reopened, tm(f.At))
	return err
}

type feedbackRow struct {
	ID         int64        `db:"id"`
	AppealID   int64        `db:"appeal_id"`
	ExternalID string       `db:"external_id"`
	Result     string       `db:"result"`
	Comment    string       `db:"comment"`
	Department string       `db:"department_code"`
	AnsweredAt dbTime       `db:"answered_at"`
	Reopened   sql.NullBool `db:"reopened"`
	CreatedAt  dbTime       `db:"created_at"`
}

// Feedback returns the verdicts recorded on appeal id, oldest first.
func (s *Store) Feedback(ctx context.Context, id appeal.ID) ([]appeal.Feedback, error) {
	var rows []feedbackRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT id, appeal_id, external_id, result, comment,
		department_code, answered_at, reopened, created_at FROM feedback WHERE appeal_id = ? ORDER BY id`), int64(id)); err != nil {
		return nil, fail(fmt.Sprintf("feedback of appeal %d", id), err)
	}
	out := make([]appeal.Feedback, 0, len(rows))
	for _, r := range rows {
		out = append(out, appeal.Feedback{ID: r.ID, AppealID: appeal.ID(r.AppealID), ExternalID: r.ExternalID,
			Result: appeal.FeedbackResult(r.Result), Comment: r.Comment, Department: r.Department,
			AnsweredAt: r.AnsweredAt.Time, Reopened: r.Reopened.Bool, At: r.CreatedAt.Time})
	}
	return out, nil
}

// KPIEvents returns what the figures of a period starting at since read:
// the appeals with an event at or after since, or still open in a
// department (their deadlines may fall in the period though nothing
// happened to them), each with its whole log, appeals by id and events
// oldest first. Answers are not read. With dept set, only what that
// department's figures need: appeals with an event of dept since then, or
// a transfer since then (it may have left dept), or open in dept. The
// first part is a range of the index on appeal_events (at), the second of
// the one on appeals (status) or (department_code, status).
func (s *Store) KPIEvents(ctx context.Context, since time.Time, dept string) ([]appeal.Appeal, []appeal.Event, error) {
	ids := `SELECT appeal_id FROM appeal_events WHERE at >= ?
		UNION SELECT id FROM appeals WHERE status IN (?, ?, ?, ?)`
	args := []any{tm(since)}
	if dept != "" {
		ids = `SELECT appeal_id FROM appeal_events WHERE at >= ? AND (department_code = ? OR kind = ?)
		UNION SELECT id FROM appeals WHERE department_code = ? AND status IN (?, ?, ?, ?)`
		args = append(args, dept, string(appeal.EventTransferred), dept)
	}
	for _, st := range digestOpen {
		args = append(args, string(st))
	}
	var as []appealRow
	if err := s.db.SelectContext(ctx, &as, s.db.Rebind(`SELECT `+appealColumns+` FROM appeals
		WHERE id IN (`+ids+`) ORDER BY id`), args...); err != nil {
		return nil, nil, fail("kpi appeals", err)
	}
	var es []eventRow
	if err := s.db.SelectContext(ctx, &es, s.db.Rebind(`SELECT `+eventColumns+` FROM appeal_events
		WHERE appeal_id IN (`+ids+`) ORDER BY appeal_id, id`), args...); err != nil {
		return nil, nil, fail("kpi events", err)
	}
	outA := make([]appeal.Appeal, 0, len(as))
	for _, r := range as {
		outA = append(outA, r.appeal())
	}
	outE := make([]appeal.Event, 0, len(es))
	for _, r := range es {
		outE = append(outE, r.event())
	}
	return outA, outE, nil
}
