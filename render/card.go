package render

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Limits of what a card shows of an appeal's texts, in characters.
const (
	cardBody     = 300
	cardTitle    = 200
	cardField    = 120
	cardLocation = 200
)

// view says whose copy of a card is rendered: a department's chat (which
// may no longer own the appeal) or the dispatch chat.
type view struct {
	dept     string
	dispatch bool
}

// ownerView is the view of whoever holds the appeal now.
func ownerView(a appeal.Appeal) view {
	switch a.Status {
	case appeal.StatusUnassigned, appeal.StatusReturned:
		return view{dispatch: true}
	}
	if a.Department == "" {
		return view{dispatch: true}
	}
	return view{dept: a.Department}
}

// Card renders an appeal's card as its owner sees it: the department's
// card, or the dispatch card while it waits for a department.
func (r *Renderer) Card(ctx context.Context, a appeal.Appeal, lang string, now time.Time) (Rendered, error) {
	return r.card(ctx, a, ownerView(a), lang, now), nil
}

// card renders the card of a for v. Every text of the appeal is cut before
// it is escaped, so the card stays far below the length limit whatever the
// appeal holds.
func (r *Renderer) card(ctx context.Context, a appeal.Appeal, v view, lang string, now time.Time) Rendered {
	var lines []string
	head := fmt.Sprintf("<b>#%d</b>", a.ID)
	if a.Priority == appeal.PriorityUrgent {
		head = "🔴 " + head + " · <b>" + Text(lang, msgUrgent, nil) + "</b>"
	}
	if cat := OneLine(a.Category); cat != "" {
		head += " · " + EscCut(cat, 64)
	}
	lines = append(lines, head, "<b>"+EscCut(OneLine(a.Title), cardTitle)+"</b>")
	if body := strings.TrimSpace(a.Body); body != "" {
		lines = append(lines, EscCut(body, cardBody))
	}
	if loc := OneLine(a.Location); loc != "" {
		lines = append(lines, "📍 "+EscCut(loc, cardLocation))
	}
	var who []string
	if n := maskName(a.Citizen.Name); n != "" {
		who = append(who, Esc(n))
	}
	if p := maskPhone(a.Citizen.Phone); p != "" {
		who = append(who, Esc(p))
	}
	if e := maskEmail(a.Citizen.Email); e != "" {
		who = append(who, EscCut(e, 80))
	}
	if len(who) > 0 {
		lines = append(lines, "👤 "+strings.Join(who, " · "))
	}
	hints := r.hints(ctx, a)
	if len(hints.Similar) > 0 {
		ids := make([]string, len(hints.Similar))
		for i, id := range hints.Similar {
			ids[i] = fmt.Sprintf("#%d", id)
		}
		lines = append(lines, SimilarMark+" "+Text(lang, MsgCardSimilar, Args{"ids": strings.Join(ids, " ")}))
	}
	if a.Urges > 0 {
		lines = append(lines, "📣 "+Text(lang, msgCardUrge, Args{"n": a.Urges}))
	}
	lines = append(lines, attachmentLines(a, lang)...)
	details := []Button{{Label: Text(lang, msgBtnDetails, nil), Data: ButtonData("appeal", a.ID, "")}}
	only := func(state string) Rendered {
		lines = append(lines, state)
		return Rendered{HTML: strings.Join(lines, "\n"), Buttons: [][]Button{details}}
	}

	if v.dispatch {
		switch a.Status {
		case appeal.StatusUnassigned, appeal.StatusReturned:
			if a.Status == appeal.StatusUnassigned {
				lines = append(lines, "⏳ "+Text(lang, msgCardUnassigned, nil))
			} else {
				lines = append(lines, "↩️ "+Text(lang, msgCardReturnedBy, Args{"dept": r.DeptName(ctx, a.Department)}))
			}
			lines = append(lines, r.processLines(ctx, a, v, lang, false)...)
			if mark := overdueMark(a, lang, now); mark != "" {
				lines = append(lines, "<b>"+mark+"</b>")
			}
			lines = append(lines, r.deadlineLines(ctx, a, lang, now)...)
			if hints.Rule != nil {
				lines = append(lines, "🧭 "+Text(lang, MsgCardRule, Args{"pos": hints.RulePos,
					"rule": Rule(lang, *hints.Rule, r.DeptName(ctx, hints.Rule.Department))}))
			}
			out := only("👉 " + Text(lang, msgAssignHint, Args{"id": a.ID}))
			if row := r.suggestionButtons(ctx, a.ID, hints.Suggestions); len(row) > 0 {
				out.HTML += "\n💡 " + Text(lang, MsgCardSuggested, nil)
				out.Buttons = [][]Button{row, details}
			}
			return out
		case appeal.StatusClosed:
			return only("✅ " + Text(lang, msgStatusLine, Args{"status": Text(lang, statusKey(a.Status), nil)}))
		}
		return only("🏢 " + Text(lang, msgCardAssignedTo, Args{"dept": r.DeptName(ctx, a.Department),
			"status": Text(lang, statusKey(a.Status), nil)}))
	}
	if a.Department != v.dept && a.Department != "" && a.Status != appeal.StatusUnassigned {
		return only("➡️ " + Text(lang, msgCardTransferred, Args{"dept": r.DeptName(ctx, a.Department)}))
	}
	switch a.Status {
	case appeal.StatusReturned, appeal.StatusUnassigned:
		return only("↩️ " + Text(lang, msgCardReturned, nil))
	}

	status := Text(lang, msgStatusLine, Args{"status": Text(lang, statusKey(a.Status), nil)})
	if a.Assignee != 0 {
		status += " · " + Esc(cutName(r.NameOf(ctx, a.Assignee)))
	}
	lines = append(lines, status)
	lines = append(lines, r.processLines(ctx, a, v, lang, false)...)
	if hints.Autorouted > 0 {
		lines = append(lines, "🤖 "+Text(lang, MsgCardAutorouted, Args{"pct": hints.Autorouted}))
	}
	if mark := overdueMark(a, lang, now); mark != "" {
		lines = append(lines, "<b>"+mark+"</b>")
	}
	lines = append(lines, r.deadlineLines(ctx, a, lang, now)...)
	if x := a.Extension; x != nil {
		line := "⏳ " + Text(lang, msgCardExtension, Args{"dur": Span(lang, x.Span),
			"name": cutName(r.NameOf(ctx, x.By)), "reason": HTML(EscCut(OneLine(x.Reason), 100))})
		if x.AwaitsDispatch() {
			line += Text(lang, msgCardExtDispatch, Args{"name": cutName(r.NameOf(ctx, x.LeaderBy))})
		}
		lines = append(lines, line)
	}
	if a.Status == appeal.StatusPendingApproval {
		lines = append(lines, "📝 "+Text(lang, msgCardPendingApproval, nil))
	}
	if fb := r.feedbackLine(ctx, a, lang); fb != "" {
		lines = append(lines, fb)
	}
	out := Rendered{HTML: strings.Join(lines, "\n")}
	switch {
	case a.Review != nil:
		// Nothing to do here until the review is decided.
		out.Buttons = [][]Button{details}
		return out
	}
	switch a.Status {
	case appeal.StatusAssigned:
		out.Buttons = [][]Button{{
			{Label: Text(lang, msgBtnClaim, nil), Data: ButtonData("claim", a.ID, "")},
			{Label: Text(lang, msgBtnReturn, nil), Data: ButtonData("return", a.ID, "")},
			details[0],
		}}
	case appeal.StatusClaimed:
		out.Buttons = [][]Button{{
			{Label: Text(lang, msgBtnAnswer, nil), Data: ButtonData("answer", a.ID, "")},
			{Label: Text(lang, msgBtnReturn, nil), Data: ButtonData("return", a.ID, "")},
			details[0],
		}}
	default:
		out.Buttons = [][]Button{details}
	}
	return out
}

type deadline struct {
	key Key
	at  time.Time
}

// deadlines are those a still has to meet, in order: dispatch's while it
// waits for a department, a leader's decision while one is asked.
func deadlines(a appeal.Appeal) []deadline {
	d := a.Deadlines
	var out []deadline
	add := func(k Key, t time.Time) {
		if !t.IsZero() {
			out = append(out, deadline{k, t})
		}
	}
	switch a.Status {
	case appeal.StatusUnassigned, appeal.StatusReturned:
		add(msgDeadlineDispatch, d.DispatchBy)
	case appeal.StatusAssigned:
		add(msgDeadlineClaim, d.ClaimBy)
		add(msgDeadlineAnswer, d.AnswerBy)
		add(msgDeadlineResolve, d.ResolveBy)
	case appeal.StatusClaimed, appeal.StatusPendingApproval:
		add(msgDeadlineAnswer, d.AnswerBy)
		add(msgDeadlineResolve, d.ResolveBy)
	case appeal.StatusAnswered:
		add(msgDeadlineResolve, d.ResolveBy)
	}
	if !a.AskedAt.IsZero() {
		add(msgDeadlineDecide, d.DecideBy)
	}
	return out
}

// deadlineLines are the card's lines of a's deadlines, in the time zone of
// its department (dispatch's for an appeal waiting for one).
func (r *Renderer) deadlineLines(ctx context.Context, a appeal.Appeal, lang string, now time.Time) []string {
	dept := a.Department
	if a.Status.AtDispatch() {
		dept = ""
	}
	loc := r.Location(ctx, dept)
	var out []string
	for _, d := range deadlines(a) {
		out = append(out, "⏰ "+Text(lang, d.key, nil)+" "+ShortTime(d.at, loc)+paren(lang, timeLeft(lang, d.at, now)))
	}
	return out
}

// feedbackLine is the card's line for an appeal the citizen sent back:
// the comment of the verdict that reopened it, while it is worked again.
func (r *Renderer) feedbackLine(ctx context.Context, a appeal.Appeal, lang string) string {
	switch a.Status {
	case appeal.StatusAssigned, appeal.StatusClaimed, appeal.StatusPendingApproval:
	default:
		return ""
	}
	fs, err := r.store.Feedback(ctx, a.ID)
	if err != nil {
		r.log.Warn("card: feedback", "appeal", int64(a.ID), "err", err)
		return ""
	}
	for i := len(fs) - 1; i >= 0; i-- {
		f := fs[i]
		if f.Reopened && f.At.Equal(a.AssignedAt) && f.Department == a.Department {
			comment := f.Comment
			if comment == "" {
				comment = "—"
			}
			return "💬 " + Text(lang, msgCardFeedback, Args{"comment": HTML(EscCut(OneLine(comment), 200))})
		}
	}
	return ""
}

// hints reads dispatch assistance for a's card; none without the Hints
// setting or when they cannot be read (the card goes out all the same).
func (r *Renderer) hints(ctx context.Context, a appeal.Appeal) appeal.Hints {
	if r.cfg.Hints == nil {
		return appeal.Hints{}
	}
	h, err := r.cfg.Hints(ctx, a)
	if err != nil {
		r.log.Warn("render: dispatch hints unavailable", "appeal_id", int64(a.ID), "err", err)
		return appeal.Hints{}
	}
	return h
}

// suggestionButtons are one-tap assignments to the suggested departments,
// each labelled with the department's name and the confidence.
func (r *Renderer) suggestionButtons(ctx context.Context, id appeal.ID, sg []appeal.Suggestion) []Button {
	var row []Button
	for _, s := range sg {
		name := s.Department
		if d, err := r.store.Department(ctx, s.Department); err == nil && d.Name != "" {
			name = d.Name
		}
		label, _ := Cut(OneLine(name), 16)
		row = append(row, Button{Label: fmt.Sprintf("%s %d%%", label, Percent(s.Confidence)), Data: AssignButton(id, s.Department)})
	}
	return row
}

// Percent is a confidence in whole percent, rounded down so that a
// confidence just under a threshold never shows as reaching it.
func Percent(confidence float64) int { return int(confidence * 100) }

// SimilarMark starts every line that mentions other appeals as similar to
// the one a message is about: a card's possible duplicates, a digest's hot
// spots.
const SimilarMark = "👯"

// WithoutMentions is a message's text without the lines that start with
// SimilarMark, so that the appeal numbers left are those of the appeals
// it shows.
func WithoutMentions(text string) string {
	lines := strings.Split(text, "\n")
	keep := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(l, SimilarMark) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
