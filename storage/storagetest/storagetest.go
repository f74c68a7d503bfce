// Package storagetest gives tests a migrated store on either backend, each
// in a database of its own, so that packages testing in parallel processes
// never see each other's rows.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/appealbot/appealbot/storage"
)

// Backends names every backend the storage suite runs against.
var Backends = []string{storage.SQLite, storage.Postgres}

// DefaultPostgresURL is the server used when APPEALBOT_TEST_DATABASE_URL is
// not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PostgresURL returns the URL of a fresh, empty database created for this
// test and dropped in t.Cleanup. The server is APPEALBOT_TEST_DATABASE_URL,
// DefaultPostgresURL when unset. A server that cannot be reached fails the
// test, unless APPEALBOT_SKIP_POSTGRES=1, which skips it: a missing database
// should never turn into silently green tests.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("APPEALBOT_TEST_DATABASE_URL")
	if base == "" {
		base = DefaultPostgresURL
	}
	unreachable := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("APPEALBOT_SKIP_POSTGRES") == "1" {
			t.Skipf("postgres: "+format+" (APPEALBOT_SKIP_POSTGRES=1)", args...)
		}
		t.Fatalf("postgres: "+format+"; set APPEALBOT_TEST_DATABASE_URL, or APPEALBOT_SKIP_POSTGRES=1 to skip", args...)
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("APPEALBOT_TEST_DATABASE_URL must be a postgres:// URL")
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		unreachable("open: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		unreachable("cannot reach %s: %v", u.Redacted(), err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "appealbot_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("postgres: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", base)
		if err != nil {
			t.Errorf("postgres: drop database %s: %v", name, err)
			return
		}
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("postgres: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// Config returns the configuration of a fresh, empty database of the named
// backend ("postgres" or "sqlite"), removed when the test ends.
func Config(t testing.TB, backend string) storage.Config {
	t.Helper()
	switch backend {
	case storage.Postgres:
		return storage.Config{DatabaseURL: PostgresURL(t)}
	case storage.SQLite:
		return storage.Config{DataDir: t.TempDir()}
	}
	t.Fatalf("storagetest: unknown backend %q", backend)
	return storage.Config{}
}

// Open returns a migrated store on a fresh database of the named backend,
// closed when the test ends.
func Open(t testing.TB, backend string) *storage.Store {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, Config(t, backend), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("storagetest: %v", err)
		}
	})
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	return s
}
