package commands

// The working-time calendar in chat: public holidays and make-up working
// days (调休), shared by every department, and how spans of working time
// are shown.

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

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

var _ = register(
	row{name: "calendar", sub: "holiday", alias: []string{"holidays", "假日", "节假日"},
		usage: "/calendar holiday add|remove FROM[..TO] [NAME…]", help: msgHelpCalHoliday, roles: admins, run: (*call).calHoliday},
	row{name: "calendar", sub: "workday", alias: []string{"workdays", "补班", "调休"},
		usage: "/calendar workday add|remove DATE [NAME…]", help: msgHelpCalWorkday, roles: admins, run: (*call).calWorkday},
	row{name: "calendar", sub: "list", alias: []string{"ls"},
		usage: "/calendar list [YEAR]", help: msgHelpCalList, roles: staff, run: (*call).calList},
)

var _ = func() bool { menuHelp["calendar"] = msgMenuCalendar; return true }()

// calStore returns the calendar store or a refusal.
func (c *call) calStore() (CalendarStore, error) {
	if s, ok := c.h.store.(CalendarStore); ok {
		return s, nil
	}
	return nil, c.refuse(msgCalUnavailable, nil)
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
		return false, c.bad(msgCalNeedAction, nil)
	}
	return false, c.bad(msgCalBadAction, kv{"arg": w})
}

// calDate reads one date.
func (c *call) calDate() (appeal.Date, error) {
	w, ok := c.args.next()
	if !ok {
		return appeal.Date{}, c.bad(msgCalNeedDate, nil)
	}
	d, err := appeal.ParseDate(w)
	if err != nil {
		return appeal.Date{}, c.bad(msgCalBadDate, kv{"arg": w})
	}
	return d, nil
}

// calRange reads FROM[..TO].
func (c *call) calRange() (appeal.Date, appeal.Date, error) {
	w, ok := c.args.next()
	if !ok {
		return appeal.Date{}, appeal.Date{}, c.bad(msgCalNeedDate, nil)
	}
	a, b, isRange := strings.Cut(strings.ReplaceAll(w, "…", ".."), "..")
	from, err := appeal.ParseDate(a)
	if err != nil {
		return appeal.Date{}, appeal.Date{}, c.bad(msgCalBadDate, kv{"arg": a})
	}
	to := from
	if isRange {
		if to, err = appeal.ParseDate(b); err != nil {
			return appeal.Date{}, appeal.Date{}, c.bad(msgCalBadDate, kv{"arg": b})
		}
	}
	if to.Before(from) {
		return appeal.Date{}, appeal.Date{}, c.bad(msgCalBadRange, kv{"from": from.String(), "to": to.String()})
	}
	return from, to, nil
}

// calTaken turns a day already in the calendar into a refusal naming it.
func (c *call) calTaken(err error) error {
	var taken *appeal.DayTakenError
	if !errors.As(err, &taken) {
		return err
	}
	what := tr(c.lang, msgCalAWorkday, nil)
	if taken.Holiday {
		what = tr(c.lang, msgCalAHoliday, nil)
	}
	if taken.Name != "" {
		what += " " + taken.Name
	}
	return c.refuse(msgCalTaken, kv{"date": taken.Date.String(), "what": what})
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
			return Reply{}, c.refuse(msgCalNoHoliday, kv{"from": from.String(), "to": to.String()})
		}
		if err != nil {
			return Reply{}, err
		}
		return reply("✅ " + tr(c.lang, msgCalHolidayRemoved, kv{"n": n, "from": from.String(), "to": to.String()})), nil
	}
	if days > maxHolidayDays {
		return Reply{}, c.bad(msgCalTooLong, kv{"from": from.String(), "to": to.String(), "max": maxHolidayDays})
	}
	name := c.args.rest()
	if name == "" {
		return Reply{}, c.bad(msgCalNeedName, nil)
	}
	if n := []rune(name); len(n) > 64 {
		return Reply{}, c.bad(msgCalLongName, kv{"max": 64})
	}
	if err := st.AddHoliday(ctx, appeal.Holiday{From: from, To: to, Name: name}); err != nil {
		return Reply{}, c.calTaken(err)
	}
	return reply("✅ " + tr(c.lang, msgCalHolidayAdded, kv{"name": name, "range": rangeText(from, to), "n": days})), nil
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
			return Reply{}, c.refuse(msgCalNoWorkday, kv{"date": d.String()})
		} else if err != nil {
			return Reply{}, err
		}
		return reply("✅ " + tr(c.lang, msgCalWorkdayRemoved, kv{"date": d.String()})), nil
	}
	name := c.args.rest()
	if n := []rune(name); len(n) > 64 {
		return Reply{}, c.bad(msgCalLongName, kv{"max": 64})
	}
	if err := st.AddWorkday(ctx, appeal.Workday{Date: d, Name: name}); err != nil {
		return Reply{}, c.calTaken(err)
	}
	return reply("✅ " + tr(c.lang, msgCalWorkdayAdded, kv{"date": d.String(), "weekday": weekdayName(c.lang, d.Weekday())})), nil
}

func (c *call) calList(ctx context.Context) (Reply, error) {
	year := c.now.Year()
	if w, ok := c.args.next(); ok {
		y, err := strconv.Atoi(w)
		if err != nil || y < 1900 || y > 9999 {
			return Reply{}, c.bad(msgCalBadYear, kv{"arg": w})
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
		lines = append(lines, "🎌 "+tr(c.lang, msgCalHolidayLine, kv{"range": rangeText(h.From, h.To),
			"name": rawHTML(escCut(h.Name, 64)), "n": dayCount(h.From, h.To)}))
	}
	for _, w := range ws {
		if w.Date.Year != year {
			continue
		}
		nw++
		line := "💼 " + tr(c.lang, msgCalWorkdayLine, kv{"date": w.Date.String(), "weekday": weekdayName(c.lang, w.Date.Weekday())})
		if w.Name != "" {
			line += " " + escCut(w.Name, 64)
		}
		lines = append(lines, line)
	}
	if nh+nw == 0 {
		return reply(tr(c.lang, msgCalEmpty, kv{"year": year})), nil
	}
	head := "📅 " + tr(c.lang, msgCalListTitle, kv{"year": year, "holidays": nh, "workdays": nw})
	return reply(strings.Join(append([]string{head}, lines...), "\n")), nil
}

// dayCount is the number of days from..to, both included.
func dayCount(from, to appeal.Date) int { return appeal.Holiday{From: from, To: to}.Days() }

func rangeText(from, to appeal.Date) string {
	if from == to {
		return from.String()
	}
	return from.String() + ".." + to.String()
}

func weekdayName(lang string, d time.Weekday) string {
	if lang == LangZH {
		return [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[d]
	}
	return d.String()[:3]
}

// fmtSpan shows a span of time: calendar time as fmtDur does ("2h",
// "3d"), working time with its unit spelled out ("3 working days",
// "3个工作日"; "2h working time", "2个工作小时").
func fmtSpan(lang string, s appeal.Span) string {
	switch s.Unit {
	case appeal.WorkingDays:
		if lang == LangZH {
			return strconv.Itoa(s.Days) + "个工作日"
		}
		if s.Days == 1 {
			return "1 working day"
		}
		return strconv.Itoa(s.Days) + " working days"
	case appeal.WorkingHours:
		if lang == LangZH {
			if s.D%time.Hour == 0 {
				return strconv.FormatInt(int64(s.D/time.Hour), 10) + "个工作小时"
			}
			return "工作时间" + fmtDur(lang, s.D)
		}
		return fmtDur(lang, s.D) + " working time"
	}
	return fmtDur(lang, s.D)
}

// extended is the answer deadline a's pending extension would give, in the
// calendar of its department.
func (h *Handler) extended(ctx context.Context, a appeal.Appeal) time.Time {
	if a.Extension == nil {
		return a.Deadlines.AnswerBy
	}
	d := appeal.Department{Code: a.Department}
	if dept, err := h.store.Department(ctx, a.Department); err == nil {
		d = dept
	}
	cal, err := h.svc.Calendar(ctx, d)
	if err != nil {
		cal = appeal.DefaultCalendar(h.location(ctx, a.Department))
	}
	return cal.Add(a.Deadlines.AnswerBy, a.Extension.Span)
}

// Texts of the calendar commands.
const (
	msgHelpCalHoliday    msgKey = "help_calendar_holiday"
	msgHelpCalWorkday    msgKey = "help_calendar_workday"
	msgHelpCalList       msgKey = "help_calendar_list"
	msgMenuCalendar      msgKey = "menu_calendar"
	msgCalUnavailable    msgKey = "calendar_unavailable"
	msgCalNeedAction     msgKey = "calendar_need_action"
	msgCalBadAction      msgKey = "calendar_bad_action"
	msgCalNeedDate       msgKey = "calendar_need_date"
	msgCalBadDate        msgKey = "calendar_bad_date"
	msgCalBadRange       msgKey = "calendar_bad_range"
	msgCalTooLong        msgKey = "calendar_too_long"
	msgCalNeedName       msgKey = "calendar_need_name"
	msgCalLongName       msgKey = "calendar_long_name"
	msgCalTaken          msgKey = "calendar_taken"
	msgCalAHoliday       msgKey = "calendar_a_holiday"
	msgCalAWorkday       msgKey = "calendar_a_workday"
	msgCalHolidayAdded   msgKey = "calendar_holiday_added"
	msgCalHolidayRemoved msgKey = "calendar_holiday_removed"
	msgCalNoHoliday      msgKey = "calendar_no_holiday"
	msgCalWorkdayAdded   msgKey = "calendar_workday_added"
	msgCalWorkdayRemoved msgKey = "calendar_workday_removed"
	msgCalNoWorkday      msgKey = "calendar_no_workday"
	msgCalBadYear        msgKey = "calendar_bad_year"
	msgCalEmpty          msgKey = "calendar_empty"
	msgCalListTitle      msgKey = "calendar_list_title"
	msgCalHolidayLine    msgKey = "calendar_holiday_line"
	msgCalWorkdayLine    msgKey = "calendar_workday_line"
)

var _ = addTexts(map[msgKey]text{
	msgHelpCalHoliday: {
		en: "add or remove public holidays (all departments)",
		zh: "添加或删除法定节假日（所有部门）",
	},
	msgHelpCalWorkday: {
		en: "add or remove make-up working days on weekends (调休)",
		zh: "添加或删除周末调休上班日",
	},
	msgHelpCalList: {
		en: "list the holidays and make-up working days of a year",
		zh: "列出某年的节假日和调休上班日",
	},
	msgMenuCalendar: {
		en: "working-time calendar: holidays and make-up days",
		zh: "工作日历：节假日与调休",
	},
	msgCalUnavailable: {
		en: "The calendar cannot be changed here.",
		zh: "此处无法修改日历。",
	},
	msgCalNeedAction: {
		en: "Say add or remove.",
		zh: "请说明 add（添加）或 remove（删除）。",
	},
	msgCalBadAction: {
		en: "“{arg}” is neither add nor remove.",
		zh: "“{arg}”既不是 add 也不是 remove。",
	},
	msgCalNeedDate: {
		en: "Say which day, e.g. 2026-10-01, or which days, e.g. 2026-10-01..2026-10-07.",
		zh: "请说明日期，例如 2026-10-01，或日期范围，例如 2026-10-01..2026-10-07。",
	},
	msgCalBadDate: {
		en: "“{arg}” is not a date; write YYYY-MM-DD, e.g. 2026-10-01.",
		zh: "“{arg}”不是有效日期；格式为 YYYY-MM-DD，例如 2026-10-01。",
	},
	msgCalBadRange: {
		en: "{from}..{to} ends before it starts.",
		zh: "{from}..{to} 的结束日期早于开始日期。",
	},
	msgCalTooLong: {
		en: "{from}..{to} is longer than {max} days; add a long holiday in parts.",
		zh: "{from}..{to} 超过 {max} 天；较长的假期请分段添加。",
	},
	msgCalNeedName: {
		en: "Name the holiday, e.g. National Day.",
		zh: "请写上节日名称，例如 国庆节。",
	},
	msgCalLongName: {
		en: "The name is too long: at most {max} characters.",
		zh: "名称过长：最多 {max} 个字符。",
	},
	msgCalTaken: {
		en: "{date} is already {what}; remove it first. Nothing was changed.",
		zh: "{date} 已经是{what}，请先删除。未做任何修改。",
	},
	msgCalAHoliday: {
		en: "a holiday",
		zh: "节假日",
	},
	msgCalAWorkday: {
		en: "a make-up working day",
		zh: "调休上班日",
	},
	msgCalHolidayAdded: {
		en: "Holiday {name} added: {range} ({n} days off).",
		zh: "已添加节假日 {name}：{range}（放假 {n} 天）。",
	},
	msgCalHolidayRemoved: {
		en: "Removed {n} holiday days between {from} and {to}.",
		zh: "已删除 {from} 至 {to} 之间的 {n} 天节假日。",
	},
	msgCalNoHoliday: {
		en: "There is no holiday between {from} and {to}.",
		zh: "{from} 至 {to} 之间没有节假日。",
	},
	msgCalWorkdayAdded: {
		en: "{date} ({weekday}) is now a make-up working day.",
		zh: "{date}（{weekday}）已设为调休上班日。",
	},
	msgCalWorkdayRemoved: {
		en: "{date} is no longer a make-up working day.",
		zh: "{date} 已不再是调休上班日。",
	},
	msgCalNoWorkday: {
		en: "{date} is not a make-up working day.",
		zh: "{date} 不是调休上班日。",
	},
	msgCalBadYear: {
		en: "“{arg}” is not a year; write e.g. 2026.",
		zh: "“{arg}”不是有效年份，例如 2026。",
	},
	msgCalEmpty: {
		en: "No holidays or make-up working days in {year}. Add them with /calendar holiday add and /calendar workday add, or import an .ics file (PUT /api/v1/calendar).",
		zh: "{year} 年没有节假日或调休上班日。可用 /calendar holiday add 和 /calendar workday add 添加，或导入 .ics 文件（PUT /api/v1/calendar）。",
	},
	msgCalListTitle: {
		en: "<b>Calendar {year}</b>: {holidays} holidays, {workdays} make-up working days",
		zh: "<b>{year} 年日历</b>：{holidays} 个节假日，{workdays} 个调休上班日",
	},
	msgCalHolidayLine: {
		en: "{range} {name} ({n} days off)",
		zh: "{range} {name}（放假 {n} 天）",
	},
	msgCalWorkdayLine: {
		en: "{date} ({weekday}) make-up working day",
		zh: "{date}（{weekday}）调休上班",
	},
})
