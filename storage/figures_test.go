package storage_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// figureZones are the deployment zones the figures are kept in under test:
// a half-hour offset and one with summer time, so that the days of the
// sums are not UTC's and not all 24 hours long.
var figureZones = []string{"Asia/Kolkata", "America/New_York"}

// deptZones are the departments' own zones, for their working time.
var deptZones = []string{"Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata"}

// openFigures opens a migrated store keeping figures by zone.
func openFigures(t *testing.T, backend, zone string) *storage.Store {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	cfg := storagetest.Config(t, backend)
	cfg.Figures = storage.FiguresConfig{Zone: loc}
	s, err := storage.Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// history plays a random history through the service: intake into
// departments (some asking for approval of answers, in several zones, with
// short SLAs so that deadlines pass), every transition, feedback,
// transfers, reopens and extensions, the clock jumping by minutes to weeks
// across days, months and summer time. It returns the clock at the end.
func history(t *rapid.T, s *storage.Store, tag string) time.Time {
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rapid.Int64Range(0, 300*24).Draw(t, "start_h")) * time.Hour)
	clock := start
	svc := appeal.NewService(s, func() time.Time { return clock }, "Asia/Shanghai",
		appeal.WithCalendars(appeal.Calendars{Days: s}))
	ndept := rapid.IntRange(1, 3).Draw(t, "departments")
	var codes []string
	for i := range ndept {
		code := fmt.Sprintf("%s%d", tag, i)
		policy := appeal.DefaultPolicy
		if rapid.Bool().Draw(t, "short_sla") {
			policy.Normal = appeal.Tier{Claim: appeal.CalendarSpan(30 * time.Minute), Answer: appeal.CalendarSpan(5 * time.Hour), Resolve: appeal.CalendarSpan(48 * time.Hour)}
		}
		if _, err := s.SaveDepartment(ctx, appeal.Department{Code: code, Name: code, SLA: policy,
			Timezone:       rapid.SampledFrom(deptZones).Draw(t, "zone"),
			ApproveAnswers: rapid.Bool().Draw(t, "approve")}); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, code)
	}
	var ids []appeal.ID
	check := func(err error) {
		if err == nil || !strings.Contains(err.Error(), "storage:") ||
			errors.Is(err, appeal.ErrConflict) || errors.Is(err, appeal.ErrNotFound) {
			return // refused by the domain: part of a random history
		}
		t.Fatalf("store: %v", err)
	}
	steps := rapid.IntRange(5, 60).Draw(t, "steps")
	for i := range steps {
		switch rapid.IntRange(0, 3).Draw(t, "jump") {
		case 0:
			clock = clock.Add(time.Duration(rapid.Int64Range(1, 90).Draw(t, "min")) * time.Minute)
		case 1:
			clock = clock.Add(time.Duration(rapid.Int64Range(1, 30).Draw(t, "hours")) * time.Hour)
		case 2:
			clock = clock.Add(time.Duration(rapid.Int64Range(1, 40).Draw(t, "days")) * 24 * time.Hour)
		}
		if len(ids) == 0 || rapid.IntRange(0, 4).Draw(t, "new") == 0 {
			in := appeal.Intake{Source: "prop", ExternalID: fmt.Sprintf("%s-%d", tag, i), Title: "路灯", Body: "不亮",
				ReceivedAt: clock}
			if rapid.IntRange(0, 5).Draw(t, "unassigned") > 0 {
				in.Department = rapid.SampledFrom(codes).Draw(t, "dept")
			}
			if rapid.IntRange(0, 4).Draw(t, "urgent") == 0 {
				in.Priority = appeal.PriorityUrgent
			}
			a, _, err := svc.Intake(ctx, in)
			check(err)
			if err == nil {
				ids = append(ids, a.ID)
			}
			continue
		}
		id := rapid.SampledFrom(ids).Draw(t, "appeal")
		action := rapid.SampledFrom([]appeal.Action{appeal.ActAssign, appeal.ActClaim, appeal.ActUnclaim, appeal.ActAnswer,
			appeal.ActApproveAnswer, appeal.ActRejectAnswer, appeal.ActReturn, appeal.ActTransfer,
			appeal.ActRequestExtension, appeal.ActApproveExtension, appeal.ActRejectExtension,
			appeal.ActClose, appeal.ActReopen, appeal.ActFeedback, actUrge}).Draw(t, "action")
		if action == actUrge {
			_, err := svc.Urge(ctx, id, "催办")
			check(err)
			continue
		}
		if action == appeal.ActFeedback {
			_, err := svc.Feedback(ctx, id, appeal.Feedback{ExternalID: fmt.Sprintf("%s-fb-%d", tag, i),
				Result: rapid.SampledFrom([]appeal.FeedbackResult{appeal.FeedbackSatisfied, appeal.FeedbackUnsatisfied,
					appeal.FeedbackNoAnswer}).Draw(t, "verdict"), Comment: "回访"})
			check(err)
			continue
		}
		cmd := appeal.Command{Action: action, Actor: 1, Force: true, Text: "处理",
			Department: rapid.SampledFrom(codes).Draw(t, "to"), Extension: appeal.WorkingDaysSpan(1)}
		if action == appeal.ActClose && rapid.Bool().Draw(t, "unresolved") {
			cmd.Resolution = appeal.Unresolved
		}
		_, err := svc.Act(ctx, id, cmd)
		check(err)
	}
	return clock
}

// actUrge stands for a citizen's urge among the actions of a history.
const actUrge appeal.Action = "urge"

// randomPeriod is a period around [lo, hi]: whole days or months of the
// zone (read from the sums alone), or any instants (partial days read from
// the facts).
func randomPeriod(t *rapid.T, lo, hi time.Time, loc *time.Location) (time.Time, time.Time) {
	span := hi.Sub(lo) + 48*time.Hour
	at := func(label string) time.Time {
		return lo.Add(-24 * time.Hour).Add(time.Duration(rapid.Int64Range(0, int64(span/time.Minute)).Draw(t, label)) * time.Minute)
	}
	a, b := at("from"), at("to")
	if b.Before(a) {
		a, b = b, a
	}
	switch rapid.IntRange(0, 2).Draw(t, "align") {
	case 0:
		y, m, d := a.In(loc).Date()
		a = time.Date(y, m, d, 0, 0, 0, 0, loc)
		y, m, d = b.In(loc).Date()
		b = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	case 1:
		y, m, _ := a.In(loc).Date()
		a = time.Date(y, m, 1, 0, 0, 0, 0, loc)
		y, m, _ = b.In(loc).Date()
		b = time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	}
	if rapid.IntRange(0, 3).Draw(t, "odd_bounds") == 0 {
		// Bounds between microseconds, like "7d" up to a now in
		// nanoseconds, and on a fact's very microsecond.
		a = a.Add(time.Duration(rapid.IntRange(-1500, 1500).Draw(t, "from_ns")))
		b = b.Add(time.Duration(rapid.IntRange(-1500, 1500).Draw(t, "to_ns")))
	}
	if !a.Before(b) {
		b = a.Add(time.Minute)
	}
	return a, b
}

// TestFiguresFromSumsMatchLog is the property the kept sums stand on:
// after any history, the figures read from them (kpi.Load) equal those
// computed from the whole event log (kpi.Compute), for any period, all
// departments and each, as of any moment.
//
// Histories run on SQLite in both zones and, with
// APPEALBOT_TEST_DATABASE_URL set, on PostgreSQL in the zone with summer
// time; -rapid.checks overrides how many (the defaults keep the test
// within a minute or two on two busy cores; under the race detector a few).
func TestFiguresFromSumsMatchLog(t *testing.T) {
	type run struct {
		backend, zone string
		checks        int
	}
	runs := []run{{storage.SQLite, figureZones[0], 60}, {storage.SQLite, figureZones[1], 60}}
	if os.Getenv("APPEALBOT_TEST_DATABASE_URL") != "" {
		runs = append(runs, run{storage.Postgres, figureZones[1], 20})
	}
	for _, r := range runs {
		t.Run(r.backend+"/"+r.zone, func(t *testing.T) {
			checks := r.checks
			if raceDetector {
				checks = 3
			}
			storagetest.DefaultChecks(t, checks)
			s := openFigures(t, r.backend, r.zone)
			loc, _ := time.LoadLocation(r.zone)
			cals := appeal.Calendars{Days: s}
			var n atomic.Int64
			rapid.Check(t, func(t *rapid.T) {
				ctx := context.Background()
				tag := fmt.Sprintf("p%d", n.Add(1))
				first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
				end := history(t, s, tag)
				for range 4 {
					from, to := randomPeriod(t, first, end, loc)
					now := end.Add(time.Duration(rapid.Int64Range(-72, 72).Draw(t, "now_h")) * time.Hour)
					comparePeriod(t, ctx, s, cals, from, to, now)
				}
				from, _ := randomPeriod(t, first, end, loc)
				now := end.Add(time.Duration(rapid.Int64Range(-72, 72).Draw(t, "now_h")) * time.Hour)
				compareSpans(t, ctx, s, from, now, loc, tag+"0")
			})
		})
	}
}

func comparePeriod(t *rapid.T, ctx context.Context, s *storage.Store, cals appeal.CalendarSource, from, to, now time.Time) {
	want, err := kpi.LoadFromLog(ctx, s, cals, from, to, now, kpi.DefaultWeights, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := kpi.Load(ctx, s, from, to, now, kpi.DefaultWeights, "")
	if err != nil {
		t.Fatal(err)
	}
	what := fmt.Sprintf("[%s, %s) at %s", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	if d := kpi.Differences(got, want); len(d) > 0 {
		t.Fatalf("%s: the sums and the log differ:\n%s", what, strings.Join(d, "\n"))
	}
	if len(want.Departments) == 0 {
		return
	}
	code := rapid.SampledFrom(want.Departments).Draw(t, "one").Department
	one, err := kpi.Load(ctx, s, from, to, now, kpi.DefaultWeights, code)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := want.Department(code)
	if d := kpi.Differences(one, kpi.Report{Departments: []kpi.Figures{w}}); len(d) > 0 {
		t.Fatalf("%s, %s alone: the sums and the log differ:\n%s", what, code, strings.Join(d, "\n"))
	}
}

// compareSpans checks kpi.LoadSpans over days of loc from the day of
// from (or from itself), with a partial day and a span to now mixed in,
// against kpi.Load of each span, for all departments and for dept.
func compareSpans(t *rapid.T, ctx context.Context, s *storage.Store, from, now time.Time, loc *time.Location, dept string) {
	f := from.In(loc)
	b := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc)
	if rapid.Bool().Draw(t, "mid_day_start") {
		b = from
	}
	bounds := []time.Time{b}
	for range rapid.IntRange(1, 10).Draw(t, "days") {
		b = time.Date(b.In(loc).Year(), b.In(loc).Month(), b.In(loc).Day()+1, 0, 0, 0, 0, loc)
		bounds = append(bounds, b)
	}
	if n := len(bounds); rapid.Bool().Draw(t, "partial_end") {
		if end := bounds[n-1].Add(-time.Duration(rapid.IntRange(1, 23).Draw(t, "cut_h")) * time.Hour); end.After(bounds[n-2]) {
			bounds[n-1] = end
		}
	}
	if last := bounds[len(bounds)-1]; last.Before(now) && rapid.Bool().Draw(t, "to_now") {
		bounds = append(bounds, now)
	}
	for _, code := range []string{"", dept} {
		got, err := kpi.LoadSpans(ctx, s, bounds, now, kpi.DefaultWeights, code)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(bounds)-1 {
			t.Fatalf("%d reports for %d spans", len(got), len(bounds)-1)
		}
		for i := range got {
			want, err := kpi.Load(ctx, s, bounds[i], bounds[i+1], now, kpi.DefaultWeights, code)
			if err != nil {
				t.Fatal(err)
			}
			if d := kpi.Differences(got[i], want); len(d) > 0 {
				t.Fatalf("span [%s, %s) at %s, department %q: LoadSpans and Load differ:\n%s", bounds[i].UTC().Format(time.RFC3339),
					bounds[i+1].UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), code, strings.Join(d, "\n"))
			}
		}
	}
}

// forHistories runs check on random histories (rapid, three by default):
// on SQLite and, with APPEALBOT_TEST_DATABASE_URL set, on PostgreSQL; n
// numbers the histories of a backend apart.
func forHistories(t *testing.T, check func(t *testing.T, rt *rapid.T, backend string, n *atomic.Int64)) {
	for _, backend := range storagetest.Backends {
		if backend == storage.Postgres && os.Getenv("APPEALBOT_TEST_DATABASE_URL") == "" {
			continue
		}
		t.Run(backend, func(t *testing.T) {
			storagetest.DefaultChecks(t, 3)
			var n atomic.Int64
			rapid.Check(t, func(rt *rapid.T) { check(t, rt, backend, &n) })
		})
	}
}

// TestFiguresBuiltFromExistingHistory: a store with history from before
// the figures were kept (as migration 0013 finds one: no facts, no sums,
// the build not begun) gets them from the build, the same as the log
// says, and a build cut short goes on where it stopped.
func TestFiguresBuiltFromExistingHistory(t *testing.T) {
	forHistories(t, func(t *testing.T, rt *rapid.T, backend string, n *atomic.Int64) {
		ctx := context.Background()
		loc, _ := time.LoadLocation(figureZones[1])
		cfg := storagetest.Config(t, backend)
		cfg.Figures = storage.FiguresConfig{Zone: loc}
		s, err := storage.Open(ctx, cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			rt.Fatal(err)
		}
		defer s.Close()
		if err := s.Migrate(ctx); err != nil {
			rt.Fatal(err)
		}
		if err := s.ForgetFigures(ctx); err != nil {
			rt.Fatal(err)
		}
		end := history(rt, s, fmt.Sprintf("m%d", n.Add(1)))

		// The build stops after two steps of three appeals (a
		// restart midway), then goes on.
		stop, cancel := context.WithCancel(ctx)
		steps := 0
		s.SetBuildHooks(3, func(int64) {
			if steps++; steps == 2 {
				cancel()
			}
		})
		if err := s.Migrate(stop); err == nil && count(t, s, "appeals") > 6 {
			rt.Fatal("the build went on after its context was cancelled")
		}
		s.SetBuildHooks(3, nil)
		if err := s.Migrate(ctx); err != nil {
			rt.Fatal(err)
		}
		cals := appeal.Calendars{Days: s}
		for range 4 {
			from, to := randomPeriod(rt, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), end, loc)
			comparePeriod(rt, ctx, s, cals, from, to, end)
		}
		// And the store keeps them from then on.
		end = history(rt, s, fmt.Sprintf("m%d", n.Add(1)))
		from, to := randomPeriod(rt, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), end, loc)
		comparePeriod(rt, ctx, s, cals, from, to, end)
	})
}

// TestFiguresReadersBounded: at most MaxReaders figures requests read at
// once; one more waits its turn for up to a second, then is told to come
// back (kpi.ErrBusy) instead of adding to the load.
func TestFiguresReadersBounded(t *testing.T) {
	cfg := storagetest.Config(t, storage.SQLite)
	cfg.Figures.MaxReaders = 2
	s, err := storage.Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	from, to := t0.Add(-24*time.Hour), t0
	release := s.HoldFigureReaders(2)
	if _, err := s.FactSums(ctx, from, to, to, ""); !errors.Is(err, kpi.ErrBusy) {
		t.Fatalf("a third reader: %v, want kpi.ErrBusy", err)
	}
	// A turn that comes within the second is waited for.
	go func() { time.Sleep(100 * time.Millisecond); release() }()
	if _, err := s.FactSums(ctx, from, to, to, ""); err != nil {
		t.Fatalf("after a turn came free: %v", err)
	}
}

// TestFactsByTimeMigration: migration 0024 moves the facts kept under
// 0013's layout row for row, the deadlines of open stays to kpi_pending
// and the rest to kpi_facts keyed by their instant. The facts of a random
// history, kept by a store migrated to the end, are written in the old
// layout into a store at 0023 and migrated: that store then holds what
// the first does.
func TestFactsByTimeMigration(t *testing.T) {
	forHistories(t, func(t *testing.T, rt *rapid.T, backend string, n *atomic.Int64) {
		ctx := context.Background()
		kept := openFigures(t, backend, figureZones[1])
		history(rt, kept, fmt.Sprintf("v%d", n.Add(1)))
		want := factTables(rt, kept)
		if len(want["kpi_facts"]) == 0 {
			rt.Fatal("the history kept no facts")
		}

		old, err := storage.Open(ctx, storagetest.Config(t, backend), slog.New(slog.DiscardHandler))
		if err != nil {
			rt.Fatal(err)
		}
		defer old.Close()
		if err := old.MigrateTo(ctx, 23); err != nil {
			rt.Fatal(err)
		}
		db := old.DB()
		for _, rows := range want {
			for _, r := range rows {
				if _, err := db.Exec(db.Rebind(`INSERT INTO kpi_facts
					(at, appeal_id, department_code, kind, wall_bucket, work_bucket, n) VALUES (?, ?, ?, ?, ?, ?, ?)`), r...); err != nil {
					rt.Fatal(err)
				}
			}
		}
		if err := old.MigrateTo(ctx, 24); err != nil {
			rt.Fatal(err)
		}
		got := factTables(rt, old)
		for _, table := range []string{"kpi_facts", "kpi_pending"} {
			if g, w := fmt.Sprint(got[table]), fmt.Sprint(want[table]); g != w {
				rt.Fatalf("%s after the migration:\n%s\nwant\n%s", table, g, w)
			}
		}
	})
}

// factTables returns the facts kept in kpi_facts and in kpi_pending, a
// row per fact in key order, each as the values of 0013's kpi_facts
// columns (at, appeal_id, department_code, kind, wall_bucket, work_bucket,
// n): a row of kpi_facts gives a row per kind of its set.
func factTables(t *rapid.T, s *storage.Store) map[string][][]any {
	out := map[string][][]any{}
	for table, q := range map[string]string{
		"kpi_facts": `SELECT at, appeal_id, department_code, kinds, wall_bucket, work_bucket, n FROM kpi_facts
			ORDER BY at, appeal_id, department_code, wall_bucket, work_bucket, n`,
		"kpi_pending": `SELECT at, appeal_id, department_code, kind, 0, 0, n FROM kpi_pending
			ORDER BY at, appeal_id, department_code, kind`,
	} {
		rows, err := s.DB().Queryx(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			v, err := rows.SliceScan()
			if err != nil {
				t.Fatal(err)
			}
			if table == "kpi_pending" {
				out[table] = append(out[table], v)
				continue
			}
			kinds := v[3].(int64)
			if kinds <= 0 {
				t.Fatalf("a row of kpi_facts with kinds %d", kinds)
			}
			for k := range 63 {
				if kinds&(1<<k) != 0 {
					row := slices.Clone(v)
					row[3] = int64(k)
					out[table] = append(out[table], row)
				}
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	slices.SortFunc(out["kpi_facts"], func(a, b []any) int { return strings.Compare(fmt.Sprint(a...), fmt.Sprint(b...)) })
	return out
}
