package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

func TestParseID(t *testing.T) {
	for in, want := range map[string]appeal.ID{"12": 12, "#12": 12, "007": 7, "999999999999999999": 999999999999999999} {
		if got, ok := parseID(in); !ok || got != want {
			t.Errorf("parseID(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "#", "0", "-1", "+1", "1.5", "１２", "12a", "##12", "1000000000000000000", "9223372036854775808"} {
		if got, ok := parseID(in); ok {
			t.Errorf("parseID(%q) = %d, want refused", in, got)
		}
	}
}

func TestParseSpan(t *testing.T) {
	h := func(d time.Duration) appeal.Span { return appeal.CalendarSpan(d) }
	for in, want := range map[string]appeal.Span{
		"2d": h(48 * time.Hour), "4h": h(4 * time.Hour), "30m": h(30 * time.Minute),
		"2h30m": h(150 * time.Minute), "3D": h(72 * time.Hour), "365d": h(365 * 24 * time.Hour), "1.5h": h(90 * time.Minute),
		"8wh": appeal.WorkingHoursSpan(8 * time.Hour), "1.5WH": appeal.WorkingHoursSpan(90 * time.Minute),
		"5wd": appeal.WorkingDaysSpan(5), "1wd": appeal.WorkingDaysSpan(1),
	} {
		if got, ok := parseSpan(in); !ok || got != want {
			t.Errorf("parseSpan(%q) = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "0", "0d", "30s", "30swh", "-2h", "+2h", "2", "d", "2dd", "-1d", "+1d", "1d-2h", "1d12h",
		"366d", "9999h", "2w", "1d2d", "0wd", "1.5wd", "366wd", "wd", "2wdx"} {
		if got, ok := parseSpan(in); ok {
			t.Errorf("parseSpan(%q) = %v, want refused", in, got)
		}
	}
}

func TestParseSLA(t *testing.T) {
	p, bad, ok := parseSLA(strings.Fields("claim=1h urgent.answer=90m normal.resolve=10wd answer=8WH"), appeal.DefaultPolicy)
	if !ok || bad != "" || p.Normal.Claim != appeal.CalendarSpan(time.Hour) || p.Urgent.Answer != appeal.CalendarSpan(90*time.Minute) ||
		p.Normal.Resolve != appeal.WorkingDaysSpan(10) || p.Normal.Answer != appeal.WorkingHoursSpan(8*time.Hour) ||
		p.Urgent.Claim != appeal.DefaultPolicy.Urgent.Claim {
		t.Errorf("parseSLA: %+v %q %v", p, bad, ok)
	}
	for _, in := range []string{"claim", "claim=", "=1h", "claim=x", "foo=1h", "claim=1h foo", "claim=0wd", "claim=2w"} {
		if _, _, ok := parseSLA(strings.Fields(in), appeal.DefaultPolicy); ok {
			t.Errorf("parseSLA(%q) accepted", in)
		}
	}
}

func TestArgs(t *testing.T) {
	a := newArgs("  12   water  the reason\nhas two lines  ")
	if w, _ := a.next(); w != "12" {
		t.Errorf("first %q", w)
	}
	if w := a.peek(); w != "water" {
		t.Errorf("peek %q", w)
	}
	if w, _ := a.next(); w != "water" {
		t.Errorf("second %q", w)
	}
	if r := a.rest(); r != "the reason\nhas two lines" {
		t.Errorf("rest %q", r)
	}
	if w, ok := a.next(); ok || w != "" || !a.empty() {
		t.Errorf("after rest: %q %v", w, ok)
	}
}
