package commands

import (
	"context"
	"sort"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/render"
)

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

// pastDue reports whether a has missed its next deadline.
func pastDue(a appeal.Appeal, now time.Time) bool {
	t := kpi.NextDeadline(a)
	return !t.IsZero() && now.After(t)
}

// byUrgency sorts appeals by their next deadline, soonest (most overdue)
// first; appeals without one last, urgent before normal, oldest first.
func byUrgency(as []appeal.Appeal) {
	sort.SliceStable(as, func(i, j int) bool {
		ti, tj := kpi.NextDeadline(as[i]), kpi.NextDeadline(as[j])
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

// scope decides what a listing covers from the chat it was asked in: one
// department (its chat) or every department (the dispatch chat).
func (c *call) scope(ctx context.Context) (dept string, dispatch bool, err error) {
	if c.r.Chat.Private {
		return "", false, c.bad(render.MsgListWhere, nil)
	}
	dept, err = c.deptHere(ctx)
	if err != nil {
		return "", false, err
	}
	if dept != "" {
		if !c.roles.canRespond(dept) && !c.roles.isDispatcher() {
			return "", false, c.refuse(render.MsgNotResponderList, kv{"dept": c.h.render.DeptName(ctx, dept)})
		}
		return dept, false, nil
	}
	ok, err := c.inDispatchChat(ctx)
	if err != nil {
		return "", false, err
	}
	if !ok {
		return "", false, c.bad(render.MsgListWhere, nil)
	}
	if !c.roles.isDispatcher() {
		return "", false, c.refuse(render.MsgOnlyRoles, kv{"roles": render.RolesText(c.lang, dispatchers), "cmd": c.row.display()})
	}
	return "", true, nil
}

func (c *call) open(ctx context.Context) (Reply, error) {
	if !c.args.empty() {
		return Reply{}, c.bad(render.MsgTooManyArgs, nil)
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
		title := "📋 " + tr(c.lang, render.MsgOpenDispatchTitle, kv{"n": len(as)})
		return Reply{Rendered: c.h.render.List(ctx, title, as, c.lang, c.now, false, render.MsgListEmpty)}, nil
	}
	as, err := c.h.collect(ctx, appeal.Filter{Department: dept}, workStatuses)
	if err != nil {
		return Reply{}, err
	}
	byUrgency(as)
	title := "📋 " + tr(c.lang, render.MsgOpenTitle, kv{"dept": c.h.render.DeptName(ctx, dept), "n": len(as)})
	return Reply{Rendered: c.h.render.List(ctx, title, as, c.lang, c.now, false, render.MsgListEmpty)}, nil
}

func (c *call) overdue(ctx context.Context) (Reply, error) {
	if !c.args.empty() {
		return Reply{}, c.bad(render.MsgTooManyArgs, nil)
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
		if pastDue(a, c.now) {
			late = append(late, a)
		}
	}
	byUrgency(late)
	var title string
	if all {
		title = "⏰ " + tr(c.lang, render.MsgOverdueAllTitle, kv{"n": len(late)})
	} else {
		title = "⏰ " + tr(c.lang, render.MsgOverdueTitle, kv{"dept": c.h.render.DeptName(ctx, dept), "n": len(late)})
	}
	return Reply{Rendered: c.h.render.List(ctx, title, late, c.lang, c.now, all, render.MsgNoneOverdue)}, nil
}

func (c *call) mine(ctx context.Context) (Reply, error) {
	if !c.args.empty() {
		return Reply{}, c.bad(render.MsgTooManyArgs, nil)
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
	title := "🗂 " + tr(c.lang, render.MsgMineTitle, kv{"n": len(mine)})
	return Reply{Rendered: c.h.render.List(ctx, title, mine, c.lang, c.now, true, render.MsgMineEmpty)}, nil
}
