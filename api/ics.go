package api

// A small, strict reader of iCalendar (RFC 5545) files that carry public
// holidays and make-up working days, such as the holiday calendars
// published for China. Only what such a file needs is accepted: all-day
// VEVENTs (DTSTART;VALUE=DATE, DTEND;VALUE=DATE with an exclusive end, or
// DURATION in days or weeks), SUMMARY, CATEGORIES and X-APPEALBOT-KIND.
// Anything that would make the days ambiguous (times of day, recurrence
// rules, an unclosed component) is refused with the line it is on.

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/appealbot/appealbot/appeal"
)

// icsError is a problem in an .ics file at a line (1-based, of the file as
// sent, before unfolding).
type icsError struct {
	Line int
	Msg  string
}

func (e *icsError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// icsCalendar is what an .ics file says about the calendar.
type icsCalendar struct {
	Holidays []appeal.Holiday
	Workdays []appeal.Workday
	// Years are the years the file's days fall in, in order.
	Years []int
}

// maxICSEventDays bounds one event, so that a mistyped year is an error
// rather than a year of holidays.
const maxICSEventDays = 366

// icsLine is one unfolded content line.
type icsLine struct {
	no     int // line number of its first physical line
	name   string
	params map[string]string
	value  string
}

// icsEvent collects one VEVENT's properties.
type icsEvent struct {
	line     int
	start    *appeal.Date
	end      *appeal.Date
	days     int // from DURATION
	summary  string
	workday  bool
	holiday  bool
	kindLine int
}

// parseICS reads an .ics file. Workdays are events marked
// X-APPEALBOT-KIND:WORKDAY, with WORKDAY among their CATEGORIES, or with
// 补班 or 上班 in their SUMMARY; every other event is a holiday (days
// off). A day may appear in only one event.
func parseICS(data []byte) (icsCalendar, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return icsCalendar{}, &icsError{1, "the file is not UTF-8 text"}
	}
	lines, err := unfoldICS(string(data))
	if err != nil {
		return icsCalendar{}, err
	}
	if len(lines) == 0 {
		return icsCalendar{}, &icsError{1, "the file is empty; it must start with BEGIN:VCALENDAR"}
	}
	if lines[0].name != "BEGIN" || !strings.EqualFold(lines[0].value, "VCALENDAR") {
		return icsCalendar{}, &icsError{lines[0].no, "the file must start with BEGIN:VCALENDAR"}
	}
	var (
		stack  = []string{"VCALENDAR"}
		ev     *icsEvent
		events []icsEvent
		ended  = 0
	)
	for _, l := range lines[1:] {
		if ended > 0 {
			return icsCalendar{}, &icsError{l.no, "content after END:VCALENDAR"}
		}
		switch l.name {
		case "BEGIN":
			comp := strings.ToUpper(l.value)
			if comp == "" {
				return icsCalendar{}, &icsError{l.no, "BEGIN without a component name"}
			}
			if comp == "VCALENDAR" {
				return icsCalendar{}, &icsError{l.no, "a VCALENDAR inside a VCALENDAR"}
			}
			if comp == "VEVENT" {
				if len(stack) != 1 {
					return icsCalendar{}, &icsError{l.no, "a VEVENT inside " + stack[len(stack)-1]}
				}
				ev = &icsEvent{line: l.no}
			}
			stack = append(stack, comp)
			continue
		case "END":
			comp := strings.ToUpper(l.value)
			if top := stack[len(stack)-1]; comp != top {
				return icsCalendar{}, &icsError{l.no, fmt.Sprintf("END:%s does not close BEGIN:%s", l.value, top)}
			}
			stack = stack[:len(stack)-1]
			switch comp {
			case "VEVENT":
				if ev.start == nil {
					return icsCalendar{}, &icsError{l.no, fmt.Sprintf("the VEVENT that begins on line %d has no DTSTART", ev.line)}
				}
				events = append(events, *ev)
				ev = nil
			case "VCALENDAR":
				ended = l.no
			}
			continue
		}
		if ev == nil || len(stack) != 2 {
			// Calendar properties (VERSION, PRODID, X-WR-CALNAME …) and
			// other components (VTIMEZONE, an event's VALARM) say nothing
			// about which days are off.
			continue
		}
		if err := ev.set(l); err != nil {
			return icsCalendar{}, err
		}
	}
	if ended == 0 {
		return icsCalendar{}, &icsError{lines[len(lines)-1].no, "the file ends without END:VCALENDAR (or a component is not closed)"}
	}
	if len(events) == 0 {
		return icsCalendar{}, &icsError{ended, "the calendar has no VEVENT"}
	}
	return collectICS(events)
}

// unfoldICS splits text into content lines, joining folded lines (those
// that start with a space or tab) to the one before.
func unfoldICS(text string) ([]icsLine, error) {
	raw := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	// Parts are joined once per line: appending to a string for every
	// continuation would be quadratic in a body of folded lines.
	type logical struct {
		no    int
		parts []string
	}
	var ls []logical
	for i, r := range raw {
		if strings.ContainsRune(r, '\r') {
			return nil, &icsError{i + 1, "a stray carriage return"}
		}
		if r != "" && (r[0] == ' ' || r[0] == '\t') {
			if len(ls) == 0 {
				return nil, &icsError{i + 1, "a continuation line with nothing to continue"}
			}
			ls[len(ls)-1].parts = append(ls[len(ls)-1].parts, r[1:])
			continue
		}
		if strings.TrimSpace(r) == "" {
			continue
		}
		ls = append(ls, logical{i + 1, []string{r}})
	}
	out := make([]icsLine, 0, len(ls))
	for _, l := range ls {
		cl, err := parseICSLine(l.no, strings.Join(l.parts, ""))
		if err != nil {
			return nil, err
		}
		out = append(out, cl)
	}
	return out, nil
}

// parseICSLine reads NAME *(;PARAM=VALUE) : VALUE.
func parseICSLine(no int, s string) (icsLine, error) {
	l := icsLine{no: no, params: map[string]string{}}
	i := 0
	for i < len(s) && (isICSNameChar(s[i])) {
		i++
	}
	if i == 0 {
		return l, &icsError{no, fmt.Sprintf("%q is not a content line (NAME:VALUE)", cutICS(s))}
	}
	l.name = strings.ToUpper(s[:i])
	for i < len(s) && s[i] == ';' {
		i++
		j := i
		for j < len(s) && isICSNameChar(s[j]) {
			j++
		}
		if j == i || j >= len(s) || s[j] != '=' {
			return l, &icsError{no, fmt.Sprintf("%s: a malformed parameter", l.name)}
		}
		key := strings.ToUpper(s[i:j])
		i = j + 1
		var val string
		if i < len(s) && s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return l, &icsError{no, fmt.Sprintf("%s: an unclosed quote in parameter %s", l.name, key)}
			}
			val = s[i+1 : i+1+end]
			i += end + 2
		} else {
			j := i
			for j < len(s) && s[j] != ';' && s[j] != ':' && s[j] != ',' {
				j++
			}
			val = s[i:j]
			i = j
			for i < len(s) && s[i] == ',' { // multiple values: keep the first
				j := i + 1
				for j < len(s) && s[j] != ';' && s[j] != ':' && s[j] != ',' {
					j++
				}
				i = j
			}
		}
		l.params[key] = val
	}
	if i >= len(s) || s[i] != ':' {
		return l, &icsError{no, fmt.Sprintf("%s: the colon before the value is missing", l.name)}
	}
	l.value = s[i+1:]
	return l, nil
}

func isICSNameChar(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-'
}

func cutICS(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// set applies one property to the event.
func (ev *icsEvent) set(l icsLine) error {
	switch l.name {
	case "DTSTART", "DTEND":
		d, err := icsDate(l)
		if err != nil {
			return err
		}
		p := &ev.start
		if l.name == "DTEND" {
			p = &ev.end
			if ev.days > 0 {
				return &icsError{l.no, "DTEND and DURATION both given"}
			}
		}
		if *p != nil {
			return &icsError{l.no, l.name + " given twice"}
		}
		*p = &d
	case "DURATION":
		if ev.end != nil {
			return &icsError{l.no, "DTEND and DURATION both given"}
		}
		n, err := icsDuration(l.value)
		if err != nil {
			return &icsError{l.no, "DURATION: " + err.Error()}
		}
		ev.days = n
	case "SUMMARY":
		ev.summary = strings.TrimSpace(unescapeICS(l.value))
		if r := []rune(ev.summary); len(r) > 64 {
			ev.summary = string(r[:64])
		}
	case "CATEGORIES":
		for _, c := range strings.Split(l.value, ",") {
			switch strings.ToUpper(strings.TrimSpace(c)) {
			case "WORKDAY":
				ev.workday = true
			case "HOLIDAY":
				ev.holiday = true
			}
		}
	case "X-APPEALBOT-KIND":
		switch strings.ToUpper(strings.TrimSpace(l.value)) {
		case "WORKDAY":
			ev.workday = true
		case "HOLIDAY":
			ev.holiday = true
		default:
			return &icsError{l.no, fmt.Sprintf("X-APPEALBOT-KIND: %q is neither HOLIDAY nor WORKDAY", cutICS(l.value))}
		}
		ev.kindLine = l.no
	case "RRULE", "RDATE", "EXDATE":
		return &icsError{l.no, l.name + ": recurring events are not supported; list every holiday as its own VEVENT"}
	}
	return nil
}

// icsDate reads an all-day date: VALUE=DATE:YYYYMMDD.
func icsDate(l icsLine) (appeal.Date, error) {
	v := strings.TrimSpace(l.value)
	if vt, ok := l.params["VALUE"]; ok && !strings.EqualFold(vt, "DATE") {
		return appeal.Date{}, &icsError{l.no, fmt.Sprintf("%s: VALUE=%s is not supported; use %s;VALUE=DATE:YYYYMMDD", l.name, vt, l.name)}
	}
	if len(v) != 8 || strings.Trim(v, "0123456789") != "" {
		if strings.Contains(v, "T") {
			return appeal.Date{}, &icsError{l.no, fmt.Sprintf("%s: %q has a time of day; holidays are whole days: use %s;VALUE=DATE:YYYYMMDD", l.name, cutICS(v), l.name)}
		}
		return appeal.Date{}, &icsError{l.no, fmt.Sprintf("%s: %q is not a date YYYYMMDD", l.name, cutICS(v))}
	}
	d, err := appeal.ParseDate(v[:4] + "-" + v[4:6] + "-" + v[6:])
	if err != nil {
		return appeal.Date{}, &icsError{l.no, fmt.Sprintf("%s: %s is not a valid date", l.name, v)}
	}
	return d, nil
}

// icsDuration reads a whole number of days or weeks: P3D, P1W.
func icsDuration(v string) (int, error) {
	v = strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "+")))
	body, ok := strings.CutPrefix(v, "P")
	mult := 1
	switch {
	case ok && strings.HasSuffix(body, "D"):
		body = strings.TrimSuffix(body, "D")
	case ok && strings.HasSuffix(body, "W"):
		body, mult = strings.TrimSuffix(body, "W"), 7
	default:
		return 0, fmt.Errorf("%q is not a whole number of days (P3D) or weeks (P1W)", cutICS(v))
	}
	n, err := strconv.Atoi(body)
	if err != nil || n <= 0 || n*mult > maxICSEventDays {
		return 0, fmt.Errorf("%q is not a whole number of days (P3D) or weeks (P1W) up to %d days", cutICS(v), maxICSEventDays)
	}
	return n * mult, nil
}

// unescapeICS undoes TEXT escaping: \\, \;, \, and \n.
func unescapeICS(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte(' ')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// collectICS turns events into holidays and make-up days, refusing a day
// given twice.
func collectICS(events []icsEvent) (icsCalendar, error) {
	var out icsCalendar
	seen := map[appeal.Date]int{} // day → line of its event
	years := map[int]bool{}
	for _, ev := range events {
		from := *ev.start
		to := from
		switch {
		case ev.end != nil:
			if !ev.end.After(from) {
				return out, &icsError{ev.line, fmt.Sprintf("the event ends (DTEND %s) before or when it starts (DTSTART %s); DTEND is the day after the last day", ev.end, from)}
			}
			to = ev.end.AddDays(-1)
		case ev.days > 0:
			to = from.AddDays(ev.days - 1)
		}
		if to.After(from.AddDays(maxICSEventDays - 1)) {
			return out, &icsError{ev.line, fmt.Sprintf("the event lasts more than %d days", maxICSEventDays)}
		}
		if ev.workday && ev.holiday {
			return out, &icsError{ev.line, "the event is marked both HOLIDAY and WORKDAY"}
		}
		workday := ev.workday || (!ev.holiday && (strings.Contains(ev.summary, "补班") || strings.Contains(ev.summary, "上班")))
		for d := from; !d.After(to); d = d.AddDays(1) {
			if prev, dup := seen[d]; dup {
				return out, &icsError{ev.line, fmt.Sprintf("%s is already in the event that begins on line %d", d, prev)}
			}
			seen[d] = ev.line
			years[d.Year] = true
			if workday {
				out.Workdays = append(out.Workdays, appeal.Workday{Date: d, Name: ev.summary})
			}
		}
		if !workday {
			out.Holidays = append(out.Holidays, appeal.Holiday{From: from, To: to, Name: ev.summary})
		}
	}
	for y := range years {
		out.Years = append(out.Years, y)
	}
	slices.Sort(out.Years)
	return out, nil
}
