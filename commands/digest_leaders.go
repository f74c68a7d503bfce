package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/reminders/digest"
)

// The leaders' digests: rendering the digest and its chart when they are
// delivered, in the reader's language, and /digest set|now|show.
//
// A digest is two messages: the text (at most MaxText characters), then
// the chart as a photo with a one-line caption. Two outbox rows rather
// than one message with both: each is then one send, with the outbox's
// guarantees, and a failed chart upload cannot resend the text.

// DigestConfig is what the handler needs for digests.
type DigestConfig struct {
	// Daily and Weekly are the schedules of departments that set none;
	// "" is digest.DefaultDaily and digest.DefaultWeekly.
	Daily, Weekly string
	// Fonts finds the CJK font of the charts; nil draws English labels.
	Fonts *digest.Fonts
}

// digestStore is what digests need from storage.
type digestStore interface {
	DigestAppeals(ctx context.Context, dept string, since time.Time) ([]appeal.Appeal, error)
	DigestSchedules(ctx context.Context) ([]appeal.DigestSchedule, error)
	SetDigestSchedule(ctx context.Context, ds appeal.DigestSchedule) error
	ClaimDigest(ctx context.Context, d appeal.DigestRun, msgs []appeal.Message) (bool, error)
	DigestRuns(ctx context.Context, dept string, n int) ([]appeal.DigestRun, error)
}

// maxDigestLate is how many overdue appeals a digest lists.
const maxDigestLate = 10

// nowPeriod is the period of a digest asked for with /digest now.
const nowPeriod = 24 * time.Hour

const (
	msgDigestDailyTitle  msgKey = "digest_daily_title"
	msgDigestWeeklyTitle msgKey = "digest_weekly_title"
	msgDigestNowTitle    msgKey = "digest_now_title"
	msgDigestPeriod      msgKey = "digest_period"
	msgDigestInPeriod    msgKey = "digest_in_period"
	msgDigestNowCounts   msgKey = "digest_now_counts"
	msgDigestMedians     msgKey = "digest_medians"
	msgDigestNoSample    msgKey = "digest_no_sample"
	msgDigestOnTime      msgKey = "digest_on_time"
	msgDigestOnTimeNone  msgKey = "digest_on_time_none"
	msgDigestLateTitle   msgKey = "digest_late_title"
	msgDigestNoneLate    msgKey = "digest_none_late"
	msgDigestChartTitle  msgKey = "digest_chart_title"
	msgDigestChartY      msgKey = "digest_chart_y"
	msgDigestChartNew    msgKey = "digest_chart_new"
	msgDigestChartLate   msgKey = "digest_chart_late"
	msgDigestChartCap    msgKey = "digest_chart_caption"
	msgWeekdays          msgKey = "weekdays"

	msgHelpDigestSet     msgKey = "help_digest_set"
	msgHelpDigestNow     msgKey = "help_digest_now"
	msgHelpDigestShow    msgKey = "help_digest_show"
	msgMenuDigest        msgKey = "menu_digest"
	msgDigestNeedSpec    msgKey = "digest_need_spec"
	msgDigestBadSpec     msgKey = "digest_bad_spec"
	msgDigestScheduleSet msgKey = "digest_schedule_set"
	msgDigestWhich       msgKey = "digest_which"
	msgDigestNotLeader   msgKey = "digest_not_leader"
	msgDigestTooSoon     msgKey = "digest_too_soon"
	msgDigestQueued      msgKey = "digest_queued"
	msgDigestShowTitle   msgKey = "digest_show_title"
	msgDigestShowLine    msgKey = "digest_show_line"
	msgDigestDefault     msgKey = "digest_default"
	msgDigestLastSent    msgKey = "digest_last_sent"
	msgDigestNeverSent   msgKey = "digest_never_sent"
	msgDigestKindDaily   msgKey = "digest_kind_daily"
	msgDigestKindWeekly  msgKey = "digest_kind_weekly"
)

var _ = addTexts(map[msgKey]text{
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
	msgDigestChartTitle: {en: "{code}: received and overdue per day", zh: "{code}：每日受理与超期"},
	msgDigestChartY:     {en: "appeals", zh: "件数"},
	msgDigestChartNew:   {en: "received", zh: "受理"},
	msgDigestChartLate:  {en: "overdue", zh: "超期"},
	msgDigestChartCap: {en: "📈 {dept}: appeals received and gone overdue per day, {from} – {to}",
		zh: "📈 {dept}：每日受理与超期件数，{from} 至 {to}"},
	msgWeekdays: {en: "Sun Mon Tue Wed Thu Fri Sat", zh: "周日 周一 周二 周三 周四 周五 周六"},

	msgHelpDigestSet: {en: "Set a department's daily (or weekly) digest time, as a cron spec in its timezone",
		zh: "设置部门每日（或每周）简报的时间：部门时区的 cron 表达式"},
	msgHelpDigestNow:  {en: "Send a digest of the last 24 hours now", zh: "立即发送最近 24 小时的简报"},
	msgHelpDigestShow: {en: "Show a department's digest schedules", zh: "查看部门的简报时间"},
	msgMenuDigest:     {en: "Leaders' digests: schedules, or one now", zh: "领导简报：设置时间或立即发送"},
	msgDigestNeedSpec: {en: "Give the schedule as a cron spec, e.g. \"30 8 * * 1-5\" (minute hour day month weekday).",
		zh: "请提供 cron 格式的时间，例如 \"30 8 * * 1-5\"（分 时 日 月 星期）。"},
	msgDigestBadSpec: {en: "“{arg}” is not a schedule: {err}. Use minute hour day month weekday, e.g. \"30 8 * * 1-5\".",
		zh: "“{arg}”不是有效的时间：{err}。请使用 分 时 日 月 星期，例如 \"30 8 * * 1-5\"。"},
	msgDigestScheduleSet: {en: "The {kind} digest of {dept} now goes out at <code>{spec}</code> ({zone}); next: {next}.",
		zh: "{dept}的{kind}现在按 <code>{spec}</code>（{zone}）发送；下一次：{next}。"},
	msgDigestWhich: {en: "Say which department: give its code, or ask in its chat.",
		zh: "请指明部门：提供部门代码，或在部门群中发送。"},
	msgDigestNotLeader: {en: "Only leaders of {dept} and admins can ask for its digest.",
		zh: "只有{dept}的领导和管理员可以获取其简报。"},
	msgDigestTooSoon: {en: "A digest of {dept} was sent in this minute already; try again in a minute.",
		zh: "本分钟内已发送过{dept}的简报，请一分钟后再试。"},
	msgDigestQueued: {en: "Digest of {dept} for the last 24 hours: on its way.",
		zh: "{dept}最近 24 小时的简报正在发送。"},
	msgDigestShowTitle:  {en: "<b>Digests of {dept}</b> ({zone})", zh: "<b>{dept}的简报</b>（{zone}）"},
	msgDigestShowLine:   {en: "{kind}: <code>{spec}</code>{def}; next: {next}", zh: "{kind}：<code>{spec}</code>{def}；下一次：{next}"},
	msgDigestDefault:    {en: " (default)", zh: "（默认）"},
	msgDigestLastSent:   {en: "Last sent: {kind} for {from} – {to}", zh: "上次发送：{kind}，{from} 至 {to}"},
	msgDigestNeverSent:  {en: "No digest sent yet.", zh: "尚未发送过简报。"},
	msgDigestKindDaily:  {en: "daily digest", zh: "每日简报"},
	msgDigestKindWeekly: {en: "weekly digest", zh: "每周简报"},
})

var _ = register(
	row{name: "digest", sub: "set", usage: `/digest set CODE [daily|weekly] "30 8 * * 1-5"`, help: msgHelpDigestSet,
		roles: admins, run: (*call).digestSet},
	row{name: "digest", sub: "now", usage: "/digest now [CODE]", help: msgHelpDigestNow,
		roles: digestReaders, run: (*call).digestNow},
	row{name: "digest", sub: "show", usage: "/digest show [CODE]", help: msgHelpDigestShow,
		roles: digestReaders, run: (*call).digestShow},
)

// digestReaders may read a department's digest: its leaders and admins.
var digestReaders = []appeal.Role{appeal.RoleLeader, appeal.RoleAdmin}

var _ = func() bool { menuHelp["digest"] = msgMenuDigest; return true }()

// digestKindKey names a digest kind for people.
func digestKindKey(k appeal.DigestKind) msgKey {
	if k == appeal.DigestWeekly {
		return msgDigestKindWeekly
	}
	return msgDigestKindDaily
}

// digestSpec is the schedule of dept's digests of kind, and whether it is
// the default.
func (h *Handler) digestSpec(ctx context.Context, dept string, kind appeal.DigestKind) (string, bool, error) {
	ss, err := h.store.DigestSchedules(ctx)
	if err != nil {
		return "", false, err
	}
	for _, s := range ss {
		if s.Department == dept && s.Kind == kind {
			return s.Spec, false, nil
		}
	}
	def := h.cfg.Digests.Daily
	if kind == appeal.DigestWeekly {
		def = h.cfg.Digests.Weekly
	}
	if def == "" {
		def = digest.DefaultDaily
		if kind == appeal.DigestWeekly {
			def = digest.DefaultWeekly
		}
	}
	return def, true, nil
}

// nextRun says when spec next fires after now, in loc.
func nextRun(spec string, loc *time.Location, now time.Time) string {
	s, _, err := digest.ParseSpec(spec)
	if err != nil {
		return "?"
	}
	return fmtTime(s.Next(now.In(loc)), loc)
}

// unquote strips one pair of straight or curly quotes around s.
func unquote(s string) string {
	s = strings.TrimSpace(s)
	for _, q := range [][2]string{{`"`, `"`}, {"“", "”"}, {"'", "'"}, {"「", "」"}} {
		if len(s) >= len(q[0])+len(q[1]) && strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) {
			return strings.TrimSpace(s[len(q[0]) : len(s)-len(q[1])])
		}
	}
	return s
}

func (c *call) digestSet(ctx context.Context) (Reply, error) {
	d, err := c.department(ctx)
	if err != nil {
		return Reply{}, err
	}
	kind := appeal.DigestDaily
	switch strings.ToLower(c.args.peek()) {
	case "daily":
		c.args.next()
	case "weekly":
		kind = appeal.DigestWeekly
		c.args.next()
	}
	raw := oneLine(c.args.rest())
	spec := unquote(raw)
	if spec == "" {
		return Reply{}, c.bad(msgDigestNeedSpec, nil)
	}
	sched, tidy, err := digest.ParseSpec(spec)
	if err != nil {
		arg, _ := cut(raw, 40)
		msg, _ := cut(oneLine(err.Error()), 120)
		return Reply{}, c.bad(msgDigestBadSpec, kv{"arg": arg, "err": msg})
	}
	if err := c.h.store.SetDigestSchedule(ctx, appeal.DigestSchedule{Department: d.Code, Kind: kind, Spec: tidy, UpdatedAt: c.now}); err != nil {
		return Reply{}, err
	}
	loc := c.h.location(ctx, d.Code)
	return reply("✅ " + tr(c.lang, msgDigestScheduleSet, kv{"kind": tr(c.lang, digestKindKey(kind), nil),
		"dept": c.h.deptName(ctx, d.Code), "spec": tidy, "zone": loc.String(), "next": fmtTime(sched.Next(c.now.In(loc)), loc)})), nil
}

// digestDept reads the department of /digest now and show: the CODE
// given, else the department whose chat this is; and checks that the
// requester leads it or is an admin.
func (c *call) digestDept(ctx context.Context) (appeal.Department, error) {
	var d appeal.Department
	if c.args.empty() {
		code, err := c.deptHere(ctx)
		if err != nil {
			return d, err
		}
		if code == "" {
			return d, c.bad(msgDigestWhich, nil)
		}
		if d, err = c.h.store.Department(ctx, code); err != nil {
			return d, err
		}
	} else {
		var err error
		if d, err = c.department(ctx); err != nil {
			return d, err
		}
		if err := c.done(); err != nil {
			return d, err
		}
	}
	if !c.roles.isAdmin() && !c.roles.isLeader(d.Code) {
		return d, c.refuse(msgDigestNotLeader, kv{"dept": c.h.deptName(ctx, d.Code)})
	}
	return d, nil
}

// digestNow queues a digest of the last 24 hours to the chat it was asked
// in. It is not one of the scheduled digests and does not count as one;
// a department gets at most one such digest per clock minute (the digests
// table's unique key, so also across instances).
func (c *call) digestNow(ctx context.Context) (Reply, error) {
	d, err := c.digestDept(ctx)
	if err != nil {
		return Reply{}, err
	}
	to := appeal.Recipient{Kind: appeal.ToChat}
	msgs := digest.Messages(to, d.Code, appeal.DigestNow, c.now.Add(-nowPeriod), c.now)
	for _, m := range msgs {
		m.Args[appeal.ArgNetwork], m.Args[appeal.ArgChat], m.Args[appeal.ArgTopic] = c.r.Network, c.r.Chat.ID, c.r.Chat.TopicID
	}
	run := appeal.DigestRun{Department: d.Code, Kind: appeal.DigestNow, From: c.now.Truncate(time.Minute), To: c.now, At: c.now}
	ok, err := c.h.store.ClaimDigest(ctx, run, msgs)
	if err != nil {
		return Reply{}, err
	}
	if !ok {
		return Reply{}, c.refuse(msgDigestTooSoon, kv{"dept": c.h.deptName(ctx, d.Code)})
	}
	return reply("📊 " + tr(c.lang, msgDigestQueued, kv{"dept": c.h.deptName(ctx, d.Code)})), nil
}

func (c *call) digestShow(ctx context.Context) (Reply, error) {
	d, err := c.digestDept(ctx)
	if err != nil {
		return Reply{}, err
	}
	loc := c.h.location(ctx, d.Code)
	lines := []string{"🗓 " + tr(c.lang, msgDigestShowTitle, kv{"dept": c.h.deptName(ctx, d.Code), "zone": loc.String()})}
	for _, kind := range []appeal.DigestKind{appeal.DigestDaily, appeal.DigestWeekly} {
		spec, def, err := c.h.digestSpec(ctx, d.Code, kind)
		if err != nil {
			return Reply{}, err
		}
		mark := ""
		if def {
			mark = tr(c.lang, msgDigestDefault, nil)
		}
		lines = append(lines, tr(c.lang, msgDigestShowLine, kv{"kind": tr(c.lang, digestKindKey(kind), nil),
			"spec": spec, "def": mark, "next": nextRun(spec, loc, c.now)}))
	}
	runs, err := c.h.store.DigestRuns(ctx, d.Code, 20)
	if err != nil {
		return Reply{}, err
	}
	last := ""
	for _, r := range runs {
		if r.Kind.Scheduled() {
			last = tr(c.lang, msgDigestLastSent, kv{"kind": tr(c.lang, digestKindKey(r.Kind), nil),
				"from": fmtShortTime(r.From, loc), "to": fmtShortTime(r.To, loc)})
			break
		}
	}
	if last == "" {
		last = tr(c.lang, msgDigestNeverSent, nil)
	}
	lines = append(lines, last)
	return reply(strings.Join(lines, "\n")), nil
}

// digestArgs reads a digest message's department and period.
func digestArgs(m appeal.Message) (dept string, kind appeal.DigestKind, from, to time.Time, err error) {
	dept, kind = m.Args[appeal.ArgDigestDept], appeal.DigestKind(m.Args[appeal.ArgDigestKind])
	from, err1 := time.Parse(time.RFC3339Nano, m.Args[appeal.ArgDigestFrom])
	to, err2 := time.Parse(time.RFC3339Nano, m.Args[appeal.ArgDigestTo])
	if err := errors.Join(err1, err2); err != nil || dept == "" || !to.After(from) {
		return "", "", time.Time{}, time.Time{}, fmt.Errorf("commands: %s message with bad args %v: %w", m.Kind, m.Args, err)
	}
	return dept, kind, from, to, nil
}

// digestStats computes a digest from the store as of now: the
// department's figures (package kpi, as /stats gives them) and what the
// digest adds (the overdue appeals, those at risk, the chart's days).
func (h *Handler) digestStats(ctx context.Context, dept string, from, to, now time.Time) (digest.Stats, *time.Location, error) {
	loc := h.location(ctx, dept)
	rep, err := h.report(ctx, kpi.Period{From: from, To: to}, now, dept)
	if err != nil {
		return digest.Stats{}, nil, err
	}
	f, _ := rep.Department(dept)
	as, err := h.store.DigestAppeals(ctx, dept, digest.Since(from, to, loc))
	if err != nil {
		return digest.Stats{}, nil, err
	}
	return digest.Compute(as, f, from, to, now, loc), loc, nil
}

// renderDigest renders a digest's text: the counts of the period and of
// now, the medians, the on-time rate and the overdue appeals. Counts "now"
// are as of delivery, which is moments after the digest's time unless the
// chat was unreachable.
func (h *Handler) renderDigest(ctx context.Context, m appeal.Message, lang string, now time.Time) (Rendered, error) {
	dept, kind, from, to, err := digestArgs(m)
	if err != nil {
		return Rendered{}, err
	}
	s, loc, err := h.digestStats(ctx, dept, from, to, now)
	if err != nil {
		return Rendered{}, fmt.Errorf("commands: digest of %q: %w", dept, err)
	}
	k := s.KPI
	title := msgDigestNowTitle
	switch kind {
	case appeal.DigestDaily:
		title = msgDigestDailyTitle
	case appeal.DigestWeekly:
		title = msgDigestWeeklyTitle
	}
	name := h.deptName(ctx, dept)
	lines := []string{
		"📊 " + tr(lang, title, kv{"dept": name}),
		tr(lang, msgDigestPeriod, kv{"from": fmtShortTime(from, loc), "to": fmtShortTime(to, loc), "zone": loc.String()}),
		"📥 " + tr(lang, msgDigestInPeriod, kv{"new": k.Received, "claimed": k.Claimed, "answered": k.Answered, "closed": k.Closed}),
		"📌 " + tr(lang, msgDigestNowCounts, kv{"open": k.Open, "overdue": k.Overdue, "risk": s.AtRisk,
			"within": fmtDur(lang, digest.AtRisk)}),
	}
	med := func(d kpi.Durations) string {
		if d.N == 0 {
			return tr(lang, msgDigestNoSample, nil)
		}
		return fmtDur(lang, d.Median)
	}
	lines = append(lines, "⏱ "+tr(lang, msgDigestMedians, kv{"claim": med(k.ToClaim), "answer": med(k.ToAnswer)}))
	if k.OnTimeAnswer != nil {
		lines = append(lines, "✅ "+tr(lang, msgDigestOnTime, kv{"pct": pct(lang, k.OnTimeAnswer), "n": k.AnswersOnTime, "of": k.AnswersDue}))
	} else {
		lines = append(lines, "✅ "+tr(lang, msgDigestOnTimeNone, nil))
	}
	lines = append(lines, rateLines(lang, k, h.weights())[1:]...)
	if len(s.Late) == 0 {
		lines = append(lines, "", "👍 "+tr(lang, msgDigestNoneLate, nil))
		return Rendered{HTML: strings.Join(lines, "\n")}, nil
	}
	lines = append(lines, "", "⏰ "+tr(lang, msgDigestLateTitle, kv{"n": len(s.Late)}))
	head := len(lines)
	for i, l := range s.Late {
		if i == maxDigestLate {
			break
		}
		lines = append(lines, h.listLine(ctx, l.Appeal, lang, now, false))
	}
	shown := len(lines) - head
	more := func() string { return tr(lang, msgAndMore, kv{"n": len(s.Late) - shown}) }
	for shown > 0 && runes(strings.Join(lines, "\n"))+runes(more())+1 > MaxText {
		lines = lines[:len(lines)-1]
		shown--
	}
	if shown < len(s.Late) {
		lines = append(lines, more())
	}
	return Rendered{HTML: strings.Join(lines, "\n")}, nil
}

// renderDigestChart draws the digest's chart, labelled in lang when the
// CJK font is there for Chinese (in English otherwise).
func (h *Handler) renderDigestChart(ctx context.Context, m appeal.Message, lang string, now time.Time) (Rendered, error) {
	dept, _, from, to, err := digestArgs(m)
	if err != nil {
		return Rendered{}, err
	}
	s, loc, err := h.digestStats(ctx, dept, from, to, now)
	if err != nil {
		return Rendered{}, fmt.Errorf("commands: digest chart of %q: %w", dept, err)
	}
	var f *digest.Font
	if lang == LangZH {
		f = h.cfg.Digests.Fonts.CJK()
	}
	l := chartLabels(lang, dept, s.Days)
	if f == nil || !f.Has(l.Text()) {
		f, l = nil, chartLabels(LangEN, dept, s.Days)
	}
	png, err := digest.Chart(s.Days, l, f)
	if err != nil {
		return Rendered{}, err
	}
	last := s.Days[len(s.Days)-1].Start
	caption := tr(lang, msgDigestChartCap, kv{"dept": h.deptName(ctx, dept),
		"from": s.Days[0].Start.In(loc).Format("01-02"), "to": last.In(loc).Format("01-02")})
	if runes(caption) > MaxCaption {
		caption = esc(plainCut(caption, MaxCaption-1))
	}
	return Rendered{HTML: caption, Photo: png}, nil
}

// chartLabels are the chart's texts in lang. The title names the
// department by its code, which every font can draw.
func chartLabels(lang, dept string, days []digest.Day) digest.Labels {
	wd := strings.Fields(tr(lang, msgWeekdays, nil))
	l := digest.Labels{Title: plain(tr(lang, msgDigestChartTitle, kv{"code": dept})), YAxis: plain(tr(lang, msgDigestChartY, nil)),
		Received: plain(tr(lang, msgDigestChartNew, nil)), Overdue: plain(tr(lang, msgDigestChartLate, nil))}
	for _, d := range days {
		l.Days = append(l.Days, wd[d.Start.Weekday()]+" "+d.Start.Format("1/2"))
	}
	return l
}
