package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestBatchedWrites: on PostgreSQL a batched runner sends writes to
// different tables as one statement, sends what it holds before a write
// to a table it already holds one for and before any read (which so sees
// every write before it), and the rest when the function returns; a write
// that fails fails the transaction. On SQLite it sends each at once.
func TestBatchedWrites(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			s := storagetest.Open(t, backend)
			ctx := context.Background()
			var sent []string
			s.ObserveStatements(func(q string) { sent = append(sent, q) })
			now := time.Now().UTC()
			var seen int
			err := s.Batched(ctx, func(exec func(string, ...any) error, get func(any, string, ...any) error) error {
				for _, w := range []struct {
					q    string
					args []any
				}{
					{`INSERT INTO calendar_days (day, kind) VALUES (?, 'holiday')`, []any{"2026-10-01"}},
					{`INSERT INTO sync_state (network, key, value, updated_at) VALUES (?, ?, ?, ?)`, []any{"t", "k1", "v1", now}},
					{`INSERT INTO calendar_days (day, kind) VALUES (?, 'holiday')`, []any{"2026-10-02"}},
				} {
					if err := exec(w.q, w.args...); err != nil {
						return err
					}
				}
				if err := get(&seen, `SELECT COUNT(*) FROM calendar_days`); err != nil {
					return err
				}
				return exec(`UPDATE sync_state SET value = ? WHERE network = ? AND key = ?`, "v2", "t", "k1")
			})
			if err != nil {
				t.Fatal(err)
			}
			if seen != 2 {
				t.Errorf("the read saw %d days, want the 2 written before it", seen)
			}
			var value string
			if err := s.DB().Get(&value, `SELECT value FROM sync_state WHERE key = 'k1'`); err != nil || value != "v2" {
				t.Errorf("sync_state k1 = %q, %v; want v2, the write held to the end", value, err)
			}
			if n := count(t, s, "calendar_days"); n != 2 {
				t.Errorf("%d calendar days stored, want 2", n)
			}
			want := 5 // each at once
			if backend == storage.Postgres {
				want = 4
				if !strings.HasPrefix(sent[0], "WITH w0 AS (INSERT INTO calendar_days") || !strings.Contains(sent[0], "INSERT INTO sync_state") {
					t.Errorf("first statement %q: want the two writes to different tables together", sent[0])
				}
				if !strings.HasPrefix(sent[1], "INSERT INTO calendar_days") || !strings.HasPrefix(sent[2], "SELECT") ||
					!strings.HasPrefix(sent[3], "UPDATE sync_state") {
					t.Errorf("statements %q: want the second day alone before the read, the update last", sent[1:])
				}
			} else {
				for _, q := range sent {
					if strings.HasPrefix(q, "WITH") {
						t.Errorf("SQLite sent %q: want each write alone", q)
					}
				}
			}
			if len(sent) != want {
				t.Errorf("%d statements sent, want %d: %q", len(sent), want, sent)
			}

			// A held write that fails fails the whole transaction.
			err = s.Batched(ctx, func(exec func(string, ...any) error, _ func(any, string, ...any) error) error {
				if err := exec(`INSERT INTO sync_state (network, key, value, updated_at) VALUES (?, ?, ?, ?)`, "t", "k2", "v", now); err != nil {
					return err
				}
				return exec(`INSERT INTO calendar_days (day, kind) VALUES (?, 'holiday')`, "2026-10-01")
			})
			if err == nil {
				t.Fatal("a repeated day was accepted")
			}
			if n := count(t, s, "sync_state"); n != 1 {
				t.Errorf("%d sync_state rows after the failed batch, want 1", n)
			}
		})
	}
}

// TestIntakeWritesTogether: on PostgreSQL an intake sends its log, its
// card and its facts (the facts, the deadlines and the sums) in one
// statement, so keeping the figures adds no round trip to it.
func TestIntakeWritesTogether(t *testing.T) {
	s := storagetest.Open(t, storage.Postgres)
	ctx := context.Background()
	svc := appeal.NewService(s, time.Now, "Asia/Shanghai")
	if _, err := svc.SaveDepartment(ctx, appeal.Department{Code: "water", Name: "供水"}); err != nil {
		t.Fatal(err)
	}
	var sent []string
	s.ObserveStatements(func(q string) { sent = append(sent, q) })
	if _, _, err := svc.Intake(ctx, appeal.Intake{Source: "hotline", ExternalID: "1", Title: "停水", Body: "两小时",
		Department: "water"}); err != nil {
		t.Fatal(err)
	}
	var writes []string
	for _, q := range sent {
		if strings.Contains(q, "INSERT INTO appeal_events") {
			writes = append(writes, q)
		}
	}
	if len(writes) != 1 {
		t.Fatalf("statements writing events: %q; want one", writes)
	}
	for _, table := range []string{"outbox", "kpi_facts", "kpi_pending", "kpi_sums"} {
		if !strings.Contains(writes[0], "INSERT INTO "+table) {
			t.Errorf("the log's statement does not write %s: %q", table, writes[0])
		}
	}
}
