package render

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

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
				out = append(out, e.r.card(ctx, a, v, lang, t0.Add(time.Hour)))
			}
			r, err := e.r.Details(ctx, a, events, lang, t0, urgent)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r,
				e.r.contact(ctx, a, lang),
				e.r.returned(ctx, a, map[string]string{"reason": body, "department": category}, lang),
				e.r.extensionRequest(ctx, a, lang, t0),
				e.r.extensionDecision(ctx, a, map[string]string{"decision": "rejected", "reason": body}, lang),
				e.r.answerApproval(ctx, a, lang),
				e.r.answerDecision(a, map[string]string{"decision": "rejected", "reason": title}, lang),
			)
		}
		for i, r := range out {
			if err := Check(r); err != nil {
				t.Fatalf("rendering %d: %v\n%s", i, err, r.HTML)
			}
		}
	})
}

// FuzzText feeds arbitrary text to the text helpers: none may panic, and
// what they make must be valid HTML within its budget. Seeds:
// testdata/fuzz/FuzzText (those of commands' FuzzParse).
func FuzzText(f *testing.F) {
	for _, s := range []string{"12", "#12", "12 water the reason", "2d", "1d12h", "8wh", "5wd", "claim=2wh answer=3wd urgent.resolve=1d",
		"c:claim:12", "c:approve:12:e", "c:reject:99:a", "approve_answers=on", "zh", "  \n\t", "&<>\"", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		NormLang(s)
		for _, n := range []int{0, 1, 5, 64} {
			h, _ := fitEscaped(s, n)
			if runes(h) > max(n, 1) {
				t.Fatalf("fitEscaped(%q, %d) = %q", s, n, h)
			}
			if err := ValidHTML(h); err != nil {
				t.Fatalf("fitEscaped(%q, %d) = %q: %v", s, n, h, err)
			}
		}
		if err := ValidHTML(Esc(s)); err != nil {
			t.Fatalf("Esc(%q): %v", s, err)
		}
		_ = Plain(s)
	})
}
