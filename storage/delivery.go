package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

// ClaimOutbox leases up to n due messages (pending, next_attempt_at <= now,
// for one of kinds), oldest first, to the caller: in one transaction it moves
// their next_attempt_at to now+lease and counts the attempt, and returns them
// as they are then. n defaults to 50 and is capped at 500.
//
// On PostgreSQL the rows are selected FOR UPDATE SKIP LOCKED, so claimers in
// other instances pass over them and never get the same row; on SQLite the
// transaction holds the write lock from its start. The caller settles each
// row with MarkSent, MarkRetry or MarkFailed. If it never does (it crashed),
// the row comes due again when the lease runs out, and another claimer sends
// it: delivery is at least once, so the lease must well exceed a send.
func (s *Store) ClaimOutbox(ctx context.Context, kinds []appeal.RecipientKind, now time.Time, n int, lease time.Duration) ([]appeal.OutboxMessage, error) {
	const op = "claim outbox"
	if lease <= 0 {
		return nil, fail(op, fmt.Errorf("lease %v is not positive", lease))
	}
	ks, err := kindArgs(kinds)
	if err != nil {
		return nil, fail(op, err)
	}
	// The literal 'pending' lets SQLite use the partial index outbox_pending.
	sel := `SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? AND recipient_kind IN (?)
		AND (claimed_until IS NULL OR claimed_until <= ?)`
	if slices.Contains(kinds, appeal.ToUpstream) {
		// A callback waits while an earlier one of its appeal is pending
		// (claimed, or waiting for a retry), so that the upstream hears
		// of an appeal's events in order; the row it waits for is never
		// skipped as locked, since this reads it without locking. Chat
		// delivery, which never claims callbacks, is spared the check.
		sel += ` AND (recipient_kind <> 'upstream' OR NOT EXISTS (SELECT 1 FROM outbox earlier
			WHERE earlier.state = 'pending' AND earlier.recipient_kind = 'upstream'
			AND earlier.appeal_id = outbox.appeal_id AND earlier.id < outbox.id))`
	}
	sel += ` ORDER BY id LIMIT ?`
	var rows []outboxRow
	if s.driver == Postgres {
		// One statement, one round trip: rows that another claimer holds
		// are skipped, and the claim does not wait for the disk (a claim
		// a crash loses costs nothing: the row is claimed again), which
		// takes milliseconds off every message's way out.
		q, args, err := sqlx.In(`WITH lazy AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true) AS lazy),
			picked AS (`+sel+` FOR UPDATE SKIP LOCKED)
			UPDATE outbox SET attempts = attempts + 1, claimed_until = ?
			FROM picked, lazy WHERE outbox.id = picked.id RETURNING `+qualified("outbox", outboxColumns),
			tm(now), ks, tm(now), limit(n), tm(now.Add(lease)))
		if err == nil {
			err = s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...)
		}
		if err != nil {
			return nil, fail(op, err)
		}
	} else {
		err = s.inTx(ctx, func(tx *sqlx.Tx) error {
			q, args, err := sqlx.In(sel, tm(now), ks, tm(now), limit(n))
			if err != nil {
				return err
			}
			var ids []int64
			if err := tx.SelectContext(ctx, &ids, tx.Rebind(q), args...); err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil
			}
			q, args, err = sqlx.In(`UPDATE outbox SET attempts = attempts + 1, claimed_until = ?
				WHERE id IN (?) RETURNING `+outboxColumns, tm(now.Add(lease)), ids)
			if err != nil {
				return err
			}
			return tx.SelectContext(ctx, &rows, tx.Rebind(q), args...)
		})
		if err != nil {
			return nil, fail(op, err)
		}
	}
	// RETURNING promises no order.
	slices.SortFunc(rows, func(a, b outboxRow) int { return cmp.Compare(a.ID, b.ID) })
	out, err := outboxMessages(rows)
	if err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// MarkSent records that message id was delivered at at (a zero at takes the
// database's clock). Marking a sent message again changes nothing; a failed
// one is ErrConflict.
func (s *Store) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return s.settle(ctx, fmt.Sprintf("mark outbox %d sent", id), id, appeal.OutboxSent,
		`state = 'sent', sent_at = COALESCE(?, `+s.nowSQL+`)`, tm(at))
}

// MarkRetry gives up the lease on message id: it stays pending and comes due
// at next (at once when next is zero), with reason as its last error. A
// message retried is one that can be routed: it no longer counts as
// undeliverable. ErrConflict when the message is sent or failed already, as
// when its lease ran out and another claimer settled it.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.settle(ctx, fmt.Sprintf("mark outbox %d for retry", id), id, "",
		`next_attempt_at = COALESCE(?, `+s.nowSQL+`), last_error = ?, claimed_until = NULL, undeliverable_since = NULL`,
		tm(next), reason)
}

// MarkUndeliverable gives up the lease on message id, which no one can
// receive now (no chat bound, no leader, no admin): it stays pending, counts
// as undeliverable from at (or from when it first did, if it still does)
// and comes due again at next, or earlier when ReleaseUndeliverable wakes
// it. ErrConflict when the message is sent or failed already.
func (s *Store) MarkUndeliverable(ctx context.Context, id int64, at, next time.Time, reason string) error {
	return s.settle(ctx, fmt.Sprintf("mark outbox %d undeliverable", id), id, "",
		`undeliverable_since = COALESCE(undeliverable_since, ?, `+s.nowSQL+`), next_attempt_at = COALESCE(?, `+s.nowSQL+`),
		last_error = ?, claimed_until = NULL`, tm(at), tm(next), reason)
}

// UndeliverableCount is how many pending messages no one could receive when
// delivery last tried them.
func (s *Store) UndeliverableCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM outbox
		WHERE state = 'pending' AND undeliverable_since IS NOT NULL`); err != nil {
		return 0, fail("count undeliverable outbox", err)
	}
	return n, nil
}

// ReleaseUndeliverable makes every undeliverable message due at at (the
// database's clock when zero), so that delivery tries it again at once:
// after a chat is bound or a role granted, someone may now receive it. It
// wakes delivery as EnqueueMessages does and returns how many it released.
func (s *Store) ReleaseUndeliverable(ctx context.Context, at time.Time) (int64, error) {
	const op = "release undeliverable outbox"
	var n int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET next_attempt_at = COALESCE(?, `+s.nowSQL+`)
			WHERE state = 'pending' AND undeliverable_since IS NOT NULL`), tm(at))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 || s.driver != Postgres {
			return err
		}
		_, err = tx.ExecContext(ctx, `SELECT pg_notify($1, '')`, outboxChannel)
		return err
	})
	if err != nil {
		return 0, fail(op, err)
	}
	if n > 0 {
		s.outboxWritten()
	}
	return n, nil
}

// MarkFailed gives message id up for good at at (a zero at takes the
// database's clock), with reason as its last error. Marking a failed message
// again changes nothing; a sent one is ErrConflict.
func (s *Store) MarkFailed(ctx context.Context, id int64, at time.Time, reason string) error {
	return s.settle(ctx, fmt.Sprintf("mark outbox %d failed", id), id, appeal.OutboxFailed,
		`state = 'failed', failed_at = COALESCE(?, `+s.nowSQL+`), last_error = ?`, tm(at), reason)
}

// settle applies set to pending message id. A message settled already keeps
// its state: that is no error when the state is done, the one set would
// give, and ErrConflict otherwise.
func (s *Store) settle(ctx context.Context, op string, id int64, done, set string, args ...any) error {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE outbox SET `+set+` WHERE id = ? AND state = 'pending'`),
		append(args, id)...)
	if err != nil {
		return fail(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fail(op, err)
	} else if n == 1 {
		return nil
	}
	// Not pending. A settled state never changes again, so this read is
	// final.
	var state string
	if err := s.db.GetContext(ctx, &state, s.db.Rebind(`SELECT state FROM outbox WHERE id = ?`), id); err != nil {
		return fail(op, err)
	}
	if state == done {
		return nil
	}
	return fail(op, fmt.Errorf("message is %s already: %w", state, ErrConflict))
}

// OutboxFor returns the messages of appeal id for recipients of kind, in any
// state, oldest first: for ToUpstream, the history of its callbacks.
// ErrNotFound when the appeal does not exist.
func (s *Store) OutboxFor(ctx context.Context, id appeal.ID, kind appeal.RecipientKind) ([]appeal.OutboxMessage, error) {
	op := fmt.Sprintf("%s outbox of appeal %d", kind, id)
	var rows []outboxRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT `+outboxColumns+` FROM outbox
		WHERE appeal_id = ? AND recipient_kind = ? ORDER BY id`), int64(id), string(kind)); err != nil {
		return nil, fail(op, err)
	}
	if len(rows) == 0 {
		var n int
		if err := s.db.GetContext(ctx, &n, s.db.Rebind(`SELECT COUNT(*) FROM appeals WHERE id = ?`), int64(id)); err != nil {
			return nil, fail(op, err)
		}
		if n == 0 {
			return nil, fail(op, ErrNotFound)
		}
	}
	out, err := outboxMessages(rows)
	if err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// NextOutboxDue returns when the next pending message for one of kinds comes
// due (it may be past), leased ones included, so that a worker can sleep
// until then; false when none is pending.
func (s *Store) NextOutboxDue(ctx context.Context, kinds []appeal.RecipientKind) (time.Time, bool, error) {
	const op = "next outbox due"
	ks, err := kindArgs(kinds)
	if err != nil {
		return time.Time{}, false, fail(op, err)
	}
	q, args, err := sqlx.In(`SELECT MIN(CASE WHEN claimed_until > next_attempt_at THEN claimed_until
		ELSE next_attempt_at END) FROM outbox WHERE state = 'pending' AND recipient_kind IN (?)`, ks)
	if err != nil {
		return time.Time{}, false, fail(op, err)
	}
	var next dbTime
	if err := s.db.GetContext(ctx, &next, s.db.Rebind(q), args...); err != nil {
		return time.Time{}, false, fail(op, err)
	}
	return next.Time, !next.IsZero(), nil
}

// kindArgs are kinds as query arguments. No kinds is an error rather than
// nothing to do, so that a worker configured without any does not idle
// quietly forever.
func kindArgs(kinds []appeal.RecipientKind) ([]string, error) {
	if len(kinds) == 0 {
		return nil, errors.New("no recipient kinds")
	}
	ks := make([]string, len(kinds))
	for i, k := range kinds {
		ks[i] = string(k)
	}
	return ks, nil
}

// MarkDelivered records d; a zero d.At takes the database's clock. Recording
// a delivery again changes nothing, the first record stands. ErrNotFound
// when the outbox message does not exist.
func (s *Store) MarkDelivered(ctx context.Context, d appeal.Delivery) error {
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO outbox_deliveries
		(outbox_id, network, chat_id, topic_id, message_id, delivered_at)
		VALUES (?, ?, ?, ?, ?, COALESCE(?, `+s.nowSQL+`))
		ON CONFLICT (outbox_id, network, chat_id, topic_id) DO NOTHING`),
		d.OutboxID, d.Network, d.ChatID, d.TopicID, d.MessageID, tm(d.At)); err != nil {
		return fail(fmt.Sprintf("mark outbox %d delivered to %s/%s", d.OutboxID, d.Network, d.ChatID), err)
	}
	return nil
}

// Deliveries returns the chats outbox message outboxID has reached, in the
// order it reached them.
func (s *Store) Deliveries(ctx context.Context, outboxID int64) ([]appeal.Delivery, error) {
	var rows []struct {
		OutboxID    int64  `db:"outbox_id"`
		Network     string `db:"network"`
		ChatID      string `db:"chat_id"`
		TopicID     string `db:"topic_id"`
		MessageID   string `db:"message_id"`
		DeliveredAt dbTime `db:"delivered_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT outbox_id, network, chat_id, topic_id,
		message_id, delivered_at FROM outbox_deliveries WHERE outbox_id = ?
		ORDER BY delivered_at, network, chat_id, topic_id`), outboxID); err != nil {
		return nil, fail(fmt.Sprintf("deliveries of outbox %d", outboxID), err)
	}
	out := make([]appeal.Delivery, 0, len(rows))
	for _, r := range rows {
		out = append(out, appeal.Delivery{OutboxID: r.OutboxID, Network: r.Network, ChatID: r.ChatID,
			TopicID: r.TopicID, MessageID: r.MessageID, At: r.DeliveredAt.Time})
	}
	return out, nil
}

// ReleaseClaims ends every claim on pending rows of kinds, so that they can
// be claimed at once. A worker that becomes the only one delivering these
// kinds calls it: the claims of one that died would otherwise hold its rows
// until their leases ran out. Rows waiting for a retry keep waiting.
func (s *Store) ReleaseClaims(ctx context.Context, kinds []appeal.RecipientKind) (int64, error) {
	const op = "release outbox claims"
	ks, err := kindArgs(kinds)
	if err != nil {
		return 0, fail(op, err)
	}
	q, args, err := sqlx.In(`UPDATE outbox SET claimed_until = NULL
		WHERE state = 'pending' AND claimed_until IS NOT NULL AND recipient_kind IN (?)`, ks)
	if err != nil {
		return 0, fail(op, err)
	}
	res, err := s.db.ExecContext(ctx, s.db.Rebind(q), args...)
	if err != nil {
		return 0, fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fail(op, err)
	}
	return n, nil
}

// RecordSend records in one transaction what one sent message did: the
// cards it posted and the chats it reached. One commit keeps the window in
// which a crash makes a message go out twice as short as it can be.
func (s *Store) RecordSend(ctx context.Context, cards []appeal.Card, deliveries []appeal.Delivery) error {
	const op = "record send"
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, c := range cards {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO cards
				(appeal_id, network, chat_id, topic_id, message_id, digest, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, `+s.nowSQL+`, `+s.nowSQL+`)
				ON CONFLICT (appeal_id, network, chat_id, topic_id) DO UPDATE SET
					message_id = excluded.message_id, digest = excluded.digest, updated_at = excluded.updated_at`),
				int64(c.AppealID), c.Network, c.ChatID, c.TopicID, c.MessageID, c.Digest); err != nil {
				return err
			}
		}
		for _, d := range deliveries {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO outbox_deliveries
				(outbox_id, network, chat_id, topic_id, message_id, delivered_at)
				VALUES (?, ?, ?, ?, ?, COALESCE(?, `+s.nowSQL+`))
				ON CONFLICT (outbox_id, network, chat_id, topic_id) DO NOTHING`),
				d.OutboxID, d.Network, d.ChatID, d.TopicID, d.MessageID, tm(d.At)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fail(op, err)
	}
	return nil
}

// RecentDeliveries returns the messages delivered to chats of network since
// since, in the order they went, one per call the network took: a new
// delivery leader learns from them what its budgets have spent already.
// Sends and edits both spend them. A message that covered several rows (a
// digest, or the merged edits of a card) is recorded for each of them
// with one time, and counts once; an edit has the id of the card it
// edited, and counts apart from it by its own time.
func (s *Store) RecentDeliveries(ctx context.Context, network string, since time.Time) ([]appeal.Delivery, error) {
	var rows []struct {
		ChatID    string `db:"chat_id"`
		MessageID string `db:"message_id"`
		At        dbTime `db:"delivered_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT DISTINCT chat_id, message_id, delivered_at
		FROM outbox_deliveries WHERE network = ? AND delivered_at > ? AND message_id <> ''
		ORDER BY delivered_at, chat_id, message_id`), network, tm(since)); err != nil {
		return nil, fail("recent deliveries", err)
	}
	out := make([]appeal.Delivery, 0, len(rows))
	for _, r := range rows {
		out = append(out, appeal.Delivery{Network: network, ChatID: r.ChatID, MessageID: r.MessageID, At: r.At.Time})
	}
	return out, nil
}

// qualified prefixes each of a comma-separated list of columns with table,
// for statements that join tables sharing column names.
func qualified(table, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = table + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
