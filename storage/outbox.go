package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

// insertMessages writes msgs to the outbox, due at once. at is the time of
// the change that caused them; the database's clock stands in when it is
// zero. Messages without an appeal id are about appeal id (none when id is
// 0). On PostgreSQL it also notifies outboxChannel, which the server
// delivers to ListenOutbox in every instance when tx commits, and never
// when it rolls back.
func (s *Store) insertMessages(ctx context.Context, tx *sqlx.Tx, id appeal.ID, msgs []appeal.Message, at time.Time) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := s.insertOutboxRows(ctx, tx, id, msgs, at); err != nil {
		return err
	}
	if s.driver == Postgres {
		return notifyOutbox(ctx, tx)
	}
	return nil
}

// insertOutboxRows is insertMessages without the notification, for a
// transaction that writes many and notifies once (notifyOutbox).
func (s *Store) insertOutboxRows(ctx context.Context, tx *sqlx.Tx, id appeal.ID, msgs []appeal.Message, at time.Time) error {
	rows := make([]queuedMsg, len(msgs))
	for i, m := range msgs {
		if m.AppealID == 0 {
			m.AppealID = id
		}
		rows[i] = queuedMsg{m, at}
	}
	return s.insertOutbox(s.q(ctx, tx), rows)
}

// notifyOutbox notifies outboxChannel when tx commits (PostgreSQL only).
// The server folds identical notifications of one transaction into one.
func notifyOutbox(ctx context.Context, tx *sqlx.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_notify($1, '')`, outboxChannel)
	return err
}

// EnqueueMessages writes msgs, which need not be about an appeal (a reply
// to a command has AppealID 0), to the outbox in one transaction, due at
// at; a zero at takes the database's clock. After the commit it wakes the
// OnOutbox hooks and, on PostgreSQL, ListenOutbox in every instance. An
// empty msgs writes nothing. ErrNotFound when a message names an appeal
// that does not exist.
func (s *Store) EnqueueMessages(ctx context.Context, at time.Time, msgs []appeal.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		return s.insertMessages(ctx, tx, 0, msgs, at)
	}); err != nil {
		return fail(fmt.Sprintf("enqueue %d messages", len(msgs)), err)
	}
	s.outboxWritten()
	return nil
}

const outboxColumns = `id, appeal_id, kind, recipient_kind, recipient_ref, args,
	state, attempts, next_attempt_at, created_at, sent_at, failed_at, last_error, claimed_until, undeliverable_since`

type outboxRow struct {
	ID            int64         `db:"id"`
	AppealID      sql.NullInt64 `db:"appeal_id"`
	Kind          string        `db:"kind"`
	RecipientKind string        `db:"recipient_kind"`
	RecipientRef  string        `db:"recipient_ref"`
	Args          string        `db:"args"`
	State         string        `db:"state"`
	Attempts      int           `db:"attempts"`
	NextAttemptAt dbTime        `db:"next_attempt_at"`
	CreatedAt     dbTime        `db:"created_at"`
	SentAt        dbTime        `db:"sent_at"`
	FailedAt      dbTime        `db:"failed_at"`
	LastError     string        `db:"last_error"`
	ClaimedUntil  dbTime        `db:"claimed_until"`
	Undeliverable dbTime        `db:"undeliverable_since"`
}

func (r outboxRow) message() (appeal.OutboxMessage, error) {
	args, err := decodeArgs(r.Args)
	if err != nil {
		return appeal.OutboxMessage{}, fmt.Errorf("outbox row %d: %w", r.ID, err)
	}
	return appeal.OutboxMessage{
		ID: r.ID, CreatedAt: r.CreatedAt.Time,
		Message: appeal.Message{
			Kind:     appeal.MessageKind(r.Kind),
			To:       appeal.Recipient{Kind: appeal.RecipientKind(r.RecipientKind), Ref: r.RecipientRef},
			AppealID: appeal.ID(r.AppealID.Int64),
			Args:     args,
		},
		State: r.State, Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt.Time,
		SentAt: r.SentAt.Time, FailedAt: r.FailedAt.Time, LastError: r.LastError, ClaimedUntil: r.ClaimedUntil.Time,
		UndeliverableSince: r.Undeliverable.Time,
	}, nil
}

func outboxMessages(rows []outboxRow) ([]appeal.OutboxMessage, error) {
	out := make([]appeal.OutboxMessage, 0, len(rows))
	for _, r := range rows {
		m, err := r.message()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// Outbox returns up to n pending messages, oldest first (n defaults to 50
// and is capped at 500).
func (s *Store) Outbox(ctx context.Context, n int) ([]appeal.OutboxMessage, error) {
	var rows []outboxRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT `+outboxColumns+`
		FROM outbox WHERE state = ? ORDER BY id LIMIT ?`), appeal.OutboxPending, limit(n)); err != nil {
		return nil, fail("outbox", err)
	}
	out, err := outboxMessages(rows)
	if err != nil {
		return nil, fail("outbox", err)
	}
	return out, nil
}

// OutboxAfter returns up to n messages (capped as for Outbox) queued after
// outbox id after, oldest first, whatever their state: what was said since
// a moment one noted, for tests and for looking into a store by hand.
func (s *Store) OutboxAfter(ctx context.Context, after int64, n int) ([]appeal.OutboxMessage, error) {
	var rows []outboxRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT `+outboxColumns+`
		FROM outbox WHERE id > ? ORDER BY id LIMIT ?`), after, limit(n)); err != nil {
		return nil, fail("outbox after", err)
	}
	out, err := outboxMessages(rows)
	if err != nil {
		return nil, fail("outbox after", err)
	}
	return out, nil
}
