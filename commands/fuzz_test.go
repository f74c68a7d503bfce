package commands

import (
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// FuzzParse feeds arbitrary text to every parser of typed arguments and of
// button data: none may panic, and what they accept must be well-formed.
// Seeds: testdata/fuzz/FuzzParse. (FuzzText in package render does the
// same for the text helpers.)
func FuzzParse(f *testing.F) {
	for _, s := range []string{"12", "#12", "12 water the reason", "2d", "1d12h", "8wh", "5wd", "claim=2wh answer=3wd urgent.resolve=1d",
		"c:claim:12", "c:approve:12:e", "c:reject:99:a", "approve_answers=on", "zh", "  \n\t", "&<>\"", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := newArgs(s)
		for range 1000 {
			w, ok := a.next()
			if !ok {
				break
			}
			if w == "" || strings.ContainsFunc(w, unicode.IsSpace) {
				t.Fatalf("next() = %q", w)
			}
		}
		_ = newArgs(s).rest()
		if id, ok := parseID(s); ok {
			if id <= 0 {
				t.Fatalf("parseID(%q) = %d", s, id)
			}
			if cmd, args, ok := render.ParseButton(render.ButtonData("claim", id, "")); !ok || cmd != "claim" || args != strconv.FormatInt(int64(id), 10) {
				t.Fatalf("button for %d does not round-trip: %q %q %v", id, cmd, args, ok)
			}
		}
		if sp, ok := parseSpan(s); ok {
			if err := sp.Validate(); err != nil || (sp.Unit != appeal.WorkingDays && sp.D < time.Minute) {
				t.Fatalf("parseSpan(%q) = %v (%v)", s, sp, err)
			}
			if back, ok := parseSpan(sp.String()); !ok || back != sp {
				t.Fatalf("parseSpan(%q) = %v does not round-trip: %v", s, sp, back)
			}
		}
		if p, _, ok := parseSLA(strings.Fields(s), appeal.DefaultPolicy); ok {
			for _, sp := range []appeal.Span{p.Normal.Claim, p.Normal.Answer, p.Normal.Resolve, p.Urgent.Claim, p.Urgent.Answer, p.Urgent.Resolve} {
				if sp.Validate() != nil {
					t.Fatalf("parseSLA(%q) gave %v", s, sp)
				}
			}
		}
		if cmd, args, ok := render.ParseButton(s); ok {
			if len(s) > 64 {
				t.Fatalf("ParseButton accepted %d bytes", len(s))
			}
			id, ok := parseID(strings.Fields(args)[0])
			if !ok {
				t.Fatalf("render.ParseButton(%q) args %q", s, args)
			}
			kind := ""
			if f := strings.Fields(args); len(f) == 2 {
				kind = f[1]
			}
			if again := render.ButtonData(cmd, id, kind); again != s {
				t.Fatalf("render.ParseButton(%q) = %q %q, which makes %q", s, cmd, args, again)
			}
		}
		parseOnOff(s)
	})
}
