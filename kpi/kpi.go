// Package kpi computes the figures departments are judged by (12345's
// response, resolution and satisfaction rates, timely claiming and on-time
// answers) from the append-only event log. Compute is a pure function of
// the period, the appeals with their logs, the departments and their
// calendars; it knows nothing of SQL, chat or HTTP. The definitions are
// written down, one line per figure, in the README ("Figures (KPIs)").
package kpi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Weights weigh the response, resolution and satisfaction rates in the
// composite score. Only their proportions matter.
type Weights struct {
	Response, Resolution, Satisfaction float64
}

// DefaultWeights are 30/35/35.
var DefaultWeights = Weights{Response: 30, Resolution: 35, Satisfaction: 35}

// ParseWeights reads "30,35,35" (response, resolution, satisfaction): three
// numbers, none negative, not all zero.
func ParseWeights(s string) (Weights, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return Weights{}, fmt.Errorf("%q: want three numbers: response,resolution,satisfaction", s)
	}
	var v [3]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return Weights{}, fmt.Errorf("%q: %q is not a number of at least 0", s, strings.TrimSpace(p))
		}
		v[i] = f
	}
	if v[0]+v[1]+v[2] == 0 {
		return Weights{}, fmt.Errorf("%q: the weights must not all be 0", s)
	}
	return Weights{Response: v[0], Resolution: v[1], Satisfaction: v[2]}, nil
}

func (w Weights) String() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return f(w.Response) + "," + f(w.Resolution) + "," + f(w.Satisfaction)
}

// Durations summarise how long something took over N samples: in wall
// time (how long people waited) and in the department's working time.
// All zero when N is 0.
type Durations struct {
	N                   int
	Median, P90         time.Duration
	WorkMedian, WorkP90 time.Duration
}

// Figures are one department's (or, with Department "", every
// department's) figures for a period.
type Figures struct {
	Department string

	// Counts of events in the period.
	Received, Claimed, Answered, Closed, Resolved, Unresolved int
	Returned, TransferredOut, Extended, Reopened              int
	Satisfied, Unsatisfied, NoAnswer                          int
	// Urged counts citizens' urges (催办) of the department's appeals.
	Urged int

	// As of now: appeals the department works on, and those of them past
	// the deadline they must meet next.
	Open, Overdue int

	// ToClaim and ToAnswer: from reaching the department to the claim and
	// to the answer, over the claims and answers of the period.
	ToClaim, ToAnswer Durations

	// ClaimsDue counts the claims decided in the period (see README), of
	// which ClaimsOnTime were made by the deadline; the same for answers.
	ClaimsDue, ClaimsOnTime   int
	AnswersDue, AnswersOnTime int

	// Kept counts the appeals received in the period and not sent away
	// unanswered, of which Responded have been answered.
	Kept, Responded int

	// Rates are fractions in [0, 1], nil when undefined (nothing to
	// divide by). Score is the composite, 0–100, nil when no rate is
	// defined.
	OnTimeClaim, OnTimeAnswer          *float64
	Response, Resolution, Satisfaction *float64
	Score                              *float64
}

// Report is the figures of a period, overall and per department (by code).
type Report struct {
	From, To, Now time.Time
	Weights       Weights
	Overall       Figures
	Departments   []Figures
}

// Department returns the figures of department code.
func (r Report) Department(code string) (Figures, bool) {
	for _, f := range r.Departments {
		if f.Department == code {
			return f, true
		}
	}
	return Figures{}, false
}

// Ranking returns the departments best score first; those without a score
// come last; ties go by code.
func (r Report) Ranking() []Figures {
	out := slices.Clone(r.Departments)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Score, out[j].Score
		switch {
		case a != nil && b != nil && *a != *b:
			return *a > *b
		case (a == nil) != (b == nil):
			return a != nil
		}
		return out[i].Department < out[j].Department
	})
	return out
}

// Input is what Compute reads.
type Input struct {
	// From, To bound the period [From, To); Now is the moment of
	// computing (open and overdue are as of Now; nothing after Now is
	// decided yet).
	From, To, Now time.Time
	// Appeals are the appeals as they are now, Events their logs (any
	// order; events of appeals not listed are ignored). Give at least the
	// appeals with an event at or after From and those open now.
	Appeals []appeal.Appeal
	Events  []appeal.Event
	// Departments are every department, for their SLA policies;
	// Calendars their working-time calendars by code (missing: the
	// default office week in the department's timezone, or UTC).
	Departments []appeal.Department
	Calendars   map[string]appeal.Calendar
	Weights     Weights
}

// round is one stay of an appeal in a department: from reaching it
// (assignment, transfer, reopen) to leaving it or the next reopen.
type round struct {
	a       *appeal.Appeal
	dept    string
	start   time.Time
	arrival bool // reached by assignment or transfer, not by reopen
	claimed time.Time
	answer  time.Time
	// ended is when the round ended; left says it ended by return or
	// transfer.
	ended time.Time
	left  bool
	// extensions approved during the round.
	extensions []appeal.Span
}

// openStatuses are those of appeals a department still works on.
var openStatuses = []appeal.Status{appeal.StatusAssigned, appeal.StatusClaimed, appeal.StatusPendingApproval, appeal.StatusAnswered}

// IsOpen reports whether a department still works on appeal a.
func IsOpen(a appeal.Appeal) bool {
	return a.Department != "" && slices.Contains(openStatuses, a.Status)
}

// NextDeadline is the deadline appeal a must meet next; zero when none
// applies (closed, or waiting for dispatch).
func NextDeadline(a appeal.Appeal) time.Time {
	switch a.Status {
	case appeal.StatusAssigned:
		return a.Deadlines.ClaimBy
	case appeal.StatusClaimed, appeal.StatusPendingApproval:
		return a.Deadlines.AnswerBy
	case appeal.StatusAnswered:
		return a.Deadlines.ResolveBy
	}
	return time.Time{}
}

// Overdue reports whether open appeal a is past its next deadline at now.
func Overdue(a appeal.Appeal, now time.Time) bool {
	d := NextDeadline(a)
	return IsOpen(a) && !d.IsZero() && now.After(d)
}

type acc struct {
	f                        Figures
	n                        [NumFactKinds]int64
	claim, claimW, ans, ansW []time.Duration
}

// computeEnv is the Env of Compute's input.
type computeEnv struct {
	depts map[string]appeal.Department
	cals  map[string]appeal.Calendar
}

func (e computeEnv) Department(code string) (appeal.Department, bool) {
	d, ok := e.depts[code]
	return d, ok
}

func (e computeEnv) Calendar(code string) appeal.Calendar {
	if c, ok := e.cals[code]; ok {
		return c
	}
	return DefaultCalendarOf(e.depts[code])
}

// DefaultCalendarOf is the calendar of a department no calendar is given
// for: the default office week in its timezone, or UTC.
func DefaultCalendarOf(d appeal.Department) appeal.Calendar {
	loc := time.UTC
	if d.Timezone != "" {
		if l, err := appeal.Zone(d.Timezone); err == nil {
			loc = l
		}
	}
	return appeal.DefaultCalendar(loc)
}

// Counts reports whether fact f counts in the figures of [from, to) asked
// at now: its instant is in the period, and a decision's has come.
func Counts(f Fact, from, to, now time.Time) bool {
	return !f.At.Before(from) && f.At.Before(to) && !(f.Kind.Decision() && f.At.After(now))
}

// Compute works out the figures of in.From to in.To from the log, exactly:
// the facts of every appeal (see Facts) whose instant falls in the period.
func Compute(in Input) Report {
	rep := Report{From: in.From, To: in.To, Now: in.Now, Weights: in.Weights}
	env := computeEnv{depts: map[string]appeal.Department{}, cals: in.Calendars}
	accs := map[string]*acc{}
	get := func(code string) *acc {
		if accs[code] == nil {
			accs[code] = &acc{f: Figures{Department: code}}
		}
		return accs[code]
	}
	for _, d := range in.Departments {
		env.depts[d.Code] = d
		get(d.Code)
	}

	byID := map[appeal.ID]*appeal.Appeal{}
	for i := range in.Appeals {
		a := &in.Appeals[i]
		byID[a.ID] = a
		if IsOpen(*a) {
			x := get(a.Department)
			x.f.Open++
			if Overdue(*a, in.Now) {
				x.f.Overdue++
			}
		}
	}
	events := slices.Clone(in.Events)
	sort.SliceStable(events, func(i, j int) bool {
		if events[i].AppealID != events[j].AppealID {
			return events[i].AppealID < events[j].AppealID
		}
		return events[i].ID < events[j].ID
	})
	for i := 0; i < len(events); {
		j := i + 1
		for j < len(events) && events[j].AppealID == events[i].AppealID {
			j++
		}
		if a := byID[events[i].AppealID]; a != nil {
			for _, f := range Facts(*a, events[i:j], env) {
				if f.Kind == FactIntake || !Counts(f, in.From, in.To, in.Now) {
					continue
				}
				x := get(f.Dept)
				x.n[f.Kind]++
				switch f.Kind {
				case FactToClaim:
					x.claim, x.claimW = append(x.claim, f.Wall), append(x.claimW, f.Work)
				case FactToAnswer:
					x.ans, x.ansW = append(x.ans, f.Wall), append(x.ansW, f.Work)
				}
			}
		}
		i = j
	}

	all := &acc{}
	codes := make([]string, 0, len(accs))
	for code := range accs {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		x := accs[code]
		for k := range x.n {
			all.n[k] += x.n[k]
		}
		all.f.Open += x.f.Open
		all.f.Overdue += x.f.Overdue
		all.claim, all.claimW = append(all.claim, x.claim...), append(all.claimW, x.claimW...)
		all.ans, all.ansW = append(all.ans, x.ans...), append(all.ansW, x.ansW...)
		rep.Departments = append(rep.Departments, x.finish(in.Weights))
	}
	rep.Overall = all.finish(in.Weights)
	return rep
}

func (x *acc) finish(w Weights) Figures {
	f := counts(x.n)
	f.Department, f.Open, f.Overdue = x.f.Department, x.f.Open, x.f.Overdue
	f.ToClaim = summarise(x.claim, x.claimW)
	f.ToAnswer = summarise(x.ans, x.ansW)
	rates(&f, w)
	return f
}

func ratio(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	v := float64(n) / float64(of)
	return &v
}

// score is the weighted mean of the defined rates, times 100: a rate
// that is undefined leaves the score to the others (its weight is not
// counted), and with none defined there is no score.
func score(w Weights, response, resolution, satisfaction *float64) *float64 {
	var sum, weight float64
	for _, p := range []struct {
		r *float64
		w float64
	}{{response, w.Response}, {resolution, w.Resolution}, {satisfaction, w.Satisfaction}} {
		if p.r != nil && p.w > 0 {
			sum += *p.r * p.w
			weight += p.w
		}
	}
	if weight == 0 {
		return nil
	}
	v := 100 * sum / weight
	return &v
}

func summarise(wall, work []time.Duration) Durations {
	return Durations{N: len(wall), Median: Median(wall), P90: P90(wall), WorkMedian: Median(work), WorkP90: P90(work)}
}

// Median of ds (the mean of the middle two for an even count); 0 for none.
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// P90 is the 90th percentile of ds by nearest rank: the smallest value
// with at least 90% of the samples at or below it; 0 for none.
func P90(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	k := int(math.Ceil(0.9*float64(len(s)))) - 1
	return s[max(k, 0)]
}

// LogSource is what LoadFromLog reads from storage.
type LogSource interface {
	// KPIEvents returns the appeals with an event at or after since or
	// open now, and their whole logs; with dept set, at least those that
	// department's figures need.
	KPIEvents(ctx context.Context, since time.Time, dept string) ([]appeal.Appeal, []appeal.Event, error)
	Departments(ctx context.Context) ([]appeal.Department, error)
}

// LoadFromLog computes the figures of [from, to) as of now from the event
// log, exactly, with each department's calendar from cals: its cost
// follows the history since from, so it serves to check the kept sums
// (see Load), not to answer people. With dept set it reads and reports
// that department alone (Departments holds only it, Overall is empty); an
// unknown dept is appeal.ErrNotFound.
func LoadFromLog(ctx context.Context, src LogSource, cals appeal.CalendarSource, from, to, now time.Time, w Weights, dept string) (Report, error) {
	if !from.Before(to) {
		return Report{}, errors.New("kpi: the period must end after it starts")
	}
	depts, err := src.Departments(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("kpi: %w", err)
	}
	if dept != "" {
		i := slices.IndexFunc(depts, func(d appeal.Department) bool { return d.Code == dept })
		if i < 0 {
			return Report{}, fmt.Errorf("kpi: department %q: %w", dept, appeal.ErrNotFound)
		}
		depts = depts[i : i+1]
	}
	calendars := map[string]appeal.Calendar{}
	for _, d := range depts {
		c, err := cals.Calendar(ctx, d)
		if err != nil {
			return Report{}, fmt.Errorf("kpi: %w", err)
		}
		calendars[d.Code] = c
	}
	as, es, err := src.KPIEvents(ctx, from, dept)
	if err != nil {
		return Report{}, fmt.Errorf("kpi: %w", err)
	}
	rep := Compute(Input{From: from, To: to, Now: now, Appeals: as, Events: es,
		Departments: depts, Calendars: calendars, Weights: w})
	if dept != "" {
		f, _ := rep.Department(dept)
		rep.Departments, rep.Overall = []Figures{f}, Figures{}
	}
	return rep, nil
}

// ErrBusy is the error of a figures request when too many are being
// answered at once: ask again in a few seconds.
var ErrBusy = errors.New("kpi: too many figures requests at once")

// Source is what Load reads from storage: the facts kept summed per
// department (see Facts), the "now" gauges, the departments.
type Source interface {
	// FactSums returns the facts of [from, to) summed per department
	// (only dept's with dept set): all facts with their instant in the
	// period, the decisions only up to now (see Counts). Durations are
	// counted in buckets (see Hist).
	FactSums(ctx context.Context, from, to, now time.Time, dept string) ([]Sums, error)
	// OpenNow counts the appeals open now per department (see IsOpen) and
	// those of them overdue (see Overdue).
	OpenNow(ctx context.Context, now time.Time, dept string) ([]OpenCount, error)
	Departments(ctx context.Context) ([]appeal.Department, error)
}

// OpenCount is a department's open and overdue appeals now.
type OpenCount struct {
	Dept          string
	Open, Overdue int
}

// Load returns the figures of [from, to) as of now from the sums storage
// keeps, so that its cost follows the period and the number of
// departments, not the history. Counts and rates are exact (the same as
// Compute over the log); medians and 90th percentiles are estimates from
// buckets, within MaxEstimateError. With dept set it reports that
// department alone (Departments holds only it, Overall is empty); an
// unknown dept is appeal.ErrNotFound.
func Load(ctx context.Context, src Source, from, to, now time.Time, w Weights, dept string) (Report, error) {
	if !from.Before(to) {
		return Report{}, errors.New("kpi: the period must end after it starts")
	}
	depts, err := src.Departments(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("kpi: %w", err)
	}
	if dept != "" && !slices.ContainsFunc(depts, func(d appeal.Department) bool { return d.Code == dept }) {
		return Report{}, fmt.Errorf("kpi: department %q: %w", dept, appeal.ErrNotFound)
	}
	sums, err := src.FactSums(ctx, from, to, now, dept)
	if err != nil {
		return Report{}, fmt.Errorf("kpi: %w", err)
	}
	open, err := src.OpenNow(ctx, now, dept)
	if err != nil {
		return Report{}, fmt.Errorf("kpi: %w", err)
	}
	return FromSums(from, to, now, w, depts, sums, open, dept), nil
}

// SpanSource is a Source that reads the sums of consecutive periods at
// once.
type SpanSource interface {
	Source
	// FactSumsSpans returns FactSums(bounds[i], bounds[i+1], now, dept)
	// for each i, in a read bounded by the number of spans, not the
	// history.
	FactSumsSpans(ctx context.Context, bounds []time.Time, now time.Time, dept string) ([][]Sums, error)
}

// LoadSpans returns Load(bounds[i], bounds[i+1], ...) for each i (a
// trend: one report per day, say), reading the departments and the gauges
// once and, from a SpanSource, the sums of all spans in one call.
func LoadSpans(ctx context.Context, src Source, bounds []time.Time, now time.Time, w Weights, dept string) ([]Report, error) {
	for i := 1; i < len(bounds); i++ {
		if !bounds[i-1].Before(bounds[i]) {
			return nil, errors.New("kpi: each period must end after it starts")
		}
	}
	if len(bounds) < 2 {
		return nil, nil
	}
	depts, err := src.Departments(ctx)
	if err != nil {
		return nil, fmt.Errorf("kpi: %w", err)
	}
	if dept != "" && !slices.ContainsFunc(depts, func(d appeal.Department) bool { return d.Code == dept }) {
		return nil, fmt.Errorf("kpi: department %q: %w", dept, appeal.ErrNotFound)
	}
	var sums [][]Sums
	if ss, ok := src.(SpanSource); ok {
		if sums, err = ss.FactSumsSpans(ctx, bounds, now, dept); err != nil {
			return nil, fmt.Errorf("kpi: %w", err)
		}
	} else {
		for i := 1; i < len(bounds); i++ {
			s, err := src.FactSums(ctx, bounds[i-1], bounds[i], now, dept)
			if err != nil {
				return nil, fmt.Errorf("kpi: %w", err)
			}
			sums = append(sums, s)
		}
	}
	if len(sums) != len(bounds)-1 {
		return nil, fmt.Errorf("kpi: %d sums for %d periods", len(sums), len(bounds)-1)
	}
	open, err := src.OpenNow(ctx, now, dept)
	if err != nil {
		return nil, fmt.Errorf("kpi: %w", err)
	}
	reps := make([]Report, len(sums))
	for i := range sums {
		reps[i] = FromSums(bounds[i], bounds[i+1], now, w, depts, sums[i], open, dept)
	}
	return reps, nil
}

// FromSums is the report of the sums and gauges of a period: a department
// for each of depts and each code with something counted (only dept with
// dept set), and all together.
func FromSums(from, to, now time.Time, w Weights, depts []appeal.Department, sums []Sums, open []OpenCount, dept string) Report {
	rep := Report{From: from, To: to, Now: now, Weights: w}
	by := map[string]*Sums{}
	gauges := map[string]OpenCount{}
	get := func(code string) *Sums {
		if by[code] == nil {
			by[code] = &Sums{Dept: code}
		}
		return by[code]
	}
	for _, d := range depts {
		if dept == "" || d.Code == dept {
			get(d.Code)
		}
	}
	for i := range sums {
		// Intake (department "") is no department's figure.
		if sums[i].Dept != "" && (dept == "" || sums[i].Dept == dept) {
			get(sums[i].Dept).Merge(&sums[i])
		}
	}
	for _, o := range open {
		if dept == "" || o.Dept == dept {
			get(o.Dept)
			gauges[o.Dept] = o
		}
	}
	codes := make([]string, 0, len(by))
	for code := range by {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	all := Sums{}
	var allOpen, allOverdue int
	for _, code := range codes {
		g := gauges[code]
		rep.Departments = append(rep.Departments, by[code].figures(g.Open, g.Overdue, w))
		all.Merge(by[code])
		allOpen += g.Open
		allOverdue += g.Overdue
	}
	if dept == "" {
		rep.Overall = all.figures(allOpen, allOverdue, w)
	}
	return rep
}
