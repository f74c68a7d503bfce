package digest_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/reminders/digest"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// monday0830 is when the default daily and weekly digests are both due.
var monday0830 = time.Date(2026, 11, 23, 8, 30, 0, 0, shanghai)

// world makes departments roads (two leaders) and water (none), made a
// month before monday0830.
func world(t *testing.T, s *storage.Store) {
	t.Helper()
	ctx := context.Background()
	for _, code := range []string{"roads", "water"} {
		if _, err := s.SaveDepartment(ctx, appeal.Department{Code: code, Name: code, Timezone: "Asia/Shanghai",
			SLA: appeal.DefaultPolicy, CreatedAt: monday0830.AddDate(0, -1, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"1", "2"} {
		m, err := s.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: id})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Grant(ctx, appeal.Grant{Member: m.ID, Role: appeal.RoleLeader, Department: "roads"}); err != nil {
			t.Fatal(err)
		}
	}
}

func runner(t *testing.T, s *storage.Store) *digest.Runner {
	t.Helper()
	r, err := digest.New(s, func() time.Time { panic("tests pass now") }, slog.New(slog.DiscardHandler), digest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// queued returns the digest messages in the outbox.
func queued(t *testing.T, s *storage.Store) []appeal.OutboxMessage {
	t.Helper()
	all, err := s.Outbox(context.Background(), 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []appeal.OutboxMessage
	for _, m := range all {
		if m.Kind == appeal.MsgDigest || m.Kind == appeal.MsgDigestChart {
			out = append(out, m)
		}
	}
	return out
}

// TestSendDueOnce: a period's digests are queued once, to the department's
// leaders (one row each for text and chart, which delivery sends to every
// leader), whatever SendDue is called again, by another runner or after a
// restart; a department without leaders gets none.
func TestSendDueOnce(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := storagetest.Config(t, b)
			s, err := storage.Open(ctx, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			world(t, s)
			r := runner(t, s)
			if n, err := r.SendDue(ctx, monday0830.Add(-time.Minute)); n != 0 || err != nil {
				t.Fatalf("before 08:30: %d %v", n, err)
			}
			if n, err := r.SendDue(ctx, monday0830); n != 2 || err != nil {
				t.Fatalf("at 08:30: %d digests queued, %v; want daily and weekly", n, err)
			}
			if n, err := r.SendDue(ctx, monday0830.Add(time.Minute)); n != 0 || err != nil {
				t.Fatalf("again: %d %v", n, err)
			}
			if n, err := runner(t, s).SendDue(ctx, monday0830.Add(2*time.Minute)); n != 0 || err != nil {
				t.Fatalf("another runner: %d %v", n, err)
			}
			msgs := queued(t, s)
			if len(msgs) != 4 {
				t.Fatalf("queued %d messages: %+v", len(msgs), msgs)
			}
			kinds := map[string]int{}
			for _, m := range msgs {
				if m.To != (appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}) {
					t.Fatalf("digest to %+v", m.To)
				}
				kinds[m.Args[appeal.ArgDigestKind]+"/"+string(m.Kind)]++
			}
			if kinds["daily/digest"] != 1 || kinds["daily/digest_chart"] != 1 || kinds["weekly/digest"] != 1 || kinds["weekly/digest_chart"] != 1 {
				t.Fatalf("kinds %v", kinds)
			}
			for _, m := range msgs {
				from, to := m.Args[appeal.ArgDigestFrom], m.Args[appeal.ArgDigestTo]
				switch m.Args[appeal.ArgDigestKind] {
				case "daily": // since Friday 08:30
					if from != "2026-11-20T00:30:00Z" || to != "2026-11-23T00:30:00Z" {
						t.Fatalf("daily period %s – %s", from, to)
					}
				case "weekly": // Monday to Monday, Shanghai midnight
					if from != "2026-11-15T16:00:00Z" || to != "2026-11-22T16:00:00Z" {
						t.Fatalf("weekly period %s – %s", from, to)
					}
				}
			}

			// A restart: a new store and runner on the same database.
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s2, err := storage.Open(ctx, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s2.Close() })
			if n, err := runner(t, s2).SendDue(ctx, monday0830.Add(10*time.Minute)); n != 0 || err != nil {
				t.Fatalf("after a restart: %d %v", n, err)
			}
			if got := len(queued(t, s2)); got != 4 {
				t.Fatalf("after a restart %d messages", got)
			}
			// Tuesday: the next daily digest, from Monday 08:30.
			if n, err := runner(t, s2).SendDue(ctx, monday0830.Add(24*time.Hour)); n != 1 || err != nil {
				t.Fatalf("tuesday: %d %v", n, err)
			}
		})
	}
}

// TestConcurrentRunnersOnPostgres: runners of several instances (each its
// own store) racing for the same period queue it once.
func TestConcurrentRunnersOnPostgres(t *testing.T) {
	ctx := context.Background()
	cfg := storagetest.Config(t, storage.Postgres)
	var stores []*storage.Store
	for range 4 {
		s, err := storage.Open(ctx, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		stores = append(stores, s)
	}
	world(t, stores[0])
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, s := range stores {
		for range 3 {
			wg.Go(func() {
				n, err := runner(t, s).SendDue(ctx, monday0830.Add(time.Second))
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	if total != 2 || len(queued(t, stores[0])) != 4 {
		t.Fatalf("%d digests queued by racing runners, %d messages; want 2 and 4", total, len(queued(t, stores[0])))
	}
}

// TestScheduleChangeAndCatchUp: a department's own schedule replaces the
// default; a digest missed while down is sent within CatchUp, not after.
func TestScheduleChangeAndCatchUp(t *testing.T) {
	s := storagetest.Open(t, storage.SQLite)
	world(t, s)
	ctx := context.Background()
	if err := s.SetDigestSchedule(ctx, appeal.DigestSchedule{Department: "roads", Kind: appeal.DigestDaily, Spec: "0 18 * * *", UpdatedAt: monday0830}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDigestSchedule(ctx, appeal.DigestSchedule{Department: "roads", Kind: appeal.DigestWeekly, Spec: "0 9 * * 5", UpdatedAt: monday0830}); err != nil {
		t.Fatal(err)
	}
	r := runner(t, s)
	if n, _ := r.SendDue(ctx, monday0830); n != 0 {
		t.Fatalf("default time after a change: %d queued", n)
	}
	// Down from 17:00; back at 05:59 the next day: 18:00 is 11h59m ago.
	if n, err := r.SendDue(ctx, monday0830.Add(21*time.Hour+29*time.Minute)); n != 1 || err != nil {
		t.Fatalf("catch-up: %d %v", n, err)
	}
	// Tuesday's 18:00, looked for at 06:01 on Wednesday: too late.
	if n, _ := runner(t, s).SendDue(ctx, monday0830.Add(45*time.Hour+31*time.Minute)); n != 0 {
		t.Fatalf("stale digest sent: %d", n)
	}
	// The daily digest goes out on working days only, so Monday's covers
	// the time since Friday's, 18:00 on 11-20 in Shanghai.
	msgs := queued(t, s)
	if len(msgs) != 2 || msgs[0].Args[appeal.ArgDigestFrom] != "2026-11-20T10:00:00Z" {
		t.Fatalf("queued %+v", msgs)
	}
}

func TestNewRefusesBadDefaults(t *testing.T) {
	if _, err := digest.New(nil, time.Now, nil, digest.Options{Daily: "every day", Weekly: "61 * * * *"}); err == nil {
		t.Fatal("bad default schedules accepted")
	}
}

// TestRunCatchesUpAtStartAndStops: Run sends what is due when it starts
// (the cron jobs take over from there) and returns when ctx ends.
func TestRunCatchesUpAtStartAndStops(t *testing.T) {
	s := storagetest.Open(t, storage.SQLite)
	world(t, s)
	r, err := digest.New(s, func() time.Time { return monday0830.Add(3 * time.Hour) }, slog.New(slog.DiscardHandler),
		digest.Options{Reload: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(queued(t, s)) < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("Run queued %d messages", len(queued(t, s)))
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a few reloads: nothing more
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
	if n := len(queued(t, s)); n != 4 {
		t.Fatalf("%d messages after reloads, want 4", n)
	}
}

// TestNoDigestBeforeTheDepartmentOrItsLeaders: adding a leader to a new
// department sends no catch-up digests of periods before the department,
// or before its first leader, existed; the first digest is the next
// working day's. Holidays and make-up days of the stored calendar hold.
func TestNoDigestBeforeTheDepartmentOrItsLeaders(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			s := storagetest.Open(t, b)
			ctx := context.Background()
			// parks is made Monday 10:00 and gets its leader at 10:05;
			// roads is old, but its first leader comes Monday 09:00.
			monday := func(h, m int) time.Time {
				return monday0830.Add(time.Duration(h-8)*time.Hour + time.Duration(m-30)*time.Minute)
			}
			for _, d := range []appeal.Department{
				{Code: "parks", Name: "Parks", Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy, CreatedAt: monday(10, 0)},
				{Code: "roads", Name: "Roads", Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy, CreatedAt: monday0830.AddDate(-1, 0, 0)},
			} {
				if _, err := s.SaveDepartment(ctx, d); err != nil {
					t.Fatal(err)
				}
			}
			for i, g := range []appeal.Grant{
				{Role: appeal.RoleLeader, Department: "parks", Since: monday(10, 5)},
				{Role: appeal.RoleLeader, Department: "roads", Since: monday(9, 0)},
			} {
				m, err := s.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: fmt.Sprint(100 + i)})
				if err != nil {
					t.Fatal(err)
				}
				g.Member = m.ID
				if err := s.Grant(ctx, g); err != nil {
					t.Fatal(err)
				}
			}
			// Wednesday 11-25 is a holiday; Saturday 11-28 a make-up day.
			if err := s.AddHoliday(ctx, appeal.Holiday{From: appeal.Date{Year: 2026, Month: 11, Day: 25}, To: appeal.Date{Year: 2026, Month: 11, Day: 25}, Name: "test holiday"}); err != nil {
				t.Fatal(err)
			}
			if err := s.AddWorkday(ctx, appeal.Workday{Date: appeal.Date{Year: 2026, Month: 11, Day: 28}, Name: "test make-up day"}); err != nil {
				t.Fatal(err)
			}
			r, err := digest.New(s, func() time.Time { panic("tests pass now") }, slog.New(slog.DiscardHandler),
				digest.Options{Calendars: appeal.Calendars{Days: s}})
			if err != nil {
				t.Fatal(err)
			}
			day := 24 * time.Hour
			for _, c := range []struct {
				name string
				at   time.Time
				want int
			}{
				// Monday's daily and weekly digests are of periods before
				// parks existed and before roads had a leader.
				{"Monday, catching up after the leaders came", monday(10, 6), 0},
				{"Tuesday", monday0830.Add(day), 2},
				{"the holiday", monday0830.Add(2 * day), 0},
				{"the day after the holiday", monday0830.Add(3 * day), 2},
				{"Friday", monday0830.Add(4 * day), 2},
				{"the make-up Saturday", monday0830.Add(5 * day), 2},
				{"Sunday", monday0830.Add(6 * day), 0},
			} {
				if n, err := r.SendDue(ctx, c.at); n != c.want || err != nil {
					t.Fatalf("%s: %d digests queued (%v), want %d", c.name, n, err, c.want)
				}
			}
			// Each department's first digest covers Monday 08:30 to Tuesday
			// 08:30; Thursday's the time since Tuesday's, over the holiday.
			periods := map[string]bool{}
			for _, m := range queued(t, s) {
				if m.Kind == appeal.MsgDigest {
					periods[m.Args[appeal.ArgDigestDept]+" "+m.Args[appeal.ArgDigestKind]+" "+m.Args[appeal.ArgDigestFrom]] = true
				}
			}
			for _, dept := range []string{"parks", "roads"} {
				for _, from := range []string{"2026-11-23T00:30:00Z", "2026-11-24T00:30:00Z", "2026-11-26T00:30:00Z", "2026-11-27T00:30:00Z"} {
					if !periods[dept+" daily "+from] {
						t.Errorf("no daily digest of %s from %s: %v", dept, from, periods)
					}
				}
			}
			if len(periods) != 8 {
				t.Errorf("digests %v, want the 8 daily ones above", periods)
			}
		})
	}
}
