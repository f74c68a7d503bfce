package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

func date(t *testing.T, s string) appeal.Date {
	t.Helper()
	d, err := appeal.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCalendarDays(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		hs, ws, err := s.CalendarDays(ctx)
		if err != nil || hs != nil || ws != nil {
			t.Fatalf("empty calendar: %v %v %v", hs, ws, err)
		}
		national := appeal.Holiday{From: date(t, "2026-10-01"), To: date(t, "2026-10-07"), Name: "国庆节"}
		midAutumn := appeal.Holiday{From: date(t, "2026-09-25"), To: date(t, "2026-09-27"), Name: "中秋节"}
		for _, h := range []appeal.Holiday{national, midAutumn} {
			if err := s.AddHoliday(ctx, h); err != nil {
				t.Fatal(err)
			}
		}
		for _, w := range []appeal.Workday{{Date: date(t, "2026-10-10"), Name: "国庆节补班"}, {Date: date(t, "2026-09-20")}} {
			if err := s.AddWorkday(ctx, w); err != nil {
				t.Fatal(err)
			}
		}
		hs, ws, err = s.CalendarDays(ctx)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "holidays", hs, []appeal.Holiday{midAutumn, national})
		same(t, "workdays", ws, []appeal.Workday{{Date: date(t, "2026-09-20")}, {Date: date(t, "2026-10-10"), Name: "国庆节补班"}})

		// Overlaps are refused whole, naming the day taken.
		err = s.AddHoliday(ctx, appeal.Holiday{From: date(t, "2026-09-28"), To: date(t, "2026-10-02"), Name: "x"})
		var taken *appeal.DayTakenError
		if !errors.Is(err, storage.ErrConflict) || !errors.As(err, &taken) ||
			*taken != (appeal.DayTakenError{Date: date(t, "2026-10-01"), Holiday: true, Name: "国庆节"}) {
			t.Errorf("overlapping holiday: %v", err)
		}
		err = s.AddWorkday(ctx, appeal.Workday{Date: date(t, "2026-09-27")})
		if !errors.As(err, &taken) || taken.Date != date(t, "2026-09-27") {
			t.Errorf("make-up day on a holiday: %v", err)
		}
		if err := s.AddHoliday(ctx, appeal.Holiday{From: date(t, "2026-10-10"), To: date(t, "2026-10-10")}); !errors.As(err, &taken) || taken.Holiday {
			t.Errorf("holiday on a make-up day: %v", err)
		}
		if hs, _, _ := s.CalendarDays(ctx); len(hs) != 2 {
			t.Errorf("a refused holiday left days behind: %+v", hs)
		}

		// Removing part of a holiday splits the run.
		n, err := s.RemoveHolidays(ctx, date(t, "2026-10-03"), date(t, "2026-10-04"))
		if err != nil || n != 2 {
			t.Fatalf("RemoveHolidays = %d, %v", n, err)
		}
		_, err = s.RemoveHolidays(ctx, date(t, "2026-10-03"), date(t, "2026-10-04"))
		isNotFound(t, "RemoveHolidays again", err)
		if err := s.RemoveWorkday(ctx, date(t, "2026-09-20")); err != nil {
			t.Fatal(err)
		}
		isNotFound(t, "RemoveWorkday again", s.RemoveWorkday(ctx, date(t, "2026-09-20")))
		// A holiday is not a make-up day, nor the other way round.
		isNotFound(t, "RemoveWorkday of a holiday", s.RemoveWorkday(ctx, date(t, "2026-10-01")))
		hs, ws, _ = s.CalendarDays(ctx)
		same(t, "holidays after removal", hs, []appeal.Holiday{midAutumn,
			{From: date(t, "2026-10-01"), To: date(t, "2026-10-02"), Name: "国庆节"},
			{From: date(t, "2026-10-05"), To: date(t, "2026-10-07"), Name: "国庆节"}})
		same(t, "workdays after removal", ws, []appeal.Workday{{Date: date(t, "2026-10-10"), Name: "国庆节补班"}})

		// Replacing a year leaves other years alone.
		if err := s.AddHoliday(ctx, appeal.Holiday{From: date(t, "2027-01-01"), To: date(t, "2027-01-01"), Name: "元旦"}); err != nil {
			t.Fatal(err)
		}
		newYear := appeal.Holiday{From: date(t, "2026-01-01"), To: date(t, "2026-01-03"), Name: "元旦"}
		if err := s.ReplaceCalendarYears(ctx, []int{2026}, []appeal.Holiday{newYear}, []appeal.Workday{{Date: date(t, "2026-01-04"), Name: "元旦补班"}}); err != nil {
			t.Fatal(err)
		}
		hs, ws, _ = s.CalendarDays(ctx)
		same(t, "holidays after replace", hs, []appeal.Holiday{newYear, {From: date(t, "2027-01-01"), To: date(t, "2027-01-01"), Name: "元旦"}})
		same(t, "workdays after replace", ws, []appeal.Workday{{Date: date(t, "2026-01-04"), Name: "元旦补班"}})
		// A replacement that contradicts itself changes nothing.
		err = s.ReplaceCalendarYears(ctx, []int{2026}, []appeal.Holiday{newYear}, []appeal.Workday{{Date: date(t, "2026-01-02")}})
		if !errors.As(err, &taken) {
			t.Errorf("contradicting replacement: %v", err)
		}
		if hs2, ws2, _ := s.CalendarDays(ctx); len(hs2) != 2 || len(ws2) != 1 {
			t.Errorf("a failed replacement changed the calendar: %+v %+v", hs2, ws2)
		}
	})
}

// TestServiceDeadlinesInTheCalendar runs the service over the store with
// the stored 2026 National Day schedule.
func TestServiceDeadlinesInTheCalendar(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, sh).UTC() }
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		for _, h := range []appeal.Holiday{
			{From: date(t, "2026-09-25"), To: date(t, "2026-09-27"), Name: "中秋节"},
			{From: date(t, "2026-10-01"), To: date(t, "2026-10-07"), Name: "国庆节"},
		} {
			if err := s.AddHoliday(ctx, h); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AddWorkday(ctx, appeal.Workday{Date: date(t, "2026-10-10"), Name: "国庆节补班"}); err != nil {
			t.Fatal(err)
		}
		clock := at(9, 30, 10, 0)
		svc := appeal.NewService(s, func() time.Time { return clock }, "Asia/Shanghai",
			appeal.WithCalendars(appeal.Calendars{Days: s}))
		if _, err := svc.SaveDepartment(ctx, appeal.Department{Code: "water", Name: "供水"}); err != nil {
			t.Fatal(err)
		}
		in := intake("holiday")
		in.Department = "water"
		in.ReceivedAt = clock.Add(-time.Hour)
		a, _, err := svc.Intake(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		// 2wh from 10:00 is 12:00; 3wd are 10-08, 10-09 and the make-up
		// Saturday 10-10; 7wd end on 10-15.
		same(t, "deadlines at intake", a.Deadlines, appeal.Deadlines{
			ClaimBy: at(9, 30, 12, 0), AnswerBy: at(10, 10, 18, 0), ResolveBy: at(10, 15, 18, 0)})

		clock = at(9, 30, 11, 0)
		if a, err = svc.Act(ctx, a.ID, appeal.Command{Action: appeal.ActClaim, Actor: 7}); err != nil {
			t.Fatal(err)
		}
		span, _ := appeal.ParseSpan("2wd")
		if _, err = svc.Act(ctx, a.ID, appeal.Command{Action: appeal.ActRequestExtension, Actor: 7, Extension: span, Text: "等配件"}); err != nil {
			t.Fatal(err)
		}
		// Approved days later, the extension still counts from the old
		// deadlines: Saturday 10-10 + 2wd is Tuesday 10-13, 10-15 + 2wd
		// is Monday 10-19.
		clock = at(10, 9, 9, 0)
		a, err = svc.Act(ctx, a.ID, appeal.Command{Action: appeal.ActApproveExtension, Actor: 9})
		if err != nil {
			t.Fatal(err)
		}
		same(t, "deadlines after the extension", a.Deadlines, appeal.Deadlines{
			ClaimBy: at(9, 30, 12, 0), AnswerBy: at(10, 13, 18, 0), ResolveBy: at(10, 19, 18, 0)})
		if !a.NextActionAt.Equal(appeal.NextAction(a, appeal.Done{}, appeal.DefaultReminders, appeal.Clocks{})) || a.Extension != nil {
			t.Errorf("after approval: next action %s, extension %+v", a.NextActionAt, a.Extension)
		}
	})
}

// TestSLAStoredAsSeconds reads a policy stored before spans existed.
func TestSLAStoredAsSeconds(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		saveDept(t, s, "old", false)
		if _, err := s.DB().Exec(s.DB().Rebind(`UPDATE departments SET sla = ? WHERE code = ?`),
			`{"normal":{"claim":7200,"answer":259200,"resolve":604800},"urgent":{"claim":1800,"answer":7200,"resolve":86400}}`, "old"); err != nil {
			t.Fatal(err)
		}
		d, err := s.Department(ctx, "old")
		if err != nil {
			t.Fatal(err)
		}
		h := func(d time.Duration) appeal.Span { return appeal.CalendarSpan(d) }
		same(t, "sla", d.SLA, appeal.Policy{
			Normal: appeal.Tier{Claim: h(2 * time.Hour), Answer: h(72 * time.Hour), Resolve: h(7 * 24 * time.Hour)},
			Urgent: appeal.Tier{Claim: h(30 * time.Minute), Answer: h(2 * time.Hour), Resolve: h(24 * time.Hour)},
		})
	})
}
