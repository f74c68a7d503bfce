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
	claim, claimW, ans, ansW []time.Duration
}

// Compute works out the figures of in.From to in.To.
func Compute(in Input) Report {
	rep := Report{From: in.From, To: in.To, Now: in.Now, Weights: in.Weights}
	depts := map[string]appeal.Department{}
	accs := map[string]*acc{}
	get := func(code string) *acc {
		if accs[code] == nil {
			accs[code] = &acc{f: Figures{Department: code}}
		}
		return accs[code]
	}
	for _, d := range in.Departments {
		depts[d.Code] = d
		get(d.Code)
	}
	cal := func(code string) appeal.Calendar {
		if c, ok := in.Calendars[code]; ok {
			return c
		}
		loc := time.UTC
		if d, ok := depts[code]; ok && d.Timezone != "" {
			if l, err := appeal.Zone(d.Timezone); err == nil {
				loc = l
			}
		}
		return appeal.DefaultCalendar(loc)
	}
	inPeriod := func(t time.Time) bool { return !t.IsZero() && !t.Before(in.From) && t.Before(in.To) }

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

	var rounds []*round
	var cur *round
	var last appeal.ID
	// answeredBy is the department whose answer a verdict judges: the
	// last to answer, until the appeal reaches a department again.
	var answeredBy string
	for _, e := range events {
		a := byID[e.AppealID]
		if a == nil {
			continue
		}
		if e.AppealID != last {
			cur, last, answeredBy = nil, e.AppealID, ""
		}
		switch e.Kind {
		case appeal.EventAssigned, appeal.EventTransferred, appeal.EventReopened:
			answeredBy = ""
		case appeal.EventAnswered:
			answeredBy = e.Department
		}
		end := func(left bool) {
			if cur != nil && cur.ended.IsZero() {
				cur.ended, cur.left = e.At, left
			}
		}
		begin := func(arrival bool) {
			cur = &round{a: a, dept: e.Department, start: e.At, arrival: arrival}
			rounds = append(rounds, cur)
		}
		count := inPeriod(e.At)
		switch e.Kind {
		case appeal.EventAssigned:
			end(true)
			begin(true)
			if count {
				get(e.Department).f.Received++
			}
		case appeal.EventTransferred:
			if cur != nil && count {
				get(cur.dept).f.TransferredOut++
			}
			end(true)
			begin(true)
			if count {
				get(e.Department).f.Received++
			}
		case appeal.EventReopened:
			end(false)
			cur = nil
			// A reopen of an appeal dispatch closed goes back to
			// dispatch: it is no department's.
			if e.ToStatus == appeal.StatusAssigned {
				begin(false)
				if count {
					get(e.Department).f.Reopened++
				}
			}
		case appeal.EventClaimed:
			if cur != nil && cur.claimed.IsZero() {
				cur.claimed = e.At
			}
			if count && e.Department != "" {
				get(e.Department).f.Claimed++
			}
		case appeal.EventAnswered:
			if cur != nil && cur.answer.IsZero() {
				cur.answer = e.At
			}
			if count && e.Department != "" {
				get(e.Department).f.Answered++
			}
		case appeal.EventReturned:
			end(true)
			cur = nil
			if count && e.Department != "" {
				get(e.Department).f.Returned++
			}
		case appeal.EventUrged:
			if count && e.Department != "" {
				get(e.Department).f.Urged++
			}
		case appeal.EventExtensionApproved:
			if cur != nil {
				if sp, err := appeal.ParseSpan(e.Note); err == nil {
					cur.extensions = append(cur.extensions, sp)
				}
			}
			if count && e.Department != "" {
				get(e.Department).f.Extended++
			}
		case appeal.EventClosed:
			end(false)
			cur = nil
			if count && e.FromStatus == appeal.StatusAnswered && e.Department != "" {
				x := get(e.Department)
				x.f.Closed++
				switch appeal.Resolution(e.Outcome) {
				case appeal.Resolved:
					x.f.Resolved++
				case appeal.Unresolved:
					x.f.Unresolved++
				}
			}
		case appeal.EventFeedback:
			// A verdict on an appeal nobody answered (closed by
			// dispatch) is no department's.
			if count && answeredBy != "" {
				x := get(answeredBy)
				switch appeal.FeedbackResult(e.Outcome) {
				case appeal.FeedbackSatisfied:
					x.f.Satisfied++
				case appeal.FeedbackUnsatisfied:
					x.f.Unsatisfied++
				case appeal.FeedbackNoAnswer:
					x.f.NoAnswer++
				}
			}
		}
	}

	for _, r := range rounds {
		x := get(r.dept)
		c := cal(r.dept)
		dl := deadlines(r, depts, c)
		if inPeriod(r.claimed) {
			x.claim = append(x.claim, r.claimed.Sub(r.start))
			x.claimW = append(x.claimW, c.WorkingDuration(r.start, r.claimed))
		}
		if inPeriod(r.answer) {
			x.ans = append(x.ans, r.answer.Sub(r.start))
			x.ansW = append(x.ansW, c.WorkingDuration(r.start, r.answer))
		}
		if at, onTime, ok := decided(r.claimed, dl.ClaimBy, r.ended); ok && inPeriod(at) && !at.After(in.Now) {
			x.f.ClaimsDue++
			if onTime {
				x.f.ClaimsOnTime++
			}
		}
		if at, onTime, ok := decided(r.answer, dl.AnswerBy, r.ended); ok && inPeriod(at) && !at.After(in.Now) {
			x.f.AnswersDue++
			if onTime {
				x.f.AnswersOnTime++
			}
		}
		if r.arrival && inPeriod(r.start) {
			switch {
			case !r.answer.IsZero():
				x.f.Kept++
				x.f.Responded++
			case !r.left:
				x.f.Kept++
			}
		}
	}

	all := &acc{}
	codes := make([]string, 0, len(accs))
	for code := range accs {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		x := accs[code]
		add(&all.f, x.f)
		all.claim, all.claimW = append(all.claim, x.claim...), append(all.claimW, x.claimW...)
		all.ans, all.ansW = append(all.ans, x.ans...), append(all.ansW, x.ansW...)
		rep.Departments = append(rep.Departments, x.finish(in.Weights))
	}
	rep.Overall = all.finish(in.Weights)
	return rep
}

// deadlines are those in force for round r: the appeal's own for its
// current round (they carry every approved extension), otherwise the
// department's policy from the round's start plus the extensions
// approved in it.
func deadlines(r *round, depts map[string]appeal.Department, cal appeal.Calendar) appeal.Deadlines {
	a := r.a
	if a.Department == r.dept && a.AssignedAt.Equal(r.start) && a.Status != appeal.StatusReturned && a.Status != appeal.StatusUnassigned {
		return a.Deadlines
	}
	d, ok := depts[r.dept]
	if !ok {
		return appeal.Deadlines{}
	}
	policy := d.SLA
	if policy == (appeal.Policy{}) {
		policy = appeal.DefaultPolicy
	}
	// Only the claim and answer deadlines are judged.
	t := policy.Tier(a.Priority)
	dl := appeal.Deadlines{ClaimBy: cal.Add(r.start, t.Claim), AnswerBy: cal.Add(r.start, t.Answer)}
	for _, sp := range r.extensions {
		dl.AnswerBy = cal.Add(dl.AnswerBy, sp)
	}
	return dl
}

// decided says when a step due by deadline was decided and whether in
// time: at the step when it was done by the deadline, else at the
// deadline. A round that ended before its deadline without the step (the
// appeal was returned, transferred or reopened in time) decides nothing.
func decided(done, deadline, ended time.Time) (at time.Time, onTime, ok bool) {
	switch {
	case deadline.IsZero():
		return time.Time{}, false, false
	case !done.IsZero() && !done.After(deadline):
		return done, true, true
	case done.IsZero() && !ended.IsZero() && !ended.After(deadline):
		return time.Time{}, false, false
	}
	return deadline, false, true
}

func add(to *Figures, f Figures) {
	to.Received += f.Received
	to.Claimed += f.Claimed
	to.Answered += f.Answered
	to.Closed += f.Closed
	to.Resolved += f.Resolved
	to.Unresolved += f.Unresolved
	to.Returned += f.Returned
	to.TransferredOut += f.TransferredOut
	to.Extended += f.Extended
	to.Reopened += f.Reopened
	to.Urged += f.Urged
	to.Satisfied += f.Satisfied
	to.Unsatisfied += f.Unsatisfied
	to.NoAnswer += f.NoAnswer
	to.Open += f.Open
	to.Overdue += f.Overdue
	to.ClaimsDue += f.ClaimsDue
	to.ClaimsOnTime += f.ClaimsOnTime
	to.AnswersDue += f.AnswersDue
	to.AnswersOnTime += f.AnswersOnTime
	to.Kept += f.Kept
	to.Responded += f.Responded
}

func (x *acc) finish(w Weights) Figures {
	f := x.f
	f.ToClaim = summarise(x.claim, x.claimW)
	f.ToAnswer = summarise(x.ans, x.ansW)
	f.OnTimeClaim = ratio(f.ClaimsOnTime, f.ClaimsDue)
	f.OnTimeAnswer = ratio(f.AnswersOnTime, f.AnswersDue)
	f.Response = ratio(f.Responded, f.Kept)
	f.Resolution = ratio(f.Resolved, f.Resolved+f.Unresolved)
	f.Satisfaction = ratio(f.Satisfied, f.Satisfied+f.Unsatisfied)
	f.Score = score(w, f.Response, f.Resolution, f.Satisfaction)
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

// Source is what Load reads from storage.
type Source interface {
	// KPIEvents returns the appeals with an event at or after since or
	// open now, and their whole logs; with dept set, at least those that
	// department's figures need.
	KPIEvents(ctx context.Context, since time.Time, dept string) ([]appeal.Appeal, []appeal.Event, error)
	Departments(ctx context.Context) ([]appeal.Department, error)
}

// Load reads what the figures of [from, to) need and computes them as of
// now, with each department's calendar from cals. With dept set it reads
// and reports that department alone (Departments holds only it, Overall
// is empty); an unknown dept is appeal.ErrNotFound.
func Load(ctx context.Context, src Source, cals appeal.CalendarSource, from, to, now time.Time, w Weights, dept string) (Report, error) {
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
