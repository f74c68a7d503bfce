package storage

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// DB exposes the handle to the suite, for counting rows and for raw SQL.
func (s *Store) DB() *sqlx.DB { return s.db }

// TimeArg is t as the store passes a time to the database.
func TimeArg(t time.Time) any { return tm(t) }

// BackendPID is the PostgreSQL backend that holds l's lock (0 on SQLite),
// so that a test can end its session.
func (l *Lease) BackendPID() int { return l.pid }

// MigrateTo applies the migrations up to version alone, so that a test
// can store rows as an older release did and then migrate them.
func (s *Store) MigrateTo(ctx context.Context, version int) error { return s.migrate(ctx, version) }

// SetBuildHooks makes the figures build read batch appeals a step and call
// stepped after each step.
func (s *Store) SetBuildHooks(batch int, stepped func(progress int64)) {
	s.figHooks = buildHooks{batch: batch, stepped: stepped}
}

// ForgetFigures puts the store as migration 0013 leaves one with history:
// no facts, no sums, the build not begun, and writes keeping none.
func (s *Store) ForgetFigures(ctx context.Context) error {
	s.figReady.Store(false)
	for _, q := range []string{`DELETE FROM kpi_facts`, `DELETE FROM kpi_pending`, `DELETE FROM kpi_sums`,
		`DELETE FROM kpi_hist`, `UPDATE kpi_build SET zone = '', progress = 0, done = 0`} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// HoldFigureReaders takes n of the figures readers' turns, as n requests
// being answered would, until release is called.
func (s *Store) HoldFigureReaders(n int) (release func()) {
	for range n {
		s.figSem <- struct{}{}
	}
	return func() {
		for range n {
			<-s.figSem
		}
	}
}

// ObserveIntakes calls fn with the size of every batch of intakes stored
// and the number of transactions it took.
func (s *Store) ObserveIntakes(fn func(size, txs int)) { s.intake.ran = fn }

// QueuedIntakes is the number of intakes waiting for a batch.
func (s *Store) QueuedIntakes() int {
	s.intake.mu.Lock()
	defer s.intake.mu.Unlock()
	return len(s.intake.queue)
}

// HoldNumbers keeps intakes from numbering, as a long transaction of
// another intake would, until release is called.
func (s *Store) HoldNumbers(ctx context.Context) (release func(), err error) {
	if s.driver == SQLite {
		s.writeMu.Lock()
		return s.writeMu.Unlock, nil
	}
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, numberLock); err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, numberLock)
		conn.Close()
	}, nil
}

// ObserveStatements calls fn with every statement a transaction's runner
// sends, bound for the driver.
func (s *Store) ObserveStatements(fn func(query string)) { s.stmts.sent = fn }

// Batched runs fn in a transaction, with exec and get of a runner that
// batches writes (txq.batched).
func (s *Store) Batched(ctx context.Context, fn func(exec func(query string, args ...any) error,
	get func(dest any, query string, args ...any) error) error) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		return s.q(ctx, tx).batched(func(q txq) error { return fn(q.exec, q.get) })
	})
}
