package render

// Texts of the figures (/stats, and the rates the digests repeat).
const (
	MsgHelpStats        Key = "help_stats"
	MsgStatsBadPeriod   Key = "stats_bad_period"
	msgStatsDeptTitle   Key = "stats_dept_title"
	msgStatsRankTitle   Key = "stats_rank_title"
	msgStatsPeriod      Key = "stats_period"
	msgStatsCounts      Key = "stats_counts"
	msgStatsMoves       Key = "stats_moves"
	msgStatsNow         Key = "stats_now"
	msgStatsToClaim     Key = "stats_to_claim"
	msgStatsToAnswer    Key = "stats_to_answer"
	msgStatsDurations   Key = "stats_durations"
	msgStatsOnTime      Key = "stats_on_time"
	msgStatsRates       Key = "stats_rates"
	msgStatsFeedback    Key = "stats_feedback"
	msgStatsScore       Key = "stats_score"
	msgStatsRankLine    Key = "stats_rank_line"
	msgStatsRankNone    Key = "stats_rank_none"
	msgStatsWorstLate   Key = "stats_worst_late"
	msgStatsNoneLate    Key = "stats_none_late"
	msgStatsOverall     Key = "stats_overall"
	MsgStatsNotOwn      Key = "stats_not_own"
	MsgStatsOnlyDispatc Key = "stats_only_dispatch"
	msgStatsCut         Key = "stats_cut"
	msgStatsNA          Key = "stats_na"
	msgCardFeedback     Key = "card_feedback"
	msgEvFeedback       Key = "ev_feedback"
	msgOutSatisfied     Key = "out_satisfied"
	msgOutUnsatisfied   Key = "out_unsatisfied"
	msgOutNoAnswer      Key = "out_no_answer"
	msgOutResolved      Key = "out_resolved"
	msgOutUnresolved    Key = "out_unresolved"
)

var statsTexts = map[Key]text{
	MsgHelpStats: {en: "Figures of this department (in its chat) or a ranking of departments (dispatch or supervision chat); default the last 7 days",
		zh: "本部门的考核指标（部门群中）或各部门排名（调度群或督办群中）；默认最近 7 天"},
	MsgStatsBadPeriod: {en: "“{arg}” is not a period: use today, 7d, 30d (1 to 366 days up to now) or a month such as 2026-10.",
		zh: "“{arg}”不是有效的统计期间：请使用 today、7d、30d（截至现在的 1 至 366 天）或月份，如 2026-10。"},
	msgStatsDeptTitle: {en: "<b>Figures: {dept}</b>", zh: "<b>考核指标：{dept}</b>"},
	msgStatsRankTitle: {en: "<b>Department ranking by score</b> (weights response/resolution/satisfaction {weights})",
		zh: "<b>各部门综合得分排名</b>（权重 响应/解决/满意 {weights}）"},
	msgStatsPeriod: {en: "{from} – {to} ({zone})", zh: "统计期间：{from} 至 {to}（{zone}）"},
	msgStatsCounts: {en: "In the period: {received} received · {claimed} claimed · {answered} answered · {closed} closed ({resolved} resolved)",
		zh: "期间：受理 {received} · 认领 {claimed} · 答复 {answered} · 办结 {closed}（已解决 {resolved}）"},
	msgStatsMoves: {en: "Returned {returned} · transferred {transferred} · extended {extended} · reopened {reopened} · urged {urged}",
		zh: "退回 {returned} · 转办 {transferred} · 延期 {extended} · 重办 {reopened} · 催办 {urged}"},
	msgStatsNow:       {en: "Now: {open} open · <b>{overdue} overdue</b>", zh: "当前：在办 {open} · <b>超期 {overdue}</b>"},
	msgStatsToClaim:   {en: "Time to claim", zh: "认领用时"},
	msgStatsToAnswer:  {en: "Time to answer", zh: "答复用时"},
	msgStatsDurations: {en: "{what}: median {median}, p90 {p90}; in working time {wmedian}, p90 {wp90} ({n} {n:case|cases})", zh: "{what}：中位数 {median}，P90 {p90}；按工作时间 {wmedian}，P90 {wp90}（{n} 件）"},
	msgStatsOnTime: {en: "On time: claims {claim} ({cn} of {cof}) · answers {answer} ({an} of {aof})",
		zh: "按时率：认领 {claim}（{cof} 件中 {cn} 件）· 答复 {answer}（{aof} 件中 {an} 件）"},
	msgStatsRates: {en: "Response rate {response} · resolution rate {resolution} · satisfaction rate {satisfaction}",
		zh: "响应率 {response} · 解决率 {resolution} · 满意率 {satisfaction}"},
	msgStatsFeedback: {en: "Callbacks: {satisfied} satisfied · {unsatisfied} unsatisfied · {noanswer} not reached",
		zh: "回访：满意 {satisfied} · 不满意 {unsatisfied} · 未接通 {noanswer}"},
	msgStatsScore: {en: "Score: <b>{score}</b> (weights response/resolution/satisfaction {weights})",
		zh: "综合得分：<b>{score}</b>（权重 响应/解决/满意 {weights}）"},
	msgStatsRankLine: {en: "{n}. {dept} — <b>{score}</b> · response {response} · resolution {resolution} · satisfaction {satisfaction} · overdue {overdue}",
		zh: "{n}. {dept} — <b>{score}</b> · 响应 {response} · 解决 {resolution} · 满意 {satisfaction} · 超期 {overdue}"},
	msgStatsRankNone:    {en: "No departments yet.", zh: "尚无部门。"},
	msgStatsWorstLate:   {en: "Most overdue now: {dept} ({n})", zh: "当前超期最多：{dept}（{n} 件）"},
	msgStatsNoneLate:    {en: "Nothing is overdue now.", zh: "当前没有超期诉求。"},
	msgStatsOverall:     {en: "All departments: score {score} · {received} received · {answered} answered · {overdue} overdue now", zh: "全部部门：综合得分 {score} · 受理 {received} · 答复 {answered} · 当前超期 {overdue}"},
	MsgStatsNotOwn:      {en: "Only responders and leaders of {dept}, dispatchers and admins may see its figures.", zh: "只有{dept}的承办人和负责人、调度员和管理员可以查看其考核指标。"},
	MsgStatsOnlyDispatc: {en: "Only dispatchers and admins may see the ranking of departments.", zh: "只有调度员和管理员可以查看各部门排名。"},
	msgStatsCut:         {en: "…and {n} more {n:department|departments} (see GET /api/v1/stats)", zh: "……另有 {n} 个部门（详见 GET /api/v1/stats）"},
	msgStatsNA:          {en: "—", zh: "无"},
	msgCardFeedback:     {en: "Citizen unsatisfied, reopened: “{comment}”", zh: "群众回访不满意，已重办：“{comment}”"},
	msgEvFeedback:       {en: "citizen's verdict", zh: "群众回访"},
	msgOutSatisfied:     {en: "satisfied", zh: "满意"},
	msgOutUnsatisfied:   {en: "unsatisfied", zh: "不满意"},
	msgOutNoAnswer:      {en: "not reached", zh: "未接通"},
	msgOutResolved:      {en: "resolved", zh: "已解决"},
	msgOutUnresolved:    {en: "unresolved", zh: "未解决"},
}
