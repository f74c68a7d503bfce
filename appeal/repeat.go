package appeal

import (
	"fmt"
	"strings"
	"time"
)

// Repeat is when an appeal past the last stage of its status is chased
// again: on every working day at a time of day (the zero value: at the
// start of working hours), or every Every after the previous time, both in
// the calendar of the appeal's ladder.
type Repeat struct {
	// Every is the span between two repeats; zero repeats once a working
	// day, at At.
	Every Span
	// At is the time of day of the daily repeat; zero is the start of the
	// day's first working hours.
	At Clock
}

// MinRepeat is the shortest span between repeats: a shorter one would
// spend the scan on chasing.
const MinRepeat = time.Minute

// ParseRepeat reads a repeat schedule as configured: "workdays" (every
// working day at the start of working hours), "workdays 09:30" (every
// working day at 09:30), or a span such as "4h", "2wh" or "1wd" (that long
// after the previous repeat, in the calendar).
func ParseRepeat(s string) (Repeat, error) {
	f := strings.Fields(s)
	switch {
	case len(f) == 0 || len(f) == 1 && f[0] == "workdays":
		return Repeat{}, nil
	case len(f) == 2 && f[0] == "workdays":
		k, err := ParseClock(f[1])
		if err != nil || k.Hour == 24 || k == (Clock{}) {
			return Repeat{}, fmt.Errorf("repeat %q: want workdays HH:MM with a time of day from 00:01 to 23:59", s)
		}
		return Repeat{At: k}, nil
	case len(f) == 1:
		sp, err := ParseSpan(f[0])
		if err != nil {
			return Repeat{}, fmt.Errorf("repeat %q: want workdays, workdays HH:MM or a span such as 4h or 2wh: %w", s, err)
		}
		r := Repeat{Every: sp}
		return r, r.Validate()
	}
	return Repeat{}, fmt.Errorf("repeat %q: want workdays, workdays HH:MM or a span such as 4h or 2wh", s)
}

// Validate reports a schedule that cannot work.
func (r Repeat) Validate() error {
	if r.Every == (Span{}) {
		if r.At != (Clock{}) && (!r.At.Valid() || r.At.Hour == 24) {
			return fmt.Errorf("repeat at %s: not a time of day", r.At)
		}
		return nil
	}
	if err := r.Every.Validate(); err != nil {
		return fmt.Errorf("repeat every %s: %w", r.Every, err)
	}
	if r.Every.Unit != WorkingDays && r.Every.D < MinRepeat {
		return fmt.Errorf("repeat every %s: at least %v", r.Every, MinRepeat)
	}
	return nil
}

// String writes r the way ParseRepeat reads it.
func (r Repeat) String() string {
	switch {
	case r.Every != (Span{}):
		return r.Every.String()
	case r.At != (Clock{}):
		return "workdays " + r.At.String()
	}
	return "workdays"
}

// Next returns the first repeat after t in cal, in UTC and to the
// microsecond, as storage keeps it.
func (r Repeat) Next(t time.Time, cal Calendar) time.Time {
	if r.Every != (Span{}) {
		n := cal.Add(t, r.Every)
		if !n.After(t) {
			n = t.Add(MinRepeat)
		}
		return n.UTC().Truncate(time.Microsecond)
	}
	loc := cal.loc()
	k := r.At
	if k == (Clock{}) && len(cal.Hours) > 0 {
		k = cal.Hours[0].Start
	}
	d := DateOf(t, loc)
	for range maxIdleDays {
		if cal.IsWorkingDay(d) {
			if m := at(d, k, loc); m.After(t) {
				return m.UTC().Truncate(time.Microsecond)
			}
		}
		d = d.AddDays(1)
	}
	return t.Add(24 * time.Hour).UTC().Truncate(time.Microsecond)
}

// Latest returns the last repeat at or before now of the schedule that
// falls due at first (first <= now): a scan that catches up sends that one
// alone. Past maxRepeatSteps it gives now.
func (r Repeat) Latest(first, now time.Time, cal Calendar) time.Time {
	t := first
	if r.Every.Unit == CalendarTime && r.Every.D > 0 {
		// Calendar time needs no walk through the days.
		n := now.Sub(first) / r.Every.D
		return first.Add(n * r.Every.D)
	}
	for range maxRepeatSteps {
		n := r.Next(t, cal)
		if n.After(now) {
			return t
		}
		t = n
	}
	return now.UTC().Truncate(time.Microsecond)
}
