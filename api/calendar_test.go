package api_test

import (
	"os"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
)

const ics = "text/calendar; charset=utf-8"

// vcal wraps events in a calendar, CRLF-terminated as RFC 5545 wants.
func vcal(lines ...string) string {
	all := append([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"}, lines...)
	all = append(all, "END:VCALENDAR")
	return strings.Join(all, "\r\n") + "\r\n"
}

func TestCalendarImport(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		fixture, err := os.ReadFile("testdata/china-2026.ics")
		if err != nil {
			t.Fatal(err)
		}
		// A year outside the file stays as it is.
		if err := e.store.AddHoliday(t.Context(), appeal.Holiday{From: appeal.Date{Year: 2027, Month: 1, Day: 1},
			To: appeal.Date{Year: 2027, Month: 1, Day: 1}, Name: "元旦"}); err != nil {
			t.Fatal(err)
		}
		st, m := e.do("PUT", "/api/v1/calendar", ics, string(fixture))
		if st != 200 || jsonNum(m) != `{"holiday_days":33,"holidays":7,"workdays":6,"years":[2026]}` {
			t.Fatalf("import: %d %v", st, jsonNum(m))
		}
		st, m = e.do("GET", "/api/v1/calendar?year=2026", "", "")
		if st != 200 {
			t.Fatalf("GET: %d %v", st, m)
		}
		hs, ws := m["holidays"].([]any), m["workdays"].([]any)
		if len(hs) != 7 || len(ws) != 6 ||
			jsonNum(hs[6]) != `{"days":7,"from":"2026-10-01","name":"国庆节","to":"2026-10-07"}` ||
			jsonNum(hs[0]) != `{"days":3,"from":"2026-01-01","name":"元旦","to":"2026-01-03"}` ||
			jsonNum(ws[5]) != `{"date":"2026-10-10","name":"国庆节补班"}` {
			t.Fatalf("GET 2026: %s", jsonNum(m))
		}
		// The stored calendar is the official one of appeal's fixture.
		storedH, storedW, err := e.store.CalendarDays(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		cal := appeal.DefaultCalendar(nil)
		cal.Holidays, cal.Workdays = storedH, nil
		for _, w := range storedW {
			cal.Workdays = append(cal.Workdays, w.Date)
		}
		for d, want := range map[string]bool{"2026-09-20": true, "2026-09-27": false, "2026-10-08": true, "2026-10-10": true,
			"2026-01-04": true, "2026-02-16": false, "2026-10-11": false} {
			day, _ := appeal.ParseDate(d)
			if got := cal.IsWorkingDay(day); got != want {
				t.Errorf("IsWorkingDay(%s) = %v after import", d, got)
			}
		}

		// Importing 2026 again replaces it whole; 2027 is untouched.
		st, m = e.do("PUT", "/api/v1/calendar", "text/calendar", vcal(
			"BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261001", "DURATION:P1W", "SUMMARY:National", "  Day", "END:VEVENT",
			"BEGIN:VEVENT", "DTSTART;VALUE=DATE:20260926", "SUMMARY:Make-up", "CATEGORIES:OFFICE,WORKDAY", "END:VEVENT",
			"BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261010", "DTEND;VALUE=DATE:20261011", "SUMMARY:国庆节调休上班", "END:VEVENT",
		))
		if st != 200 || jsonNum(m) != `{"holiday_days":7,"holidays":1,"workdays":2,"years":[2026]}` {
			t.Fatalf("re-import: %d %v", st, jsonNum(m))
		}
		st, m = e.do("GET", "/api/v1/calendar", "", "")
		if st != 200 || jsonNum(m) != `{"holidays":[{"days":7,"from":"2026-10-01","name":"National Day","to":"2026-10-07"},`+
			`{"days":1,"from":"2027-01-01","name":"元旦","to":"2027-01-01"}],`+
			`"workdays":[{"date":"2026-09-26","name":"Make-up"},{"date":"2026-10-10","name":"国庆节调休上班"}],"year":null}` {
			t.Fatalf("after re-import: %d %s", st, jsonNum(m))
		}
	})
}

func TestCalendarImportRefusesBadFiles(t *testing.T) {
	e := newEnv(t, "sqlite")
	good := vcal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261001", "DTEND;VALUE=DATE:20261008", "SUMMARY:国庆节", "END:VEVENT")
	if st, m := e.do("PUT", "/api/v1/calendar", ics, good); st != 200 {
		t.Fatalf("good file: %d %v", st, m)
	}
	ev := func(lines ...string) string {
		return vcal(append(append([]string{"BEGIN:VEVENT"}, lines...), "END:VEVENT")...)
	}
	for _, tc := range []struct {
		name string
		body string
		line int
		msg  string
	}{
		{"empty", "", 1, "the file is empty"},
		{"not a calendar", "hello\r\n", 1, "HELLO: the colon before the value is missing"}, {"garbage", "{}\r\n", 1, `"{}" is not a content line`},
		{"no VCALENDAR", "BEGIN:VEVENT\r\nEND:VEVENT\r\n", 1, "must start with BEGIN:VCALENDAR"},
		{"unterminated", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261001\r\nEND:VEVENT\r\n", 4, "without END:VCALENDAR"},
		{"unclosed event", vcal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261001"), 6, "END:VCALENDAR does not close BEGIN:VEVENT"},
		{"time of day", ev("DTSTART:20261001T090000Z", "SUMMARY:x"), 5, `DTSTART: "20261001T090000Z" has a time of day`},
		{"date-time value", ev("DTSTART;VALUE=DATE-TIME:20261001T090000", "SUMMARY:x"), 5, "VALUE=DATE-TIME is not supported"},
		{"bad date", ev("DTSTART;VALUE=DATE:20261301"), 5, "DTSTART: 20261301 is not a valid date"},
		{"short date", ev("DTSTART;VALUE=DATE:2026101"), 5, `DTSTART: "2026101" is not a date YYYYMMDD`},
		{"no start", ev("SUMMARY:x"), 6, "the VEVENT that begins on line 4 has no DTSTART"},
		{"end before start", ev("DTSTART;VALUE=DATE:20261001", "DTEND;VALUE=DATE:20261001"), 4, "DTEND is the day after the last day"},
		{"start twice", ev("DTSTART;VALUE=DATE:20261001", "DTSTART;VALUE=DATE:20261002"), 6, "DTSTART given twice"},
		{"recurring", ev("DTSTART;VALUE=DATE:20261001", "RRULE:FREQ=YEARLY"), 6, "recurring events are not supported"},
		{"bad duration", ev("DTSTART;VALUE=DATE:20261001", "DURATION:PT8H"), 6, "DURATION"},
		{"bad kind", ev("DTSTART;VALUE=DATE:20261001", "X-APPEALBOT-KIND:HALFDAY"), 6, `"HALFDAY" is neither HOLIDAY nor WORKDAY`},
		{"too long", ev("DTSTART;VALUE=DATE:20261001", "DTEND;VALUE=DATE:20281001"), 4, "lasts more than 366 days"},
		{"overlap", vcal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261001", "DTEND;VALUE=DATE:20261008", "END:VEVENT",
			"BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261007", "SUMMARY:补班", "END:VEVENT"), 8, "2026-10-07 is already in the event that begins on line 4"},
		{"no events", vcal("X-WR-CALNAME:empty"), 5, "the calendar has no VEVENT"},
		{"after the end", vcal() + "BEGIN:VEVENT\r\n", 5, "content after END:VCALENDAR"},
		{"no colon", ev("DTSTART;VALUE=DATE"), 5, "the colon before the value is missing"},
		{"stray continuation", " x\r\n" + good, 1, "a continuation line with nothing to continue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, m := e.do("PUT", "/api/v1/calendar", ics, tc.body)
			er, _ := m["error"].(map[string]any)
			if st != 400 || er["code"] != "malformed_ics" || er["line"] != float64(tc.line) || !strings.Contains(er["message"].(string), tc.msg) {
				t.Errorf("got %d %s, want 400 at line %d with %q", st, jsonNum(m), tc.line, tc.msg)
			}
		})
	}
	// Nothing that was refused changed the stored calendar.
	if _, m := e.do("GET", "/api/v1/calendar?year=2026", "", ""); jsonNum(m["holidays"]) != `[{"days":7,"from":"2026-10-01","name":"国庆节","to":"2026-10-07"}]` {
		t.Errorf("calendar after refusals: %s", jsonNum(m))
	}
	if st, m := e.do("PUT", "/api/v1/calendar", "application/json", good); st != 415 || m["error"].(map[string]any)["code"] != "unsupported_media_type" {
		t.Errorf("JSON content type: %d %v", st, m)
	}
	if st, _ := e.do("PUT", "/api/v1/calendar", "", good); st != 415 {
		t.Errorf("no content type: %d", st)
	}
	big := vcal("X-PAD:"+strings.Repeat("x", 1<<20)) + good
	if st, m := e.do("PUT", "/api/v1/calendar", ics, big); st != 413 || m["error"].(map[string]any)["code"] != "body_too_large" {
		t.Errorf("too large: %d %v", st, m)
	}
	for _, y := range []string{"x", "0", "20260"} {
		if st, m := e.do("GET", "/api/v1/calendar?year="+y, "", ""); st != 400 || m["error"].(map[string]any)["field"] != "year" {
			t.Errorf("year=%s: %d %v", y, st, m)
		}
	}
}

func TestDepartmentSpans(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.putDept("water", `{"name":"供水","sla":{"normal":{"claim":"2wh","answer":"3wd","resolve":"7wd"},"urgent":{"claim":"30m","answer":"2h","resolve":"24h"}}}`)
	st, m := e.do("GET", "/api/v1/departments", "", "")
	ds, _ := m["departments"].([]any)
	if st != 200 || len(ds) != 1 {
		t.Fatalf("GET departments: %d %v", st, m)
	}
	sla := ds[0].(map[string]any)["sla"].(map[string]any)
	if jsonNum(sla) != `{"normal":{"answer":"3wd","claim":"2wh","resolve":"7wd"},"urgent":{"answer":"2h","claim":"30m","resolve":"1d"}}` {
		t.Errorf("sla: %s", jsonNum(sla))
	}
	// Deadlines at intake are in working time: Monday 2026-11-02 10:00 in
	// Shanghai + 2wh is 12:00, + 3wd is Thursday 18:00.
	st, m = e.post(strings.Replace(intakeBody("span-1", "water"), `"priority":"urgent"`, `"priority":"normal"`, 1))
	dl, _ := m["deadlines"].(map[string]any)
	if st != 201 || dl["claim_by"] != "2026-11-02T04:00:00Z" || dl["answer_by"] != "2026-11-05T10:00:00Z" || dl["resolve_by"] != "2026-11-11T10:00:00Z" {
		t.Errorf("intake: %d %v", st, dl)
	}
	for _, tc := range []struct{ body, field, msg string }{
		{`{"name":"x","sla":{"normal":{"claim":"2wh","answer":"3w","resolve":"7wd"},"urgent":{"claim":"30m","answer":"2h","resolve":"1d"}}}`, "sla.normal.answer", "unknown unit"},
		{`{"name":"x","sla":{"normal":{"claim":"2wh","answer":"1.5wd","resolve":"7wd"},"urgent":{"claim":"30m","answer":"2h","resolve":"1d"}}}`, "sla.normal.answer", "whole number"},
		{`{"name":"x","sla":{"normal":{"claim":"2wd","answer":"8wh","resolve":"7wd"},"urgent":{"claim":"30m","answer":"2h","resolve":"1d"}}}`, "sla.normal", "sla.normal must not shrink from claim to answer to resolve"},
	} {
		st, m := e.do("PUT", "/api/v1/departments/x", "application/json", tc.body)
		er, _ := m["error"].(map[string]any)
		if st != 400 || er["field"] != tc.field || !strings.Contains(er["message"].(string), tc.msg) {
			t.Errorf("%s: %d %v", tc.body, st, m)
		}
	}
}

// TestCalendarImportLargeFoldedLine: a body of a megabyte of folded lines
// is accepted; unfolding joins each line once, so this stays linear.
func TestCalendarImportLargeFoldedLine(t *testing.T) {
	e := newEnv(t, "sqlite")
	fold := strings.Repeat("\r\n x", (1<<20-200)/4)
	body := vcal("X-WR-CALDESC:a"+fold, "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261001", "END:VEVENT")
	if st, m := e.do("PUT", "/api/v1/calendar", ics, body); st != 200 {
		t.Fatalf("%d %v", st, m)
	}
}
