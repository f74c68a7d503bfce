package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// maxListLines is how many appeals a listing shows before "…and N more".
const maxListLines = 30

// workStatuses are the statuses of appeals a department still works on.
var workStatuses = []appeal.Status{appeal.StatusAssigned, appeal.StatusClaimed, appeal.StatusPendingApproval, appeal.StatusAnswered}

// collect reads every appeal matching f, page by page.
func (h *Handler) collect(ctx context.Context, f appeal.Filter, statuses []appeal.Status) ([]appeal.Appeal, error) {
	const page = 500
	var out []appeal.Appeal
	for _, st := range statuses {
		f := f
		f.Status = st
		f.Limit = page
		f.Before = 0
		for range 200 {
			as, err := h.svc.Appeals(ctx, f)
			if err != nil {
				return nil, err
			}
			out = append(out, as...)
			if len(as) < page {
				break
			}
			f.Before = as[len(as)-1].ID
		}
	}
	return out, nil
}

// nextDeadline is the deadline an appeal must meet next, and which one it
// is; zero when none applies.
func nextDeadline(a appeal.Appeal) (time.Time, msgKey) {
	switch a.Status {
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

// byUrgency sorts appeals by their next deadline, soonest (most overdue)
// first; appeals without one last, urgent before normal, oldest first.
func byUrgency(as []appeal.Appeal) {
	sort.SliceStable(as, func(i, j int) bool {
		ti, _ := nextDeadline(as[i])
		tj, _ := nextDeadline(as[j])
		switch {
		case ti.IsZero() != tj.IsZero():
			return !ti.IsZero()
		case !ti.Equal(tj):
			return ti.Before(tj)
		case as[i].Priority != as[j].Priority:
			return as[i].Priority == appeal.PriorityUrgent
		}
		return as[i].ID < as[j].ID
	})
}

// listLine is one appeal in a listing.
func (h *Handler) listLine(ctx context.Context, a appeal.Appeal, lang string, now time.Time, withDept bool) string {
	var b strings.Builder
	if a.Priority == appeal.PriorityUrgent {
		b.WriteString("🔴 ")
	} else if overdue(a, now) {
		b.WriteString("⚠️ ")
	} else {
		b.WriteString("▫️ ")
	}
	fmt.Fprintf(&b, "<b>#%d</b> ", a.ID)
	st := tr(lang, statusKey(a.Status), nil)
	if a.Assignee != 0 {
		st += " · " + esc(cutName(h.nameOf(ctx, a.Assignee)))
	}
	if withDept && a.Department != "" {
		st = esc(a.Department) + " · " + st
	}
	b.WriteString("[" + st + "] ")
	b.WriteString(escCut(oneLine(a.Title), 40))
	if t, k := nextDeadline(a); !t.IsZero() {
		loc := h.location(ctx, a.Department)
		b.WriteString(" — " + tr(lang, k, nil) + " " + fmtShortTime(t, loc) + paren(lang, timeLeft(lang, t, now)))
	} else if !a.ReceivedAt.IsZero() {
		b.WriteString(" — " + tr(lang, msgWaiting, kv{"dur": fmtDur(lang, now.Sub(a.ReceivedAt))}))
	}
	return b.String()
}

func cutName(s string) string {
	s, _ = cut(oneLine(s), 24)
	return s
}

// listing renders a title and at most maxListLines appeals.
func (h *Handler) listing(ctx context.Context, title string, as []appeal.Appeal, lang string, now time.Time, withDept bool, empty msgKey) Rendered {
	if len(as) == 0 {
		return Rendered{HTML: title + "\n" + tr(lang, empty, nil)}
	}
	lines := []string{title}
	for i, a := range as {
		if i == maxListLines {
			break
		}
		lines = append(lines, h.listLine(ctx, a, lang, now, withDept))
	}
	shown := len(lines) - 1
	more := func() string { return tr(lang, msgAndMore, kv{"n": len(as) - shown}) }
	for shown > 0 && (runes(strings.Join(lines, "\n"))+runes(more())+1 > MaxText) {
		lines = lines[:len(lines)-1]
		shown--
	}
	if shown < len(as) {
		lines = append(lines, more())
	}
	return Rendered{HTML: strings.Join(lines, "\n")}
}

// scope decides what a listing covers from the chat it was asked in: one
// department (its chat) or every department (the dispatch chat).
func (c *call) scope(ctx context.Context) (dept string, dispatch bool, err error) {
	if c.r.Chat.Private {
		return "", false, c.bad(msgListWhere, nil)
	}
	dept, err = c.deptHere(ctx)
	if err != nil {
		return "", false, err
	}
	if dept != "" {
		if !c.roles.canRespond(dept) && !c.roles.isDispatcher() {
			return "", false, c.refuse(msgNotResponderList, kv{"dept": c.h.deptName(ctx, dept)})
		}
		return dept, false, nil
	}
	ok, err := c.inDispatchChat(ctx)
	if err != nil {
		return "", false, err
	}
	if !ok {
		return "", false, c.bad(msgListWhere, nil)
	}
	if !c.roles.isDispatcher() {
		return "", false, c.refuse(msgOnlyRoles, kv{"roles": rolesText(c.lang, dispatchers), "cmd": c.row.display()})
	}
	return "", true, nil
}

func (c *call) open(ctx context.Context) (Reply, error) {
	if !c.args.empty() {
		return Reply{}, c.bad(msgTooManyArgs, nil)
	}
	dept, _, err := c.scope(ctx)
	if err != nil {
		return Reply{}, err
	}
	if dept == "" {
		// The dispatch chat: appeals waiting for a department.
		as, err := c.h.collect(ctx, appeal.Filter{}, []appeal.Status{appeal.StatusUnassigned, appeal.StatusReturned})
		if err != nil {
			return Reply{}, err
		}
		byUrgency(as)
		title := "📋 " + tr(c.lang, msgOpenDispatchTitle, kv{"n": len(as)})
		return Reply{Rendered: c.h.listing(ctx, title, as, c.lang, c.now, false, msgListEmpty)}, nil
	}
	as, err := c.h.collect(ctx, appeal.Filter{Department: dept}, workStatuses)
	if err != nil {
		return Reply{}, err
	}
	byUrgency(as)
	title := "📋 " + tr(c.lang, msgOpenTitle, kv{"dept": c.h.deptName(ctx, dept), "n": len(as)})
	return Reply{Rendered: c.h.listing(ctx, title, as, c.lang, c.now, false, msgListEmpty)}, nil
}

func (c *call) overdue(ctx context.Context) (Reply, error) {
	if !c.args.empty() {
		return Reply{}, c.bad(msgTooManyArgs, nil)
	}
	dept, all, err := c.scope(ctx)
	if err != nil {
		return Reply{}, err
	}
	as, err := c.h.collect(ctx, appeal.Filter{Department: dept}, workStatuses)
	if err != nil {
		return Reply{}, err
	}
	late := as[:0]
	for _, a := range as {
		if overdue(a, c.now) {
			late = append(late, a)
		}
	}
	byUrgency(late)
	var title string
	if all {
		title = "⏰ " + tr(c.lang, msgOverdueAllTitle, kv{"n": len(late)})
	} else {
		title = "⏰ " + tr(c.lang, msgOverdueTitle, kv{"dept": c.h.deptName(ctx, dept), "n": len(late)})
	}
	return Reply{Rendered: c.h.listing(ctx, title, late, c.lang, c.now, all, msgNoneOverdue)}, nil
}

func (c *call) mine(ctx context.Context) (Reply, error) {
	if !c.args.empty() {
		return Reply{}, c.bad(msgTooManyArgs, nil)
	}
	as, err := c.h.collect(ctx, appeal.Filter{}, []appeal.Status{appeal.StatusClaimed, appeal.StatusPendingApproval})
	if err != nil {
		return Reply{}, err
	}
	mine := as[:0]
	for _, a := range as {
		if a.Assignee == c.me.ID {
			mine = append(mine, a)
		}
	}
	byUrgency(mine)
	title := "🗂 " + tr(c.lang, msgMineTitle, kv{"n": len(mine)})
	return Reply{Rendered: c.h.listing(ctx, title, mine, c.lang, c.now, true, msgMineEmpty)}, nil
}
