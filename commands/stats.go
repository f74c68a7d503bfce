package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
)

// The figures (KPIs) in chat: /stats [today|7d|30d|YYYY-MM] gives a
// department's figures in its chat, and a ranking of the departments in
// the dispatch or supervision chat. The leaders' digests carry the same
// figures (digest_leaders.go); the definitions are package kpi's.

// StatsConfig is what the handler needs for the figures.
type StatsConfig struct {
	// Weights weigh the composite score; zero is kpi.DefaultWeights.
	Weights kpi.Weights
	// Location is the timezone of periods asked for in the dispatch and
	// supervision chats (a department's chat uses the department's);
	// nil is UTC.
	Location *time.Location
}

// kpiStore is what the figures need from storage.
type kpiStore interface {
	KPIEvents(ctx context.Context, since time.Time, dept string) ([]appeal.Appeal, []appeal.Event, error)
	Departments(ctx context.Context) ([]appeal.Department, error)
	Feedback(ctx context.Context, id appeal.ID) ([]appeal.Feedback, error)
}

const (
	msgHelpStats        msgKey = "help_stats"
	msgStatsBadPeriod   msgKey = "stats_bad_period"
	msgStatsDeptTitle   msgKey = "stats_dept_title"
	msgStatsRankTitle   msgKey = "stats_rank_title"
	msgStatsPeriod      msgKey = "stats_period"
	msgStatsCounts      msgKey = "stats_counts"
	msgStatsMoves       msgKey = "stats_moves"
	msgStatsNow         msgKey = "stats_now"
	msgStatsToClaim     msgKey = "stats_to_claim"
	msgStatsToAnswer    msgKey = "stats_to_answer"
	msgStatsDurations   msgKey = "stats_durations"
	msgStatsOnTime      msgKey = "stats_on_time"
	msgStatsRates       msgKey = "stats_rates"
	msgStatsFeedback    msgKey = "stats_feedback"
	msgStatsScore       msgKey = "stats_score"
	msgStatsRankLine    msgKey = "stats_rank_line"
	msgStatsRankNone    msgKey = "stats_rank_none"
	msgStatsWorstLate   msgKey = "stats_worst_late"
	msgStatsNoneLate    msgKey = "stats_none_late"
	msgStatsOverall     msgKey = "stats_overall"
	msgStatsNotOwn      msgKey = "stats_not_own"
	msgStatsOnlyDispatc msgKey = "stats_only_dispatch"
	msgStatsCut         msgKey = "stats_cut"
	msgStatsNA          msgKey = "stats_na"
	msgCardFeedback     msgKey = "card_feedback"
	msgEvFeedback       msgKey = "ev_feedback"
	msgOutSatisfied     msgKey = "out_satisfied"
	msgOutUnsatisfied   msgKey = "out_unsatisfied"
	msgOutNoAnswer      msgKey = "out_no_answer"
	msgOutResolved      msgKey = "out_resolved"
	msgOutUnresolved    msgKey = "out_unresolved"
)

var _ = addTexts(map[msgKey]text{
	msgHelpStats: {en: "Figures of this department (in its chat) or a ranking of departments (dispatch or supervision chat); default the last 7 days",
		zh: "本部门的考核指标（部门群中）或各部门排名（调度群或督办群中）；默认最近 7 天"},
	msgStatsBadPeriod: {en: "“{arg}” is not a period: use today, 7d, 30d (1 to 366 days up to now) or a month such as 2026-10.",
		zh: "“{arg}”不是有效的统计期间：请使用 today、7d、30d（截至现在的 1 至 366 天）或月份，如 2026-10。"},
	msgStatsDeptTitle: {en: "<b>Figures: {dept}</b>", zh: "<b>考核指标：{dept}</b>"},
	msgStatsRankTitle: {en: "<b>Department ranking by score</b> (weights response/resolution/satisfaction {weights})",
		zh: "<b>各部门综合得分排名</b>（权重 响应/解决/满意 {weights}）"},
	msgStatsPeriod: {en: "{from} – {to} ({zone})", zh: "统计期间：{from} 至 {to}（{zone}）"},
	msgStatsCounts: {en: "In the period: {received} received · {claimed} claimed · {answered} answered · {closed} closed ({resolved} resolved)",
		zh: "期间：受理 {received} · 认领 {claimed} · 答复 {answered} · 办结 {closed}（已解决 {resolved}）"},
	msgStatsMoves: {en: "Returned {returned} · transferred {transferred} · extended {extended} · reopened {reopened}",
		zh: "退回 {returned} · 转办 {transferred} · 延期 {extended} · 重办 {reopened}"},
	msgStatsNow:       {en: "Now: {open} open · <b>{overdue} overdue</b>", zh: "当前：在办 {open} · <b>超期 {overdue}</b>"},
	msgStatsToClaim:   {en: "Time to claim", zh: "认领用时"},
	msgStatsToAnswer:  {en: "Time to answer", zh: "答复用时"},
	msgStatsDurations: {en: "{what}: median {median}, p90 {p90}; in working time {wmedian}, p90 {wp90} ({n} cases)", zh: "{what}：中位数 {median}，P90 {p90}；按工作时间 {wmedian}，P90 {wp90}（{n} 件）"},
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
	msgStatsNotOwn:      {en: "Only responders and leaders of {dept}, dispatchers and admins may see its figures.", zh: "只有{dept}的承办人和负责人、调度员和管理员可以查看其考核指标。"},
	msgStatsOnlyDispatc: {en: "Only dispatchers and admins may see the ranking of departments.", zh: "只有调度员和管理员可以查看各部门排名。"},
	msgStatsCut:         {en: "…and {n} more departments (see GET /api/v1/stats)", zh: "……另有 {n} 个部门（详见 GET /api/v1/stats）"},
	msgStatsNA:          {en: "—", zh: "无"},
	msgCardFeedback:     {en: "Citizen unsatisfied, reopened: “{comment}”", zh: "群众回访不满意，已重办：“{comment}”"},
	msgEvFeedback:       {en: "citizen's verdict", zh: "群众回访"},
	msgOutSatisfied:     {en: "satisfied", zh: "满意"},
	msgOutUnsatisfied:   {en: "unsatisfied", zh: "不满意"},
	msgOutNoAnswer:      {en: "not reached", zh: "未接通"},
	msgOutResolved:      {en: "resolved", zh: "已解决"},
	msgOutUnresolved:    {en: "unresolved", zh: "未解决"},
})

// outcomeKey names an event's outcome for people; "" when it has none.
func outcomeKey(outcome string) msgKey {
	switch outcome {
	case string(appeal.FeedbackSatisfied):
		return msgOutSatisfied
	case string(appeal.FeedbackUnsatisfied):
		return msgOutUnsatisfied
	case string(appeal.FeedbackNoAnswer):
		return msgOutNoAnswer
	case string(appeal.Resolved):
		return msgOutResolved
	case string(appeal.Unresolved):
		return msgOutUnresolved
	}
	return ""
}

// withOutcome puts an event's outcome, in lang, before its note: "未解决：需要立项".
func withOutcome(lang string, e appeal.Event, note string) string {
	k := outcomeKey(e.Outcome)
	if k == "" {
		return note
	}
	if note == "" {
		return tr(lang, k, nil)
	}
	return tr(lang, k, nil) + ": " + note
}

var _ = register(
	row{name: "stats", usage: "/stats [today|7d|30d|YYYY-MM]", help: msgHelpStats, roles: staff, run: (*call).stats},
)

func (h *Handler) weights() kpi.Weights {
	if h.cfg.Stats.Weights == (kpi.Weights{}) {
		return kpi.DefaultWeights
	}
	return h.cfg.Stats.Weights
}

// pct is a rate as a whole percentage, "—" when undefined.
func pct(lang string, r *float64) string {
	if r == nil {
		return tr(lang, msgStatsNA, nil)
	}
	return strconv.Itoa(int(*r*100+0.5)) + "%"
}

// scoreText is a score with one decimal, "—" when undefined.
func scoreText(lang string, s *float64) string {
	if s == nil {
		return tr(lang, msgStatsNA, nil)
	}
	return strconv.FormatFloat(*s, 'f', 1, 64)
}

func weightsText(w kpi.Weights) string { return strings.ReplaceAll(w.String(), ",", "/") }

// durLine is one line of times to claim or to answer.
func durLine(lang string, what msgKey, d kpi.Durations) string {
	f := func(x time.Duration) string {
		if d.N == 0 {
			return tr(lang, msgStatsNA, nil)
		}
		return fmtDur(lang, x)
	}
	return "⏱ " + tr(lang, msgStatsDurations, kv{"what": tr(lang, what, nil), "median": f(d.Median), "p90": f(d.P90),
		"wmedian": f(d.WorkMedian), "wp90": f(d.WorkP90), "n": d.N})
}

// rateLines are the on-time, response, resolution and satisfaction rates
// and the score: what /stats and the leaders' digests both show.
func rateLines(lang string, f kpi.Figures, w kpi.Weights) []string {
	return []string{
		"✅ " + tr(lang, msgStatsOnTime, kv{"claim": pct(lang, f.OnTimeClaim), "cn": f.ClaimsOnTime, "cof": f.ClaimsDue,
			"answer": pct(lang, f.OnTimeAnswer), "an": f.AnswersOnTime, "aof": f.AnswersDue}),
		"📈 " + tr(lang, msgStatsRates, kv{"response": pct(lang, f.Response), "resolution": pct(lang, f.Resolution),
			"satisfaction": pct(lang, f.Satisfaction)}),
		"☎️ " + tr(lang, msgStatsFeedback, kv{"satisfied": f.Satisfied, "unsatisfied": f.Unsatisfied, "noanswer": f.NoAnswer}),
		"🏅 " + tr(lang, msgStatsScore, kv{"score": scoreText(lang, f.Score), "weights": weightsText(w)}),
	}
}

// report computes the figures of p as of now: of department dept alone,
// or of all ("").
func (h *Handler) report(ctx context.Context, p kpi.Period, now time.Time, dept string) (kpi.Report, error) {
	return kpi.Load(ctx, h.store, h.svc, p.From.UTC(), p.To.UTC(), now.UTC(), h.weights(), dept)
}

// stats answers /stats: a department's figures in its chat, the ranking
// of departments in the dispatch or supervision chat.
func (c *call) stats(ctx context.Context) (Reply, error) {
	arg, _ := c.args.next()
	if !c.args.empty() {
		return Reply{}, c.bad(msgTooManyArgs, nil)
	}
	if c.r.Chat.Private {
		return Reply{}, c.bad(msgListWhere, nil)
	}
	dept, err := c.deptHere(ctx)
	if err != nil {
		return Reply{}, err
	}
	period := func(loc *time.Location) (kpi.Period, error) {
		p, err := kpi.ParsePeriod(arg, c.now, loc)
		if err != nil {
			a, _ := cut(oneLine(arg), 40)
			return p, c.bad(msgStatsBadPeriod, kv{"arg": a})
		}
		return p, nil
	}
	if dept != "" {
		if !c.roles.canRespond(dept) && !c.roles.isDispatcher() {
			return Reply{}, c.refuse(msgStatsNotOwn, kv{"dept": c.h.deptName(ctx, dept)})
		}
		loc := c.h.location(ctx, dept)
		p, err := period(loc)
		if err != nil {
			return Reply{}, err
		}
		rep, err := c.h.report(ctx, p, c.now, dept)
		if err != nil {
			return Reply{}, err
		}
		f, _ := rep.Department(dept)
		return reply(strings.Join(c.h.deptStats(ctx, c.lang, f, p, loc), "\n")), nil
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
		return Reply{}, c.bad(msgListWhere, nil)
	}
	if !c.roles.isDispatcher() {
		return Reply{}, c.refuse(msgStatsOnlyDispatc, nil)
	}
	loc := c.h.cfg.Stats.Location
	if loc == nil {
		loc = time.UTC
	}
	p, err := period(loc)
	if err != nil {
		return Reply{}, err
	}
	rep, err := c.h.report(ctx, p, c.now, "")
	if err != nil {
		return Reply{}, err
	}
	return reply(c.h.ranking(ctx, c.lang, rep, p, loc)), nil
}

func periodLine(lang string, key msgKey, p kpi.Period, loc *time.Location) string {
	return tr(lang, key, kv{"from": fmtShortTime(p.From, loc), "to": fmtShortTime(p.To, loc), "zone": loc.String()})
}

// deptStats renders one department's figures.
func (h *Handler) deptStats(ctx context.Context, lang string, f kpi.Figures, p kpi.Period, loc *time.Location) []string {
	lines := []string{
		"📊 " + tr(lang, msgStatsDeptTitle, kv{"dept": h.deptName(ctx, f.Department)}),
		periodLine(lang, msgStatsPeriod, p, loc),
		"📥 " + tr(lang, msgStatsCounts, kv{"received": f.Received, "claimed": f.Claimed, "answered": f.Answered,
			"closed": f.Closed, "resolved": f.Resolved}),
		"↔️ " + tr(lang, msgStatsMoves, kv{"returned": f.Returned, "transferred": f.TransferredOut,
			"extended": f.Extended, "reopened": f.Reopened}),
		"📌 " + tr(lang, msgStatsNow, kv{"open": f.Open, "overdue": f.Overdue}),
		durLine(lang, msgStatsToClaim, f.ToClaim),
		durLine(lang, msgStatsToAnswer, f.ToAnswer),
	}
	return append(lines, rateLines(lang, f, h.weights())...)
}

// ranking renders the departments best score first, the one most overdue
// now, and the overall figures, within MaxText (departments that do not
// fit are counted in a last line).
func (h *Handler) ranking(ctx context.Context, lang string, rep kpi.Report, p kpi.Period, loc *time.Location) string {
	head := []string{"🏆 " + tr(lang, msgStatsRankTitle, kv{"weights": weightsText(h.weights())}), periodLine(lang, msgStatsPeriod, p, loc)}
	var tail []string
	worst := kpi.Figures{}
	for _, f := range rep.Departments {
		if f.Overdue > worst.Overdue {
			worst = f
		}
	}
	if worst.Overdue > 0 {
		tail = append(tail, "⏰ "+tr(lang, msgStatsWorstLate, kv{"dept": h.deptName(ctx, worst.Department), "n": worst.Overdue}))
	} else {
		tail = append(tail, "👍 "+tr(lang, msgStatsNoneLate, nil))
	}
	o := rep.Overall
	tail = append(tail, "Σ "+tr(lang, msgStatsOverall, kv{"score": scoreText(lang, o.Score), "received": o.Received,
		"answered": o.Answered, "overdue": o.Overdue}))
	ranked := rep.Ranking()
	if len(ranked) == 0 {
		return strings.Join(append(head, tr(lang, msgStatsRankNone, nil)), "\n")
	}
	var body []string
	for i, f := range ranked {
		body = append(body, tr(lang, msgStatsRankLine, kv{"n": i + 1, "dept": h.deptName(ctx, f.Department),
			"score": scoreText(lang, f.Score), "response": pct(lang, f.Response), "resolution": pct(lang, f.Resolution),
			"satisfaction": pct(lang, f.Satisfaction), "overdue": f.Overdue}))
	}
	text := func(body []string, cut int) string {
		lines := append(slices.Clone(head), body...)
		if cut > 0 {
			lines = append(lines, tr(lang, msgStatsCut, kv{"n": cut}))
		}
		return strings.Join(append(append(lines, ""), tail...), "\n")
	}
	shown := len(body)
	for shown > 0 && runes(text(body[:shown], len(body)-shown)) > MaxText {
		shown--
	}
	return text(body[:shown], len(body)-shown)
}

// feedbackLine is the card's line for an appeal the citizen sent back:
// the comment of the verdict that reopened it, while it is worked again.
func (h *Handler) feedbackLine(ctx context.Context, a appeal.Appeal, lang string) string {
	switch a.Status {
	case appeal.StatusAssigned, appeal.StatusClaimed, appeal.StatusPendingApproval:
	default:
		return ""
	}
	fs, err := h.store.Feedback(ctx, a.ID)
	if err != nil {
		h.log.Warn("card: feedback", "appeal", int64(a.ID), "err", err)
		return ""
	}
	for i := len(fs) - 1; i >= 0; i-- {
		f := fs[i]
		if f.Reopened && f.At.Equal(a.AssignedAt) && f.Department == a.Department {
			comment := f.Comment
			if comment == "" {
				comment = "—"
			}
			return "💬 " + tr(lang, msgCardFeedback, kv{"comment": rawHTML(escCut(oneLine(comment), 200))})
		}
	}
	return ""
}
