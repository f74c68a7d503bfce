package appeal

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests name IANA zones; containers may have none
)

var (
	calShanghai = calMustLoad("Asia/Shanghai")
	calBerlin   = calMustLoad("Europe/Berlin")
)

func calMustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// sh, ber and utc build 2026 times; the week days used below are checked in
// TestDate: 2026-09-14 is a Monday, 2026-10-01 a Thursday.
func sh(m time.Month, d, h, min int) time.Time {
	return time.Date(2026, m, d, h, min, 0, 0, calShanghai)
}

func ber(m time.Month, d, h, min int) time.Time {
	return time.Date(2026, m, d, h, min, 0, 0, calBerlin)
}

func utc(m time.Month, d, h, min int) time.Time {
	return time.Date(2026, m, d, h, min, 0, 0, time.UTC)
}

func calDate(y int, m time.Month, d int) Date { return Date{y, m, d} }

func calDays(from, to Date, name string) Holiday { return Holiday{from, to, name} }

// calChina2026 is the default office calendar in Shanghai with the official
// 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04).
// Note: Mid-Autumn (09-25..27) is off and the National Day make-up days are
// Sunday 09-20 and Saturday 10-10; 09-27 is a holiday, not a make-up day.
func calChina2026() Calendar {
	c := DefaultCalendar(calShanghai)
	d := func(m time.Month, day int) Date { return calDate(2026, m, day) }
	c.Holidays = []Holiday{
		calDays(d(1, 1), d(1, 3), "元旦"),
		calDays(d(2, 15), d(2, 23), "春节"),
		calDays(d(4, 4), d(4, 6), "清明节"),
		calDays(d(5, 1), d(5, 5), "劳动节"),
		calDays(d(6, 19), d(6, 21), "端午节"),
		calDays(d(9, 25), d(9, 27), "中秋节"),
		calDays(d(10, 1), d(10, 7), "国庆节"),
	}
	c.Workdays = []Date{d(1, 4), d(2, 14), d(2, 28), d(5, 9), d(9, 20), d(10, 10)}
	return c
}

var calEveryDay = [7]bool{true, true, true, true, true, true, true}

// calBerlinAllDay works around the clock, every day.
func calBerlinAllDay() Calendar {
	return Calendar{Location: calBerlin, Hours: []Interval{{Clock{0, 0}, Clock{24, 0}}}, Weekdays: calEveryDay}
}

// calBerlinNight works 01:00–05:00 every day, across both DST changes
// (2026-03-29 02:00→03:00 and 2026-10-25 03:00→02:00).
func calBerlinNight() Calendar {
	return Calendar{Location: calBerlin, Hours: []Interval{{Clock{1, 0}, Clock{5, 0}}}, Weekdays: calEveryDay}
}

// calPlain works 09:00–17:00 Monday to Friday without holidays: eight hours
// a day, five days a week, easy to count over a year by hand.
func calPlain() Calendar {
	c := DefaultCalendar(calShanghai)
	c.Hours = []Interval{{Clock{9, 0}, Clock{17, 0}}}
	return c
}

func calSpan(t *testing.T, s string) Span {
	t.Helper()
	sp, err := ParseSpan(s)
	if err != nil {
		t.Fatalf("ParseSpan(%q): %v", s, err)
	}
	return sp
}

func TestCalendarAdd(t *testing.T) {
	cn, office, allDay, night, plain := calChina2026(), DefaultCalendar(calBerlin), calBerlinAllDay(), calBerlinNight(), calPlain()
	for _, tc := range []struct {
		name  string
		cal   Calendar
		start time.Time
		span  string
		want  time.Time
	}{
		// Working hours, default hours 09:00–12:00 and 13:30–18:00.
		{"within the morning", cn, sh(9, 14, 10, 0), "2wh", sh(9, 14, 12, 0)},
		{"across lunch", cn, sh(9, 14, 11, 30), "2wh", sh(9, 14, 15, 0)},
		{"before opening", cn, sh(9, 14, 8, 0), "1wh", sh(9, 14, 10, 0)},
		{"after closing", cn, sh(9, 14, 19, 0), "1wh", sh(9, 15, 10, 0)},
		{"at 12:00", cn, sh(9, 14, 12, 0), "1wh", sh(9, 14, 14, 30)},
		{"at 13:30", cn, sh(9, 14, 13, 30), "1wh", sh(9, 14, 14, 30)},
		{"at 18:00", cn, sh(9, 14, 18, 0), "30mwh", sh(9, 15, 9, 30)},
		{"during lunch", cn, sh(9, 14, 12, 45), "30mwh", sh(9, 14, 14, 0)},
		{"uses up the morning: ends at 12:00", cn, sh(9, 14, 9, 0), "3wh", sh(9, 14, 12, 0)},
		{"uses up the day: ends at 18:00", cn, sh(9, 14, 9, 0), "7.5wh", sh(9, 14, 18, 0)},
		{"into the next day", cn, sh(9, 14, 9, 0), "8wh", sh(9, 15, 9, 30)},
		{"last minute of the day", cn, sh(9, 14, 17, 59), "1mwh", sh(9, 14, 18, 0)},
		{"a minute past the day", cn, sh(9, 14, 17, 59), "2mwh", sh(9, 15, 9, 1)},
		{"over a weekend", cn, sh(9, 11, 17, 0), "2wh", sh(9, 14, 10, 0)},
		{"onto a make-up Sunday", cn, sh(9, 18, 17, 0), "2wh", sh(9, 20, 10, 0)},
		{"from a Saturday", cn, sh(9, 19, 10, 0), "1wh", sh(9, 20, 10, 0)},
		{"over a holiday on a Friday", cn, sh(9, 24, 17, 0), "2wh", sh(9, 28, 10, 0)},
		{"over National Day", cn, sh(9, 30, 17, 0), "2wh", sh(10, 8, 10, 0)},
		{"from a holiday", cn, sh(10, 1, 10, 0), "1wh", sh(10, 8, 10, 0)},
		{"into a make-up Saturday", cn, sh(10, 9, 17, 0), "8wh", sh(10, 10, 17, 30)},

		// Working days: the closing time of the Nth working day after the
		// day of start; the day of start never counts.
		{"1wd from Monday", cn, sh(9, 14, 10, 0), "1wd", sh(9, 15, 18, 0)},
		{"1wd from before opening", cn, sh(9, 14, 8, 0), "1wd", sh(9, 15, 18, 0)},
		{"1wd from closing time", cn, sh(9, 14, 18, 0), "1wd", sh(9, 15, 18, 0)},
		{"1wd from midnight", cn, sh(9, 15, 0, 0), "1wd", sh(9, 16, 18, 0)},
		{"1wd over a weekend", cn, sh(9, 11, 10, 0), "1wd", sh(9, 14, 18, 0)},
		{"1wd from Friday night", cn, sh(9, 11, 20, 0), "1wd", sh(9, 14, 18, 0)},
		{"1wd onto a make-up Sunday", cn, sh(9, 18, 10, 0), "1wd", sh(9, 20, 18, 0)},
		{"5wd across a make-up Sunday", cn, sh(9, 18, 10, 0), "5wd", sh(9, 24, 18, 0)},
		{"1wd from a Saturday", cn, sh(9, 19, 10, 0), "1wd", sh(9, 20, 18, 0)},
		{"1wd over Mid-Autumn", cn, sh(9, 24, 10, 0), "1wd", sh(9, 28, 18, 0)},
		{"5wd over National Day", cn, sh(9, 28, 10, 0), "5wd", sh(10, 10, 18, 0)},
		{"2wd from a holiday", cn, sh(10, 1, 10, 0), "2wd", sh(10, 9, 18, 0)},
		{"10wd over National Day and a weekend", cn, sh(9, 30, 10, 0), "10wd", sh(10, 20, 18, 0)},

		// Calendar time ignores hours and holidays.
		{"3d from a holiday", cn, sh(10, 1, 10, 0), "3d", sh(10, 4, 10, 0)},
		{"90m past closing", cn, sh(9, 30, 17, 0), "90m", sh(9, 30, 18, 30)},
		{"24h into a Saturday", cn, sh(9, 18, 23, 0), "24h", sh(9, 19, 23, 0)},
		{"1h30m before a holiday", cn, sh(9, 24, 17, 0), "1h30m", sh(9, 24, 18, 30)},

		// Europe/Berlin, spring forward on Sunday 2026-03-29.
		{"spring: wh over the change", office, ber(3, 27, 17, 0), "2wh", utc(3, 30, 8, 0)},
		{"spring: 72h are real hours", office, ber(3, 27, 10, 0), "72h", utc(3, 30, 9, 0)},
		{"spring: 3d are 72 real hours", office, ber(3, 27, 10, 0), "3d", utc(3, 30, 9, 0)},
		{"spring: 24h over the night", office, ber(3, 28, 12, 0), "24h", utc(3, 29, 11, 0)},
		{"spring: 1wd closes at 18:00 CEST", office, ber(3, 27, 10, 0), "1wd", utc(3, 30, 16, 0)},
		{"spring: 24wh around the clock", allDay, ber(3, 28, 12, 0), "24wh", utc(3, 29, 11, 0)},
		{"spring: 1wd around the clock ends at 24:00", allDay, ber(3, 28, 12, 0), "1wd", utc(3, 29, 22, 0)},
		{"spring: 1wd from 24:00 counts the next day", allDay, utc(3, 29, 22, 0), "1wd", utc(3, 30, 22, 0)},
		{"spring: a night interval is 3 real hours", night, ber(3, 29, 1, 0), "3wh", utc(3, 29, 3, 0)},
		{"spring: the 4th hour is the next night", night, ber(3, 29, 1, 0), "4wh", utc(3, 30, 0, 0)},

		// Europe/Berlin, fall back on Sunday 2026-10-25.
		{"autumn: wh over the change", office, ber(10, 23, 17, 0), "2wh", utc(10, 26, 9, 0)},
		{"autumn: 24h over the night", office, ber(10, 24, 12, 0), "24h", utc(10, 25, 10, 0)},
		{"autumn: 1wd closes at 18:00 CET", office, ber(10, 23, 10, 0), "1wd", utc(10, 26, 17, 0)},
		{"autumn: 24wh around the clock", allDay, ber(10, 24, 12, 0), "24wh", utc(10, 25, 10, 0)},
		{"autumn: 1wd around the clock ends at 24:00", allDay, ber(10, 24, 12, 0), "1wd", utc(10, 25, 23, 0)},
		{"autumn: a night interval is 5 real hours", night, ber(10, 25, 1, 0), "5wh", utc(10, 25, 4, 0)},
		{"autumn: the 6th hour is the next night", night, ber(10, 25, 1, 0), "6wh", utc(10, 26, 1, 0)},

		// Long spans: 250 working days of 8 hours are 50 weeks; 365 working
		// days from a Monday are 73 weeks, ending on a Monday.
		{"2000wh", plain, sh(1, 5, 9, 0), "2000wh", sh(12, 18, 17, 0)},
		{"365wd", plain, sh(1, 5, 10, 0), "365wd", time.Date(2027, 5, 31, 17, 0, 0, 0, calShanghai)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cal.Add(tc.start, calSpan(t, tc.span))
			if !got.Equal(tc.want) {
				t.Errorf("Add(%s, %s) = %s, want %s", tc.start, tc.span, got, tc.want.In(tc.cal.Location))
			}
			if got.Location() != tc.cal.Location {
				t.Errorf("Add returned a time in %s, want %s", got.Location(), tc.cal.Location)
			}
		})
	}
}

func TestCalendarAddNotPositive(t *testing.T) {
	cn := calChina2026()
	start := sh(9, 19, 10, 0) // a Saturday: any real addition would move it
	for _, s := range []Span{{}, WorkingHoursSpan(0), WorkingHoursSpan(-time.Hour), WorkingDaysSpan(0), WorkingDaysSpan(-1)} {
		if got := cn.Add(start, s); !got.Equal(start) {
			t.Errorf("Add(%s, %#v) = %s, want the start", start, s, got)
		}
	}
}

func TestCalendarNext(t *testing.T) {
	cn, night := calChina2026(), calBerlinNight()
	for _, tc := range []struct {
		name string
		cal  Calendar
		t    time.Time
		want time.Time
	}{
		{"inside the morning", cn, sh(9, 14, 10, 0), sh(9, 14, 10, 0)},
		{"at opening", cn, sh(9, 14, 9, 0), sh(9, 14, 9, 0)},
		{"a minute before opening", cn, sh(9, 14, 8, 59), sh(9, 14, 9, 0)},
		{"at 12:00", cn, sh(9, 14, 12, 0), sh(9, 14, 13, 30)},
		{"at 13:30", cn, sh(9, 14, 13, 30), sh(9, 14, 13, 30)},
		{"a second before 18:00", cn, sh(9, 14, 17, 59).Add(59 * time.Second), sh(9, 14, 17, 59).Add(59 * time.Second)},
		{"at 18:00", cn, sh(9, 14, 18, 0), sh(9, 15, 9, 0)},
		{"Friday closing to a make-up Sunday", cn, sh(9, 18, 18, 0), sh(9, 20, 9, 0)},
		{"before Mid-Autumn", cn, sh(9, 24, 18, 0), sh(9, 28, 9, 0)},
		{"lunch before National Day", cn, sh(9, 30, 12, 30), sh(9, 30, 13, 30)},
		{"evening before National Day", cn, sh(9, 30, 18, 30), sh(10, 8, 9, 0)},
		{"to a make-up Saturday", cn, sh(10, 9, 18, 0), sh(10, 10, 9, 0)},
		{"night: before opening", night, ber(3, 29, 0, 30), ber(3, 29, 1, 0)},
		{"night: 03:30 CEST is inside", night, utc(3, 29, 1, 30), utc(3, 29, 1, 30)},
		{"night: closing 05:00 CEST", night, utc(3, 29, 3, 0), ber(3, 30, 1, 0)},
		{"night: the repeated 02:30 CET is inside", night, utc(10, 25, 1, 30), utc(10, 25, 1, 30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.Next(tc.t); !got.Equal(tc.want) {
				t.Errorf("Next(%s) = %s, want %s", tc.t, got, tc.want)
			}
		})
	}
}

func TestCalendarWorkingDuration(t *testing.T) {
	cn, office, allDay, night := calChina2026(), DefaultCalendar(calBerlin), calBerlinAllDay(), calBerlinNight()
	for _, tc := range []struct {
		name     string
		cal      Calendar
		from, to time.Time
		want     time.Duration
	}{
		{"a whole day", cn, sh(9, 14, 9, 0), sh(9, 14, 18, 0), 7*time.Hour + 30*time.Minute},
		{"around lunch", cn, sh(9, 14, 11, 0), sh(9, 14, 14, 0), 90 * time.Minute},
		{"lunch only", cn, sh(9, 14, 12, 0), sh(9, 14, 13, 30), 0},
		{"to a make-up Sunday and on", cn, sh(9, 18, 17, 0), sh(9, 21, 10, 0), 9*time.Hour + 30*time.Minute},
		{"over Mid-Autumn", cn, sh(9, 24, 17, 0), sh(9, 28, 10, 0), 2 * time.Hour},
		{"over National Day", cn, sh(9, 30, 9, 0), sh(10, 8, 9, 0), 7*time.Hour + 30*time.Minute},
		{"a week with a make-up Sunday", cn, sh(9, 14, 0, 0), sh(9, 21, 0, 0), 45 * time.Hour},
		{"a holiday weekend", cn, sh(9, 26, 0, 0), sh(9, 27, 23, 59), 0},
		{"reversed", cn, sh(9, 14, 18, 0), sh(9, 14, 9, 0), 0},
		{"empty", cn, sh(9, 14, 10, 0), sh(9, 14, 10, 0), 0},
		{"spring week in the office", office, ber(3, 23, 0, 0), ber(3, 30, 0, 0), 37*time.Hour + 30*time.Minute},
		{"spring day around the clock", allDay, ber(3, 29, 0, 0), ber(3, 30, 0, 0), 23 * time.Hour},
		{"autumn day around the clock", allDay, ber(10, 25, 0, 0), ber(10, 26, 0, 0), 25 * time.Hour},
		{"spring night", night, ber(3, 29, 0, 0), ber(3, 29, 12, 0), 3 * time.Hour},
		{"autumn night", night, ber(10, 25, 0, 0), ber(10, 25, 12, 0), 5 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.WorkingDuration(tc.from, tc.to); got != tc.want {
				t.Errorf("WorkingDuration(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func TestCalendarIsWorkingDay(t *testing.T) {
	cn := calChina2026()
	for _, tc := range []struct {
		d    Date
		want bool
	}{
		{calDate(2026, 9, 14), true},   // Monday
		{calDate(2026, 9, 19), false},  // Saturday
		{calDate(2026, 9, 20), true},   // make-up Sunday
		{calDate(2026, 9, 25), false},  // Mid-Autumn, a Friday
		{calDate(2026, 9, 27), false},  // Mid-Autumn, a Sunday
		{calDate(2026, 9, 28), true},   // Monday
		{calDate(2026, 10, 1), false},  // National Day
		{calDate(2026, 10, 7), false},  // last day of National Day
		{calDate(2026, 10, 8), true},   // Thursday after
		{calDate(2026, 10, 10), true},  // make-up Saturday
		{calDate(2026, 10, 11), false}, // Sunday
		{calDate(2026, 1, 4), true},    // make-up Sunday after New Year
		{calDate(2026, 2, 16), false},  // Spring Festival, a Monday
		{calDate(2027, 10, 1), true},   // a Friday: 2027 holidays are not configured
	} {
		if got := cn.IsWorkingDay(tc.d); got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.d, got, tc.want)
		}
	}
	// A date both a holiday and a make-up day fails Validate; if used, the
	// holiday wins.
	bad := calChina2026()
	bad.Workdays = append(bad.Workdays, calDate(2026, 10, 3))
	if bad.IsWorkingDay(calDate(2026, 10, 3)) {
		t.Error("a make-up day inside a holiday is a working day, want the holiday to win")
	}
}

func TestCalendarExtensions(t *testing.T) {
	cn := calChina2026()
	for _, tc := range []struct {
		name       string
		start      time.Time
		first, ext string
		whole      string // "" when the spans cannot be summed
		want       time.Time
	}{
		{"3wh then 2wh", sh(9, 18, 16, 0), "3wh", "2wh", "5wh", sh(9, 20, 12, 0)},
		{"2wd then 3wd", sh(9, 24, 10, 0), "2wd", "3wd", "5wd", sh(10, 9, 18, 0)},
		{"2wd then 4wh", sh(9, 24, 10, 0), "2wd", "4wh", "", sh(9, 30, 14, 30)},
		{"7.5wh then 1wd", sh(9, 30, 9, 0), "7.5wh", "1wd", "", sh(10, 8, 18, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cn.Add(cn.Add(tc.start, calSpan(t, tc.first)), calSpan(t, tc.ext))
			if !got.Equal(tc.want) {
				t.Errorf("extended deadline = %s, want %s", got, tc.want)
			}
			if tc.whole != "" {
				if whole := cn.Add(tc.start, calSpan(t, tc.whole)); !whole.Equal(got) {
					t.Errorf("Add(start, %s) = %s, but the extended deadline is %s", tc.whole, whole, got)
				}
			}
		})
	}
}

// calRandomStart returns a moment in 2026: a random second, or, one time in
// two, a boundary of the calendar's hours, where off-by-one errors live.
func calRandomStart(r *rand.Rand, c Calendar) time.Time {
	day := calDate(2026, 1, 1).AddDays(r.IntN(365))
	if r.IntN(2) == 0 {
		iv := c.Hours[r.IntN(len(c.Hours))]
		k := iv.Start
		if r.IntN(2) == 0 {
			k = iv.End
		}
		return at(day, k, c.loc())
	}
	return at(day, Clock{}, c.loc()).Add(time.Duration(r.IntN(24*3600)) * time.Second)
}

func calPropertyCalendars() map[string]Calendar {
	return map[string]Calendar{
		"china 2026":    calChina2026(),
		"berlin office": DefaultCalendar(calBerlin),
		"berlin 24h":    calBerlinAllDay(),
		"berlin night":  calBerlinNight(),
	}
}

func TestCalendarAddWorkingHoursProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 10))
	for name, c := range calPropertyCalendars() {
		t.Run(name, func(t *testing.T) {
			for range 2000 {
				start := calRandomStart(r, c)
				a := time.Duration(1+r.IntN(100*3600)) * time.Second
				b := time.Duration(1+r.IntN(40*3600)) * time.Second
				got := c.Add(start, WorkingHoursSpan(a))
				if w := c.WorkingDuration(start, got); w != a {
					t.Fatalf("WorkingDuration(%s, Add(%s, %s) = %s) = %s", start, start, a, got, w)
				}
				if w := c.WorkingDuration(start, got.Add(-time.Nanosecond)); w != a-time.Nanosecond {
					t.Fatalf("Add(%s, %s) = %s is not the earliest such moment", start, a, got)
				}
				if next := c.Next(start); got.Before(next) {
					t.Fatalf("Add(%s, %s) = %s, before the next working moment %s", start, a, got, next)
				}
				ext := c.Add(got, WorkingHoursSpan(b))
				if whole := c.Add(start, WorkingHoursSpan(a+b)); !ext.Equal(whole) {
					t.Fatalf("Add(Add(%s, %s), %s) = %s, Add(%s, %s) = %s", start, a, b, ext, start, a+b, whole)
				}
			}
		})
	}
}

func TestCalendarAddWorkingDaysProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 11))
	for name, c := range calPropertyCalendars() {
		t.Run(name, func(t *testing.T) {
			closing := c.Hours[len(c.Hours)-1].End
			for range 500 {
				start := calRandomStart(r, c)
				a, b := 1+r.IntN(20), 1+r.IntN(20)
				got := c.Add(start, WorkingDaysSpan(a))
				// The deadline is the closing time of a working day, and a
				// working days lie after the day of start up to it.
				startDay := DateOf(start, c.Location)
				if closing == (Clock{24, 0}) && start.Equal(at(startDay, Clock{}, c.Location)) {
					startDay = startDay.AddDays(-1)
				}
				var last Date
				n := 0
				for d := startDay.AddDays(1); n < a; d = d.AddDays(1) {
					if c.IsWorkingDay(d) {
						n, last = n+1, d
					}
				}
				if want := at(last, closing, c.Location); !got.Equal(want) {
					t.Fatalf("Add(%s, %dwd) = %s, want %s", start, a, got, want)
				}
				ext := c.Add(got, WorkingDaysSpan(b))
				if whole := c.Add(start, WorkingDaysSpan(a+b)); !ext.Equal(whole) {
					t.Fatalf("Add(Add(%s, %dwd), %dwd) = %s, Add(%s, %dwd) = %s", start, a, b, ext, start, a+b, whole)
				}
			}
		})
	}
}

func TestCalendarAddIsBounded(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cal   Calendar
		start time.Time
		span  Span
	}{
		{"365wd, plain week", calPlain(), sh(1, 5, 10, 0), WorkingDaysSpan(365)},
		{"365wd, China 2026", calChina2026(), sh(1, 5, 10, 0), WorkingDaysSpan(365)},
		{"2000wh, plain week", calPlain(), sh(1, 5, 9, 0), WorkingHoursSpan(2000 * time.Hour)},
		{"2000wh, China 2026", calChina2026(), sh(1, 5, 9, 0), WorkingHoursSpan(2000 * time.Hour)},
		{"8760wh, around the clock", calBerlinAllDay(), ber(1, 5, 9, 0), WorkingHoursSpan(MaxSpan)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var visited int
			if tc.span.Unit == WorkingDays {
				_, visited = tc.cal.addWorkingDays(tc.start, tc.span.Days)
			} else {
				_, visited = tc.cal.addWorkingHours(tc.start, tc.span.D)
			}
			if visited >= 2000 {
				t.Errorf("Add(%s, %s) looked at %d days, want fewer than 2000", tc.start, tc.span, visited)
			}
		})
	}
}

func TestCalendarWithoutWorkingTime(t *testing.T) {
	noWeekdays := DefaultCalendar(calShanghai)
	noWeekdays.Weekdays = [7]bool{}
	noHours := DefaultCalendar(calShanghai)
	noHours.Hours = nil
	start := sh(9, 14, 10, 0)
	for name, c := range map[string]Calendar{"no weekdays": noWeekdays, "no hours": noHours} {
		t.Run(name, func(t *testing.T) {
			if c.Validate() == nil {
				t.Error("Validate accepts a calendar without working time")
			}
			if got, want := c.Add(start, WorkingHoursSpan(8*time.Hour)), start.Add(8*time.Hour); !got.Equal(want) {
				t.Errorf("Add 8wh = %s, want the calendar-time fallback %s", got, want)
			}
			if got, want := c.Add(start, WorkingDaysSpan(2)), start.Add(48*time.Hour); !got.Equal(want) {
				t.Errorf("Add 2wd = %s, want the calendar-time fallback %s", got, want)
			}
			if got := c.Next(start); !got.Equal(start) {
				t.Errorf("Next = %s, want the start", got)
			}
			if got := c.WorkingDuration(start, start.Add(7*24*time.Hour)); got != 0 {
				t.Errorf("WorkingDuration over a week = %s, want 0", got)
			}
		})
	}

	// A year-long holiday is skipped, not mistaken for a calendar without
	// working time. 2027-01-01 is a Friday.
	long := DefaultCalendar(calShanghai)
	long.Holidays = []Holiday{calDays(calDate(2026, 1, 1), calDate(2026, 12, 31), "sabbatical")}
	if got, want := long.Add(sh(6, 1, 10, 0), WorkingHoursSpan(time.Hour)), time.Date(2027, 1, 1, 10, 0, 0, 0, calShanghai); !got.Equal(want) {
		t.Errorf("Add over a year-long holiday = %s, want %s", got, want)
	}
}

func TestCalendarValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *Calendar)
		want   []string // substrings of the error; none for a valid calendar
	}{
		{"China 2026", func(*Calendar) {}, nil},
		{"default", func(c *Calendar) { *c = DefaultCalendar(calBerlin) }, nil},
		{"adjacent hours", func(c *Calendar) { c.Hours = []Interval{{Clock{9, 0}, Clock{12, 0}}, {Clock{12, 0}, Clock{18, 0}}} }, nil},
		{"around the clock", func(c *Calendar) { c.Hours = []Interval{{Clock{0, 0}, Clock{24, 0}}} }, nil},
		{"make-up day on a working weekday", func(c *Calendar) { c.Workdays = append(c.Workdays, calDate(2026, 9, 14)) }, nil},
		{"no time zone", func(c *Calendar) { c.Location = nil }, []string{"no time zone"}},
		{"no hours", func(c *Calendar) { c.Hours = nil }, []string{"no working hours"}},
		{"hour 25", func(c *Calendar) { c.Hours[1].End = Clock{25, 0} }, []string{"13:30-25:00: not a time of day"}},
		{"minute 60", func(c *Calendar) { c.Hours[0].Start = Clock{9, 60} }, []string{"09:60-12:00: not a time of day"}},
		{"start after end", func(c *Calendar) { c.Hours[0] = Interval{Clock{12, 0}, Clock{9, 0}} }, []string{"12:00-09:00: the start must be before the end"}},
		{"empty interval", func(c *Calendar) { c.Hours[0] = Interval{Clock{9, 0}, Clock{9, 0}} }, []string{"the start must be before the end"}},
		{"overlap", func(c *Calendar) { c.Hours[1].Start = Clock{11, 0} }, []string{"09:00-12:00 and 11:00-18:00 overlap"}},
		{"out of order", func(c *Calendar) { c.Hours[0], c.Hours[1] = c.Hours[1], c.Hours[0] }, []string{"out of order"}},
		{"no weekday", func(c *Calendar) { c.Weekdays = [7]bool{} }, []string{"no working weekday"}},
		{"holiday reversed", func(c *Calendar) {
			c.Holidays = append(c.Holidays, calDays(calDate(2026, 12, 31), calDate(2026, 12, 30), "x"))
		}, []string{`holiday "x" (2026-12-31..2026-12-30): ends before it starts`}},
		{"holiday on February 30", func(c *Calendar) {
			c.Holidays = append(c.Holidays, calDays(calDate(2026, 2, 30), calDate(2026, 3, 1), "x"))
		}, []string{"not a valid date"}},
		{"holiday of a year and a week", func(c *Calendar) { c.Holidays[6].To = calDate(2027, 10, 7) }, []string{"lasts more than 366 days"}},
		{"make-up day in month 13", func(c *Calendar) { c.Workdays = append(c.Workdays, calDate(2026, 13, 1)) }, []string{"make-up working day 2026-13-01: not a valid date"}},
		{"make-up day in a holiday", func(c *Calendar) { c.Workdays = append(c.Workdays, calDate(2026, 9, 27)) }, []string{`make-up working day 2026-09-27 is also holiday "中秋节"`}},
		{"every problem at once", func(c *Calendar) { c.Location, c.Hours, c.Weekdays = nil, nil, [7]bool{} },
			[]string{"no time zone", "no working hours", "no working weekday"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := calChina2026()
			tc.change(&c)
			err := c.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestParseSpan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Span
		text string
	}{
		{"2h", CalendarSpan(2 * time.Hour), "2h"},
		{"90m", CalendarSpan(90 * time.Minute), "1h30m"},
		{"1h30m", CalendarSpan(90 * time.Minute), "1h30m"},
		{"45s", CalendarSpan(45 * time.Second), "45s"},
		{"1h0m5s", CalendarSpan(time.Hour + 5*time.Second), "1h5s"},
		{"3d", CalendarSpan(72 * time.Hour), "3d"},
		{"48h", CalendarSpan(48 * time.Hour), "2d"},
		{"365d", CalendarSpan(MaxSpan), "365d"},
		{"8wh", WorkingHoursSpan(8 * time.Hour), "8wh"},
		{"1.5wh", WorkingHoursSpan(90 * time.Minute), "1h30mwh"},
		{"4h30mwh", WorkingHoursSpan(270 * time.Minute), "4h30mwh"},
		{"30mwh", WorkingHoursSpan(30 * time.Minute), "30mwh"},
		{"8760wh", WorkingHoursSpan(MaxSpan), "8760wh"},
		{"5wd", WorkingDaysSpan(5), "5wd"},
		{"365wd", WorkingDaysSpan(365), "365wd"},
		{" 5 WD ", WorkingDaysSpan(5), "5wd"},
		{"2H", CalendarSpan(2 * time.Hour), "2h"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSpan(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("ParseSpan(%q) = %#v, %v; want %#v", tc.in, got, err, tc.want)
			}
			if s := got.String(); s != tc.text {
				t.Errorf("String() = %q, want %q", s, tc.text)
			}
			if back, err := ParseSpan(got.String()); err != nil || back != got {
				t.Errorf("ParseSpan(%q) = %#v, %v; want %#v back", got.String(), back, err, got)
			}
		})
	}
}

func TestParseSpanErrors(t *testing.T) {
	for _, tc := range []struct {
		in, code, msg string
	}{
		{"", "empty", "is empty"},
		{"   ", "empty", "is empty"},
		{"5", "missing_unit", "the unit is missing"},
		{"1h30", "missing_unit", "the unit is missing"},
		{"3x", "unknown_unit", `unknown unit "x"`},
		{"3w", "unknown_unit", `unknown unit "w"`},
		{"500ms", "unknown_unit", `unknown unit "ms"`},
		{"5wdx", "unknown_unit", `unknown unit "wdx"`},
		{"0h", "not_positive", "must be positive"},
		{"0wh", "not_positive", "must be positive"},
		{"0wd", "not_positive", "must be positive"},
		{"0d", "not_positive", "must be positive"},
		{"-2h", "not_positive", "must be positive"},
		{"+2h", "not_positive", "must be positive"},
		{"366d", "too_long", "too long: at most 365 days"},
		{"8761h", "too_long", "too long: at most 365 days"},
		{"8761wh", "too_long", "too long: at most 8760 working hours"},
		{"366wd", "too_long", "too long: at most 365 working days"},
		{"99999999999999999999wd", "too_long", "too long"},
		{"9999999999h", "too_long", "too long"},
		{"1.5wd", "not_whole", "working days must be a whole number"},
		{"1.5d", "not_whole", "days must be a whole number"},
		{"1.5s", "not_whole", "whole number of seconds"},
		{"0.0001wh", "not_whole", "whole number of seconds"},
		{"1d2h", "syntax", `"d" cannot be combined`},
		{"2h1d", "syntax", "days cannot be combined"},
		{"2h5wd", "syntax", "working days cannot be combined"},
		{"wd", "syntax", "a number is missing"},
		{"wh", "syntax", "a number is missing"},
		{"h", "syntax", `"" is not a number`},
		{"1..5h", "syntax", `"1..5" is not a number`},
		{".5h", "syntax", `".5" is not a number`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseSpan(tc.in)
			var se *SpanError
			if !errors.As(err, &se) {
				t.Fatalf("ParseSpan(%q) error = %v, want a *SpanError", tc.in, err)
			}
			if se.Code != tc.code || se.Input != tc.in || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("ParseSpan(%q) = %#v (%q), want code %s and %q", tc.in, se, err, tc.code, tc.msg)
			}
		})
	}
}

func TestSpanValidate(t *testing.T) {
	for _, tc := range []struct {
		span Span
		code string // "" for a valid span
	}{
		{CalendarSpan(time.Minute), ""},
		{WorkingHoursSpan(8 * time.Hour), ""},
		{WorkingDaysSpan(5), ""},
		{Span{D: time.Hour, Unit: "x"}, "unknown_unit"},
		{Span{D: time.Hour, Days: 1, Unit: WorkingHours}, "invalid"},
		{Span{D: time.Hour, Days: 1, Unit: WorkingDays}, "invalid"},
		{WorkingDaysSpan(0), "not_positive"},
		{CalendarSpan(1500 * time.Millisecond), "not_whole"},
		{WorkingHoursSpan(MaxSpan + time.Second), "too_long"},
		{CalendarSpan(MaxSpan + time.Second), "too_long"},
		{WorkingDaysSpan(MaxSpanDays + 1), "too_long"},
	} {
		err := tc.span.Validate()
		var se *SpanError
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%#v.Validate() = %v, want nil", tc.span, err)
		case tc.code != "" && (!errors.As(err, &se) || se.Code != tc.code):
			t.Errorf("%#v.Validate() = %v, want code %s", tc.span, err, tc.code)
		}
	}
}

func TestSpanRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for range 3000 {
		var s Span
		switch r.IntN(3) {
		case 0:
			s = CalendarSpan(time.Duration(1+r.Int64N(int64(MaxSpan/time.Second))) * time.Second)
		case 1:
			s = WorkingHoursSpan(time.Duration(1+r.Int64N(int64(MaxSpan/time.Second))) * time.Second)
		default:
			s = WorkingDaysSpan(1 + r.IntN(MaxSpanDays))
		}
		if got, err := ParseSpan(s.String()); err != nil || got != s {
			t.Fatalf("ParseSpan(%q) = %#v, %v; want %#v", s.String(), got, err, s)
		}
	}
}

func TestParseClockAndInterval(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" for an error
	}{
		{"09:00", "09:00"},
		{"9:00", "09:00"},
		{"00:00", "00:00"},
		{"24:00", "24:00"},
		{"24:01", ""},
		{"23:60", ""},
		{"9", ""},
		{"09:0", ""},
		{"ab:cd", ""},
		{"-1:00", ""},
	} {
		k, err := ParseClock(tc.in)
		if tc.want == "" && err == nil || tc.want != "" && (err != nil || k.String() != tc.want) {
			t.Errorf("ParseClock(%q) = %s, %v; want %q", tc.in, k, err, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"09:00-12:00", "09:00-12:00"},
		{"13:30–18:00", "13:30-18:00"},
		{"0:00-24:00", "00:00-24:00"},
		{"12:00-09:00", ""},
		{"09:00-09:00", ""},
		{"24:00-24:00", ""},
		{"09:00", ""},
	} {
		iv, err := ParseInterval(tc.in)
		if tc.want == "" && err == nil || tc.want != "" && (err != nil || iv.String() != tc.want) {
			t.Errorf("ParseInterval(%q) = %s, %v; want %q", tc.in, iv, err, tc.want)
		}
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-10-01")
	if err != nil || d != calDate(2026, 10, 1) || d.String() != "2026-10-01" {
		t.Errorf("ParseDate(2026-10-01) = %v (%s), %v", d, d, err)
	}
	for _, bad := range []string{"2026-02-30", "2026-1-1", "2026-13-01", "01.10.2026", ""} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) succeeded", bad)
		}
	}
	if (Date{2026, 2, 29}).Valid() || !(Date{2028, 2, 29}).Valid() {
		t.Error("Valid gets leap years wrong")
	}
	for _, tc := range []struct {
		d    Date
		n    int
		want Date
	}{
		{calDate(2026, 12, 31), 1, calDate(2027, 1, 1)},
		{calDate(2026, 3, 1), -1, calDate(2026, 2, 28)},
		{calDate(2028, 2, 28), 1, calDate(2028, 2, 29)},
		{calDate(2026, 1, 5), 511, calDate(2027, 5, 31)},
	} {
		if got := tc.d.AddDays(tc.n); got != tc.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tc.d, tc.n, got, tc.want)
		}
	}
	// The week days the other tests rely on.
	for _, tc := range []struct {
		d    Date
		want time.Weekday
	}{
		{calDate(2026, 1, 4), time.Sunday},
		{calDate(2026, 1, 5), time.Monday},
		{calDate(2026, 2, 14), time.Saturday},
		{calDate(2026, 2, 28), time.Saturday},
		{calDate(2026, 3, 29), time.Sunday},
		{calDate(2026, 5, 9), time.Saturday},
		{calDate(2026, 9, 11), time.Friday},
		{calDate(2026, 9, 14), time.Monday},
		{calDate(2026, 9, 20), time.Sunday},
		{calDate(2026, 9, 25), time.Friday},
		{calDate(2026, 10, 1), time.Thursday},
		{calDate(2026, 10, 10), time.Saturday},
		{calDate(2026, 10, 20), time.Tuesday},
		{calDate(2026, 10, 25), time.Sunday},
		{calDate(2026, 12, 18), time.Friday},
		{calDate(2027, 1, 1), time.Friday},
		{calDate(2027, 5, 31), time.Monday},
	} {
		if got := tc.d.Weekday(); got != tc.want {
			t.Errorf("%s is a %s, want %s", tc.d, got, tc.want)
		}
	}
	a, b := calDate(2026, 9, 30), calDate(2026, 10, 1)
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Compare(b) != -1 || a.Compare(a) != 0 || b.Compare(a) != 1 {
		t.Error("Before, After or Compare is wrong")
	}
	late := utc(9, 30, 20, 0) // 04:00 on October 1 in Shanghai
	if got := DateOf(late, calShanghai); got != b {
		t.Errorf("DateOf in Shanghai = %s, want %s", got, b)
	}
	if got := DateOf(late, nil); got != a {
		t.Errorf("DateOf in UTC = %s, want %s", got, a)
	}
	h := calDays(calDate(2026, 10, 1), calDate(2026, 10, 7), "国庆节")
	if !h.Contains(calDate(2026, 10, 1)) || !h.Contains(calDate(2026, 10, 7)) || h.Contains(calDate(2026, 10, 8)) || h.Contains(a) {
		t.Error("Holiday.Contains does not include both ends only")
	}
}

// TestSpanErrorDetails: an unknown unit and a span over its limit carry
// the unit and the limit, so that texts in any language can name them.
func TestSpanErrorDetails(t *testing.T) {
	for _, tc := range []struct {
		in    string
		unit  string
		limit Span
	}{
		{"3x", "x", Span{}},
		{"2h5q", "q", Span{}},
		{"999wd", "", WorkingDaysSpan(MaxSpanDays)},
		{"99999999999999999999wd", "", WorkingDaysSpan(MaxSpanDays)},
		{"9000wh", "", WorkingHoursSpan(MaxSpan)},
		{"400d", "", CalendarSpan(MaxSpan)},
		{"9999h", "", CalendarSpan(MaxSpan)},
	} {
		_, err := ParseSpan(tc.in)
		var se *SpanError
		if !errors.As(err, &se) || se.Unit != tc.unit || se.Limit != tc.limit {
			t.Errorf("ParseSpan(%q): %#v, want unit %q and limit %v", tc.in, err, tc.unit, tc.limit)
		}
	}
}
