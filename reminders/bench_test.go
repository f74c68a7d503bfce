package reminders_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/reminders"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// BenchmarkScan times one scan that finds 1,000 appeals due among many
// stored (a tenth of them open, each with a history of stages recorded in
// earlier rounds and repeats), on PostgreSQL, and logs the plan of the due
// query. Run it with
//
//	go test -run '^$' -bench BenchmarkScan -benchtime 20x -v ./reminders/
//
// The time must not grow with the number stored: compare the two sizes.
func BenchmarkScan(b *testing.B) {
	for _, stored := range []int{100_000, 1_000_000} {
		// The database outlives the sub-benchmark's calibration run, so
		// that it is seeded once.
		cfg := storagetest.Config(b, storage.Postgres)
		seeded := false
		b.Run(fmt.Sprintf("stored=%d", stored), func(b *testing.B) {
			benchScan(b, cfg, !seeded, stored, stored/10, 1000)
			seeded = true
		})
	}
}

func benchScan(b *testing.B, cfg storage.Config, seed bool, stored, open, due int) {
	ctx := context.Background()
	s, err := storage.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("postgres", cfg.DatabaseURL)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)

	if seed {
		seedAppeals(b, db, now, stored, open, due)
	}

	sc, err := reminders.New(
		s, reminders.Options{Policy: appeal.ReminderPolicy{NudgeShare: 0.5, SupervisionAfter: 24 * time.Hour},
			Calendars: appeal.Calendars{Days: s}, Timezone: "Asia/Shanghai"},
		func() time.Time { return now }, nil)
	if err != nil {
		b.Fatal(err)
	}
	reset := func() {
		// The stages the scan recorded (at now) go; the seeded history stays.
		if _, err := db.ExecContext(ctx, `DELETE FROM reminder_stages WHERE at = $1`, now); err != nil {
			b.Fatal(err)
		}
		for _, q := range []string{`DELETE FROM appeal_events`, `DELETE FROM outbox`} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := db.ExecContext(ctx, `UPDATE appeals SET next_action_at = $1 WHERE id <= $2`, now, due); err != nil {
			b.Fatal(err)
		}
	}
	reset()
	plan, err := s.ExplainDue(ctx, now, reminders.DefaultBatch, true)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("plan of the due query:\n%s", plan)

	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		reset()
		b.StartTimer()
		n, err := sc.Scan(ctx, now)
		if err != nil {
			b.Fatal(err)
		}
		if n != due {
			b.Fatalf("scanned %d appeals, want %d", n, due)
		}
	}
	b.StopTimer()
	var msgs int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&msgs); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(msgs), "msgs/scan")
}

// seedAppeals stores `stored` appeals in a few statements: closed ones
// without a next action, `open` assigned ones due later, and the first
// `due` of them due at now; every open one has a history of eleven stages
// recorded in earlier rounds (a nudge and ten daily repeats), which the
// scan reads past.
func seedAppeals(b *testing.B, db *sql.DB, now time.Time, stored, open, due int) {
	ctx := context.Background()
	start := time.Now()
	for i := range 10 {
		if _, err := db.ExecContext(ctx, `INSERT INTO departments (code, name, timezone, sla, created_at)
			VALUES ($1, $1, 'Asia/Shanghai', '{}', $2)`, fmt.Sprintf("d%d", i), now); err != nil {
			b.Fatal(err)
		}
	}
	// One statement: closed appeals without a next action, open ones due
	// later, and the first `due` of them due now.
	if _, err := db.ExecContext(ctx, `INSERT INTO appeals (source, external_id, title, body, priority, received_at,
			department_code, status, claim_by, answer_by, resolve_by, assigned_at, closed_at, next_action_at,
			created_at, updated_at)
		SELECT 'bench', 'b-' || g, '路灯不亮 ' || g, '长安街的路灯坏了。', 'normal', $1::timestamptz - interval '30 days',
			'd' || (g % 10),
			CASE WHEN g <= $2 THEN 'assigned' ELSE 'closed' END,
			$1::timestamptz + interval '1 hour', $1::timestamptz + interval '1 day', $1::timestamptz + interval '3 days',
			$1::timestamptz - interval '1 hour',
			CASE WHEN g > $2 THEN $1::timestamptz - interval '1 day' END,
			CASE WHEN g <= $3 THEN $1::timestamptz
			     WHEN g <= $2 THEN $1::timestamptz + (g % 600 + 1) * interval '1 minute' END,
			$1::timestamptz - interval '30 days', $1::timestamptz
		FROM generate_series(1, $4) g`, now, open, due, stored); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO reminder_stages (appeal_id, round, stage, sent, at)
		SELECT g, $1::timestamptz - interval '20 days', 'claim_nudge', true, $1::timestamptz - interval '20 days'
		FROM generate_series(1, $2) g
		UNION ALL
		SELECT g, $1::timestamptz - interval '20 days' + d * interval '1 day', 'repeat', true,
			$1::timestamptz - interval '20 days' + d * interval '1 day'
		FROM generate_series(1, $2) g, generate_series(1, 10) d`, now, open); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d appeals (%d open, %d due) in %v", stored, open, due, time.Since(start).Round(time.Millisecond))

}
