package digest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/appealbot/appealbot/appeal"
)

// Default schedules: the daily digest at 08:30 on working days (Monday to
// Friday), the weekly one at 08:30 on Mondays, in each department's zone.
const (
	DefaultDaily  = "30 8 * * 1-5"
	DefaultWeekly = "30 8 * * 1"
)

// CatchUp is how long after its time a digest missed while no instance ran
// is still sent (once); one older than that is skipped.
const CatchUp = 12 * time.Hour

// parser reads standard five-field specs (minute hour day month weekday)
// and the descriptors such as @daily. Timezone prefixes (CRON_TZ=) are
// refused: a schedule always runs in its department's zone.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// SpecError says, in terms a person can act on, why a schedule is
// refused.
type SpecError struct {
	// Code is empty, timezone, every, fields (not five fields: N says how
	// many), field (Field, 0 to 4 for minute to weekday, does not parse),
	// descriptor (an unknown @name) or never (it never fires).
	Code  string
	N     int
	Field int
}

// SpecFields name the five fields of a spec, in order.
var SpecFields = [5]string{"minute", "hour", "day of month", "month", "weekday"}

func (e *SpecError) Error() string {
	switch e.Code {
	case "empty":
		return "empty schedule"
	case "timezone":
		return "no timezone prefix: schedules run in the department's timezone"
	case "every":
		return "@every is not a time of day"
	case "fields":
		return fmt.Sprintf("%d fields instead of 5 (minute hour day month weekday)", e.N)
	case "field":
		return fmt.Sprintf("the %s field is not valid", SpecFields[e.Field])
	case "descriptor":
		return "unknown @ descriptor; use @daily, @weekly, @monthly or five fields"
	}
	return "it never fires"
}

// ParseSpec checks a cron spec and returns it tidied (single spaces). Its
// errors are *SpecError and do not repeat the spec.
func ParseSpec(spec string) (cron.Schedule, string, error) {
	spec = strings.Join(strings.Fields(spec), " ")
	switch {
	case spec == "":
		return nil, "", &SpecError{Code: "empty"}
	case strings.Contains(spec, "TZ="):
		return nil, "", &SpecError{Code: "timezone"}
	case strings.HasPrefix(spec, "@every"):
		return nil, "", &SpecError{Code: "every"}
	}
	s, err := parser.Parse(spec)
	if err != nil {
		return nil, "", specProblem(spec)
	}
	// A spec that never fires (such as February 30th) would leave the
	// department without digests, silently.
	if s.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, "", &SpecError{Code: "never"}
	}
	return s, spec, nil
}

// specProblem finds what is wrong with a spec the parser refused: the
// number of fields, or the first field that does not parse on its own.
func specProblem(spec string) *SpecError {
	if strings.HasPrefix(spec, "@") {
		return &SpecError{Code: "descriptor"}
	}
	f := strings.Fields(spec)
	if len(f) != len(SpecFields) {
		return &SpecError{Code: "fields", N: len(f)}
	}
	for i := range f {
		alone := []string{"*", "*", "*", "*", "*"}
		alone[i] = f[i]
		if _, err := parser.Parse(strings.Join(alone, " ")); err != nil {
			return &SpecError{Code: "field", Field: i}
		}
	}
	return &SpecError{Code: "never"}
}

// Due returns the digest of kind due at now under schedule sched in zone
// loc: its latest activation in (now-CatchUp, now], with its period. ok is
// false when none falls in that window.
//
// Periods: a daily digest covers the time since the schedule's previous
// activation (so Monday's covers the weekend after Friday's); a weekly one
// covers the seven whole days before the day it is sent (Monday 00:00 to
// Monday 00:00 for the default schedule).
func Due(sched cron.Schedule, kind appeal.DigestKind, loc *time.Location, now time.Time) (at, from, to time.Time, ok bool) {
	at = lastActivation(sched, now.Add(-CatchUp).In(loc), now)
	if at.IsZero() {
		return time.Time{}, time.Time{}, time.Time{}, false
	}
	from, to = Period(sched, kind, at, loc)
	return at, from, to, true
}

// Period is the period of the digest of kind sent at activation at.
func Period(sched cron.Schedule, kind appeal.DigestKind, at time.Time, loc *time.Location) (from, to time.Time) {
	if kind == appeal.DigestWeekly {
		l := at.In(loc)
		to = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
		return to.AddDate(0, 0, -7), to
	}
	prev := previousActivation(sched, at)
	if prev.IsZero() {
		prev = at.Add(-24 * time.Hour)
	}
	return prev, at
}

// lastActivation is the latest activation of sched in (after, upTo], zero
// when there is none.
func lastActivation(sched cron.Schedule, after, upTo time.Time) time.Time {
	var last time.Time
	for t := sched.Next(after); !t.IsZero() && !t.After(upTo); t = sched.Next(t) {
		last = t
	}
	return last
}

// previousActivation is the activation of sched before at (robfig's
// schedules only look forward): it searches back a day, then twice as far,
// up to about a year.
func previousActivation(sched cron.Schedule, at time.Time) time.Time {
	for back := 24 * time.Hour; back <= 512*24*time.Hour; back *= 2 {
		if p := lastActivation(sched, at.Add(-back), at.Add(-time.Nanosecond)); !p.IsZero() {
			return p
		}
	}
	return time.Time{}
}

// anyDay is the day, month and weekday fields of a spec that fires on
// every day ("* * *"), to take a spec's times of day alone.
var anyDay = func() *cron.SpecSchedule {
	s, err := parser.Parse("0 0 * * *")
	if err != nil {
		panic(err)
	}
	return s.(*cron.SpecSchedule)
}()

// Schedule is when a department's digests of kind go out under sched in
// its calendar cal. A weekly digest keeps sched. A daily digest goes out
// at sched's times on the working days of cal only: never on a holiday,
// and on a make-up working day (调休) even when sched's days leave it out
// (the default "30 8 * * 1-5" leaves out Saturdays), since the day is
// worked as any other.
func Schedule(sched cron.Schedule, kind appeal.DigestKind, cal appeal.Calendar) cron.Schedule {
	spec, ok := sched.(*cron.SpecSchedule)
	if kind != appeal.DigestDaily || !ok {
		return sched
	}
	times := *spec
	times.Dom, times.Month, times.Dow = anyDay.Dom, anyDay.Month, anyDay.Dow
	return workingDays{spec: spec, times: &times, cal: cal}
}

// workingDays is a daily schedule kept to the working days of a calendar.
type workingDays struct {
	spec, times *cron.SpecSchedule
	cal         appeal.Calendar
}

// maxScheduleDays bounds the search for the next working day (a calendar
// without one for two years has none).
const maxScheduleDays = 2 * 366

func (w workingDays) Next(t time.Time) time.Time {
	loc := w.cal.Location
	if loc == nil {
		loc = time.UTC
	}
	for range maxScheduleDays {
		c := w.times.Next(t)
		if c.IsZero() {
			return c
		}
		d := appeal.DateOf(c, loc)
		if w.cal.IsWorkingDay(d) && (slices.Contains(w.cal.Workdays, d) || w.spec.Next(c.Add(-time.Second)).Equal(c)) {
			return c
		}
		// Not this day: go on from its last second.
		t = time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, loc).Add(-time.Second)
	}
	return time.Time{}
}
