package appeal

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

type fakeDays struct {
	hs  []Holiday
	ws  []Workday
	err error
}

func (f fakeDays) CalendarDays(context.Context) ([]Holiday, []Workday, error) {
	return f.hs, f.ws, f.err
}

func TestCalendarsGiveEachDepartmentItsZone(t *testing.T) {
	days := fakeDays{
		hs: []Holiday{calDays(calDate(2026, 10, 1), calDate(2026, 10, 7), "国庆节")},
		ws: []Workday{{Date: calDate(2026, 10, 10), Name: "补班"}},
	}
	src := Calendars{Hours: []Interval{{Clock{8, 0}, Clock{16, 0}}}, Weekdays: [7]bool{time.Monday: true}, Days: days}
	cal, err := src.Calendar(context.Background(), Department{Code: "roads", Timezone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	if cal.Location.String() != "Europe/Berlin" || len(cal.Hours) != 1 || cal.Weekdays[time.Tuesday] ||
		len(cal.Holidays) != 1 || len(cal.Workdays) != 1 || cal.Workdays[0] != calDate(2026, 10, 10) {
		t.Errorf("calendar: %+v", cal)
	}
	if err := cal.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// Without settings: the default office week, in UTC without a zone.
	cal, err = Calendars{}.Calendar(context.Background(), Department{Code: "x"})
	if err != nil || cal.Location != time.UTC || !cal.Weekdays[time.Friday] || len(cal.Hours) != 2 || cal.Holidays != nil {
		t.Errorf("default calendar: %+v %v", cal, err)
	}
	if _, err := (Calendars{}).Calendar(context.Background(), Department{Code: "x", Timezone: "Mars/Olympus"}); err == nil {
		t.Error("unknown zone accepted")
	}
	broken := errors.New("db down")
	if _, err := (Calendars{Days: fakeDays{err: broken}}).Calendar(context.Background(), Department{Code: "x"}); !errors.Is(err, broken) {
		t.Errorf("store error: %v", err)
	}
}

func TestParseWorkingWeek(t *testing.T) {
	hs, err := ParseWorkingHours(" 09:00-12:00 , 13:30-18:00 ")
	if err != nil || len(hs) != 2 || hs[1] != (Interval{Clock{13, 30}, Clock{18, 0}}) {
		t.Errorf("ParseWorkingHours: %v %v", hs, err)
	}
	for _, bad := range []string{"", ",", "9-17", "12:00-09:00", "09:00-13:00,12:00-18:00", "13:00-18:00,09:00-12:00", "09:00-25:00"} {
		if _, err := ParseWorkingHours(bad); err == nil {
			t.Errorf("ParseWorkingHours(%q) accepted", bad)
		}
	}
	for in, want := range map[string][7]bool{
		"mon-fri":     {time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true},
		"Mon-Fri,SAT": {time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true, time.Saturday: true},
		"sat-mon":     {time.Saturday: true, time.Sunday: true, time.Monday: true},
		"wed":         {time.Wednesday: true},
	} {
		if got, err := ParseWorkingDays(in); err != nil || got != want {
			t.Errorf("ParseWorkingDays(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "monday", "mon-", "mon-xyz", ","} {
		if _, err := ParseWorkingDays(bad); err == nil || !strings.Contains(err.Error(), "day") {
			t.Errorf("ParseWorkingDays(%q): %v", bad, err)
		}
	}
}

func TestHolidayDays(t *testing.T) {
	for _, tc := range []struct {
		h    Holiday
		want int
	}{
		{calDays(calDate(2026, 10, 1), calDate(2026, 10, 7), ""), 7},
		{calDays(calDate(2026, 10, 1), calDate(2026, 10, 1), ""), 1},
		{calDays(calDate(2026, 12, 31), calDate(2027, 1, 2), ""), 3},
		{calDays(calDate(2028, 2, 28), calDate(2028, 3, 1), ""), 3},
	} {
		if got := tc.h.Days(); got != tc.want {
			t.Errorf("%s.Days() = %d, want %d", tc.h, got, tc.want)
		}
	}
}
