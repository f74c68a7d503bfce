package render

// Texts of the calendar commands.
const (
	MsgHelpCalHoliday    Key = "help_calendar_holiday"
	MsgHelpCalWorkday    Key = "help_calendar_workday"
	MsgHelpCalList       Key = "help_calendar_list"
	MsgMenuCalendar      Key = "menu_calendar"
	MsgCalUnavailable    Key = "calendar_unavailable"
	MsgCalNeedAction     Key = "calendar_need_action"
	MsgCalBadAction      Key = "calendar_bad_action"
	MsgCalNeedDate       Key = "calendar_need_date"
	MsgCalBadDate        Key = "calendar_bad_date"
	MsgCalBadRange       Key = "calendar_bad_range"
	MsgCalTooLong        Key = "calendar_too_long"
	MsgCalNeedName       Key = "calendar_need_name"
	MsgCalLongName       Key = "calendar_long_name"
	MsgCalTaken          Key = "calendar_taken"
	MsgCalAHoliday       Key = "calendar_a_holiday"
	MsgCalAWorkday       Key = "calendar_a_workday"
	MsgCalHolidayAdded   Key = "calendar_holiday_added"
	MsgCalHolidayRemoved Key = "calendar_holiday_removed"
	MsgCalNoHoliday      Key = "calendar_no_holiday"
	MsgCalWorkdayAdded   Key = "calendar_workday_added"
	MsgCalWorkdayRemoved Key = "calendar_workday_removed"
	MsgCalNoWorkday      Key = "calendar_no_workday"
	MsgCalBadYear        Key = "calendar_bad_year"
	MsgCalEmpty          Key = "calendar_empty"
	MsgCalListTitle      Key = "calendar_list_title"
	MsgCalHolidayLine    Key = "calendar_holiday_line"
	MsgCalWorkdayLine    Key = "calendar_workday_line"
)

var calendarTexts = map[Key]text{
	MsgHelpCalHoliday: {
		en: "add or remove public holidays (all departments)",
		zh: "添加或删除法定节假日（所有部门）",
	},
	MsgHelpCalWorkday: {
		en: "add or remove make-up working days on weekends (调休)",
		zh: "添加或删除周末调休上班日",
	},
	MsgHelpCalList: {
		en: "list the holidays and make-up working days of a year",
		zh: "列出某年的节假日和调休上班日",
	},
	MsgMenuCalendar: {
		en: "working-time calendar: holidays and make-up days",
		zh: "工作日历：节假日与调休",
	},
	MsgCalUnavailable: {
		en: "The calendar cannot be changed here.",
		zh: "此处无法修改日历。",
	},
	MsgCalNeedAction: {
		en: "Say add or remove.",
		zh: "请说明 add（添加）或 remove（删除）。",
	},
	MsgCalBadAction: {
		en: "“{arg}” is neither add nor remove.",
		zh: "“{arg}”既不是 add 也不是 remove。",
	},
	MsgCalNeedDate: {
		en: "Say which day, e.g. 2026-10-01, or which days, e.g. 2026-10-01..2026-10-07.",
		zh: "请说明日期，例如 2026-10-01，或日期范围，例如 2026-10-01..2026-10-07。",
	},
	MsgCalBadDate: {
		en: "“{arg}” is not a date; write YYYY-MM-DD, e.g. 2026-10-01.",
		zh: "“{arg}”不是有效日期；格式为 YYYY-MM-DD，例如 2026-10-01。",
	},
	MsgCalBadRange: {
		en: "{from}..{to} ends before it starts.",
		zh: "{from}..{to} 的结束日期早于开始日期。",
	},
	MsgCalTooLong: {
		en: "{from}..{to} is longer than {max} {max:day|days}; add a long holiday in parts.",
		zh: "{from}..{to} 超过 {max} 天；较长的假期请分段添加。",
	},
	MsgCalNeedName: {
		en: "Name the holiday, e.g. National Day.",
		zh: "请写上节日名称，例如 国庆节。",
	},
	MsgCalLongName: {
		en: "The name is too long: at most {max} {max:character|characters}.",
		zh: "名称过长：最多 {max} 个字符。",
	},
	MsgCalTaken: {
		en: "{date} is already {what}; remove it first. Nothing was changed.",
		zh: "{date} 已经是{what}，请先删除。未做任何修改。",
	},
	MsgCalAHoliday: {
		en: "a holiday",
		zh: "节假日",
	},
	MsgCalAWorkday: {
		en: "a make-up working day",
		zh: "调休上班日",
	},
	MsgCalHolidayAdded: {
		en: "Holiday {name} added: {range} ({n} {n:day|days} off).",
		zh: "已添加节假日 {name}：{range}（放假 {n} 天）。",
	},
	MsgCalHolidayRemoved: {
		en: "Removed {n} holiday {n:day|days} between {from} and {to}.",
		zh: "已删除 {from} 至 {to} 之间的 {n} 天节假日。",
	},
	MsgCalNoHoliday: {
		en: "There is no holiday between {from} and {to}.",
		zh: "{from} 至 {to} 之间没有节假日。",
	},
	MsgCalWorkdayAdded: {
		en: "{date} ({weekday}) is now a make-up working day.",
		zh: "{date}（{weekday}）已设为调休上班日。",
	},
	MsgCalWorkdayRemoved: {
		en: "{date} is no longer a make-up working day.",
		zh: "{date} 已不再是调休上班日。",
	},
	MsgCalNoWorkday: {
		en: "{date} is not a make-up working day.",
		zh: "{date} 不是调休上班日。",
	},
	MsgCalBadYear: {
		en: "“{arg}” is not a year; write e.g. 2026.",
		zh: "“{arg}”不是有效年份，例如 2026。",
	},
	MsgCalEmpty: {
		en: "No holidays or make-up working days in {year}. Add them with /calendar holiday add and /calendar workday add, or import an .ics file (PUT /api/v1/calendar).",
		zh: "{year} 年没有节假日或调休上班日。可用 /calendar holiday add 和 /calendar workday add 添加，或导入 .ics 文件（PUT /api/v1/calendar）。",
	},
	MsgCalListTitle: {
		en: "<b>Calendar {year}</b>: {holidays} {holidays:holiday|holidays}, {workdays} make-up working {workdays:day|days}",
		zh: "<b>{year} 年日历</b>：{holidays} 个节假日，{workdays} 个调休上班日",
	},
	MsgCalHolidayLine: {
		en: "{range} {name} ({n} {n:day|days} off)",
		zh: "{range} {name}（放假 {n} 天）",
	},
	MsgCalWorkdayLine: {
		en: "{date} ({weekday}) make-up working day",
		zh: "{date}（{weekday}）调休上班",
	},
}
