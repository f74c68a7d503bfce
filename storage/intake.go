package storage

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

// Intake commits appeals in batches.
//
// Public numbers have no gaps (a duplicate, or an intake that fails and
// rolls back, consumes none), so numbering is serial: from taking the
// highest number to the commit that makes it visible, no other intake may
// number. Done one appeal per transaction, every intake would wait for the
// commits (and their flush to disk) of all those before it, and throughput
// would be one appeal per commit. Instead the intakes that arrive while a
// transaction is committing wait together, and the next transaction numbers
// and stores all of them under one lock and one commit. An intake that
// arrives when none is running starts its transaction at once, so a lone
// intake waits for nothing.
//
// If a batch fails, each of its appeals is tried again alone, so one bad
// appeal fails only its own intake.

// maxIntakeBatch bounds the appeals of one transaction, so that no intake
// waits for more than a bounded amount of work before its own.
const maxIntakeBatch = 64

// intakeTimeout bounds one batch's transaction. The batch does not run
// under any one caller's context: a caller that gives up must not fail the
// appeals of the others.
const intakeTimeout = time.Minute

// intakeReq is one CreateAppeal waiting for its batch.
type intakeReq struct {
	ctx    context.Context
	a      appeal.Appeal
	events []appeal.Event
	msgs   []appeal.Message

	stored  appeal.Appeal
	created bool
	err     error
	// turn is told true when this request is to run the next batch
	// (the requests queued behind it included), false when its batch ran.
	turn chan bool
}

// intakeQueue holds the intakes waiting for a batch; busy says a batch is
// running, and that whoever runs it hands the queue on.
type intakeQueue struct {
	mu    sync.Mutex
	queue []*intakeReq
	busy  bool
	// ran, when set (by tests), is told the size of every batch stored
	// and the number of transactions it took.
	ran func(size, txs int)
}

// CreateAppeal inserts a with its events and messages in one transaction.
// When an appeal with the same source and external id exists, it returns
// that appeal with created false and writes nothing: the check runs under
// the numbering lock, and the unique key decides besides, so concurrent
// duplicates cannot both get in.
//
// The new appeal's number is the highest number stored plus one, taken in
// the transaction under numberLock, so that numbers have no gaps (a
// sequence would leave one for every rollback, since its values are never
// given back). Concurrent intakes share transactions (see intakeQueue).
func (s *Store) CreateAppeal(ctx context.Context, a appeal.Appeal, events []appeal.Event, msgs []appeal.Message) (appeal.Appeal, bool, error) {
	r := &intakeReq{ctx: ctx, a: a, events: events, msgs: msgs, turn: make(chan bool, 1)}
	q := &s.intake
	q.mu.Lock()
	q.queue = append(q.queue, r)
	lead := !q.busy
	q.busy = true
	q.mu.Unlock()
	if !lead {
		lead = <-r.turn
	}
	if lead {
		s.runIntakes()
	}
	if r.err != nil {
		return appeal.Appeal{}, false, fail("create appeal", r.err)
	}
	return r.stored, r.created, nil
}

// runIntakes takes the queued intakes (the caller's among them), stores
// them, tells each that its batch ran, and hands the queue to the first
// intake that arrived meanwhile.
func (s *Store) runIntakes() {
	q := &s.intake
	q.mu.Lock()
	n := min(len(q.queue), maxIntakeBatch)
	batch := q.queue[:n:n]
	q.queue = q.queue[n:]
	q.mu.Unlock()

	defer func() {
		// Whatever happens to this batch, the queue moves on: a panic
		// here must not leave every later intake waiting.
		p := recover()
		if p != nil {
			for _, r := range batch {
				r.err = fmt.Errorf("intake batch: %v", p)
			}
		}
		s.handOn(batch)
		if p != nil {
			panic(p)
		}
	}()
	txs := s.storeIntakes(batch)
	if q.ran != nil {
		q.ran(len(batch), txs)
	}
}

// handOn tells each request of batch that it ran and hands the queue to
// the first request that arrived meanwhile, or marks the queue idle.
func (s *Store) handOn(batch []*intakeReq) {
	q := &s.intake
	q.mu.Lock()
	var next *intakeReq
	if len(q.queue) > 0 {
		next = q.queue[0]
	} else {
		q.busy = false
	}
	q.mu.Unlock()
	for _, r := range batch {
		r.turn <- false
	}
	if next != nil {
		next.turn <- true
	}
}

// storeIntakes stores batch in one transaction, or, if that fails, each of
// its requests in a transaction of its own. It returns the number of
// transactions tried.
func (s *Store) storeIntakes(batch []*intakeReq) int {
	live := batch[:0:0]
	for _, r := range batch {
		if r.err = r.ctx.Err(); r.err == nil {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return 0
	}
	if s.tryIntakes(live) == nil || len(live) == 1 {
		return 1
	}
	for _, r := range live {
		_ = s.tryIntakes([]*intakeReq{r})
	}
	return 1 + len(live)
}

// tryIntakes stores batch in one transaction. On failure every request of
// batch holds the error and nothing of it is stored.
func (s *Store) tryIntakes(batch []*intakeReq) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(batch[0].ctx), intakeTimeout)
	defer cancel()
	written := false
	for _, r := range batch {
		r.err = nil
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if s.driver == Postgres {
			// Released at commit or rollback. On SQLite the transaction
			// holds the only write lock already.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, numberLock); err != nil {
				return err
			}
		}
		q := s.q(ctx, tx)
		var next int64
		if err := q.get(&next, `SELECT COALESCE(MAX(id), 0) + 1 FROM appeals`); err != nil {
			return err
		}
		last, w, err := s.storeBatch(q, batch, next)
		if err != nil {
			return err
		}
		written = w
		if s.driver != Postgres {
			return nil
		}
		switch {
		case last >= next:
			// Bulk loads (InsertAppeals) still number from the column's
			// sequence: keep it past every number given here. The
			// outbox's listeners are woken in the same round trip.
			_, err = tx.ExecContext(ctx, `SELECT setval('appeals_id_seq',
				GREATEST($1, (SELECT last_value FROM appeals_id_seq))),
				CASE WHEN $2 THEN pg_notify($3, '') END`, last, written, outboxChannel)
		case written:
			err = notifyOutbox(ctx, tx)
		}
		return err
	})
	if err != nil {
		for _, r := range batch {
			r.stored, r.created, r.err = appeal.Appeal{}, false, err
		}
		return err
	}
	if written {
		s.outboxWritten()
	}
	return nil
}

// intakeKey is an appeal's identity upstream.
type intakeKey struct{ source, externalID string }

// storeBatch gives the new appeals of batch the numbers from next on and
// writes them with their events, messages and facts, a statement for many
// appeals at a time; a request for an appeal already stored, or one earlier
// in batch, gets that appeal. It returns the last number given (next-1 when
// none) and whether it wrote to the outbox.
func (s *Store) storeBatch(q txq, batch []*intakeReq, next int64) (int64, bool, error) {
	ctx, tx := q.ctx, q.tx
	known, err := knownAppeals(q, batch)
	if err != nil {
		return 0, false, err
	}
	var fresh []*intakeReq
	first := map[intakeKey]*intakeReq{}
	var later []*intakeReq // repeats of a fresh appeal of this batch
	for _, r := range batch {
		k := intakeKey{r.a.Source, r.a.ExternalID}
		if id, ok := known[k]; ok {
			if r.stored, err = s.appeal(ctx, tx, appeal.ID(id), false); err != nil {
				return 0, false, err
			}
			r.created = false
			continue
		}
		if _, ok := first[k]; ok {
			later = append(later, r)
			continue
		}
		first[k] = r
		r.a.ID = appeal.ID(next)
		next++
		fresh = append(fresh, r)
	}
	if len(fresh) == 0 {
		return next - 1, false, nil
	}
	if err := insertAppealRows(q, fresh); err != nil {
		return 0, false, err
	}
	for _, r := range fresh {
		if len(r.a.Attachments) == 0 {
			continue
		}
		if err := insertAttachments(ctx, tx, r.a.ID, 0, r.a.Attachments); err != nil {
			return 0, false, err
		}
		if r.stored.Attachments, err = readAttachments(ctx, tx, tx.Rebind, r.a.ID); err != nil {
			return 0, false, err
		}
	}
	logs := make([]appealLog, len(fresh))
	for i, r := range fresh {
		logs[i] = appealLog{r.a, r.events}
	}
	var out []queuedMsg
	// The log, the messages and the facts in one statement on PostgreSQL.
	err = q.batched(func(q txq) error {
		var err error
		if out, err = appendLogs(q, logs); err != nil {
			return err
		}
		for _, r := range fresh {
			for _, m := range r.msgs {
				if m.AppealID == 0 {
					m.AppealID = r.a.ID
				}
				out = append(out, queuedMsg{m, r.a.CreatedAt})
			}
		}
		if err := s.insertOutbox(q, out); err != nil {
			return err
		}
		if !s.figReady.Load() {
			return nil
		}
		env := &txEnv{ctx: ctx, tx: tx, cfg: s.fig}
		w := newFactWrites()
		for _, r := range fresh {
			if err := s.newAppealFacts(env, w, r.stored, r.events); err != nil {
				return err
			}
		}
		return w.flush(q)
	})
	if err != nil {
		return 0, false, err
	}
	for _, r := range later {
		f := first[intakeKey{r.a.Source, r.a.ExternalID}]
		r.stored, r.created = f.stored, false
	}
	return next - 1, len(out) > 0, nil
}

// knownAppeals returns the numbers of the appeals of batch already stored.
func knownAppeals(q txq, batch []*intakeReq) (map[intakeKey]int64, error) {
	keys := make([][]any, len(batch))
	for i, r := range batch {
		keys[i] = []any{r.a.Source, r.a.ExternalID}
	}
	known := map[intakeKey]int64{}
	err := eachChunk(keys, func(chunk [][]any) error {
		query, args := tuplesSQL(`SELECT id, source, external_id FROM appeals WHERE (source, external_id) IN (`,
			"(?, ?)", ")", chunk)
		rows, err := q.queryx(query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var k intakeKey
			if err := rows.Scan(&id, &k.source, &k.externalID); err != nil {
				return err
			}
			known[k] = id
		}
		return rows.Err()
	})
	return known, err
}

// insertAppealRows inserts the appeals of fresh, numbered already, and sets
// each request's stored appeal to the row as stored. A new appeal has no
// answers: the row and its intake links are the whole of it.
func insertAppealRows(q txq, fresh []*intakeReq) error {
	rows := make([][]any, len(fresh))
	for i, r := range fresh {
		_, args, err := sqlx.Named(appealTuple, toAppealRow(r.a))
		if err != nil {
			return err
		}
		rows[i] = args
	}
	byID := make(map[int64]*intakeReq, len(fresh))
	for _, r := range fresh {
		byID[int64(r.a.ID)] = r
	}
	return eachChunk(rows, func(chunk [][]any) error {
		query, args := tuplesSQL(`INSERT INTO appeals (`+appealColumns+`) VALUES `, appealPlaceholders,
			` RETURNING `+appealColumns, chunk)
		var back []appealRow
		if err := q.sel(&back, query, args...); err != nil {
			return err
		}
		for _, b := range back {
			if r := byID[b.ID]; r != nil {
				r.stored, r.created = b.appeal(), true
			}
		}
		return nil
	})
}

// appealTuple names appealColumns as parameters, in order; appealPlaceholders
// is the same tuple with '?'.
var appealTuple, appealPlaceholders = func() (string, string) {
	cols := strings.Split(appealColumns, ",")
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = ":" + strings.TrimSpace(c)
	}
	return "(" + strings.Join(names, ", ") + ")", "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
}()

// queuedMsg is a message to write with the time it is due.
type queuedMsg struct {
	m  appeal.Message
	at time.Time
}

// appealLog is events to append to the log of appeal a.
type appealLog struct {
	a      appeal.Appeal
	events []appeal.Event
}

// appendLogs appends the events of logs and returns the callbacks to queue
// behind them (appeal.CallbackMessage): every such event is told exactly
// once, in the order of the log. Events that are told upstream are
// inserted one by one, for their ids; the others many at a time, in log
// order all the same, so that ids follow the log.
func appendLogs(q txq, logs []appealLog) ([]queuedMsg, error) {
	var rows [][]any
	flush := func() error {
		err := insertRows(q, `INSERT INTO appeal_events
			(appeal_id, at, kind, actor_id, from_status, to_status, department_code, note, outcome, via) VALUES `, rows)
		rows = nil
		return err
	}
	var out []queuedMsg
	for _, l := range logs {
		for _, e := range l.events {
			e.AppealID = l.a.ID
			if _, ok := appeal.CallbackMessage(l.a, e); !ok {
				rows = append(rows, eventValues(e))
				continue
			}
			if err := flush(); err != nil {
				return nil, err
			}
			id, err := insertEvent(q, e)
			if err != nil {
				return nil, err
			}
			e.ID = id
			m, _ := appeal.CallbackMessage(l.a, e)
			out = append(out, queuedMsg{m, e.At})
		}
	}
	return out, flush()
}

// insertOutbox writes rows to the outbox, many at a time.
func (s *Store) insertOutbox(q txq, rows []queuedMsg) error {
	if len(rows) == 0 {
		return nil
	}
	vals := make([][]any, len(rows))
	for i, r := range rows {
		args, err := encodeArgs(r.m.Args)
		if err != nil {
			return err
		}
		vals[i] = []any{nullID(r.m.AppealID), string(r.m.Kind), string(r.m.To.Kind), r.m.To.Ref, args, tm(r.at), tm(r.at)}
	}
	return insertTuples(q, `INSERT INTO outbox (appeal_id, kind, recipient_kind, recipient_ref, args,
		state, attempts, next_attempt_at, created_at) VALUES `,
		`(?, ?, ?, ?, ?, 'pending', 0, COALESCE(?, `+s.nowSQL+`), COALESCE(?, `+s.nowSQL+`))`, "", vals)
}
