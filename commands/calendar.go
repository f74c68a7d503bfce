package commands

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// The working-time calendar in chat: public holidays and make-up working
// days (调休), shared by every department, and how spans of working time
// are shown.

// CalendarStore is what the calendar commands need from storage. The
// handler's store provides it when it can (storage.Store does); without it
// the commands say the calendar is not available.
type CalendarStore interface {
	CalendarDays(ctx context.Context) ([]appeal.Holiday, []appeal.Workday, error)
	AddHoliday(ctx context.Context, h appeal.Holiday) error
	RemoveHolidays(ctx context.Context, from, to appeal.Date) (int, error)
	AddWorkday(ctx context.Context, w appeal.Workday) error
	RemoveWorkday(ctx context.Context, d appeal.Date) error
}

// maxHolidayDays is the longest holiday one command adds: a mistyped year
// must not make a year of holidays.
const maxHolidayDays = 31

// calStore returns the calendar store or a refusal.
func (c *call) calStore() (CalendarStore, error) {
	if s, ok := c.h.store.(CalendarStore); ok {
		return s, nil
	}
	return nil, c.refuse(render.MsgCalUnavailable, nil)
}

// calAction reads add or remove.
func (c *call) calAction() (bool, error) {
	w, ok := c.args.next()
	switch strings.ToLower(w) {
	case "add", "+", "加", "添加":
		return true, nil
	case "remove", "rm", "del", "delete", "-", "删", "删除":
		return false, nil
	}
	if !ok {
		return false, c.bad(render.MsgCalNeedAction, nil)
	}
	return false, c.bad(render.MsgCalBadAction, kv{"arg": w})
}

// calDate reads one date.
func (c *call) calDate() (appeal.Date, error) {
	w, ok := c.args.next()
	if !ok {
		return appeal.Date{}, c.bad(render.MsgCalNeedDate, nil)
	}
	d, err := appeal.ParseDate(w)
	if err != nil {
		return appeal.Date{}, c.bad(render.MsgCalBadDate, kv{"arg": w})
	}
	return d, nil
}

// calRange reads FROM[..TO].
func (c *call) calRange() (appeal.Date, appeal.Date, error) {
	w, ok := c.args.next()
	if !ok {
		return appeal.Date{}, appeal.Date{}, c.bad(render.MsgCalNeedDate, nil)
	}
	a, b, isRange := strings.Cut(strings.ReplaceAll(w, "…", ".."), "..")
	from, err := appeal.ParseDate(a)
	if err != nil {
		return appeal.Date{}, appeal.Date{}, c.bad(render.MsgCalBadDate, kv{"arg": a})
	}
	to := from
	if isRange {
		if to, err = appeal.ParseDate(b); err != nil {
			return appeal.Date{}, appeal.Date{}, c.bad(render.MsgCalBadDate, kv{"arg": b})
		}
	}
	if to.Before(from) {
		return appeal.Date{}, appeal.Date{}, c.bad(render.MsgCalBadRange, kv{"from": from.String(), "to": to.String()})
	}
	return from, to, nil
}

// calTaken turns a day already in the calendar into a refusal naming it.
func (c *call) calTaken(err error) error {
	var taken *appeal.DayTakenError
	if !errors.As(err, &taken) {
		return err
	}
	what := tr(c.lang, render.MsgCalAWorkday, nil)
	if taken.Holiday {
		what = tr(c.lang, render.MsgCalAHoliday, nil)
	}
	if taken.Name != "" {
		what += " " + taken.Name
	}
	return c.refuse(render.MsgCalTaken, kv{"date": taken.Date.String(), "what": what})
}

func (c *call) calHoliday(ctx context.Context) (Reply, error) {
	add, err := c.calAction()
	if err != nil {
		return Reply{}, err
	}
	from, to, err := c.calRange()
	if err != nil {
		return Reply{}, err
	}
	days := dayCount(from, to)
	st, err := c.calStore()
	if err != nil {
		return Reply{}, err
	}
	if !add {
		if err := c.done(); err != nil {
			return Reply{}, err
		}
		n, err := st.RemoveHolidays(ctx, from, to)
		if errors.Is(err, appeal.ErrNotFound) {
			return Reply{}, c.refuse(render.MsgCalNoHoliday, kv{"from": from.String(), "to": to.String()})
		}
		if err != nil {
			return Reply{}, err
		}
		return reply("✅ " + tr(c.lang, render.MsgCalHolidayRemoved, kv{"n": n, "from": from.String(), "to": to.String()})), nil
	}
	if days > maxHolidayDays {
		return Reply{}, c.bad(render.MsgCalTooLong, kv{"from": from.String(), "to": to.String(), "max": maxHolidayDays})
	}
	name := c.args.rest()
	if name == "" {
		return Reply{}, c.bad(render.MsgCalNeedName, nil)
	}
	if n := []rune(name); len(n) > 64 {
		return Reply{}, c.bad(render.MsgCalLongName, kv{"max": 64})
	}
	if err := st.AddHoliday(ctx, appeal.Holiday{From: from, To: to, Name: name}); err != nil {
		return Reply{}, c.calTaken(err)
	}
	return reply("✅ " + tr(c.lang, render.MsgCalHolidayAdded, kv{"name": name, "range": render.DateRange(from, to), "n": days})), nil
}

func (c *call) calWorkday(ctx context.Context) (Reply, error) {
	add, err := c.calAction()
	if err != nil {
		return Reply{}, err
	}
	d, err := c.calDate()
	if err != nil {
		return Reply{}, err
	}
	st, err := c.calStore()
	if err != nil {
		return Reply{}, err
	}
	if !add {
		if err := c.done(); err != nil {
			return Reply{}, err
		}
		if err := st.RemoveWorkday(ctx, d); errors.Is(err, appeal.ErrNotFound) {
			return Reply{}, c.refuse(render.MsgCalNoWorkday, kv{"date": d.String()})
		} else if err != nil {
			return Reply{}, err
		}
		return reply("✅ " + tr(c.lang, render.MsgCalWorkdayRemoved, kv{"date": d.String()})), nil
	}
	name := c.args.rest()
	if n := []rune(name); len(n) > 64 {
		return Reply{}, c.bad(render.MsgCalLongName, kv{"max": 64})
	}
	if err := st.AddWorkday(ctx, appeal.Workday{Date: d, Name: name}); err != nil {
		return Reply{}, c.calTaken(err)
	}
	return reply("✅ " + tr(c.lang, render.MsgCalWorkdayAdded, kv{"date": d.String(), "weekday": render.Weekday(c.lang, d.Weekday())})), nil
}

func (c *call) calList(ctx context.Context) (Reply, error) {
	year := c.now.Year()
	if w, ok := c.args.next(); ok {
		y, err := strconv.Atoi(w)
		if err != nil || y < 1900 || y > 9999 {
			return Reply{}, c.bad(render.MsgCalBadYear, kv{"arg": w})
		}
		year = y
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	st, err := c.calStore()
	if err != nil {
		return Reply{}, err
	}
	hs, ws, err := st.CalendarDays(ctx)
	if err != nil {
		return Reply{}, err
	}
	var lines []string
	nh, nw := 0, 0
	for _, h := range hs {
		if h.To.Year < year || h.From.Year > year {
			continue
		}
		nh++
		lines = append(lines, "🎌 "+tr(c.lang, render.MsgCalHolidayLine, kv{"range": render.DateRange(h.From, h.To),
			"name": render.HTML(render.EscCut(h.Name, 64)), "n": dayCount(h.From, h.To)}))
	}
	for _, w := range ws {
		if w.Date.Year != year {
			continue
		}
		nw++
		line := "💼 " + tr(c.lang, render.MsgCalWorkdayLine, kv{"date": w.Date.String(), "weekday": render.Weekday(c.lang, w.Date.Weekday())})
		if w.Name != "" {
			line += " " + render.EscCut(w.Name, 64)
		}
		lines = append(lines, line)
	}
	if nh+nw == 0 {
		return reply(tr(c.lang, render.MsgCalEmpty, kv{"year": year})), nil
	}
	head := "📅 " + tr(c.lang, render.MsgCalListTitle, kv{"year": year, "holidays": nh, "workdays": nw})
	return reply(strings.Join(append([]string{head}, lines...), "\n")), nil
}

// dayCount is the number of days from..to, both included.
func dayCount(from, to appeal.Date) int { return appeal.Holiday{From: from, To: to}.Days() }
