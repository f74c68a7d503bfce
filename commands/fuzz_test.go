package commands

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// FuzzParse feeds arbitrary text to every parser of typed arguments and of
// button data: none may panic, and what they accept must be well-formed.
// Seeds: testdata/fuzz/FuzzParse.
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
			if cmd, args, ok := ParseButton(buttonData("claim", id, "")); !ok || cmd != "claim" || args != strconv.FormatInt(int64(id), 10) {
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
		if cmd, args, ok := ParseButton(s); ok {
			if len(s) > 64 {
				t.Fatalf("ParseButton accepted %d bytes", len(s))
			}
			id, ok := parseID(strings.Fields(args)[0])
			if !ok {
				t.Fatalf("ParseButton(%q) args %q", s, args)
			}
			kind := ""
			if f := strings.Fields(args); len(f) == 2 {
				kind = f[1]
			}
			if again := buttonData(cmd, id, kind); again != s {
				t.Fatalf("ParseButton(%q) = %q %q, which makes %q", s, cmd, args, again)
			}
		}
		parseOnOff(s)
		normLang(s)
		for _, n := range []int{0, 1, 5, 64} {
			h, _ := fitEscaped(s, n)
			if runes(h) > max(n, 1) {
				t.Fatalf("fitEscaped(%q, %d) = %q", s, n, h)
			}
			if err := validHTML(h); err != nil {
				t.Fatalf("fitEscaped(%q, %d) = %q: %v", s, n, h, err)
			}
		}
		if err := validHTML(esc(s)); err != nil {
			t.Fatalf("esc(%q): %v", s, err)
		}
		_ = plain(s)
	})
}

// FuzzCard renders cards, details and messages of appeals holding arbitrary
// text: they never panic, stay within 4096 characters, are valid HTML and
// carry button data of at most 64 bytes. Seeds: testdata/fuzz/FuzzCard.
func FuzzCard(f *testing.F) {
	f.Add("Pothole", "Deep hole.", "roads", "Main St 5", "张三丰", "13812345678", uint8(1), false)
	f.Add("<b>&amp;", strings.Repeat("<&>\"", 5000), "<i>", "&", "<script>", "+86 (10) 1234-5678", uint8(2), true)
	e := newEnv(f, storage.SQLite)
	f.Fuzz(func(t *testing.T, title, body, category, location, name, phone string, status uint8, urgent bool) {
		ctx := context.Background()
		a := appeal.Appeal{
			ID: 123456789, Source: "hotline", ExternalID: title, Title: title, Body: body, Category: category,
			Priority: appeal.PriorityNormal, Citizen: appeal.Citizen{Name: name, Phone: phone}, Location: location,
			ReceivedAt: t0, Department: "roads", Status: appeal.Statuses[int(status)%len(appeal.Statuses)],
			Assignee:  e.ids[rResp],
			Deadlines: appeal.DefaultPolicy.Deadlines(appeal.PriorityNormal, t0, appeal.DefaultCalendar(time.UTC)),
		}
		if urgent {
			a.Priority = appeal.PriorityUrgent
			a.Extension = &appeal.Extension{By: e.ids[rResp], Span: appeal.CalendarSpan(2 * time.Hour), Reason: body, At: t0}
		}
		if a.Status == appeal.StatusUnassigned {
			a.Department = ""
		}
		a.Answers = []appeal.Answer{{Author: e.ids[rResp], Text: body, State: appeal.AnswerPending, At: t0}}
		events := []appeal.Event{{At: t0, Kind: appeal.EventReturned, Actor: e.ids[rResp], Note: body}}
		var out []Rendered
		for _, lang := range Languages {
			for _, v := range []view{{dept: "roads"}, {dept: "water"}, {dispatch: true}} {
				out = append(out, e.h.card(ctx, a, v, lang, t0.Add(time.Hour)))
			}
			r, err := e.h.details(ctx, a, events, lang, t0, urgent)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r,
				e.h.contact(ctx, a, lang),
				e.h.returned(ctx, a, map[string]string{"reason": body, "department": category}, lang),
				e.h.extensionRequest(ctx, a, lang, t0),
				e.h.extensionDecision(ctx, a, map[string]string{"decision": "rejected", "reason": body}, lang),
				e.h.answerApproval(ctx, a, lang),
				e.h.answerDecision(a, map[string]string{"decision": "rejected", "reason": title}, lang),
			)
		}
		for i, r := range out {
			if err := checkRendered(r); err != nil {
				t.Fatalf("rendering %d: %v\n%s", i, err, r.HTML)
			}
		}
	})
}
