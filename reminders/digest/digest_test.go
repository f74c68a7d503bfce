package digest

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// at is a time in Shanghai on November 2026.
func at(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, shanghai) }

// calendarTime counts around the clock (2h, 3d, 7d), so that the fixtures'
// deadlines can be worked out by hand.
var calendarTime = appeal.Policy{
	Normal: appeal.Tier{Claim: appeal.CalendarSpan(2 * time.Hour), Answer: appeal.CalendarSpan(72 * time.Hour), Resolve: appeal.CalendarSpan(7 * 24 * time.Hour)},
	Urgent: appeal.Tier{Claim: appeal.CalendarSpan(30 * time.Minute), Answer: appeal.CalendarSpan(2 * time.Hour), Resolve: appeal.CalendarSpan(24 * time.Hour)},
}

// TestCompute checks a digest against hand-built appeals: the appeals at
// risk, the overdue order and the chart's days. The figures are package
// kpi's, passed through.
func TestCompute(t *testing.T) {
	// Daily digest Tuesday 24th 08:30 covering Monday 08:30 onwards.
	from, to := at(23, 8, 30), at(24, 8, 30)
	now := to.Add(time.Minute)
	dl := func(reached time.Time) appeal.Deadlines {
		return calendarTime.Deadlines(appeal.PriorityNormal, reached, appeal.DefaultCalendar(shanghai))
	}
	as := []appeal.Appeal{
		// 1: reached in the period, claimed after 30m, answered after 2h, on time.
		{ID: 1, Status: appeal.StatusAnswered, AssignedAt: at(23, 9, 0), ClaimedAt: at(23, 9, 30), AnsweredAt: at(23, 11, 0), Deadlines: dl(at(23, 9, 0))},
		// 2: reached in the period, claimed after 1h30m, answered after 4h, late
		// (answer deadline moved before the answer, by hand).
		{ID: 2, Status: appeal.StatusAnswered, AssignedAt: at(23, 10, 0), ClaimedAt: at(23, 11, 30), AnsweredAt: at(23, 14, 0),
			Deadlines: appeal.Deadlines{ClaimBy: at(23, 12, 0), AnswerBy: at(23, 13, 0), ResolveBy: at(30, 0, 0)}},
		// 3: reached before, claimed in the period after 5h, still claimed, answer due in 2 h: at risk.
		{ID: 3, Status: appeal.StatusClaimed, AssignedAt: at(23, 4, 0), ClaimedAt: at(23, 9, 0),
			Deadlines: appeal.Deadlines{ClaimBy: at(23, 6, 0), AnswerBy: now.Add(2 * time.Hour), ResolveBy: at(30, 0, 0)}},
		// 4: assigned in the period, unclaimed past its claim deadline by 30m.
		{ID: 4, Status: appeal.StatusAssigned, AssignedAt: at(24, 6, 0), Deadlines: appeal.Deadlines{ClaimBy: now.Add(-30 * time.Minute), AnswerBy: at(27, 6, 0), ResolveBy: at(30, 0, 0)}},
		// 5: old, claimed, answer deadline passed 2 days ago: most late.
		{ID: 5, Status: appeal.StatusClaimed, AssignedAt: at(18, 9, 0), ClaimedAt: at(18, 9, 10),
			Deadlines: appeal.Deadlines{ClaimBy: at(18, 11, 0), AnswerBy: at(22, 8, 31), ResolveBy: at(30, 0, 0)}},
		// 6: closed in the period, without an answer, before its deadlines.
		{ID: 6, Status: appeal.StatusClosed, AssignedAt: at(20, 9, 0), ClosedAt: at(23, 12, 0), Deadlines: dl(at(20, 9, 0))},
		// 7: reached after the period (at 08:30:30 — counted on the chart's
		// last day, not as new).
		{ID: 7, Status: appeal.StatusAssigned, AssignedAt: to.Add(30 * time.Second), Deadlines: dl(to)},
	}
	for i := range as {
		as[i].Department = "roads"
	}
	k := kpi.Figures{Department: "roads", Received: 3, Open: 6, Overdue: 2}
	s := Compute(as, k, from, to, now, shanghai)
	if s.KPI != k || s.AtRisk != 2 {
		t.Errorf("figures %+v, at risk %d (want 2)", s.KPI, s.AtRisk)
	}
	if len(s.Late) != 2 || s.Late[0].Appeal.ID != 5 || s.Late[1].Appeal.ID != 4 || s.Late[1].By != 30*time.Minute {
		t.Errorf("late %+v", s.Late)
	}
	// The chart: Wednesday 18th to Tuesday 24th.
	if len(s.Days) != ChartDays || !s.Days[0].Start.Equal(at(18, 0, 0)) || !s.Days[6].Start.Equal(at(24, 0, 0)) {
		t.Fatalf("days %+v", s.Days)
	}
	received := []int{1, 0, 1, 0, 0, 3, 2} // 5; 6; 3 (04:00), 1, 2; 4, 7
	answered := []int{0, 0, 0, 0, 0, 2, 0} // 1 and 2 on the 23rd
	overdue := []int{0, 0, 0, 0, 1, 2, 0}  // 5 on the 22nd; 2 (answered late) and 6 (closed late) on the 23rd
	// Open at each day's end, and now for the 24th: 5 from the 18th; 6
	// from the 20th until closed on the 23rd; 1, 2 (answered, not closed)
	// and 3 from the 23rd; 4 and 7 on the 24th: the 6 open now.
	open := []int{1, 1, 2, 2, 2, 4, 6}
	for i, d := range s.Days {
		if d.Received != received[i] || d.Answered != answered[i] || d.Overdue != overdue[i] || d.Open != open[i] {
			t.Errorf("day %s: received %d answered %d overdue %d open %d, want %d %d %d %d", d.Start.Format("01-02"),
				d.Received, d.Answered, d.Overdue, d.Open, received[i], answered[i], overdue[i], open[i])
		}
	}
	empty := Compute(nil, kpi.Figures{}, from, to, now, shanghai)
	if empty.AtRisk != 0 || len(empty.Late) != 0 || len(empty.Days) != ChartDays {
		t.Errorf("empty digest %+v", empty)
	}
}

func TestDueAndPeriods(t *testing.T) {
	daily, _, err := ParseSpec(DefaultDaily)
	if err != nil {
		t.Fatal(err)
	}
	weekly, _, err := ParseSpec(DefaultWeekly)
	if err != nil {
		t.Fatal(err)
	}
	// Monday 23rd 08:30 Shanghai: the daily digest covers the weekend.
	cases := []struct {
		name     string
		sched    string
		kind     appeal.DigestKind
		now      time.Time
		ok       bool
		at, from time.Time
		to       time.Time
	}{
		{"before the first time", DefaultDaily, appeal.DigestDaily, at(23, 8, 29), false, time.Time{}, time.Time{}, time.Time{}},
		{"monday covers the weekend", DefaultDaily, appeal.DigestDaily, at(23, 8, 30), true, at(23, 8, 30), at(20, 8, 30), at(23, 8, 30)},
		{"tuesday covers monday", DefaultDaily, appeal.DigestDaily, at(24, 9, 0), true, at(24, 8, 30), at(23, 8, 30), at(24, 8, 30)},
		{"caught up within 12h", DefaultDaily, appeal.DigestDaily, at(24, 20, 29), true, at(24, 8, 30), at(23, 8, 30), at(24, 8, 30)},
		{"too late to catch up", DefaultDaily, appeal.DigestDaily, at(24, 20, 31), false, time.Time{}, time.Time{}, time.Time{}},
		{"none on saturday", DefaultDaily, appeal.DigestDaily, at(21, 9, 0), false, time.Time{}, time.Time{}, time.Time{}},
		{"weekly: last week", DefaultWeekly, appeal.DigestWeekly, at(23, 8, 31), true, at(23, 8, 30), at(16, 0, 0), at(23, 0, 0)},
		{"weekly on friday: seven days before", "0 17 * * 5", appeal.DigestWeekly, at(27, 17, 0), true, at(27, 17, 0), at(20, 0, 0), at(27, 0, 0)},
	}
	for _, c := range cases {
		s := daily
		if c.sched == DefaultWeekly {
			s = weekly
		} else if c.sched != DefaultDaily {
			s, _, _ = ParseSpec(c.sched)
		}
		a, f, to, ok := Due(s, c.kind, shanghai, c.now.UTC())
		if ok != c.ok || !a.Equal(c.at) || !f.Equal(c.from) || !to.Equal(c.to) {
			t.Errorf("%s: Due = %v %v–%v %v, want %v %v–%v %v", c.name, a, f, to, ok, c.at, c.from, c.to, c.ok)
		}
	}
	// Across a DST change (8 March 2026 in New York), local times hold.
	ny := mustZone("America/New_York")
	s, _, _ := ParseSpec("0 9 * * 1")
	a, f, _, ok := Due(s, appeal.DigestDaily, ny, time.Date(2026, 3, 9, 9, 5, 0, 0, ny))
	if !ok || !a.Equal(time.Date(2026, 3, 9, 9, 0, 0, 0, ny)) || !f.Equal(time.Date(2026, 3, 2, 9, 0, 0, 0, ny)) || a.Sub(f) != 7*24*time.Hour-time.Hour {
		t.Errorf("across DST: %v from %v", a, f)
	}
}

func TestParseSpec(t *testing.T) {
	for _, ok := range []string{"30 8 * * 1-5", " 0  9 * * MON ", "@daily", "*/30 8-18 * * *"} {
		if _, _, err := ParseSpec(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "30 8 * *", "61 8 * * *", "CRON_TZ=UTC 30 8 * * *", "TZ=UTC 0 9 * * *", "@every 1h", "0 0 30 2 *", "0 30 8 * * *"} {
		if _, _, err := ParseSpec(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, tidy, _ := ParseSpec("  30   8 * *  1-5 "); tidy != "30 8 * * 1-5" {
		t.Errorf("tidy %q", tidy)
	}
}

// nationalDay2026 is the office week with the National Day holiday of
// 2026 (Thursday 10-01 to Wednesday 10-07) and its make-up working days,
// Sunday 09-20 and Saturday 10-10.
func nationalDay2026() appeal.Calendar {
	cal := appeal.DefaultCalendar(shanghai)
	cal.Holidays = []appeal.Holiday{{From: appeal.Date{Year: 2026, Month: 10, Day: 1}, To: appeal.Date{Year: 2026, Month: 10, Day: 7}, Name: "国庆节"}}
	cal.Workdays = []appeal.Date{{Year: 2026, Month: 9, Day: 20}, {Year: 2026, Month: 10, Day: 10}}
	return cal
}

// TestDailyDigestsKeepTheCalendar: a daily digest goes out on the working
// days of the department's calendar: not on a holiday, and on a make-up
// working day although the schedule's weekdays leave it out; the first
// one after a holiday covers the time since the last one before it.
func TestDailyDigestsKeepTheCalendar(t *testing.T) {
	sh := func(month, day, hour, min int) time.Time {
		return time.Date(2026, time.Month(month), day, hour, min, 0, 0, shanghai)
	}
	cal := nationalDay2026()
	daily, _, err := ParseSpec(DefaultDaily)
	if err != nil {
		t.Fatal(err)
	}
	everyDay, _, err := ParseSpec("0 17 * * *")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name        string
		spec        cron.Schedule
		after, next time.Time
	}{
		{"the make-up Sunday, not the Saturday before", daily, sh(9, 18, 9, 0), sh(9, 20, 8, 30)},
		{"after the make-up Sunday", daily, sh(9, 20, 9, 0), sh(9, 21, 8, 30)},
		{"over the holiday", daily, sh(9, 30, 8, 30), sh(10, 8, 8, 30)},
		{"the make-up Saturday", daily, sh(10, 9, 9, 0), sh(10, 10, 8, 30)},
		{"after the make-up Saturday", daily, sh(10, 10, 9, 0), sh(10, 12, 8, 30)},
		{"every day but weekends and holidays", everyDay, sh(9, 30, 17, 0), sh(10, 8, 17, 0)},
		{"every day, weekend", everyDay, sh(10, 16, 17, 0), sh(10, 19, 17, 0)},
	} {
		if got := Schedule(c.spec, appeal.DigestDaily, cal).Next(c.after); !got.Equal(c.next) {
			t.Errorf("%s: next after %v is %v, want %v", c.name, c.after, got, c.next)
		}
	}
	sched := Schedule(daily, appeal.DigestDaily, cal)
	if _, _, _, ok := Due(sched, appeal.DigestDaily, shanghai, sh(10, 1, 8, 31)); ok {
		t.Error("a daily digest is due on National Day")
	}
	at, from, to, ok := Due(sched, appeal.DigestDaily, shanghai, sh(10, 8, 8, 31))
	if !ok || !at.Equal(sh(10, 8, 8, 30)) || !from.Equal(sh(9, 30, 8, 30)) || !to.Equal(at) {
		t.Errorf("the first digest after the holiday: %v %v–%v %v; want it to cover 09-30 08:30 to 10-08 08:30", at, from, to, ok)
	}
	// The weekly digest keeps its schedule.
	weekly, _, _ := ParseSpec(DefaultWeekly)
	if Schedule(weekly, appeal.DigestWeekly, cal) != weekly {
		t.Error("the weekly schedule was changed")
	}
}
