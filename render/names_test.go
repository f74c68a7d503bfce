package render

import (
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

func TestFmtSpan(t *testing.T) {
	for _, tc := range []struct {
		span   appeal.Span
		en, zh string
	}{
		{appeal.WorkingDaysSpan(1), "1 working day", "1个工作日"},
		{appeal.WorkingDaysSpan(3), "3 working days", "3个工作日"},
		{appeal.WorkingHoursSpan(8 * time.Hour), "8h working time", "8个工作小时"},
		{appeal.WorkingHoursSpan(90 * time.Minute), "1h 30m working time", "工作时间1小时30分"},
		{appeal.CalendarSpan(48 * time.Hour), "2d", "2天"},
	} {
		if got := Span(LangEN, tc.span); got != tc.en {
			t.Errorf("Span(en, %s) = %q, want %q", tc.span, got, tc.en)
		}
		if got := Span(LangZH, tc.span); got != tc.zh {
			t.Errorf("Span(zh, %s) = %q, want %q", tc.span, got, tc.zh)
		}
	}
}

// TestWorkTime: working time as a person counts it, in the days of the
// department's calendar and the hours left over.
func TestWorkTime(t *testing.T) {
	day := 7*time.Hour + 30*time.Minute
	for _, c := range []struct {
		d, day time.Duration
		en, zh string
	}{
		{75 * time.Hour, day, "10 working days", "10个工作日"},
		{day + 4*time.Hour, day, "1 working day and 4 working hours", "1个工作日4个工作小时"},
		{3 * time.Hour, day, "3 working hours", "3个工作小时"},
		{0, day, "0 working hours", "0个工作小时"},
		{75 * time.Hour, 0, "75 working hours", "75个工作小时"},
	} {
		if got := WorkTime(LangEN, c.d, c.day); got != c.en {
			t.Errorf("WorkTime(%v, %v) = %q, want %q", c.d, c.day, got, c.en)
		}
		if got := WorkTime(LangZH, c.d, c.day); got != c.zh {
			t.Errorf("WorkTime(%v, %v) zh = %q, want %q", c.d, c.day, got, c.zh)
		}
	}
}
