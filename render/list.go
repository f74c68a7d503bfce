package render

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// maxListLines is how many appeals a listing shows before "…and N more".
const maxListLines = 30

// nextDeadline is the deadline an appeal must meet next, and which one it
// is; zero when none applies.
func nextDeadline(a appeal.Appeal) (time.Time, Key) {
	switch a.Status {
	case appeal.StatusUnassigned, appeal.StatusReturned:
		return a.Deadlines.DispatchBy, msgDeadlineDispatch
	case appeal.StatusAssigned:
		return a.Deadlines.ClaimBy, msgDeadlineClaim
	case appeal.StatusClaimed, appeal.StatusPendingApproval:
		return a.Deadlines.AnswerBy, msgDeadlineAnswer
	case appeal.StatusAnswered:
		return a.Deadlines.ResolveBy, msgDeadlineResolve
	}
	return time.Time{}, ""
}

// overdue reports whether a has missed its next deadline.
func overdue(a appeal.Appeal, now time.Time) bool {
	t, _ := nextDeadline(a)
	return !t.IsZero() && now.After(t)
}

// listLine is one appeal in a listing.
func (r *Renderer) listLine(ctx context.Context, a appeal.Appeal, lang string, now time.Time, withDept bool) string {
	var b strings.Builder
	if a.Priority == appeal.PriorityUrgent {
		b.WriteString("🔴 ")
	} else if overdue(a, now) {
		b.WriteString("⚠️ ")
	} else {
		b.WriteString("▫️ ")
	}
	fmt.Fprintf(&b, "<b>#%d</b> ", a.ID)
	st := Text(lang, statusKey(a.Status), nil)
	if a.Assignee != 0 {
		st += " · " + Esc(cutName(r.NameOf(ctx, a.Assignee)))
	}
	if withDept && a.Department != "" {
		st = Esc(a.Department) + " · " + st
	}
	b.WriteString("[" + st + "] ")
	b.WriteString(EscCut(OneLine(a.Title), 40))
	if t, k := nextDeadline(a); !t.IsZero() {
		loc := r.Location(ctx, a.Department)
		b.WriteString(" — " + Text(lang, k, nil) + " " + ShortTime(t, loc) + paren(lang, timeLeft(lang, t, now)))
	} else if !a.ReceivedAt.IsZero() {
		b.WriteString(" — " + Text(lang, msgWaiting, Args{"dur": fmtDur(lang, now.Sub(a.ReceivedAt))}))
	}
	return b.String()
}

func cutName(s string) string {
	s, _ = Cut(OneLine(s), 24)
	return s
}

// List renders a title and at most maxListLines appeals.
func (r *Renderer) List(ctx context.Context, title string, as []appeal.Appeal, lang string, now time.Time, withDept bool, empty Key) Rendered {
	if len(as) == 0 {
		return Rendered{HTML: title + "\n" + Text(lang, empty, nil)}
	}
	lines := []string{title}
	for i, a := range as {
		if i == maxListLines {
			break
		}
		lines = append(lines, r.listLine(ctx, a, lang, now, withDept))
	}
	shown := len(lines) - 1
	more := func() string { return Text(lang, msgAndMore, Args{"n": len(as) - shown}) }
	for shown > 0 && (runes(strings.Join(lines, "\n"))+runes(more())+1 > MaxText) {
		lines = lines[:len(lines)-1]
		shown--
	}
	if shown < len(as) {
		lines = append(lines, more())
	}
	return Rendered{HTML: strings.Join(lines, "\n")}
}
