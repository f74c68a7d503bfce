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
