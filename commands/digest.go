package commands

import (
	"context"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/reminders/digest"
	"github.com/appealbot/appealbot/render"
)

// The leaders' digests in chat: /digest set|now|show. The digests are
// rendered when they are delivered (package render).

// DigestConfig is what the handler needs for digests.
type DigestConfig struct {
	// Daily and Weekly are the schedules of departments that set none;
	// "" is digest.DefaultDaily and digest.DefaultWeekly.
	Daily, Weekly string
}

// digestStore is what digests need from storage.
type digestStore interface {
	DigestSchedules(ctx context.Context) ([]appeal.DigestSchedule, error)
	SetDigestSchedule(ctx context.Context, ds appeal.DigestSchedule) error
	ClaimDigest(ctx context.Context, d appeal.DigestRun, msgs []appeal.Message) (bool, error)
	DigestRuns(ctx context.Context, dept string, n int) ([]appeal.DigestRun, error)
	DepartmentGrants(ctx context.Context, code string, role appeal.Role) ([]appeal.Grant, error)
}

// nowPeriod is the period of a digest asked for with /digest now.
const nowPeriod = 24 * time.Hour

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

// nextRun says when d's digest of kind next goes out under spec after
// now, in loc: on the working days of d's calendar for a daily digest.
func (h *Handler) nextRun(ctx context.Context, d appeal.Department, kind appeal.DigestKind, spec string, loc *time.Location, now time.Time) (string, error) {
	s, _, err := digest.ParseSpec(spec)
	if err != nil {
		return "?", nil
	}
	cal, err := h.svc.Calendar(ctx, d)
	if err != nil {
		return "", err
	}
	next := digest.Schedule(s, kind, cal).Next(now.In(loc))
	if next.IsZero() {
		return "—", nil
	}
	return render.Time(next, loc), nil
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
	spec := unquote(render.OneLine(c.args.rest()))
	if spec == "" {
		return Reply{}, c.bad(render.MsgDigestNeedSpec, nil)
	}
	_, tidy, err := digest.ParseSpec(spec)
	if err != nil {
		// The spec without the quotes it may have come in: the reply
		// quotes it itself.
		arg, _ := render.Cut(spec, 40)
		return Reply{}, c.bad(render.MsgDigestBadSpec, kv{"arg": arg, "err": render.HTML(render.ScheduleProblem(c.lang, err))})
	}
	if err := c.h.store.SetDigestSchedule(ctx, appeal.DigestSchedule{Department: d.Code, Kind: kind, Spec: tidy, UpdatedAt: c.now}); err != nil {
		return Reply{}, err
	}
	loc := c.h.render.Location(ctx, d.Code)
	next, err := c.h.nextRun(ctx, d, kind, tidy, loc, c.now)
	if err != nil {
		return Reply{}, err
	}
	return reply("✅ " + tr(c.lang, render.MsgDigestScheduleSet, kv{"kind": render.DigestKindName(c.lang, kind),
		"dept": c.h.render.DeptName(ctx, d.Code), "spec": tidy, "zone": loc.String(), "next": next})), nil
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
			return d, c.bad(render.MsgDigestWhich, nil)
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
		return d, c.refuse(render.MsgDigestNotLeader, kv{"dept": c.h.render.DeptName(ctx, d.Code)})
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
		return Reply{}, c.refuse(render.MsgDigestTooSoon, kv{"dept": c.h.render.DeptName(ctx, d.Code)})
	}
	return reply("📊 " + tr(c.lang, render.MsgDigestQueued, kv{"dept": c.h.render.DeptName(ctx, d.Code)})), nil
}

func (c *call) digestShow(ctx context.Context) (Reply, error) {
	d, err := c.digestDept(ctx)
	if err != nil {
		return Reply{}, err
	}
	loc := c.h.render.Location(ctx, d.Code)
	lines := []string{"🗓 " + tr(c.lang, render.MsgDigestShowTitle, kv{"dept": c.h.render.DeptName(ctx, d.Code), "zone": loc.String()})}
	for _, kind := range []appeal.DigestKind{appeal.DigestDaily, appeal.DigestWeekly} {
		spec, def, err := c.h.digestSpec(ctx, d.Code, kind)
		if err != nil {
			return Reply{}, err
		}
		mark := ""
		if def {
			mark = tr(c.lang, render.MsgDigestDefault, nil)
		}
		next, err := c.h.nextRun(ctx, d, kind, spec, loc, c.now)
		if err != nil {
			return Reply{}, err
		}
		lines = append(lines, tr(c.lang, render.MsgDigestShowLine, kv{"kind": render.DigestKindName(c.lang, kind),
			"spec": spec, "def": mark, "next": next}))
	}
	leaders, err := c.h.store.DepartmentGrants(ctx, d.Code, appeal.RoleLeader)
	if err != nil {
		return Reply{}, err
	}
	if len(leaders) == 0 {
		lines = append(lines, tr(c.lang, render.MsgDigestNoLeaders, kv{"code": d.Code}))
	}
	runs, err := c.h.store.DigestRuns(ctx, d.Code, 20)
	if err != nil {
		return Reply{}, err
	}
	last := ""
	for _, r := range runs {
		if r.Kind.Scheduled() {
			last = tr(c.lang, render.MsgDigestLastSent, kv{"kind": render.DigestKindName(c.lang, r.Kind),
				"from": render.ShortTime(r.From, loc), "to": render.ShortTime(r.To, loc)})
			break
		}
	}
	if last == "" {
		last = tr(c.lang, render.MsgDigestNeverSent, nil)
	}
	lines = append(lines, last)
	return reply(strings.Join(lines, "\n")), nil
}
