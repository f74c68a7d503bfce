// Package reminders runs the reminder scan: on a cron schedule it takes the
// appeals whose next_action_at is due and moves each up the ladder of its
// status (appeal.Ladder; appeal.Remind decides), to its next reminder,
// escalation or repeat. Storage records each stage under a unique key in
// the transaction that enqueues its message, so a stage is sent once
// however many scanners run and however often they restart.
package reminders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/appealbot/appealbot/appeal"
)

// DefaultSchedule scans every minute.
const DefaultSchedule = "* * * * *"

// DefaultBatch is how many due appeals one transaction handles; the
// messages of a batch are merged per recipient.
const DefaultBatch = 500

// Store is what the scanner needs from storage.
type Store interface {
	ScanReminders(ctx context.Context, now time.Time, n int, plan func([]appeal.Due) appeal.ReminderPlan) (int, error)
}

// Options configure a Scanner; zero values take the defaults.
type Options struct {
	Policy appeal.ReminderPolicy
	// Schedule is a cron expression (five fields, or a descriptor such as
	// "@every 30s").
	Schedule string
	Batch    int
	// Observe, when set, is told of every scheduled scan: how long it
	// took, how many appeals it looked at and its error.
	Observe func(took time.Duration, appeals int, err error)
	// Calendars give the working time the ladders count in (repeats,
	// quiet hours); the zero value is the default office week.
	Calendars appeal.Calendars
	// Timezone is dispatch's time zone, that of departments created
	// without one; empty is UTC.
	Timezone string
}

// Scanner is the reminder scan.
type Scanner struct {
	store    Store
	policy   appeal.ReminderPolicy
	schedule cron.Schedule
	batch    int
	observe  func(took time.Duration, appeals int, err error)
	cals     appeal.Calendars
	dispatch *time.Location
	now      func() time.Time
	log      *slog.Logger
}

// New returns a scanner over store with clock now. It fails on a schedule
// or policy that cannot work.
func New(store Store, opts Options, now func() time.Time, log *slog.Logger) (*Scanner, error) {
	if opts.Schedule == "" {
		opts.Schedule = DefaultSchedule
	}
	sched, err := cron.ParseStandard(opts.Schedule)
	if err != nil {
		return nil, fmt.Errorf("reminders: schedule %q: %w", opts.Schedule, err)
	}
	if opts.Policy == (appeal.ReminderPolicy{}) {
		opts.Policy = appeal.DefaultReminders
	}
	if err := opts.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("reminders: %w", err)
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	dispatch, err := appeal.Zone(opts.Timezone)
	if err != nil {
		return nil, fmt.Errorf("reminders: timezone %q: %w", opts.Timezone, err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scanner{store: store, policy: opts.Policy, schedule: sched, batch: opts.Batch, observe: opts.Observe,
		cals: opts.Calendars, dispatch: dispatch, now: now, log: log}, nil
}

// maxConflicts is how many batches in a row may collide with a stage
// already recorded before a scan gives up until its next run.
const maxConflicts = 3

// Scan moves every appeal due at now to its next stage, batch after batch
// until nothing is due, and returns how many appeals it looked at. Each
// batch is one transaction; a batch that collides with a stage recorded
// meanwhile (another scanner) is rolled back and taken again.
func (s *Scanner) Scan(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC().Truncate(time.Microsecond)
	total, conflicts := 0, 0
	// The holidays are read once a scan, before any batch: the plan runs
	// inside the batch's transaction and must not read.
	cals, err := s.cals.Snapshot(ctx)
	if err != nil {
		return 0, fmt.Errorf("reminders: scan: %w", err)
	}
	byZone := map[*time.Location]appeal.Calendar{}
	calendar := func(loc *time.Location) appeal.Calendar {
		c, ok := byZone[loc]
		if !ok {
			// A zone the store gave cannot be unknown; keep the zone
			// with the default week should it be.
			if c, err = cals.In(ctx, loc); err != nil {
				c = appeal.DefaultCalendar(loc)
			}
			byZone[loc] = c
		}
		return c
	}
	plan := func(batch []appeal.Due) appeal.ReminderPlan {
		for i := range batch {
			loc := batch[i].Location
			if loc == nil {
				loc = s.dispatch
			}
			batch[i].Clocks = appeal.Clocks{Department: calendar(loc), Dispatch: calendar(s.dispatch)}
		}
		return appeal.PlanReminders(batch, s.policy, now)
	}
	for {
		n, err := s.store.ScanReminders(ctx, now, s.batch, plan)
		if errors.Is(err, appeal.ErrConflict) && conflicts < maxConflicts {
			conflicts++
			s.log.Warn("reminders: batch collided with a recorded stage; taking it again", "err", err)
			continue
		}
		if err != nil {
			return total, fmt.Errorf("reminders: scan: %w", err)
		}
		conflicts = 0
		total += n
		if n == 0 {
			return total, nil
		}
	}
}

// Run scans once at once, to catch up on what fell due while no scanner
// ran, then on the schedule until ctx ends. A failed scan is logged and
// the next run tries again.
func (s *Scanner) Run(ctx context.Context) error {
	scan := func() {
		start := s.now()
		n, err := s.Scan(ctx, start)
		if s.observe != nil {
			s.observe(s.now().Sub(start), n, err)
		}
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("reminders: scan failed", "err", err)
			}
			return
		}
		if n > 0 {
			s.log.Info("reminders: scanned", "appeals", n, "took_ms", s.now().Sub(start).Milliseconds())
		}
	}
	scan()
	c := cron.New(cron.WithLocation(time.UTC))
	// SkipIfStillRunning: a slow scan is not overtaken by the next one.
	c.Schedule(s.schedule, cron.NewChain(cron.SkipIfStillRunning(cron.DiscardLogger)).Then(cron.FuncJob(scan)))
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}
