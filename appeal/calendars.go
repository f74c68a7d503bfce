package appeal

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Workday is a make-up working day (调休) with the reason people know it by
// ("国庆节补班"); the name may be empty.
type Workday struct {
	Date Date
	Name string
}

// Days is the number of days of the holiday, From and To included.
func (h Holiday) Days() int {
	return int(h.To.utc().Sub(h.From.utc())/(24*time.Hour)) + 1
}

// DayTakenError is ErrConflict for a calendar day that is already a
// holiday or a make-up working day: a day can be only one of them.
type DayTakenError struct {
	Date Date
	// Holiday is true when the day is a holiday, false for a make-up day.
	Holiday bool
	Name    string
}

func (e *DayTakenError) Error() string {
	what := "a make-up working day"
	if e.Holiday {
		what = "a holiday"
	}
	if e.Name != "" {
		what += fmt.Sprintf(" (%s)", e.Name)
	}
	return fmt.Sprintf("%s is already %s", e.Date, what)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *DayTakenError) Is(target error) bool { return target == ErrConflict }

// CalendarSource gives the working-time calendar of a department. The
// service asks it whenever it computes deadlines.
type CalendarSource interface {
	Calendar(ctx context.Context, d Department) (Calendar, error)
}

// CalendarDays is what Calendars needs from storage: the public holidays
// and make-up working days shared by every department.
type CalendarDays interface {
	CalendarDays(ctx context.Context) ([]Holiday, []Workday, error)
}

// Calendars is the usual CalendarSource: one set of working hours and
// working weekdays for every department (from configuration), the shared
// holidays and make-up days (from storage, when Days is set), in each
// department's own time zone.
type Calendars struct {
	Hours    []Interval
	Weekdays [7]bool
	Days     CalendarDays
}

// Calendar returns d's calendar. A department without a time zone, or with
// an unknown one, computes in UTC; empty Hours or Weekdays fall back to the
// default office week.
func (c Calendars) Calendar(ctx context.Context, d Department) (Calendar, error) {
	loc := time.UTC
	if d.Timezone != "" {
		l, err := Zone(d.Timezone)
		if err != nil {
			return Calendar{}, fmt.Errorf("calendar of %q: %w", d.Code, err)
		}
		loc = l
	}
	cal := DefaultCalendar(loc)
	if len(c.Hours) > 0 {
		cal.Hours = c.Hours
	}
	if c.Weekdays != ([7]bool{}) {
		cal.Weekdays = c.Weekdays
	}
	if c.Days != nil {
		hs, ws, err := c.Days.CalendarDays(ctx)
		if err != nil {
			return Calendar{}, fmt.Errorf("calendar of %q: %w", d.Code, err)
		}
		cal.Holidays = hs
		for _, w := range ws {
			cal.Workdays = append(cal.Workdays, w.Date)
		}
	}
	return cal, nil
}

// Snapshot returns c with the shared holidays and make-up days read once:
// its calendars then cost no reads, for a scan that needs many.
func (c Calendars) Snapshot(ctx context.Context) (Calendars, error) {
	if c.Days == nil {
		return c, nil
	}
	hs, ws, err := c.Days.CalendarDays(ctx)
	if err != nil {
		return Calendars{}, fmt.Errorf("calendar days: %w", err)
	}
	c.Days = fixedDays{hs, ws}
	return c, nil
}

// In returns the calendar of c in zone loc.
func (c Calendars) In(ctx context.Context, loc *time.Location) (Calendar, error) {
	return c.Calendar(ctx, Department{Timezone: loc.String()})
}

type fixedDays struct {
	holidays []Holiday
	workdays []Workday
}

func (f fixedDays) CalendarDays(context.Context) ([]Holiday, []Workday, error) {
	return f.holidays, f.workdays, nil
}

// ParseWorkingHours reads working hours as configured: comma-separated
// intervals "09:00-12:00,13:30-18:00", sorted and not overlapping.
func ParseWorkingHours(s string) ([]Interval, error) {
	var out []Interval
	for _, part := range splitList(s) {
		iv, err := ParseInterval(part)
		if err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && iv.Start.minutes() < out[n-1].End.minutes() {
			return nil, fmt.Errorf("working hours %s and %s overlap or are out of order", out[n-1], iv)
		}
		out = append(out, iv)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no working hours")
	}
	return out, nil
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseWorkingDays reads the working days of the week as configured:
// comma-separated three-letter day names or ranges of them, "mon-fri" or
// "mon-fri,sat". A range runs forward through the week ("sat-mon" is
// Saturday, Sunday and Monday).
func ParseWorkingDays(s string) ([7]bool, error) {
	var days [7]bool
	for _, part := range splitList(s) {
		from, to, isRange := cutTrim(part, "-")
		a, ok := weekdayNames[from]
		if !ok {
			return days, fmt.Errorf("working days: %q is not a day (mon, tue, wed, thu, fri, sat, sun)", from)
		}
		b := a
		if isRange {
			if b, ok = weekdayNames[to]; !ok {
				return days, fmt.Errorf("working days: %q is not a day (mon, tue, wed, thu, fri, sat, sun)", to)
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			days[d] = true
			if d == b {
				break
			}
		}
	}
	if days == ([7]bool{}) {
		return days, fmt.Errorf("no working days")
	}
	return days, nil
}

// splitList splits a comma-separated list, trimmed and lower case, without
// empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func cutTrim(s, sep string) (string, string, bool) {
	a, b, ok := strings.Cut(s, sep)
	return strings.TrimSpace(a), strings.TrimSpace(b), ok
}
