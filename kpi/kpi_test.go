package kpi

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

var shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// sh is a 2026 time in Shanghai. 2026-09-30 is a Wednesday, 2026-10-01 a
// Thursday.
func sh(m time.Month, d, h, min int) time.Time {
	return time.Date(2026, m, d, h, min, 0, 0, shanghai)
}

// china2026 is the office week in Shanghai with the official 2026
// holidays around the fixtures: Mid-Autumn 09-25..27, National Day
// 10-01..07, make-up working days Sunday 09-20 and Saturday 10-10.
func china2026() appeal.Calendar {
	c := appeal.DefaultCalendar(shanghai)
	d := func(m time.Month, day int) appeal.Date { return appeal.Date{Year: 2026, Month: m, Day: day} }
	c.Holidays = []appeal.Holiday{
		{From: d(9, 25), To: d(9, 27), Name: "中秋节"},
		{From: d(10, 1), To: d(10, 7), Name: "国庆节"},
	}
	c.Workdays = []appeal.Date{d(9, 20), d(10, 10)}
	return c
}

// log builds appeal logs with increasing ids.
type log struct {
	events []appeal.Event
}

func (l *log) add(id appeal.ID, at time.Time, kind appeal.EventKind, from, to appeal.Status, dept, note, outcome string) {
	l.events = append(l.events, appeal.Event{ID: int64(len(l.events) + 1), AppealID: id, At: at.UTC(), Kind: kind,
		FromStatus: from, ToStatus: to, Department: dept, Note: note, Outcome: outcome})
}

const (
	un  = appeal.StatusUnassigned
	as  = appeal.StatusAssigned
	cl  = appeal.StatusClaimed
	an  = appeal.StatusAnswered
	cd  = appeal.StatusClosed
	ret = appeal.StatusReturned
)

// fixture is October 2026 in two departments, water and roads, both on
// the default SLA (claim 2wh, answer 3wd, resolve 7wd), seen at noon on
// 2026-10-20. Every figure the test expects is computed by hand in the
// comments.
//
//	#1 water: reaches water Wed 09-30 17:00 (before the period), claimed Thu
//	   10-08 09:30 (deadline 2wh = 1h on 09-30 + 1h after the holiday:
//	   10-08 10:00), answered 10-09 11:00 (3wd: 10-08, 10-09, make-up
//	   Saturday 10-10 → 10-10 18:00), closed resolved 10-12, satisfied 10-12.
//	#2 water→roads: reaches water 10-08 09:00 (claim by 11:00), transferred
//	   unclaimed at 15:00 to roads; roads claims 16:00 (by 17:00), answers
//	   10-09 10:00 (by 10-12 18:00); unsatisfied 10-10 10:00 reopens it in
//	   roads (claim by 12:00, answer by 10-14 18:00), untouched since.
//	#3 water: reaches water Mon 10-12 09:00, returned 10:00 (before its
//	   claim deadline 11:00).
//	#4 water: reaches water Tue 10-13 09:00, claimed 13:45 (late: by 11:00),
//	   2wd extension approved 10-14 (answer by 10-16 18:00 + 2wd = 10-20
//	   18:00), answered Mon 10-19 10:00, closed unresolved 10-20 09:00;
//	   the citizen could not be reached (no_answer) at 10:00.
//	#5 roads: reaches roads Mon 10-19 09:00 (claim by 11:00), untouched.
//	#6 no department: received 10-15, closed by dispatch as spam.
//	#3 later: closed by dispatch 10-16, an unsatisfied verdict on it, and
//	   reopened (back to dispatch). Water never answered it: nobody's.
func fixture() Input {
	var l log
	l.add(1, sh(9, 30, 17, 0), appeal.EventReceived, "", un, "", "", "")
	l.add(1, sh(9, 30, 17, 0), appeal.EventAssigned, un, as, "water", "", "")
	l.add(1, sh(10, 8, 9, 30), appeal.EventClaimed, as, cl, "water", "", "")
	l.add(1, sh(10, 9, 11, 0), appeal.EventAnswered, cl, an, "water", "已修复", "")
	l.add(1, sh(10, 12, 9, 0), appeal.EventClosed, an, cd, "water", "done", "resolved")
	l.add(1, sh(10, 12, 15, 0), appeal.EventFeedback, cd, cd, "water", "", "satisfied")

	l.add(2, sh(10, 8, 9, 0), appeal.EventReceived, "", un, "", "", "")
	l.add(2, sh(10, 8, 9, 0), appeal.EventAssigned, un, as, "water", "", "")
	l.add(2, sh(10, 8, 15, 0), appeal.EventTransferred, as, as, "roads", "water → roads: 道路", "")
	l.add(2, sh(10, 8, 16, 0), appeal.EventClaimed, as, cl, "roads", "", "")
	l.add(2, sh(10, 9, 10, 0), appeal.EventAnswered, cl, an, "roads", "已处理", "")
	l.add(2, sh(10, 10, 10, 0), appeal.EventFeedback, an, an, "roads", "还是坏的", "unsatisfied")
	l.add(2, sh(10, 10, 10, 0), appeal.EventReopened, an, as, "roads", "还是坏的", "")

	l.add(3, sh(10, 12, 9, 0), appeal.EventAssigned, un, as, "water", "", "")
	l.add(3, sh(10, 12, 10, 0), appeal.EventReturned, as, ret, "water", "not ours", "")

	l.add(4, sh(10, 13, 9, 0), appeal.EventAssigned, un, as, "water", "", "")
	l.add(4, sh(10, 13, 13, 45), appeal.EventClaimed, as, cl, "water", "", "")
	l.add(4, sh(10, 14, 9, 0), appeal.EventExtensionRequested, cl, cl, "water", "2wd: 需要协调", "")
	l.add(4, sh(10, 14, 10, 0), appeal.EventExtensionApproved, cl, cl, "water", "2wd", "")
	l.add(4, sh(10, 19, 10, 0), appeal.EventAnswered, cl, an, "water", "已协调", "")
	l.add(4, sh(10, 20, 9, 0), appeal.EventClosed, an, cd, "water", "partly", "unresolved")
	l.add(4, sh(10, 20, 10, 0), appeal.EventFeedback, cd, cd, "water", "", "no_answer")

	l.add(5, sh(10, 19, 9, 0), appeal.EventAssigned, un, as, "roads", "", "")

	l.add(6, sh(10, 15, 9, 0), appeal.EventReceived, "", un, "", "", "")
	l.add(6, sh(10, 15, 9, 5), appeal.EventClosed, un, cd, "", "spam", "")

	// #3, returned by water, is closed by dispatch and reopened: back to
	// dispatch, still marked as water's return. Nobody's figures.
	l.add(3, sh(10, 16, 9, 0), appeal.EventClosed, ret, cd, "water", "duplicate", "")
	l.add(3, sh(10, 16, 9, 30), appeal.EventFeedback, cd, cd, "water", "", "unsatisfied")
	l.add(3, sh(10, 16, 10, 0), appeal.EventReopened, cd, ret, "water", "not a duplicate", "")

	u := func(t time.Time) time.Time { return t.UTC() }
	appeals := []appeal.Appeal{
		{ID: 1, Department: "water", Status: cd, AssignedAt: u(sh(9, 30, 17, 0)),
			Deadlines: appeal.Deadlines{ClaimBy: u(sh(10, 8, 10, 0)), AnswerBy: u(sh(10, 10, 18, 0)), ResolveBy: u(sh(10, 19, 18, 0))}},
		{ID: 2, Department: "roads", Status: as, AssignedAt: u(sh(10, 10, 10, 0)),
			Deadlines: appeal.Deadlines{ClaimBy: u(sh(10, 10, 12, 0)), AnswerBy: u(sh(10, 14, 18, 0)), ResolveBy: u(sh(10, 20, 18, 0))}},
		{ID: 3, Department: "water", Status: ret},
		{ID: 4, Department: "water", Status: cd, AssignedAt: u(sh(10, 13, 9, 0)),
			Deadlines: appeal.Deadlines{ClaimBy: u(sh(10, 13, 11, 0)), AnswerBy: u(sh(10, 20, 18, 0)), ResolveBy: u(sh(10, 26, 18, 0))}},
		{ID: 5, Department: "roads", Status: as, AssignedAt: u(sh(10, 19, 9, 0)),
			Deadlines: appeal.Deadlines{ClaimBy: u(sh(10, 19, 11, 0)), AnswerBy: u(sh(10, 22, 18, 0)), ResolveBy: u(sh(10, 28, 18, 0))}},
		{ID: 6, Status: cd},
	}
	depts := []appeal.Department{
		{Code: "water", Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy},
		{Code: "roads", Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy},
		{Code: "parks", Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy},
	}
	cal := china2026()
	return Input{
		From: sh(10, 1, 0, 0), To: sh(11, 1, 0, 0), Now: sh(10, 20, 12, 0),
		Appeals: appeals, Events: l.events, Departments: depts,
		Calendars: map[string]appeal.Calendar{"water": cal, "roads": cal, "parks": cal},
		Weights:   DefaultWeights,
	}
}

func f(v float64) *float64 { return &v }

func h(hours, minutes int) time.Duration {
	return time.Duration(hours)*time.Hour + time.Duration(minutes)*time.Minute
}

func TestComputeByHand(t *testing.T) {
	rep := Compute(fixture())
	water := Figures{
		Department: "water",
		// #2, #3, #4 reached water in October; #1 in September.
		Received: 3, Claimed: 2, Answered: 2, Closed: 2, Resolved: 1, Unresolved: 1,
		Returned: 1, TransferredOut: 1, Extended: 1, Satisfied: 1, NoAnswer: 1,
		ToClaim: Durations{N: 2,
			// #1: 09-30 17:00 → 10-08 09:30 is 184h30m of wall time but
			// 1h30m of working time (1h on 09-30, the holiday, 30m on
			// 10-08); #4: 09:00 → 13:45 is 4h45m, 3h15m working (lunch).
			Median: (h(184, 30) + h(4, 45)) / 2, P90: h(184, 30),
			WorkMedian: (h(1, 30) + h(3, 15)) / 2, WorkP90: h(3, 15)},
		ToAnswer: Durations{N: 2,
			// #1: 09-30 17:00 → 10-09 11:00 is 210h; working 1h + 7h30m
			// (10-08) + 2h = 10h30m. #4: 10-13 09:00 → 10-19 10:00 is
			// 145h; working 4 × 7h30m + 1h = 31h.
			Median: (h(210, 0) + h(145, 0)) / 2, P90: h(210, 0),
			WorkMedian: (h(10, 30) + h(31, 0)) / 2, WorkP90: h(31, 0)},
		// Claims: #1 on time; #2 late at 11:00 (transferred after its
		// deadline); #4 late; #3 returned before its deadline: not counted.
		ClaimsDue: 3, ClaimsOnTime: 1,
		// Answers: #1 on time, #4 on time within its extension; #2 and #3
		// left water before their answer deadlines.
		AnswersDue: 2, AnswersOnTime: 2,
		// Received and kept: only #4 (#2 transferred, #3 returned), answered.
		Kept: 1, Responded: 1,
		// Satisfaction: #1 satisfied; #4's unreached citizen counts in neither.
		OnTimeClaim: f(1.0 / 3), OnTimeAnswer: f(1), Response: f(1), Resolution: f(0.5), Satisfaction: f(1),
		// 30×1 + 35×0.5 + 35×1 over 100.
		Score: f(82.5),
	}
	roads := Figures{
		Department: "roads",
		Received:   2, Claimed: 1, Answered: 1, Reopened: 1, Unsatisfied: 1,
		Open: 2, Overdue: 2,
		ToClaim:  Durations{N: 1, Median: h(1, 0), P90: h(1, 0), WorkMedian: h(1, 0), WorkP90: h(1, 0)},
		ToAnswer: Durations{N: 1, Median: h(19, 0), P90: h(19, 0), WorkMedian: h(4, 0), WorkP90: h(4, 0)},
		// #2 first stay on time; #2 reopened (claim by 10-10 12:00) late;
		// #5 late.
		ClaimsDue: 3, ClaimsOnTime: 1,
		// #2 first stay on time; #2 reopened: 10-14 18:00 passed; #5 is
		// due 10-22, not decided yet.
		AnswersDue: 2, AnswersOnTime: 1,
		Kept: 2, Responded: 1,
		OnTimeClaim: f(1.0 / 3), OnTimeAnswer: f(0.5), Response: f(0.5), Satisfaction: f(0),
		// No closes: the score weighs response and satisfaction only,
		// 30×0.5 + 35×0 over 65.
		Score: f(1500.0 / 65),
	}
	parks := Figures{Department: "parks"}
	overall := Figures{
		Received: 5, Claimed: 3, Answered: 3, Closed: 2, Resolved: 1, Unresolved: 1,
		Returned: 1, TransferredOut: 1, Extended: 1, Reopened: 1, Satisfied: 1, Unsatisfied: 1, NoAnswer: 1,
		Open: 2, Overdue: 2,
		ToClaim:   Durations{N: 3, Median: h(4, 45), P90: h(184, 30), WorkMedian: h(1, 30), WorkP90: h(3, 15)},
		ToAnswer:  Durations{N: 3, Median: h(145, 0), P90: h(210, 0), WorkMedian: h(10, 30), WorkP90: h(31, 0)},
		ClaimsDue: 6, ClaimsOnTime: 2, AnswersDue: 4, AnswersOnTime: 3, Kept: 3, Responded: 2,
		OnTimeClaim: f(2.0 / 6), OnTimeAnswer: f(0.75), Response: f(2.0 / 3), Resolution: f(0.5), Satisfaction: f(0.5),
		// 30×2/3 + 35×0.5 + 35×0.5 over 100.
		Score: f(55),
	}
	check(t, "water", rep.Departments[2], water)
	check(t, "roads", rep.Departments[1], roads)
	check(t, "parks", rep.Departments[0], parks)
	check(t, "overall", rep.Overall, overall)
	var order []string
	for _, d := range rep.Ranking() {
		order = append(order, d.Department)
	}
	if want := []string{"water", "roads", "parks"}; !reflect.DeepEqual(order, want) {
		t.Errorf("ranking %v, want %v", order, want)
	}
}

// check compares figures, rates to within rounding.
func check(t *testing.T, name string, got, want Figures) {
	t.Helper()
	rates := func(f *Figures) []**float64 {
		return []**float64{&f.OnTimeClaim, &f.OnTimeAnswer, &f.Response, &f.Resolution, &f.Satisfaction, &f.Score}
	}
	names := []string{"on-time claim", "on-time answer", "response", "resolution", "satisfaction", "score"}
	g, w := rates(&got), rates(&want)
	for i := range g {
		switch {
		case (*g[i] == nil) != (*w[i] == nil):
			t.Errorf("%s %s: got %v, want %v", name, names[i], deref(*g[i]), deref(*w[i]))
		case *g[i] != nil && math.Abs(**g[i]-**w[i]) > 1e-9:
			t.Errorf("%s %s: got %v, want %v", name, names[i], **g[i], **w[i])
		}
		*g[i], *w[i] = nil, nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", name, got, want)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestPeriodLimits: events outside the period count nowhere, and a
// deadline not yet passed decides nothing.
func TestPeriodLimits(t *testing.T) {
	in := fixture()
	in.From, in.To = sh(9, 1, 0, 0), sh(10, 1, 0, 0)
	rep := Compute(in)
	w, _ := rep.Department("water")
	// September: only #1 reached water; its claim (10-08) is October's.
	if w.Received != 1 || w.Claimed != 0 || w.ClaimsDue != 0 || w.Kept != 1 || w.Responded != 1 {
		t.Errorf("September water: %+v", w)
	}
	// Open and overdue are as of now whatever the period.
	if r, _ := rep.Department("roads"); r.Open != 2 || r.Overdue != 2 {
		t.Errorf("September roads open %d overdue %d, want 2 and 2", r.Open, r.Overdue)
	}
	in = fixture()
	in.Now = sh(10, 10, 11, 0) // before #2's reopened claim deadline (12:00)
	in.To = in.Now
	r, _ := Compute(in).Department("roads")
	if r.ClaimsDue != 1 || r.ClaimsOnTime != 1 {
		t.Errorf("roads at 10-10 11:00: claims due %d on time %d, want 1 and 1", r.ClaimsDue, r.ClaimsOnTime)
	}
}

// TestRecomputedDeadlines: a department's earlier stay is judged by the
// deadlines its policy gave at the time, counted in its calendar across
// the holiday: #1 reached water on 09-30 17:00 and was transferred, so
// its current deadlines are roads' and water's claim deadline (10-08
// 10:00) is recomputed.
func TestRecomputedDeadlines(t *testing.T) {
	in := fixture()
	var l log
	l.add(1, sh(9, 30, 17, 0), appeal.EventAssigned, un, as, "water", "", "")
	l.add(1, sh(10, 8, 9, 50), appeal.EventClaimed, as, cl, "water", "", "")
	l.add(1, sh(10, 8, 10, 30), appeal.EventTransferred, cl, as, "roads", "", "")
	in.Events = l.events
	in.Appeals = []appeal.Appeal{{ID: 1, Department: "roads", Status: as, AssignedAt: sh(10, 8, 10, 30).UTC(),
		Deadlines: appeal.Deadlines{ClaimBy: sh(10, 8, 13, 0).UTC()}}}
	rep := Compute(in)
	if w, _ := rep.Department("water"); w.ClaimsDue != 1 || w.ClaimsOnTime != 1 || w.TransferredOut != 1 {
		t.Errorf("water: claims due %d on time %d transferred %d, want 1, 1, 1", w.ClaimsDue, w.ClaimsOnTime, w.TransferredOut)
	}
	// 09:50 is on time against 10:00; at 10:10 it would not be.
	in.Events[1].At = sh(10, 8, 10, 10).UTC()
	if w, _ := Compute(in).Department("water"); w.ClaimsDue != 1 || w.ClaimsOnTime != 0 {
		t.Errorf("late claim: due %d on time %d, want 1 and 0", w.ClaimsDue, w.ClaimsOnTime)
	}
}

func TestScoreWithMissingRates(t *testing.T) {
	w := Weights{Response: 30, Resolution: 35, Satisfaction: 35}
	if s := score(w, nil, nil, nil); s != nil {
		t.Errorf("no rates: score %v, want none", *s)
	}
	if s := score(w, f(0.5), nil, nil); s == nil || *s != 50 {
		t.Errorf("only response 0.5: score %v, want 50", deref(s))
	}
	// A zero weight leaves a rate out.
	if s := score(Weights{Response: 1}, f(0.2), f(1), f(1)); s == nil || math.Abs(*s-20) > 1e-9 {
		t.Errorf("weights 1,0,0: score %v, want 20", deref(s))
	}
}

func TestMedianP90(t *testing.T) {
	ds := func(xs ...int) []time.Duration {
		var out []time.Duration
		for _, x := range xs {
			out = append(out, time.Duration(x)*time.Minute)
		}
		return out
	}
	for _, c := range []struct {
		in          []time.Duration
		median, p90 time.Duration
	}{
		{nil, 0, 0},
		{ds(5), 5 * time.Minute, 5 * time.Minute},
		{ds(10, 1, 4, 2), 3 * time.Minute, 10 * time.Minute},
		// Ten samples: the 9th is the 90th percentile by nearest rank.
		{ds(1, 2, 3, 4, 5, 6, 7, 8, 9, 100), 5*time.Minute + 30*time.Second, 9 * time.Minute},
	} {
		if m, p := Median(c.in), P90(c.in); m != c.median || p != c.p90 {
			t.Errorf("%v: median %v p90 %v, want %v and %v", c.in, m, p, c.median, c.p90)
		}
	}
}

func TestParseWeights(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Weights
		ok   bool
	}{
		{"30,35,35", DefaultWeights, true},
		{" 1, 0 ,0", Weights{1, 0, 0}, true},
		{"0.5,0.25,0.25", Weights{0.5, 0.25, 0.25}, true},
		{"30,35", Weights{}, false},
		{"30,35,x", Weights{}, false},
		{"30,-1,35", Weights{}, false},
		{"0,0,0", Weights{}, false},
		{"NaN,1,1", Weights{}, false},
	} {
		got, err := ParseWeights(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseWeights(%q) = %v, %v", c.in, got, err)
		}
	}
	if s := DefaultWeights.String(); s != "30,35,35" {
		t.Errorf("String() = %q", s)
	}
}

func TestParsePeriod(t *testing.T) {
	now := sh(10, 20, 12, 0)
	for _, c := range []struct {
		in       string
		from, to time.Time
	}{
		{"", now.Add(-7 * 24 * time.Hour), now},
		{"today", sh(10, 20, 0, 0), sh(10, 21, 0, 0)},
		{"TODAY", sh(10, 20, 0, 0), sh(10, 21, 0, 0)},
		{"30d", now.Add(-30 * 24 * time.Hour), now},
		{"2026-10", sh(10, 1, 0, 0), sh(11, 1, 0, 0)},
		{"2025-12", time.Date(2025, 12, 1, 0, 0, 0, 0, shanghai), sh(1, 1, 0, 0)},
	} {
		p, err := ParsePeriod(c.in, now, shanghai)
		if err != nil || !p.From.Equal(c.from) || !p.To.Equal(c.to) {
			t.Errorf("ParsePeriod(%q) = %v–%v, %v; want %v–%v", c.in, p.From, p.To, err, c.from, c.to)
		}
	}
	for _, bad := range []string{"0d", "367d", "-3d", "+3d", "week", "2026-13", "2026-11", "1999-01", "2026-1"} {
		if _, err := ParsePeriod(bad, now, shanghai); err != ErrPeriod {
			t.Errorf("ParsePeriod(%q): err %v, want ErrPeriod", bad, err)
		}
	}
}

// TestUrgesCount: urges in the period count for the department that held
// the appeal; those before the period or while dispatch held it do not.
func TestUrgesCount(t *testing.T) {
	in := fixture()
	var l log
	l.add(1, sh(9, 30, 17, 0), appeal.EventAssigned, un, as, "water", "", "")
	l.add(1, sh(9, 30, 18, 0), appeal.EventUrged, as, as, "water", "", "") // before the period
	l.add(1, sh(10, 9, 9, 0), appeal.EventUrged, as, as, "water", "快点", "")
	l.add(1, sh(10, 10, 9, 0), appeal.EventUrged, as, as, "water", "", "")
	l.add(2, sh(10, 10, 9, 0), appeal.EventUrged, un, un, "", "", "")
	in.Events = l.events
	in.Appeals = []appeal.Appeal{{ID: 1, Department: "water", Status: as, AssignedAt: sh(9, 30, 17, 0).UTC()},
		{ID: 2, Status: un}}
	rep := Compute(in)
	if w, _ := rep.Department("water"); w.Urged != 2 {
		t.Errorf("water urged %d, want 2", w.Urged)
	}
	if rep.Overall.Urged != 2 {
		t.Errorf("overall urged %d, want 2", rep.Overall.Urged)
	}
}
