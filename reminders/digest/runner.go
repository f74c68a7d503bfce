package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/appealbot/appealbot/appeal"
)

// Store is what the runner needs from storage.
type Store interface {
	Departments(ctx context.Context) ([]appeal.Department, error)
	DigestSchedules(ctx context.Context) ([]appeal.DigestSchedule, error)
	// DepartmentGrants lists who holds role in a department, and since when.
	DepartmentGrants(ctx context.Context, code string, role appeal.Role) ([]appeal.Grant, error)
	// ClaimDigest records the digest and queues its messages in one
	// transaction; false when that digest was recorded already.
	ClaimDigest(ctx context.Context, d appeal.DigestRun, msgs []appeal.Message) (bool, error)
}

// Options tune the runner; zero values take the defaults.
type Options struct {
	// Daily and Weekly are the schedules of departments that set none
	// (APPEALBOT_DIGEST_SCHEDULE, APPEALBOT_WEEKLY_DIGEST_SCHEDULE).
	// Defaults DefaultDaily and DefaultWeekly.
	Daily, Weekly string
	// Reload is how often schedules are read again (a /digest set takes
	// effect within it) and due digests checked besides the cron jobs'
	// own times. Default 1 minute.
	Reload time.Duration
	// Calendars give each department's working days, which daily digests
	// keep to (see Schedule); nil is the office week without holidays.
	Calendars appeal.CalendarSource
}

// Runner queues each department's scheduled digests to its leaders, once
// per period. Run it under a lease in one instance at a time; even so, the
// store's unique key keeps two runners (or one restarted) from sending a
// period twice.
type Runner struct {
	store         Store
	now           func() time.Time
	log           *slog.Logger
	opts          Options
	daily, weekly cron.Schedule

	mu sync.Mutex // serialises SendDue
	// done remembers the digests this runner queued or found queued, so
	// that each minute's check does not ask the database again.
	done map[runKey]time.Time
}

type runKey struct {
	dept string
	kind appeal.DigestKind
	from time.Time
}

// New returns a runner; it fails when a default schedule does not parse.
func New(store Store, now func() time.Time, log *slog.Logger, opts Options) (*Runner, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Daily == "" {
		opts.Daily = DefaultDaily
	}
	if opts.Weekly == "" {
		opts.Weekly = DefaultWeekly
	}
	if opts.Reload <= 0 {
		opts.Reload = time.Minute
	}
	var daily, weekly cron.Schedule
	var err1, err2 error
	spec := func(kind, s string) (cron.Schedule, string, error) {
		sched, tidy, err := ParseSpec(s)
		if err != nil {
			err = fmt.Errorf("default %s schedule %q: %w", kind, s, err)
		}
		return sched, tidy, err
	}
	daily, opts.Daily, err1 = spec("daily", opts.Daily)
	weekly, opts.Weekly, err2 = spec("weekly", opts.Weekly)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	return &Runner{store: store, now: now, log: log, opts: opts, daily: daily, weekly: weekly, done: map[runKey]time.Time{}}, nil
}

// job is one department's schedule of one kind.
type job struct {
	dept  string
	kind  appeal.DigestKind
	spec  string
	sched cron.Schedule
	loc   *time.Location
	// created is when the department was created; days is its calendar's
	// holidays and make-up days, to tell when the plan changed.
	created time.Time
	days    string
}

// plan reads every department's schedules.
func (r *Runner) plan(ctx context.Context) ([]job, error) {
	ds, err := r.store.Departments(ctx)
	if err != nil {
		return nil, err
	}
	ss, err := r.store.DigestSchedules(ctx)
	if err != nil {
		return nil, err
	}
	set := map[string]string{}
	for _, s := range ss {
		set[s.Department+"/"+string(s.Kind)] = s.Spec
	}
	var jobs []job
	for _, d := range ds {
		loc, err := appeal.Zone(d.Timezone)
		if err != nil {
			loc = time.UTC
		}
		cal := appeal.DefaultCalendar(loc)
		if r.opts.Calendars != nil {
			if cal, err = r.opts.Calendars.Calendar(ctx, d); err != nil {
				return nil, err
			}
		}
		days := fmt.Sprint(cal.Weekdays, cal.Holidays, cal.Workdays)
		for _, kind := range []appeal.DigestKind{appeal.DigestDaily, appeal.DigestWeekly} {
			j := job{dept: d.Code, kind: kind, loc: loc, spec: r.opts.Daily, sched: r.daily, created: d.CreatedAt, days: days}
			if kind == appeal.DigestWeekly {
				j.spec, j.sched = r.opts.Weekly, r.weekly
			}
			if spec, ok := set[d.Code+"/"+string(kind)]; ok {
				sched, tidy, err := ParseSpec(spec)
				if err != nil {
					r.log.Warn("digest: stored schedule does not parse; using the default", "department", d.Code,
						"kind", string(kind), "spec", spec, "err", err)
				} else {
					j.spec, j.sched = tidy, sched
				}
			}
			j.sched = Schedule(j.sched, kind, cal)
			jobs = append(jobs, j)
		}
	}
	return jobs, nil
}

// Messages are the messages of one digest to a department's leaders: the
// text, then the chart.
func Messages(to appeal.Recipient, dept string, kind appeal.DigestKind, from, until time.Time) []appeal.Message {
	args := map[string]string{
		appeal.ArgDigestDept: dept, appeal.ArgDigestKind: string(kind),
		appeal.ArgDigestFrom: from.UTC().Format(time.RFC3339Nano), appeal.ArgDigestTo: until.UTC().Format(time.RFC3339Nano),
	}
	chartArgs := make(map[string]string, len(args))
	for k, v := range args {
		chartArgs[k] = v
	}
	return []appeal.Message{
		{Kind: appeal.MsgDigest, To: to, Args: args},
		{Kind: appeal.MsgDigestChart, To: to, Args: chartArgs},
	}
}

// SendDue queues every scheduled digest due at now (see Due) that is not
// queued yet, and returns how many it queued. A digest whose period ended
// before its department was created, or before any of its leaders became
// one, is not sent: it would report on nothing anyone was there for (and a
// department without leaders is checked again next time). It stops at
// the first error of the database; what it queued before stays queued.
func (r *Runner) SendDue(ctx context.Context, now time.Time) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	jobs, err := r.plan(ctx)
	if err != nil {
		return 0, fmt.Errorf("digest: %w", err)
	}
	for k, at := range r.done {
		if now.Sub(at) > 2*CatchUp {
			delete(r.done, k)
		}
	}
	queued := 0
	for _, j := range jobs {
		at, from, to, ok := Due(j.sched, j.kind, j.loc, now)
		if !ok {
			continue
		}
		key := runKey{j.dept, j.kind, from.UTC()}
		if _, seen := r.done[key]; seen {
			continue
		}
		if !to.After(j.created) {
			continue
		}
		grants, err := r.store.DepartmentGrants(ctx, j.dept, appeal.RoleLeader)
		if err != nil {
			return queued, fmt.Errorf("digest: %w", err)
		}
		leaders := 0
		for _, g := range grants {
			if g.Since.IsZero() || g.Since.Before(to) {
				leaders++
			}
		}
		if leaders == 0 {
			continue
		}
		run := appeal.DigestRun{Department: j.dept, Kind: j.kind, From: from, To: to, At: now}
		msgs := Messages(appeal.Recipient{Kind: appeal.ToLeaders, Ref: j.dept}, j.dept, j.kind, from, to)
		claimed, err := r.store.ClaimDigest(ctx, run, msgs)
		if err != nil {
			return queued, fmt.Errorf("digest: %w", err)
		}
		r.done[key] = at
		if claimed {
			queued++
			r.log.Info("digest: queued", "department", j.dept, "kind", string(j.kind),
				"from", from, "to", to, "scheduled", at, "leaders", leaders)
		}
	}
	return queued, nil
}

// zoned runs a schedule in a department's zone.
type zoned struct {
	s   cron.Schedule
	loc *time.Location
}

func (z zoned) Next(t time.Time) time.Time { return z.s.Next(t.In(z.loc)) }

// signature identifies a plan, to tell when schedules changed.
func signature(jobs []job) string {
	var b strings.Builder
	for _, j := range jobs {
		fmt.Fprintf(&b, "%s/%s/%s/%s/%s;", j.dept, j.kind, j.spec, j.loc, j.days)
	}
	return b.String()
}

// Run sends digests until ctx ends: a robfig/cron job per department and
// kind fires at the schedule's times, and every Reload the schedules are
// read again (the jobs are rebuilt when they changed) and due digests are
// checked, which also catches up at start on digests missed while no
// instance ran (within CatchUp).
func (r *Runner) Run(ctx context.Context) error {
	check := func() {
		if _, err := r.SendDue(ctx, r.now()); err != nil && ctx.Err() == nil {
			r.log.Error("digest: send due", "err", err)
		}
	}
	var c *cron.Cron
	stop := func() {
		if c != nil {
			<-c.Stop().Done()
			c = nil
		}
	}
	defer stop()
	sig := ""
	t := time.NewTicker(r.opts.Reload)
	defer t.Stop()
	for {
		jobs, err := r.plan(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.log.Error("digest: read schedules", "err", err)
		} else if s := signature(jobs); s != sig {
			stop()
			sig = s
			c = cron.New(cron.WithLocation(time.UTC))
			for _, j := range jobs {
				c.Schedule(zoned{j.sched, j.loc}, cron.FuncJob(check))
			}
			c.Start()
			r.log.Debug("digest: schedules loaded", "jobs", len(jobs))
		}
		check()
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
