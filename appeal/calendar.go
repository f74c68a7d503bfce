package appeal

// Working-time calendar. Government SLAs (12345 hotlines) count deadlines in
// working time: "8 working hours", "5 working days", with a lunch break,
// public holidays and make-up working days on weekends (调休). Everything here
// is a pure function of the calendar and the times given.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SpanUnit says how a Span counts time.
type SpanUnit string

// Span units. CalendarTime is the zero value, so that a plain duration needs
// no unit.
const (
	// CalendarTime counts real elapsed time: "2h", "90m", "3d" (72 hours).
	CalendarTime SpanUnit = ""
	// WorkingHours counts only time inside working hours: "8wh", "1.5wh".
	WorkingHours SpanUnit = "wh"
	// WorkingDays counts whole working days: "5wd".
	WorkingDays SpanUnit = "wd"
)

// Limits on spans. A working-hours span may be as long as a calendar one,
// in hours, although it takes years of calendar time to run out.
const (
	MaxSpanDays = 365
	MaxSpan     = MaxSpanDays * 24 * time.Hour
)

// Span is the time allowed for a step. A CalendarTime or WorkingHours span
// keeps its length in D (Days is 0); a WorkingDays span keeps the number of
// working days in Days (D is 0). Lengths are whole seconds.
type Span struct {
	D    time.Duration
	Days int
	Unit SpanUnit
}

// CalendarSpan returns a span of d real elapsed time.
func CalendarSpan(d time.Duration) Span { return Span{D: d} }

// WorkingHoursSpan returns a span of d working time.
func WorkingHoursSpan(d time.Duration) Span { return Span{D: d, Unit: WorkingHours} }

// WorkingDaysSpan returns a span of n working days.
func WorkingDaysSpan(n int) Span { return Span{Days: n, Unit: WorkingDays} }

// SpanError says why a span is not acceptable. Code is a stable
// machine-readable reason (empty, syntax, missing_unit, unknown_unit,
// not_whole, not_positive, too_long, invalid), Message the rule broken in
// plain English; Unit is the unit not known (unknown_unit) and Limit the
// longest span of that kind (too_long), for texts in other languages.
type SpanError struct {
	Input   string
	Code    string
	Message string
	Unit    string
	Limit   Span
}

func (e *SpanError) Error() string { return fmt.Sprintf("span %q: %s", e.Input, e.Message) }

// ParseSpan reads a span as people type it: a Go duration in h, m and s
// ("2h", "90m", "1h30m"), whole calendar days ("3d" = 72h), working hours as
// a number of hours or a duration followed by "wh" ("8wh", "1.5wh",
// "4h30mwh"), or whole working days ("5wd"). Case and spaces do not matter.
// Errors are *SpanError.
func ParseSpan(s string) (Span, error) {
	in := s
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	if s == "" {
		return Span{}, &SpanError{Input: in, Code: "empty", Message: "is empty"}
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return Span{}, &SpanError{Input: in, Code: "not_positive", Message: "must be positive, without a sign"}
	}
	var sp Span
	var err error
	switch {
	case strings.HasSuffix(s, "wd"):
		sp.Unit = WorkingDays
		sp.Days, err = parseSpanWhole(in, strings.TrimSuffix(s, "wd"), "working days", WorkingDays)
	case strings.HasSuffix(s, "wh"):
		sp.Unit = WorkingHours
		body := strings.TrimSuffix(s, "wh")
		if isSpanNumber(body) {
			body += "h"
		}
		sp.D, err = parseSpanDuration(in, body)
	case strings.HasSuffix(s, "d"):
		var n int
		n, err = parseSpanWhole(in, strings.TrimSuffix(s, "d"), "days", CalendarTime)
		if err == nil && n > MaxSpanDays {
			return Span{}, tooLong(in, CalendarTime)
		}
		sp.D = time.Duration(n) * 24 * time.Hour
	default:
		sp.D, err = parseSpanDuration(in, s)
	}
	if err != nil {
		return Span{}, err
	}
	if err := sp.check(in); err != nil {
		return Span{}, err
	}
	return sp, nil
}

// isSpanNumber reports whether s is digits with at most one inner dot.
func isSpanNumber(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	return isSpanDigits(whole) && (!dot || isSpanDigits(frac))
}

func isSpanDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// parseSpanWhole reads the whole number in front of "d" or "wd".
func parseSpanWhole(in, body, what string, unit SpanUnit) (int, error) {
	switch {
	case body == "":
		return 0, &SpanError{Input: in, Code: "syntax", Message: "a number is missing"}
	case isSpanDigits(body):
		n, err := strconv.Atoi(body)
		if err != nil {
			return 0, tooLong(in, unit)
		}
		return n, nil
	case isSpanNumber(body):
		return 0, &SpanError{Input: in, Code: "not_whole", Message: what + " must be a whole number"}
	}
	return 0, &SpanError{Input: in, Code: "syntax", Message: what + " cannot be combined with other units"}
}

// parseSpanDuration reads a sequence of number-unit pairs in h, m and s.
// It checks the units itself so that the error can name the wrong one.
func parseSpanDuration(in, body string) (time.Duration, error) {
	if body == "" {
		return 0, &SpanError{Input: in, Code: "syntax", Message: "a number is missing"}
	}
	isNum := func(b byte) bool { return b >= '0' && b <= '9' || b == '.' }
	for i := 0; i < len(body); {
		j := i
		for j < len(body) && isNum(body[j]) {
			j++
		}
		k := j
		for k < len(body) && !isNum(body[k]) {
			k++
		}
		num, unit := body[i:j], body[j:k]
		switch {
		case !isSpanNumber(num):
			return 0, &SpanError{Input: in, Code: "syntax", Message: fmt.Sprintf("%q is not a number", num)}
		case unit == "":
			return 0, &SpanError{Input: in, Code: "missing_unit", Message: "the unit is missing"}
		case unit == "d" || unit == "wd" || unit == "wh":
			return 0, &SpanError{Input: in, Code: "syntax", Message: fmt.Sprintf("%q cannot be combined with other units", unit)}
		case unit != "h" && unit != "m" && unit != "s":
			return 0, &SpanError{Input: in, Code: "unknown_unit", Unit: unit,
				Message: fmt.Sprintf("unknown unit %q; use m, h, d, wh or wd", unit)}
		}
		i = k
	}
	d, err := time.ParseDuration(body)
	if err != nil { // the grammar is right, so the number overflowed
		return 0, tooLong(in, CalendarTime)
	}
	return d, nil
}

// tooLong is the error of a span of unit over its limit.
func tooLong(in string, unit SpanUnit) *SpanError {
	e := &SpanError{Input: in, Code: "too_long", Limit: Span{D: MaxSpan, Unit: unit}}
	switch unit {
	case WorkingDays:
		e.Limit = WorkingDaysSpan(MaxSpanDays)
		e.Message = fmt.Sprintf("too long: at most %d working days", MaxSpanDays)
	case WorkingHours:
		e.Message = fmt.Sprintf("too long: at most %d working hours", MaxSpan/time.Hour)
	default:
		e.Message = fmt.Sprintf("too long: at most %d days", MaxSpanDays)
	}
	return e
}

// Validate checks that s has a known unit, is positive, whole seconds and
// within the limits. Errors are *SpanError.
func (s Span) Validate() error { return s.check(s.String()) }

func (s Span) check(in string) error {
	switch s.Unit {
	case CalendarTime, WorkingHours:
		if s.Days != 0 {
			return &SpanError{Input: in, Code: "invalid", Message: "days are set on a span of hours"}
		}
		if s.D <= 0 {
			return &SpanError{Input: in, Code: "not_positive", Message: "must be positive"}
		}
		if s.D%time.Second != 0 {
			return &SpanError{Input: in, Code: "not_whole", Message: "must be a whole number of seconds"}
		}
		if s.D > MaxSpan {
			return tooLong(in, s.Unit)
		}
	case WorkingDays:
		if s.D != 0 {
			return &SpanError{Input: in, Code: "invalid", Message: "a duration is set on a span of working days"}
		}
		if s.Days <= 0 {
			return &SpanError{Input: in, Code: "not_positive", Message: "must be positive"}
		}
		if s.Days > MaxSpanDays {
			return tooLong(in, WorkingDays)
		}
	default:
		return &SpanError{Input: in, Code: "unknown_unit", Unit: string(s.Unit),
			Message: fmt.Sprintf("unknown unit %q; use m, h, d, wh or wd", string(s.Unit))}
	}
	return nil
}

// String writes s the way ParseSpan reads it: "3d", "1h30m", "8wh",
// "1h30mwh", "5wd". A valid span round-trips exactly.
func (s Span) String() string {
	switch s.Unit {
	case WorkingDays:
		return strconv.Itoa(s.Days) + "wd"
	case WorkingHours:
		if s.D > 0 && s.D%time.Hour == 0 {
			return strconv.FormatInt(int64(s.D/time.Hour), 10) + "wh"
		}
		return formatSpanDuration(s.D) + "wh"
	case CalendarTime:
		if s.D > 0 && s.D%(24*time.Hour) == 0 {
			return strconv.FormatInt(int64(s.D/(24*time.Hour)), 10) + "d"
		}
		return formatSpanDuration(s.D)
	}
	return formatSpanDuration(s.D) + string(s.Unit)
}

// formatSpanDuration is time.Duration.String without its zero parts
// ("1h30m", not "1h30m0s").
func formatSpanDuration(d time.Duration) string {
	if d <= 0 || d%time.Second != 0 {
		return d.String()
	}
	var b strings.Builder
	for _, p := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / p.unit; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + p.name)
			d -= n * p.unit
		}
	}
	return b.String()
}

// Clock is a wall-clock time of day. 24:00 is allowed as the end of an
// interval that runs to midnight.
type Clock struct{ Hour, Minute int }

// ParseClock reads "09:00", "9:00" or "24:00".
func ParseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if ok && len(m) == 2 && isSpanDigits(m) && len(h) >= 1 && len(h) <= 2 && isSpanDigits(h) {
		hour, _ := strconv.Atoi(h)
		minute, _ := strconv.Atoi(m)
		if k := (Clock{hour, minute}); k.Valid() {
			return k, nil
		}
	}
	return Clock{}, fmt.Errorf("time of day %q: want HH:MM between 00:00 and 24:00", s)
}

// Valid reports whether k is a time of day from 00:00 to 24:00.
func (k Clock) Valid() bool {
	return k.Hour >= 0 && k.Hour < 24 && k.Minute >= 0 && k.Minute < 60 || k == Clock{24, 0}
}

func (k Clock) String() string { return fmt.Sprintf("%02d:%02d", k.Hour, k.Minute) }

func (k Clock) minutes() int { return k.Hour*60 + k.Minute }

// Interval is the wall-clock span [Start, End) within one day.
type Interval struct{ Start, End Clock }

// ParseInterval reads "09:00-12:00" (an en dash also works).
func ParseInterval(s string) (Interval, error) {
	a, b, ok := strings.Cut(strings.ReplaceAll(s, "–", "-"), "-")
	if ok {
		start, err1 := ParseClock(a)
		end, err2 := ParseClock(b)
		if iv := (Interval{start, end}); err1 == nil && err2 == nil && iv.Valid() {
			return iv, nil
		}
	}
	return Interval{}, fmt.Errorf("hours %q: want HH:MM-HH:MM with the start before the end", s)
}

// Valid reports whether both ends are valid times of day and Start < End.
func (iv Interval) Valid() bool {
	return iv.Start.Valid() && iv.End.Valid() && iv.Start.minutes() < iv.End.minutes()
}

func (iv Interval) String() string { return iv.Start.String() + "-" + iv.End.String() }

// Date is a civil date, without a time zone. Dates compare with ==.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads "2026-10-01".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want a valid YYYY-MM-DD date", s)
	}
	return DateOf(t, time.UTC), nil
}

// DateOf returns the date of instant t on the wall clock of loc (nil is UTC).
func DateOf(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Valid reports whether d is a real date (not 2026-02-30).
func (d Date) Valid() bool { return DateOf(d.utc(), time.UTC) == d }

// AddDays returns the date n days after d (before it for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.utc().AddDate(0, 0, n), time.UTC) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.utc().Compare(e.utc()) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Weekday is the day of the week of d, the same in every time zone.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// Holiday is a run of days off, From and To included.
type Holiday struct {
	From, To Date
	Name     string
}

// Contains reports whether d falls within the holiday.
func (h Holiday) Contains(d Date) bool { return !d.Before(h.From) && !d.After(h.To) }

func (h Holiday) String() string { return fmt.Sprintf("%q (%s..%s)", h.Name, h.From, h.To) }

// Calendar is a department's working time. Hours are wall-clock times in
// Location and apply to every working day alike, so a working day keeps its
// wall-clock hours across a DST change while working time itself is measured
// in real elapsed time.
//
// A day is a working day when it is a make-up day (Workdays) or a working
// weekday, and not a holiday. A date that is both a holiday and a make-up day
// is a configuration error reported by Validate; should such a calendar be
// used anyway, the holiday wins.
type Calendar struct {
	// Location is the department's time zone; nil computes in UTC but does
	// not pass Validate.
	Location *time.Location
	// Hours are the working intervals of a day, sorted and not overlapping.
	Hours []Interval
	// Weekdays marks the working days of the week, indexed by time.Weekday.
	Weekdays [7]bool
	// Holidays are days off even on a working weekday.
	Holidays []Holiday
	// Workdays are make-up working days (调休), usually on a weekend.
	Workdays []Date
}

// DefaultCalendar is the usual office week in loc: Monday to Friday,
// 09:00–12:00 and 13:30–18:00, without holidays.
func DefaultCalendar(loc *time.Location) Calendar {
	return Calendar{
		Location: loc,
		Hours:    []Interval{{Clock{9, 0}, Clock{12, 0}}, {Clock{13, 30}, Clock{18, 0}}},
		Weekdays: [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true,
			time.Thursday: true, time.Friday: true},
	}
}

// maxHolidayDays catches a mistyped year in a holiday's end.
const maxHolidayDays = 366

// Validate reports every problem of the calendar at once.
func (c Calendar) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("calendar: "+format, args...))
	}
	if c.Location == nil {
		bad("no time zone")
	}
	if len(c.Hours) == 0 {
		bad("no working hours")
	}
	for i, iv := range c.Hours {
		switch {
		case !iv.Start.Valid() || !iv.End.Valid():
			bad("hours %s: not a time of day between 00:00 and 24:00", iv)
		case !iv.Valid():
			bad("hours %s: the start must be before the end", iv)
		case i > 0 && c.Hours[i-1].Valid() && iv.Start.minutes() < c.Hours[i-1].End.minutes():
			bad("hours %s and %s overlap or are out of order", c.Hours[i-1], iv)
		}
	}
	if c.Weekdays == [7]bool{} {
		bad("no working weekday")
	}
	for _, h := range c.Holidays {
		switch {
		case !h.From.Valid() || !h.To.Valid():
			bad("holiday %s: not a valid date", h)
		case h.To.Before(h.From):
			bad("holiday %s: ends before it starts", h)
		case h.To.After(h.From.AddDays(maxHolidayDays - 1)):
			bad("holiday %s: lasts more than %d days", h, maxHolidayDays)
		}
	}
	for _, d := range c.Workdays {
		if !d.Valid() {
			bad("make-up working day %s: not a valid date", d)
			continue
		}
		for _, h := range c.Holidays {
			if h.Contains(d) {
				bad("make-up working day %s is also holiday %s", d, h)
			}
		}
	}
	return errors.Join(errs...)
}

// IsWorkingDay reports whether d is a working day: a make-up day or a
// working weekday, and not a holiday.
func (c Calendar) IsWorkingDay(d Date) bool {
	for _, h := range c.Holidays {
		if h.Contains(d) {
			return false
		}
	}
	for _, w := range c.Workdays {
		if w == d {
			return true
		}
	}
	return c.Weekdays[d.Weekday()]
}

// maxIdleDays bounds every search: ten years in a row without working time
// means the calendar has none, and the search gives up instead of looping.
const maxIdleDays = 3660

func (c Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// at is the instant of wall-clock time k on day d; 24:00 is the next
// midnight. A time skipped by DST (02:30 on a spring-forward night in
// Berlin) moves on by the size of the gap; a repeated one is the occurrence
// time.Date picks (today the later one).
func at(d Date, k Clock, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, k.Hour, k.Minute, 0, 0, loc)
}

// Add returns the moment at which span s, started at start, runs out, in
// c.Location:
//
//   - CalendarTime adds s.D of real elapsed time, ignoring hours and
//     holidays: "24h" and "1d" are 24 real hours, so across a DST change the
//     wall clock moves by 23 or 25 hours.
//   - WorkingHours returns the earliest moment T with
//     WorkingDuration(start, T) == s.D. A start outside working time counts
//     from the next opening, and a span that uses up an interval ends at its
//     closing time. With the default hours, Monday 11:30 + 2wh is Monday
//     15:00 (30m before lunch, 1h30m after) and Monday 09:00 + 3wh is
//     Monday 12:00, not 13:30.
//   - WorkingDays returns the closing time (the end of the last interval)
//     of the s.Days-th working day after the day of start. The day of start
//     never counts, whatever the time, as the PRC Civil Code counts periods
//     (art. 201: 开始的当日不计入; art. 203: the period ends when business
//     closes). With the default calendar, Friday 10:00 + 1wd and Friday
//     20:00 + 1wd are both next Monday 18:00; Monday 08:00 + 1wd is Tuesday
//     18:00. When the hours end at 24:00, a start at exactly 00:00 is the
//     previous day's 24:00, i.e. belongs to the previous day.
//
// Working spans are additive: Add(Add(t, a), b) equals Add(t, a+b) when a
// and b are both working hours or both working days, so extending a deadline
// is adding to it. A span that is not positive returns start. On a calendar
// without working time (which Validate rejects) Add stops searching after
// ten idle years and returns start plus the span as calendar time, a working
// day counted as 24 hours. An unknown unit counts as calendar time.
func (c Calendar) Add(start time.Time, s Span) time.Time {
	switch s.Unit {
	case WorkingHours:
		t, _ := c.addWorkingHours(start, s.D)
		return t
	case WorkingDays:
		t, _ := c.addWorkingDays(start, s.Days)
		return t
	}
	return start.Add(s.D).In(c.loc())
}

// addWorkingHours is Add for working hours; it also returns how many days
// it looked at.
func (c Calendar) addWorkingHours(start time.Time, left time.Duration) (time.Time, int) {
	loc := c.loc()
	if left <= 0 {
		return start.In(loc), 0
	}
	idle := 0
	d := DateOf(start, loc)
	for visited := 1; ; visited, d = visited+1, d.AddDays(1) {
		worked := false
		if c.IsWorkingDay(d) {
			for _, iv := range c.Hours {
				from, to := at(d, iv.Start, loc), at(d, iv.End, loc)
				if from.Before(start) {
					from = start
				}
				if !from.Before(to) {
					continue
				}
				worked = true
				avail := to.Sub(from)
				if left <= avail {
					return from.Add(left).In(loc), visited
				}
				left -= avail
			}
		}
		if worked {
			idle = 0
		} else if idle++; idle >= maxIdleDays {
			return start.Add(left).In(loc), visited
		}
	}
}

// addWorkingDays is Add for working days; it also returns how many days it
// looked at.
func (c Calendar) addWorkingDays(start time.Time, n int) (time.Time, int) {
	loc := c.loc()
	if n <= 0 {
		return start.In(loc), 0
	}
	fallback := start.Add(time.Duration(n) * 24 * time.Hour).In(loc)
	if len(c.Hours) == 0 {
		return fallback, 0
	}
	closing := c.Hours[len(c.Hours)-1].End
	d := DateOf(start, loc)
	if closing == (Clock{24, 0}) && start.Equal(at(d, Clock{}, loc)) {
		d = d.AddDays(-1)
	}
	idle := 0
	for visited := 1; ; visited++ {
		d = d.AddDays(1)
		if !c.IsWorkingDay(d) {
			if idle++; idle >= maxIdleDays {
				return fallback, visited
			}
			continue
		}
		idle = 0
		if n--; n == 0 {
			return at(d, closing, loc), visited
		}
	}
}

// Next returns the first working moment at or after t, in c.Location: t
// itself inside working hours, otherwise the next opening. Intervals are
// half-open, so at a closing time (12:00, 18:00) Next moves on to the next
// opening. On a calendar without working time it returns t.
func (c Calendar) Next(t time.Time) time.Time {
	loc := c.loc()
	d := DateOf(t, loc)
	for range maxIdleDays {
		if c.IsWorkingDay(d) {
			for _, iv := range c.Hours {
				from, to := at(d, iv.Start, loc), at(d, iv.End, loc)
				if t.Before(to) && from.Before(to) {
					if from.Before(t) {
						return t.In(loc)
					}
					return from
				}
			}
		}
		d = d.AddDays(1)
	}
	return t.In(loc)
}

// WorkingDuration returns the working time in [from, to), 0 when to is not
// after from. It is real elapsed time, so a working interval that spans a
// DST change is an hour shorter or longer than its wall-clock length. It
// undoes Add for working hours: WorkingDuration(t, Add(t, s)) == s.D.
func (c Calendar) WorkingDuration(from, to time.Time) time.Duration {
	if !from.Before(to) {
		return 0
	}
	loc := c.loc()
	var sum time.Duration
	for d := DateOf(from, loc); at(d, Clock{}, loc).Before(to); d = d.AddDays(1) {
		if !c.IsWorkingDay(d) {
			continue
		}
		for _, iv := range c.Hours {
			s, e := at(d, iv.Start, loc), at(d, iv.End, loc)
			if s.Before(from) {
				s = from
			}
			if e.After(to) {
				e = to
			}
			if s.Before(e) {
				sum += e.Sub(s)
			}
		}
	}
	return sum
}
