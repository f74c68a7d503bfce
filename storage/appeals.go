package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

const appealColumns = `id, source, external_id, title, body, category, priority,
	citizen_name, citizen_phone, citizen_email, location, received_at, callback_url,
	department_code, status, assignee_id, claim_by, answer_by, resolve_by,
	ext_by, ext_duration_s, ext_span, ext_reason, ext_at,
	assigned_at, claimed_at, answered_at, closed_at, next_action_at,
	created_at, updated_at, dispatched_at, dispatch_by, asked_at, decide_by, extended_at,
	callback_events, urges, urged_at,
	review, handoff, bounces, reopens, extended_s, ext_cost_s, ext_leader_by, ext_leader_at`

// appealRow is an appeals row, for scanning and for named parameters.
type appealRow struct {
	ID           int64          `db:"id"`
	Source       string         `db:"source"`
	ExternalID   string         `db:"external_id"`
	Title        string         `db:"title"`
	Body         string         `db:"body"`
	Category     string         `db:"category"`
	Priority     string         `db:"priority"`
	CitizenName  string         `db:"citizen_name"`
	CitizenPhone string         `db:"citizen_phone"`
	CitizenEmail string         `db:"citizen_email"`
	Location     string         `db:"location"`
	ReceivedAt   dbTime         `db:"received_at"`
	CallbackURL  string         `db:"callback_url"`
	Department   sql.NullString `db:"department_code"`
	Status       string         `db:"status"`
	Assignee     sql.NullInt64  `db:"assignee_id"`
	ClaimBy      dbTime         `db:"claim_by"`
	AnswerBy     dbTime         `db:"answer_by"`
	ResolveBy    dbTime         `db:"resolve_by"`
	ExtBy        sql.NullInt64  `db:"ext_by"`
	ExtDuration  sql.NullInt64  `db:"ext_duration_s"`
	ExtSpan      sql.NullString `db:"ext_span"`
	ExtReason    sql.NullString `db:"ext_reason"`
	ExtAt        dbTime         `db:"ext_at"`
	AssignedAt   dbTime         `db:"assigned_at"`
	ClaimedAt    dbTime         `db:"claimed_at"`
	AnsweredAt   dbTime         `db:"answered_at"`
	ClosedAt     dbTime         `db:"closed_at"`
	NextActionAt dbTime         `db:"next_action_at"`
	CreatedAt    dbTime         `db:"created_at"`
	UpdatedAt    dbTime         `db:"updated_at"`
	DispatchedAt dbTime         `db:"dispatched_at"`
	DispatchBy   dbTime         `db:"dispatch_by"`
	AskedAt      dbTime         `db:"asked_at"`
	DecideBy     dbTime         `db:"decide_by"`
	ExtendedAt   dbTime         `db:"extended_at"`
	// CallbackEvents is the comma-separated list of appeal.CallbackEvents.
	CallbackEvents string         `db:"callback_events"`
	Urges          int64          `db:"urges"`
	UrgedAt        dbTime         `db:"urged_at"`
	Review         sql.NullString `db:"review"`
	Handoff        sql.NullString `db:"handoff"`
	Bounces        int            `db:"bounces"`
	Reopens        int            `db:"reopens"`
	ExtendedS      int64          `db:"extended_s"`
	ExtCostS       int64          `db:"ext_cost_s"`
	ExtLeaderBy    sql.NullInt64  `db:"ext_leader_by"`
	ExtLeaderAt    dbTime         `db:"ext_leader_at"`
}

// handoffJSON is a return or transfer as stored (appeals.review and
// appeals.handoff).
type handoffJSON struct {
	Kind        string    `json:"kind"`
	By          int64     `json:"by,omitempty"`
	From        string    `json:"from,omitempty"`
	To          string    `json:"to,omitempty"`
	Reason      string    `json:"reason"`
	At          time.Time `json:"at"`
	Supervision bool      `json:"supervision,omitempty"`
	DecidedBy   int64     `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
}

func handoffText(h *appeal.Handoff) sql.NullString {
	if h == nil {
		return sql.NullString{}
	}
	b, err := json.Marshal(handoffJSON{Kind: string(h.Kind), By: int64(h.By), From: h.From, To: h.To, Reason: h.Reason,
		At: h.At.UTC(), Supervision: h.Supervision, DecidedBy: int64(h.DecidedBy), DecidedAt: h.DecidedAt.UTC()})
	if err != nil {
		panic(err) // plain strings, numbers and times always marshal
	}
	return sql.NullString{String: string(b), Valid: true}
}

// readHandoff reads a stored handoff; nil for NULL, and for a value that
// does not parse (nothing writes one).
func readHandoff(s sql.NullString) *appeal.Handoff {
	if !s.Valid {
		return nil
	}
	var j handoffJSON
	if err := json.Unmarshal([]byte(s.String), &j); err != nil {
		return nil
	}
	h := &appeal.Handoff{Kind: appeal.HandoffKind(j.Kind), By: appeal.MemberID(j.By), From: j.From, To: j.To,
		Reason: j.Reason, At: j.At.UTC(), Supervision: j.Supervision, DecidedBy: appeal.MemberID(j.DecidedBy)}
	if !j.DecidedAt.IsZero() {
		h.DecidedAt = j.DecidedAt.UTC()
	}
	return h
}

func toAppealRow(a appeal.Appeal) appealRow {
	r := appealRow{
		ID: int64(a.ID), Source: a.Source, ExternalID: a.ExternalID, Title: a.Title, Body: a.Body,
		Category: a.Category, Priority: string(a.Priority),
		CitizenName: a.Citizen.Name, CitizenPhone: a.Citizen.Phone, CitizenEmail: a.Citizen.Email, Location: a.Location,
		ReceivedAt: tm(a.ReceivedAt), CallbackURL: a.CallbackURL,
		Department: nullText(a.Department), Status: string(a.Status), Assignee: nullID(a.Assignee),
		ClaimBy: tm(a.Deadlines.ClaimBy), AnswerBy: tm(a.Deadlines.AnswerBy), ResolveBy: tm(a.Deadlines.ResolveBy),
		AssignedAt: tm(a.AssignedAt), ClaimedAt: tm(a.ClaimedAt), AnsweredAt: tm(a.AnsweredAt),
		ClosedAt: tm(a.ClosedAt), NextActionAt: tm(a.NextActionAt),
		CreatedAt: tm(a.CreatedAt), UpdatedAt: tm(a.UpdatedAt),
		DispatchedAt: tm(a.DispatchedAt), DispatchBy: tm(a.Deadlines.DispatchBy),
		AskedAt: tm(a.AskedAt), DecideBy: tm(a.Deadlines.DecideBy), ExtendedAt: tm(a.ExtendedAt),
		CallbackEvents: strings.Join(a.CallbackEvents, ","), Urges: int64(a.Urges), UrgedAt: tm(a.UrgedAt),
		Review: handoffText(a.Review), Handoff: handoffText(a.Handoff), Bounces: a.Bounces, Reopens: a.Reopens,
		ExtendedS: int64(a.ExtendedWork / time.Second),
	}
	if x := a.Extension; x != nil {
		r.ExtCostS = int64(x.Cost / time.Second)
		r.ExtLeaderBy = nullID(x.LeaderBy)
		r.ExtLeaderAt = tm(x.LeaderAt)
		r.ExtBy = nullID(x.By)
		// A non-NULL duration is what marks an extension as pending; it
		// holds the length of a span in hours (0 for working days), the
		// span itself is in ext_span.
		r.ExtDuration = sql.NullInt64{Int64: int64(x.Span.D / time.Second), Valid: true}
		r.ExtSpan = sql.NullString{String: x.Span.String(), Valid: true}
		r.ExtReason = sql.NullString{String: x.Reason, Valid: true}
		r.ExtAt = tm(x.At)
	}
	return r
}

func (r appealRow) appeal() appeal.Appeal {
	a := appeal.Appeal{
		ID: appeal.ID(r.ID), Source: r.Source, ExternalID: r.ExternalID, Title: r.Title, Body: r.Body,
		Category: r.Category, Priority: appeal.Priority(r.Priority),
		Citizen:  appeal.Citizen{Name: r.CitizenName, Phone: r.CitizenPhone, Email: r.CitizenEmail},
		Location: r.Location, ReceivedAt: r.ReceivedAt.Time, CallbackURL: r.CallbackURL,
		Department: r.Department.String, Status: appeal.Status(r.Status),
		Assignee: appeal.MemberID(r.Assignee.Int64),
		Deadlines: appeal.Deadlines{
			ClaimBy: r.ClaimBy.Time, AnswerBy: r.AnswerBy.Time, ResolveBy: r.ResolveBy.Time,
			DispatchBy: r.DispatchBy.Time, DecideBy: r.DecideBy.Time,
		},
		DispatchedAt: r.DispatchedAt.Time, AskedAt: r.AskedAt.Time, ExtendedAt: r.ExtendedAt.Time,
		AssignedAt: r.AssignedAt.Time, ClaimedAt: r.ClaimedAt.Time, AnsweredAt: r.AnsweredAt.Time,
		ClosedAt: r.ClosedAt.Time, NextActionAt: r.NextActionAt.Time,
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
		Urges: int(r.Urges), UrgedAt: r.UrgedAt.Time,
		Review: readHandoff(r.Review), Handoff: readHandoff(r.Handoff), Bounces: r.Bounces, Reopens: r.Reopens,
		ExtendedWork: time.Duration(r.ExtendedS) * time.Second,
	}
	if r.CallbackEvents != "" {
		a.CallbackEvents = strings.Split(r.CallbackEvents, ",")
	}
	if r.ExtDuration.Valid {
		// Requests stored before spans (migration 0004) are calendar time.
		span := appeal.CalendarSpan(time.Duration(r.ExtDuration.Int64) * time.Second)
		if r.ExtSpan.Valid {
			if sp, err := appeal.ParseSpan(r.ExtSpan.String); err == nil {
				span = sp
			}
		}
		a.Extension = &appeal.Extension{
			By:       appeal.MemberID(r.ExtBy.Int64),
			Span:     span,
			Reason:   r.ExtReason.String,
			At:       r.ExtAt.Time,
			Cost:     time.Duration(r.ExtCostS) * time.Second,
			LeaderBy: appeal.MemberID(r.ExtLeaderBy.Int64),
			LeaderAt: r.ExtLeaderAt.Time,
		}
	}
	return a
}

// numberLock is the PostgreSQL advisory lock key that intakes take in turn
// to number appeals ("appealno" in ASCII).
const numberLock int64 = 0x61707065616c6e6f

// UpdateAppeal locks appeal id, calls fn with it and its pending answer, and
// writes the change fn returns: the appeal's new state, its events, its
// outbound messages and its answer, all in one transaction. An error from fn
// rolls back and is returned as it is. The source, external id and creation
// time of an appeal never change.
//
// fn must not use the store: on SQLite it runs while this transaction holds
// the only write lock.
func (s *Store) UpdateAppeal(ctx context.Context, id appeal.ID, fn func(a appeal.Appeal, pending *appeal.Answer) (appeal.Change, error)) (appeal.Appeal, error) {
	var fnErr error
	var stored appeal.Appeal
	wrote := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		cur, err := s.appeal(ctx, tx, id, true)
		if err != nil {
			return err
		}
		var pending *appeal.Answer
		for i := range cur.Answers {
			if cur.Answers[i].State == appeal.AnswerPending {
				p := cur.Answers[i]
				pending = &p
			}
		}
		change, err := fn(cur, pending)
		if err != nil {
			fnErr = err
			return err
		}
		if ans := change.Answer; ans != nil {
			if err := saveAnswer(ctx, tx, id, *ans); err != nil {
				return err
			}
		}
		if f := change.Feedback; f != nil {
			if err := insertFeedback(ctx, tx, id, *f); err != nil {
				return err
			}
		}
		after := change.Appeal
		after.ID = id
		queued, err := s.insertEvents(ctx, tx, after, change.Events)
		if err != nil {
			return err
		}
		if err := s.insertOutboxRows(ctx, tx, id, change.Messages, change.Appeal.UpdatedAt); err != nil {
			return err
		}
		wrote = len(change.Messages) > 0 || queued
		if wrote && s.driver == Postgres {
			if err := notifyOutbox(ctx, tx); err != nil {
				return err
			}
		}
		row := toAppealRow(change.Appeal)
		row.ID = int64(id)
		q, args, err := sqlx.Named(`UPDATE appeals SET
			title = :title, body = :body, category = :category, priority = :priority,
			citizen_name = :citizen_name, citizen_phone = :citizen_phone, citizen_email = :citizen_email, location = :location,
			received_at = :received_at, callback_url = :callback_url,
			department_code = :department_code, status = :status, assignee_id = :assignee_id,
			claim_by = :claim_by, answer_by = :answer_by, resolve_by = :resolve_by,
			ext_by = :ext_by, ext_duration_s = :ext_duration_s, ext_span = :ext_span, ext_reason = :ext_reason, ext_at = :ext_at,
			assigned_at = :assigned_at, claimed_at = :claimed_at, answered_at = :answered_at,
			closed_at = :closed_at, next_action_at = :next_action_at, updated_at = :updated_at,
			dispatched_at = :dispatched_at, dispatch_by = :dispatch_by, asked_at = :asked_at,
			decide_by = :decide_by, extended_at = :extended_at,
			callback_events = :callback_events, urges = :urges, urged_at = :urged_at,
			review = :review, handoff = :handoff, bounces = :bounces, reopens = :reopens,
			extended_s = :extended_s, ext_cost_s = :ext_cost_s, ext_leader_by = :ext_leader_by, ext_leader_at = :ext_leader_at
		WHERE id = :id`, row)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return err
		}
		stored, err = s.appeal(ctx, tx, id, false)
		if err != nil {
			return err
		}
		return s.keepFacts(ctx, tx, cur, stored, len(change.Events))
	})
	if fnErr != nil {
		return appeal.Appeal{}, fnErr
	}
	if err != nil {
		return appeal.Appeal{}, fail(fmt.Sprintf("update appeal %d", id), err)
	}
	if wrote {
		s.outboxWritten()
	}
	return stored, nil
}

// Appeal returns appeal id with its answers and its attachments (without
// their bytes).
func (s *Store) Appeal(ctx context.Context, id appeal.ID) (appeal.Appeal, error) {
	a, err := s.appeal(ctx, s.db, id, false)
	if err != nil {
		return appeal.Appeal{}, fail(fmt.Sprintf("appeal %d", id), err)
	}
	return a, nil
}

// appeal reads appeal id and its answers through q, locking the row on
// PostgreSQL when forUpdate is set.
func (s *Store) appeal(ctx context.Context, q sqlx.QueryerContext, id appeal.ID, forUpdate bool) (appeal.Appeal, error) {
	query := `SELECT ` + appealColumns + ` FROM appeals WHERE id = ?`
	if forUpdate && s.driver == Postgres {
		query += ` FOR UPDATE`
	}
	var r appealRow
	if err := sqlx.GetContext(ctx, q, &r, s.db.Rebind(query), int64(id)); err != nil {
		return appeal.Appeal{}, err
	}
	a := r.appeal()
	var rows []answerRow
	if err := sqlx.SelectContext(ctx, q, &rows, s.db.Rebind(
		`SELECT `+answerColumns+` FROM answers WHERE appeal_id = ? ORDER BY id`), int64(id)); err != nil {
		return appeal.Appeal{}, err
	}
	for _, r := range rows {
		a.Answers = append(a.Answers, r.answer())
	}
	files, err := readAttachments(ctx, q, s.db.Rebind, id)
	if err != nil {
		return appeal.Appeal{}, err
	}
	a.Attachments = files
	for _, f := range files {
		for i := range a.Answers {
			if a.Answers[i].ID == f.AnswerID {
				a.Answers[i].Attachments = append(a.Answers[i].Attachments, f)
			}
		}
	}
	return a, nil
}

// Appeals lists appeals newest first, keyset-paginated by f.Before, or by
// the time of their last change when f.Changed (see appeal.Filter). Answers
// are not read.
func (s *Store) Appeals(ctx context.Context, f appeal.Filter) ([]appeal.Appeal, error) {
	var where []string
	var args []any
	if f.Before > 0 {
		where = append(where, "id < ?")
		args = append(args, int64(f.Before))
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, string(f.Status))
	}
	if f.Department != "" {
		where = append(where, "department_code = ?")
		args = append(args, f.Department)
	}
	order := ` ORDER BY id DESC LIMIT ?`
	if f.Changed() {
		// By the index appeals_updated (updated_at, id).
		order = ` ORDER BY updated_at, id LIMIT ?`
		if !f.UpdatedSince.IsZero() {
			where = append(where, "updated_at >= ?")
			args = append(args, tm(f.UpdatedSince))
		}
		if p := f.After; !p.At.IsZero() {
			where = append(where, "(updated_at > ? OR (updated_at = ? AND id > ?))")
			args = append(args, tm(p.At), tm(p.At), int64(p.ID))
		}
		if !f.UpdatedBefore.IsZero() {
			where = append(where, "updated_at < ?")
			args = append(args, tm(f.UpdatedBefore))
		}
	}
	q := `SELECT ` + appealColumns + ` FROM appeals`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += order
	args = append(args, limit(f.Limit))
	var rows []appealRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, fail("list appeals", err)
	}
	out := make([]appeal.Appeal, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.appeal())
	}
	return out, nil
}

// WaitingDispatch returns how many appeals wait for dispatch (unassigned
// or returned) and the first n of them, the longest waiting first (since
// they were last handed to dispatch, else received), through the partial
// index appeals_waiting_dispatch: it reads the waiting appeals' index
// entries and n rows, not the history.
func (s *Store) WaitingDispatch(ctx context.Context, n int) ([]appeal.Appeal, int, error) {
	const where = ` FROM appeals WHERE status IN ('unassigned', 'returned')`
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT COUNT(*)`+where); err != nil {
		return nil, 0, fail("waiting for dispatch", err)
	}
	var rows []appealRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT `+appealColumns+where+
		` ORDER BY COALESCE(dispatched_at, received_at), id LIMIT ?`), limit(n)); err != nil {
		return nil, 0, fail("waiting for dispatch", err)
	}
	out := make([]appeal.Appeal, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.appeal())
	}
	return out, total, nil
}

const answerColumns = `id, appeal_id, author_id, text, state, created_at, decided_by, decided_at`

type answerRow struct {
	ID        int64         `db:"id"`
	AppealID  int64         `db:"appeal_id"`
	Author    sql.NullInt64 `db:"author_id"`
	Text      string        `db:"text"`
	State     string        `db:"state"`
	CreatedAt dbTime        `db:"created_at"`
	DecidedBy sql.NullInt64 `db:"decided_by"`
	DecidedAt dbTime        `db:"decided_at"`
}

func (r answerRow) answer() appeal.Answer {
	return appeal.Answer{
		ID: r.ID, AppealID: appeal.ID(r.AppealID), Author: appeal.MemberID(r.Author.Int64),
		Text: r.Text, State: appeal.AnswerState(r.State), At: r.CreatedAt.Time,
		DecidedBy: appeal.MemberID(r.DecidedBy.Int64), DecidedAt: r.DecidedAt.Time,
	}
}

// saveAnswer inserts a new answer (ID 0) with its attachments or records the decision on an
// existing one of the same appeal.
func saveAnswer(ctx context.Context, tx *sqlx.Tx, id appeal.ID, a appeal.Answer) error {
	if a.ID == 0 {
		var ansID int64
		if err := tx.GetContext(ctx, &ansID, tx.Rebind(`INSERT INTO answers (appeal_id, author_id, text, state, created_at, decided_by, decided_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			int64(id), nullID(a.Author), a.Text, string(a.State), tm(a.At), nullID(a.DecidedBy), tm(a.DecidedAt)); err != nil {
			return err
		}
		// The photos go with their answer, in its transaction: an answer
		// that fails leaves none, and one taken once stores them once.
		return insertAttachments(ctx, tx, id, ansID, a.Attachments)
	}
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE answers SET state = ?, decided_by = ?, decided_at = ?
		WHERE id = ? AND appeal_id = ?`),
		string(a.State), nullID(a.DecidedBy), tm(a.DecidedAt), a.ID, int64(id))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("answer %d: %w", a.ID, ErrNotFound)
	}
	return nil
}

// insertEvents appends events to the log of appeal a (as the change that
// made them left it) and, for each event a's upstream is to be told of
// (appeal.CallbackMessage), queues its callback behind it: in the same
// transaction, so every such event is told exactly once and in the order
// of the log.
// It reports whether it queued any.
func (s *Store) insertEvents(ctx context.Context, tx *sqlx.Tx, a appeal.Appeal, events []appeal.Event) (bool, error) {
	q := s.q(ctx, tx)
	out, err := appendLogs(q, []appealLog{{a, events}})
	if err != nil {
		return false, err
	}
	return len(out) > 0, s.insertOutbox(q, out)
}

// insertEvent appends e to its appeal's log and returns its id.
func insertEvent(q txq, e appeal.Event) (int64, error) {
	var id int64
	err := q.get(&id, `INSERT INTO appeal_events
		(appeal_id, at, kind, actor_id, from_status, to_status, department_code, note, outcome, via)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, eventValues(e)...)
	return id, err
}

// eventValues are e's columns as insertEvent writes them.
func eventValues(e appeal.Event) []any {
	return []any{int64(e.AppealID), tm(e.At), string(e.Kind), nullID(e.Actor),
		string(e.FromStatus), string(e.ToStatus), e.Department, e.Note, e.Outcome, e.Via}
}

type eventRow struct {
	ID         int64         `db:"id"`
	AppealID   int64         `db:"appeal_id"`
	At         dbTime        `db:"at"`
	Kind       string        `db:"kind"`
	Actor      sql.NullInt64 `db:"actor_id"`
	FromStatus string        `db:"from_status"`
	ToStatus   string        `db:"to_status"`
	Department string        `db:"department_code"`
	Note       string        `db:"note"`
	Outcome    string        `db:"outcome"`
	Via        string        `db:"via"`
}

const eventColumns = `id, appeal_id, at, kind, actor_id, from_status, to_status, department_code, note, outcome, via`

func (r eventRow) event() appeal.Event {
	return appeal.Event{
		ID: r.ID, AppealID: appeal.ID(r.AppealID), At: r.At.Time, Kind: appeal.EventKind(r.Kind),
		Actor: appeal.MemberID(r.Actor.Int64), FromStatus: appeal.Status(r.FromStatus),
		ToStatus: appeal.Status(r.ToStatus), Department: r.Department, Note: r.Note, Outcome: r.Outcome,
		Via: r.Via,
	}
}

// Events returns the log of appeal id, oldest first.
func (s *Store) Events(ctx context.Context, id appeal.ID) ([]appeal.Event, error) {
	var rows []eventRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT `+eventColumns+`
		FROM appeal_events WHERE appeal_id = ? ORDER BY id`), int64(id)); err != nil {
		return nil, fail(fmt.Sprintf("events of appeal %d", id), err)
	}
	if len(rows) == 0 {
		// Every stored appeal has at least its intake event; tell a
		// missing appeal from an empty log all the same.
		var n int
		if err := s.db.GetContext(ctx, &n, s.db.Rebind(`SELECT COUNT(*) FROM appeals WHERE id = ?`), int64(id)); err != nil {
			return nil, fail(fmt.Sprintf("events of appeal %d", id), err)
		}
		if n == 0 {
			return nil, fail(fmt.Sprintf("events of appeal %d", id), ErrNotFound)
		}
	}
	out := make([]appeal.Event, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.event())
	}
	return out, nil
}
