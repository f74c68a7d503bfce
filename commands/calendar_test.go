package commands

import (
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestCalendarCommands adds, lists and removes holidays and make-up days,
// and checks that deadlines follow them.
func TestCalendarCommands(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	adm := privateChat("9006")
	ok := func(role, text, want string) {
		t.Helper()
		rep := e.do(role, adm, text)
		if role != rAdmin {
			rep = e.do(role, privateChat(e.users[role].ID), text)
		}
		if isError(rep) || !strings.Contains(html.UnescapeString(rep.HTML), want) {
			t.Errorf("/%s:\n got  %s\n want %s", text, rep.HTML, want)
		}
	}
	refused := func(text, want string) {
		t.Helper()
		rep := e.do(rAdmin, adm, text)
		if !isError(rep) || !strings.Contains(html.UnescapeString(rep.HTML), want) {
			t.Errorf("/%s:\n got  %s\n want %s", text, rep.HTML, want)
		}
	}
	ok(rResp, "calendar list 2026", "No holidays or make-up working days in 2026.")
	ok(rAdmin, "calendar holiday add 2026-10-01..2026-10-07 National Day", "Holiday National Day added: 2026-10-01..2026-10-07 (7 days off).")
	ok(rAdmin, "calendar holiday add 2026-09-25..2026-09-27 中秋节", "Holiday 中秋节 added: 2026-09-25..2026-09-27 (3 days off).")
	ok(rAdmin, "calendar workday add 2026-10-10 国庆节补班", "2026-10-10 (Sat) is now a make-up working day.")
	ok(rAdmin, "calendar workday add 2026-09-20", "2026-09-20 (Sun) is now a make-up working day.")
	// Overlaps are refused, naming what is there already.
	refused("calendar holiday add 2026-09-30..2026-10-02 Eve", "2026-10-01 is already a holiday National Day; remove it first.")
	refused("calendar workday add 2026-09-27", "2026-09-27 is already a holiday 中秋节")
	refused("calendar holiday add 2026-10-10 Oops", "2026-10-10 is already a make-up working day 国庆节补班")
	refused("calendar workday add 2026-10-10", "2026-10-10 is already a make-up working day")
	refused("calendar holiday remove 2026-11-01..2026-11-30", "There is no holiday between 2026-11-01 and 2026-11-30.")
	refused("calendar workday remove 2026-10-11", "2026-10-11 is not a make-up working day.")

	ok(rDispatcher, "calendar list 2026", "<b>Calendar 2026</b>: 2 holidays, 2 make-up working days")
	rep := e.do(rLeader, privateChat("9003"), "calendar list 2026")
	for _, want := range []string{
		"🎌 2026-09-25..2026-09-27 中秋节 (3 days off)", "🎌 2026-10-01..2026-10-07 National Day (7 days off)",
		"💼 2026-09-20 (Sun) make-up working day", "💼 2026-10-10 (Sat) make-up working day 国庆节补班",
	} {
		if !strings.Contains(rep.HTML, want) {
			t.Errorf("list lacks %q:\n%s", want, rep.HTML)
		}
	}
	ok(rResp, "calendar list 2025", "No holidays or make-up working days in 2025.")

	// Deadlines in working time follow the calendar: an appeal handed in
	// on 2026-09-30 10:00 in Shanghai with 3 working days to answer is due
	// on the make-up Saturday after National Day.
	ok(rAdmin, "dept sla roads claim=2wh answer=3wd resolve=7wd", "2wh / 3wd / 7wd")
	sh, _ := time.LoadLocation("Asia/Shanghai")
	e.mu.Lock()
	e.now = time.Date(2026, 9, 30, 10, 0, 0, 0, sh).UTC()
	e.mu.Unlock()
	a := e.intake("roads")
	want := appeal.Deadlines{
		ClaimBy:   time.Date(2026, 9, 30, 12, 0, 0, 0, sh).UTC(),
		AnswerBy:  time.Date(2026, 10, 10, 18, 0, 0, 0, sh).UTC(),
		ResolveBy: time.Date(2026, 10, 15, 18, 0, 0, 0, sh).UTC(),
	}
	if a.Deadlines != want {
		t.Errorf("deadlines:\n got  %+v\n want %+v", a.Deadlines, want)
	}
	// An extension in working days, approved by the leader, moves the
	// answer deadline by working days from the old one.
	rep = e.do(rResp, roadsChat, fmt.Sprintf("extend %d 2wd waiting for parts", a.ID))
	if isError(rep) || !strings.Contains(rep.HTML, "2 working days") {
		t.Errorf("/extend 2wd: %s", rep.HTML)
	}
	rep = e.do(rLeader, privateChat("9003"), fmt.Sprintf("approve %d", a.ID))
	if isError(rep) || !strings.Contains(rep.HTML, "2026-10-13 18:00") {
		t.Errorf("/approve: %s", rep.HTML)
	}
	got := e.appeal(a.ID)
	if !got.Deadlines.AnswerBy.Equal(time.Date(2026, 10, 13, 18, 0, 0, 0, sh)) || !got.Deadlines.ResolveBy.Equal(time.Date(2026, 10, 19, 18, 0, 0, 0, sh)) {
		t.Errorf("after the extension: %+v", got.Deadlines)
	}

	// Removing part of a holiday.
	ok(rAdmin, "calendar holiday remove 2026-10-06..2026-10-07", "Removed 2 holiday days between 2026-10-06 and 2026-10-07.")
	ok(rAdmin, "calendar workday remove 2026-09-20", "2026-09-20 is no longer a make-up working day.")
	ok(rAdmin, "calendar list", "<b>Calendar 2026</b>: 2 holidays, 1 make-up working day")
}

// TestDeptSLASpans: /dept sla takes calendar and working spans, and
// /dept list shows them as typed.
func TestDeptSLASpans(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	adm := privateChat("9006")
	rep := e.do(rAdmin, adm, "dept sla water claim=2wh answer=3wd resolve=7wd urgent.claim=30m urgent.answer=2h urgent.resolve=24h")
	if isError(rep) || !strings.Contains(rep.HTML, "2wh / 3wd / 7wd") || !strings.Contains(rep.HTML, "30m / 2h / 1d") {
		t.Errorf("/dept sla: %s", rep.HTML)
	}
	d, err := e.store.Department(t.Context(), "water")
	if err != nil {
		t.Fatal(err)
	}
	if d.SLA.Normal != (appeal.Tier{Claim: appeal.WorkingHoursSpan(2 * time.Hour), Answer: appeal.WorkingDaysSpan(3), Resolve: appeal.WorkingDaysSpan(7)}) {
		t.Errorf("stored: %+v", d.SLA)
	}
	rep = e.do(rAdmin, adm, "dept list")
	if !strings.Contains(rep.HTML, "2wh / 3wd / 7wd") {
		t.Errorf("/dept list: %s", rep.HTML)
	}
}
