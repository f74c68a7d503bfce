package metrics_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"testing"
	"time"

	_ "github.com/lib/pq"
	dto "github.com/prometheus/client_model/go"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/metrics"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// BenchmarkScrape times one gathering of every metric, which reads the
// store's counts, on PostgreSQL with many appeals stored (a tenth of them
// open, four events each). Run it with
//
//	go test -run '^$' -bench BenchmarkScrape -benchtime 20x -v ./metrics/
func BenchmarkScrape(b *testing.B) {
	for _, stored := range []int{100_000, 1_000_000} {
		cfg := storagetest.Config(b, storage.Postgres)
		seeded := false
		b.Run(fmt.Sprintf("stored=%d", stored), func(b *testing.B) {
			benchScrape(b, cfg, !seeded, stored)
			seeded = true
		})
	}
}

func benchScrape(b *testing.B, cfg storage.Config, seed bool, stored int) {
	ctx := context.Background()
	s, err := storage.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)
	if seed {
		start := time.Now()
		for i := range 20 {
			if _, err := s.SaveDepartment(ctx, appeal.Department{Code: fmt.Sprintf("d%03d", i+1), Name: "部门",
				Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy, CreatedAt: now}); err != nil {
				b.Fatal(err)
			}
		}
		db, err := sql.Open("postgres", cfg.DatabaseURL)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO appeals (source, external_id, title, body, priority, received_at, department_code, status,
				claim_by, answer_by, resolve_by, assigned_at, claimed_at, answered_at, closed_at, created_at, updated_at)
			SELECT 'bench', g::text, 't', 'b', 'normal', $1::timestamptz - g * interval '1 minute', 'd' || lpad((g % 20 + 1)::text, 3, '0'),
				CASE WHEN g % 10 = 0 THEN 'claimed' ELSE 'closed' END,
				$1::timestamptz - g * interval '1 minute' + interval '2 hours', $1::timestamptz - g * interval '1 minute' + interval '3 days',
				$1::timestamptz - g * interval '1 minute' + interval '7 days', $1::timestamptz - g * interval '1 minute',
				$1::timestamptz - g * interval '1 minute' + interval '1 hour',
				CASE WHEN g % 10 = 0 THEN NULL ELSE $1::timestamptz - g * interval '1 minute' + interval '1 day' END,
				CASE WHEN g % 10 = 0 THEN NULL ELSE $1::timestamptz - g * interval '1 minute' + interval '2 days' END,
				$1::timestamptz, $1::timestamptz
			FROM generate_series(1, $2) g`, []any{now, stored}},
			{`INSERT INTO appeal_events (appeal_id, at, kind, department_code)
			SELECT a.id, a.received_at, k, a.department_code FROM appeals a,
				unnest(ARRAY['received', 'assigned', 'claimed', 'answered']) k`, nil},
			{`VACUUM (ANALYZE)`, nil},
		} {
			if _, err := db.ExecContext(ctx, q.sql, q.args...); err != nil {
				b.Fatal(err)
			}
		}
		// Loaded behind the store's back: build the kept figures.
		if err := s.RebuildFigures(ctx); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d appeals with 4 events each in %v", stored, time.Since(start).Round(time.Second))
	}
	m := metrics.New(s, func() time.Time { return now }, nil)
	// The first scrape of a process costs what later ones do.
	start := time.Now()
	fams, err := m.Registry().Gather()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("first scrape: %v", time.Since(start).Round(time.Millisecond))
	if !scrapeOK(fams) {
		b.Fatal("the store's counts were not read")
	}
	b.ResetTimer()
	for b.Loop() {
		fams, err := m.Registry().Gather()
		if err != nil {
			b.Fatal(err)
		}
		if !scrapeOK(fams) {
			b.Fatal("the store's counts were not read")
		}
	}
}

func scrapeOK(fams []*dto.MetricFamily) bool {
	for _, f := range fams {
		if f.GetName() == "appealbot_store_scrape_ok" {
			return f.GetMetric()[0].GetGauge().GetValue() == 1
		}
	}
	return false
}
