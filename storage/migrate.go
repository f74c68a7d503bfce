package storage

import (
	"context"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"

	"github.com/jmoiron/sqlx"
)

// The migrations, one directory per driver. Files are named NNNN_name.sql and
// applied in order of NNNN; once shipped, a file is never edited.
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFS embed.FS

// migrationLock is the PostgreSQL advisory lock key held while migrating
// ("appealbt" in ASCII), so that instances starting together take turns.
const migrationLock int64 = 0x61707065616c6274

var migrationName = regexp.MustCompile(`^(\d{4})_[a-z0-9_]+\.sql$`)

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the driver's migrations in order.
func migrations(driverName string) ([]migration, error) {
	dir := "migrations/" + driverName
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries { // ReadDir sorts by name, which sorts by NNNN.
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %s/%s: name is not NNNN_name.sql", dir, e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if len(ms) > 0 && v <= ms[len(ms)-1].version {
			return nil, fmt.Errorf("migration %s/%s: version %d repeats or goes back", dir, e.Name(), v)
		}
		b, err := migrationFS.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	return ms, nil
}

// Migrate brings the schema up to date: each migration not yet recorded in
// schema_migrations is applied in its own transaction together with its
// version row. On PostgreSQL an advisory lock serialises instances that
// start at the same time; on SQLite every transaction takes the write lock
// at its start, and a migration is skipped when another process recorded
// it first. Running Migrate on an up-to-date database changes nothing.
//
// It then builds the figures from the existing log once (BuildFigures).
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.migrate(ctx, 0); err != nil {
		return err
	}
	return s.BuildFigures(ctx)
}

// migrate is Migrate up to version upTo; 0 is the last.
func (s *Store) migrate(ctx context.Context, upTo int) error {
	ms, err := migrations(s.driver)
	if err != nil {
		return fmt.Errorf("storage: migrate: %w", err)
	}
	for i, m := range ms {
		if upTo > 0 && m.version > upTo {
			ms = ms[:i]
			break
		}
	}
	// One dedicated connection: an advisory lock belongs to a session, and
	// the migrations must run under it.
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("storage: migrate: %w", err)
	}
	defer conn.Close()
	if s.driver == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
			return fmt.Errorf("storage: migrate: lock: %w", err)
		}
		defer func() {
			// Unlock even when ctx is done; if that fails, discard the
			// connection, which ends the session and so frees the lock.
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock); err != nil {
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	create := `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY,
		applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`
	if s.driver == SQLite {
		create = `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			applied_at TEXT NOT NULL DEFAULT ` + s.nowSQL + `) STRICT`
	}
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("storage: migrate: %w", err)
	}
	applied := 0
	for _, m := range ms {
		done, err := s.applyMigration(ctx, conn, m)
		if err != nil {
			return fmt.Errorf("storage: migrate: %s: %w", m.name, err)
		}
		if done {
			applied++
			s.log.Info("migration applied", "driver", s.driver, "version", m.version, "name", m.name)
		}
	}
	if applied == 0 {
		s.log.Debug("schema up to date", "driver", s.driver, "version", ms[len(ms)-1].version)
	}
	return nil
}

// applyMigration applies m unless it is recorded already and reports whether
// it did.
func (s *Store) applyMigration(ctx context.Context, conn *sqlx.Conn, m migration) (bool, error) {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	var n int
	if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.version); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO schema_migrations (version) VALUES (?)`), m.version); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
