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
	for _, q := range []string{`DELETE FROM kpi_facts`, `DELETE FROM kpi_sums`, `DELETE FROM kpi_hist`,
		`UPDATE kpi_build SET zone = '', progress = 0, done = 0`} {
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
