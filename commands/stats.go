package commands

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/render"
)

// The figures (KPIs) in chat: /stats [today|7d|30d|YYYY-MM] gives a
// department's figures in its chat, and a ranking of the departments in
// the dispatch or supervision chat. The leaders' digests carry the same
// figures; the definitions are package kpi's, the layout package render's.

// StatsConfig is what the handler needs for the figures.
type StatsConfig struct {
	// Location is the timezone of periods asked for in the dispatch and
	// supervision chats (a department's chat uses the department's);
	// nil is UTC.
	Location *time.Location
}

// stats answers /stats: a department's figures in its chat, the ranking
// of departments in the dispatch or supervision chat.
func (c *call) stats(ctx context.Context) (Reply, error) {
	arg, _ := c.args.next()
	if !c.args.empty() {
		return Reply{}, c.bad(render.MsgTooManyArgs, nil)
	}
	if c.r.Chat.Private {
		return Reply{}, c.bad(render.MsgListWhere, nil)
	}
	dept, err := c.deptHere(ctx)
	if err != nil {
		return Reply{}, err
	}
	period := func(loc *time.Location) (kpi.Period, error) {
		p, err := kpi.ParsePeriod(arg, c.now, loc)
		if err != nil {
			a, _ := render.Cut(render.OneLine(arg), 40)
			return p, c.bad(render.MsgStatsBadPeriod, kv{"arg": a})
		}
		return p, nil
	}
	if dept != "" {
		if !c.roles.canRespond(dept) && !c.roles.isDispatcher() {
			return Reply{}, c.refuse(render.MsgStatsNotOwn, kv{"dept": c.h.render.DeptName(ctx, dept)})
		}
		loc := c.h.render.Location(ctx, dept)
		p, err := period(loc)
		if err != nil {
			return Reply{}, err
		}
		text, err := c.h.render.DeptStats(ctx, c.lang, dept, p, loc, c.now)
		if errors.Is(err, kpi.ErrBusy) {
			return Reply{}, c.refuse(render.MsgStatsBusy, nil)
		}
		if err != nil {
			return Reply{}, err
		}
		return reply(text), nil
	}
	here, err := c.inDispatchChat(ctx)
	if err != nil {
		return Reply{}, err
	}
	if !here {
		bs, err := c.h.store.ChatBindings(ctx, appeal.ChatSupervision, "")
		if err != nil {
			return Reply{}, err
		}
		here = slices.ContainsFunc(bs, c.bound)
	}
	if !here {
		return Reply{}, c.bad(render.MsgListWhere, nil)
	}
	if !c.roles.isDispatcher() {
		return Reply{}, c.refuse(render.MsgStatsOnlyDispatc, nil)
	}
	loc := c.h.cfg.Stats.Location
	if loc == nil {
		loc = time.UTC
	}
	p, err := period(loc)
	if err != nil {
		return Reply{}, err
	}
	text, err := c.h.render.Ranking(ctx, c.lang, p, loc, c.now)
	if errors.Is(err, kpi.ErrBusy) {
		return Reply{}, c.refuse(render.MsgStatsBusy, nil)
	}
	if err != nil {
		return Reply{}, err
	}
	routed, returned, err := c.h.store.AutorouteCounts(ctx, p.From, p.To)
	if err != nil {
		return Reply{}, err
	}
	if routed > 0 {
		// Its real precision: what the departments kept.
		text += "\n\n🤖 " + tr(c.lang, render.MsgStatsAutorouted, kv{"n": routed, "returned": returned,
			"kept": (routed - returned) * 100 / routed})
	}
	return reply(text), nil
}
