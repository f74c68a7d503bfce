package render

// Texts of the leaders' digests, their charts and /digest.
const (
	msgDigestDailyTitle  Key = "digest_daily_title"
	msgDigestWeeklyTitle Key = "digest_weekly_title"
	msgDigestNowTitle    Key = "digest_now_title"
	msgDigestPeriod      Key = "digest_period"
	msgDigestInPeriod    Key = "digest_in_period"
	msgDigestNowCounts   Key = "digest_now_counts"
	msgDigestMedians     Key = "digest_medians"
	msgDigestNoSample    Key = "digest_no_sample"
	msgDigestOnTime      Key = "digest_on_time"
	msgDigestOnTimeNone  Key = "digest_on_time_none"
	msgDigestLateTitle   Key = "digest_late_title"
	msgDigestNoneLate    Key = "digest_none_late"
	msgDigestChartTitle  Key = "digest_chart_title"
	msgDigestChartNew    Key = "digest_chart_new"
	msgDigestChartLate   Key = "digest_chart_late"
	msgDigestChartDone   Key = "digest_chart_done"
	msgDigestChartOpen   Key = "digest_chart_open"
	msgDigestChartCap    Key = "digest_chart_caption"
	msgWeekdays          Key = "weekdays"

	MsgHelpDigestSet     Key = "help_digest_set"
	MsgHelpDigestNow     Key = "help_digest_now"
	MsgHelpDigestShow    Key = "help_digest_show"
	MsgMenuDigest        Key = "menu_digest"
	MsgDigestNeedSpec    Key = "digest_need_spec"
	MsgDigestBadSpec     Key = "digest_bad_spec"
	MsgDigestScheduleSet Key = "digest_schedule_set"
	MsgDigestWhich       Key = "digest_which"
	MsgDigestNotLeader   Key = "digest_not_leader"
	MsgDigestTooSoon     Key = "digest_too_soon"
	MsgDigestQueued      Key = "digest_queued"
	MsgDigestShowTitle   Key = "digest_show_title"
	MsgDigestShowLine    Key = "digest_show_line"
	MsgDigestDefault     Key = "digest_default"
	MsgDigestLastSent    Key = "digest_last_sent"
	MsgDigestNeverSent   Key = "digest_never_sent"
	MsgDigestNoLeaders   Key = "digest_no_leaders"
	msgDigestKindDaily   Key = "digest_kind_daily"
	msgDigestKindWeekly  Key = "digest_kind_weekly"
	msgSpecEmpty         Key = "spec_empty"
	msgSpecTimezone      Key = "spec_timezone"
	msgSpecEvery         Key = "spec_every"
	msgSpecFields        Key = "spec_fields"
	msgSpecField         Key = "spec_field"
	msgSpecFieldNames    Key = "spec_field_names"
	msgSpecDescriptor    Key = "spec_descriptor"
	msgSpecNever         Key = "spec_never"
)

var digestTexts = map[Key]text{
	msgDigestDailyTitle:  {en: "<b>Daily digest: {dept}</b>", zh: "<b>每日简报：{dept}</b>"},
	msgDigestWeeklyTitle: {en: "<b>Weekly digest: {dept}</b>", zh: "<b>每周简报：{dept}</b>"},
	msgDigestNowTitle:    {en: "<b>Digest: {dept}</b>", zh: "<b>简报：{dept}</b>"},
	msgDigestPeriod:      {en: "{from} – {to} ({zone})", zh: "统计期间：{from} 至 {to}（{zone}）"},
	msgDigestInPeriod: {en: "In the period: {new} new · {claimed} claimed · {answered} answered · {closed} closed",
		zh: "期间：新增 {new} · 认领 {claimed} · 答复 {answered} · 办结 {closed}"},
	msgDigestNowCounts: {en: "Now: {open} open · <b>{overdue} overdue</b> · {risk} due within {within}",
		zh: "当前：在办 {open} · <b>超期 {overdue}</b> · {within}内到期 {risk}"},
	msgDigestMedians: {en: "Median time to claim: {claim} · to answer: {answer}",
		zh: "认领用时中位数：{claim} · 答复用时中位数：{answer}"},
	msgDigestNoSample:   {en: "—", zh: "无"},
	msgDigestOnTime:     {en: "Answered on time: <b>{pct}</b> ({n} of {of})", zh: "按时答复率：<b>{pct}</b>（{of} 件中 {n} 件）"},
	msgDigestOnTimeNone: {en: "Answered on time: — (no answer due)", zh: "按时答复率：无（期间无到期答复）"},
	msgDigestLateTitle:  {en: "<b>Overdue, most late first ({n})</b>", zh: "<b>超期诉求（{n}），按超期时长排序</b>"},
	msgDigestNoneLate:   {en: "Nothing is overdue.", zh: "没有超期诉求。"},
	msgDigestChartTitle: {en: "{dept}: appeals per day", zh: "{dept}：每日诉求"},
	msgDigestChartNew:   {en: "received", zh: "受理"},
	msgDigestChartDone:  {en: "answered", zh: "答复"},
	msgDigestChartLate:  {en: "overdue", zh: "超期"},
	msgDigestChartOpen:  {en: "open at day's end", zh: "日末在办"},
	msgDigestChartCap: {en: "📈 {dept}: appeals received, answered and gone overdue per day, and those open at each day's end, {from} – {to}",
		zh: "📈 {dept}：每日受理、答复、超期件数及每日末在办件数，{from} 至 {to}"},
	msgWeekdays: {en: "Sun Mon Tue Wed Thu Fri Sat", zh: "周日 周一 周二 周三 周四 周五 周六"},

	MsgHelpDigestSet: {en: "Set a department's daily (or weekly) digest time, as a cron spec in its timezone",
		zh: "设置部门每日（或每周）简报的时间：部门时区的 cron 表达式"},
	MsgHelpDigestNow:  {en: "Send a digest of the last 24 hours now", zh: "立即发送最近 24 小时的简报"},
	MsgHelpDigestShow: {en: "Show a department's digest schedules", zh: "查看部门的简报时间"},
	MsgMenuDigest:     {en: "Leaders' digests: schedules, or one now", zh: "领导简报：设置时间或立即发送"},
	MsgDigestNeedSpec: {en: "Give the schedule as a cron spec, e.g. <code>30 8 * * 1-5</code> (minute hour day month weekday).",
		zh: "请提供 cron 格式的时间，例如 <code>30 8 * * 1-5</code>（分 时 日 月 星期）。"},
	MsgDigestBadSpec: {en: "“{arg}” is not a schedule: {err}. Use minute hour day month weekday, e.g. <code>30 8 * * 1-5</code>.",
		zh: "“{arg}”不是有效的时间：{err}。请使用 分 时 日 月 星期，例如 <code>30 8 * * 1-5</code>。"},
	msgSpecEmpty:      {en: "it is empty", zh: "内容为空"},
	msgSpecTimezone:   {en: "a timezone prefix is not allowed, since schedules run in the department's timezone", zh: "不能加时区前缀，时间按部门时区计算"},
	msgSpecEvery:      {en: "@every is not a time of day", zh: "@every 不是一天中的时间"},
	msgSpecFields:     {en: "it has {n} {n:field|fields} instead of 5", zh: "它有 {n} 个字段，应为 5 个"},
	msgSpecField:      {en: "the {field} field is not valid", zh: "“{field}”字段无效"},
	msgSpecFieldNames: {en: "minute, hour, day of month, month, weekday", zh: "分, 时, 日, 月, 星期"},
	msgSpecDescriptor: {en: "that @ name is unknown; write five fields, or @daily, @weekly or @monthly", zh: "无法识别该 @ 名称；请写 5 个字段，或 @daily、@weekly、@monthly"},
	msgSpecNever:      {en: "it never fires", zh: "永远不会触发"},
	MsgDigestScheduleSet: {en: "The {kind} digest of {dept} now goes out at <code>{spec}</code> ({zone}); next: {next}.",
		zh: "{dept}的{kind}现在按 <code>{spec}</code>（{zone}）发送；下一次：{next}。"},
	MsgDigestWhich: {en: "Say which department: give its code, or ask in its chat.",
		zh: "请指明部门：提供部门代码，或在部门群中发送。"},
	MsgDigestNotLeader: {en: "Only leaders of {dept} and admins can ask for its digest.",
		zh: "只有{dept}的领导和管理员可以获取其简报。"},
	MsgDigestTooSoon: {en: "A digest of {dept} was sent in this minute already; try again in a minute.",
		zh: "本分钟内已发送过{dept}的简报，请一分钟后再试。"},
	MsgDigestQueued: {en: "Digest of {dept} for the last 24 hours: on its way.",
		zh: "{dept}最近 24 小时的简报正在发送。"},
	MsgDigestShowTitle: {en: "<b>Digests of {dept}</b> ({zone})", zh: "<b>{dept}的简报</b>（{zone}）"},
	MsgDigestShowLine:  {en: "{kind}: <code>{spec}</code>{def}; next: {next}", zh: "{kind}：<code>{spec}</code>{def}；下一次：{next}"},
	MsgDigestDefault:   {en: " (default)", zh: "（默认）"},
	MsgDigestLastSent:  {en: "Last sent: {kind} for {from} – {to}", zh: "上次发送：{kind}，{from} 至 {to}"},
	MsgDigestNeverSent: {en: "No digest sent yet.", zh: "尚未发送过简报。"},
	MsgDigestNoLeaders: {en: "No leaders yet: digests go out once one is appointed (/role add {code} leader USER).",
		zh: "尚无领导：指定领导（/role add {code} leader 用户）后才会发送简报。"},
	msgDigestKindDaily:  {en: "daily digest", zh: "每日简报"},
	msgDigestKindWeekly: {en: "weekly digest", zh: "每周简报"},
}
