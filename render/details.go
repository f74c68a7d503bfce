package render

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Details renders everything about an appeal for /appeal. full shows the
// citizen's contact details unmasked. The body takes whatever room the rest
// leaves, and is cut with a note saying where the full text is.
func (r *Renderer) Details(ctx context.Context, a appeal.Appeal, events []appeal.Event, lang string, now time.Time, full bool) (Rendered, error) {
	loc := r.Location(ctx, a.Department)
	var head []string
	first := fmt.Sprintf("<b>#%d</b>", a.ID)
	if a.Priority == appeal.PriorityUrgent {
		first = "🔴 " + first + " · <b>" + Text(lang, msgUrgent, nil) + "</b>"
	}
	first += " · " + Text(lang, statusKey(a.Status), nil)
	head = append(head, first, "<b>"+EscCut(OneLine(a.Title), cardTitle)+"</b>")
	field := func(k Key, v string, max int) {
		if v = OneLine(v); v != "" {
			head = append(head, Text(lang, k, Args{"v": HTML(EscCut(v, max))}))
		}
	}
	field(msgFieldDept, r.DeptName(ctx, a.Department), 140)
	field(msgFieldCategory, a.Category, 64)
	field(msgFieldSource, a.Source+" / "+a.ExternalID, 200)
	if !a.ReceivedAt.IsZero() {
		field(msgFieldReceived, Time(a.ReceivedAt, loc), 40)
	}
	if full {
		field(msgFieldCitizen, a.Citizen.Name, 100)
		if p := OneLine(a.Citizen.Phone); p != "" {
			head = append(head, Text(lang, msgFieldPhone, Args{"v": HTML("<code>" + EscCut(p, 40) + "</code>")}))
		}
		field(msgFieldEmail, a.Citizen.Email, 260)
	} else {
		field(msgFieldCitizen, maskName(a.Citizen.Name), 10)
		field(msgFieldPhone, maskPhone(a.Citizen.Phone), 40)
		field(msgFieldEmail, maskEmail(a.Citizen.Email), 260)
	}
	field(msgFieldLocation, a.Location, cardLocation)
	if a.Assignee != 0 {
		field(msgFieldAssignee, r.NameOf(ctx, a.Assignee), 60)
	}
	for _, d := range deadlines(a) {
		head = append(head, "⏰ "+Text(lang, d.key, nil)+" "+Time(d.at, loc)+paren(lang, timeLeft(lang, d.at, now)))
	}
	if x := a.Extension; x != nil {
		head = append(head, "⏳ "+Text(lang, msgCardExtension, Args{"dur": Span(lang, x.Span),
			"name": cutName(r.NameOf(ctx, x.By)), "reason": HTML(EscCut(OneLine(x.Reason), 300))}))
	}
	// Where it came from and why, whoever reads it.
	head = append(head, r.processLines(ctx, a, ownerView(a), lang, true)...)

	answerLines := func(n, max int) []string {
		as := a.Answers
		if len(as) > n {
			as = as[len(as)-n:]
		}
		var out []string
		if len(as) > 0 {
			out = append(out, "", "<b>"+Text(lang, msgAnswersTitle, Args{"n": len(a.Answers)})+"</b>")
		}
		for _, x := range as {
			photos := ""
			if n := len(x.Attachments); n > 0 {
				photos = fmt.Sprintf(" 📎%d", n)
			}
			out = append(out, "• "+ShortTime(x.At, loc)+" "+Esc(cutName(r.NameOf(ctx, x.Author)))+
				" ["+Text(lang, answerStateKey(x.State), nil)+"]"+photos+": "+EscCut(x.Text, max))
		}
		return out
	}
	eventLines := func(n int) []string {
		es := events
		if len(es) > n {
			es = es[len(es)-n:]
		}
		var out []string
		if len(es) > 0 {
			out = append(out, "", "<b>"+Text(lang, msgEventsTitle, nil)+"</b>")
		}
		for _, e := range es {
			s := "• " + ShortTime(e.At, loc) + " " + Text(lang, eventKey(e.Kind), nil)
			if e.Actor != 0 {
				s += " · " + Esc(cutName(r.NameOf(ctx, e.Actor)))
			}
			if note := eventNote(lang, e); note != "" {
				s += ": " + EscCut(note, 80)
			}
			out = append(out, s)
		}
		return out
	}
	body := strings.TrimSpace(a.Body)
	note := "<i>" + Text(lang, msgTextCut, Args{"id": a.ID}) + "</i>"
	// Fewer answers and events, shorter ones, until the body has room.
	for _, lv := range []struct{ answers, answerLen, events int }{{3, 800, 8}, {3, 400, 5}, {2, 200, 3}, {1, 200, 0}, {0, 0, 0}} {
		tail := append(answerLines(lv.answers, lv.answerLen), eventLines(lv.events)...)
		if lv.answers == 0 {
			tail = nil
		}
		rest := strings.Join(head, "\n") + "\n\n" + strings.Join(tail, "\n")
		budget := MaxText - runes(rest) - runes(note) - 8
		if budget < 300 && lv.answers > 0 {
			continue
		}
		text, cutOff := fitEscaped(body, budget)
		out := strings.Join(head, "\n") + "\n\n" + text
		if cutOff {
			out += "\n" + note
		}
		if len(tail) > 0 {
			out += "\n" + strings.Join(tail, "\n")
		}
		return Rendered{HTML: out, Buttons: nil}, nil
	}
	return Rendered{}, errors.New("render: details do not fit")
}
