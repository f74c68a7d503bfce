package appeal

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors shared with the store, so that callers can tell what went
// wrong without knowing which store is in use.
var (
	// ErrNotFound: the appeal, department or member does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the write collides with something already stored.
	ErrConflict = errors.New("conflict")
	// ErrUnavailable: the store did not answer (its server restarting or
	// out of reach); the same call may succeed later.
	ErrUnavailable = errors.New("store unavailable")
)

// Filter selects appeals for a listing, newest first, or, with
// UpdatedSince or After set, by the time of their last change, oldest
// first.
type Filter struct {
	Status     Status
	Department string
	// Before is the keyset cursor: only appeals with a smaller ID.
	Before ID
	Limit  int

	// UpdatedSince lists the appeals changed at or after it.
	UpdatedSince time.Time
	// After is the keyset cursor of that listing: only appeals changed
	// after it (a later time, or the same time and a larger ID).
	After Position
	// UpdatedBefore, when set, leaves out appeals changed at or after it.
	UpdatedBefore time.Time
}

// Changed reports whether f lists by the time of the last change.
func (f Filter) Changed() bool { return !f.UpdatedSince.IsZero() || !f.After.At.IsZero() }

// Position is a place in the listing of appeals by the time of their last
// change: the appeal's UpdatedAt and ID.
type Position struct {
	At time.Time
	ID ID
}

// Store is what the service needs from storage. Every write of an appeal is
// one transaction that also writes its events and outbound messages.
type Store interface {
	// CreateAppeal inserts a new appeal with its events and messages. When an
	// appeal with the same source and external id exists it returns that one
	// and created false, writing nothing.
	CreateAppeal(ctx context.Context, a Appeal, events []Event, msgs []Message) (stored Appeal, created bool, err error)
	// UpdateAppeal locks the appeal, calls fn with it and its pending answer
	// (nil when none) and writes the change fn returns, all in one
	// transaction. An error from fn rolls everything back and is returned.
	UpdateAppeal(ctx context.Context, id ID, fn func(a Appeal, pending *Answer) (Change, error)) (Appeal, error)
	// Appeal returns one appeal with its answers.
	Appeal(ctx context.Context, id ID) (Appeal, error)
	Appeals(ctx context.Context, f Filter) ([]Appeal, error)
	Events(ctx context.Context, id ID) ([]Event, error)
	// Feedback returns the verdicts recorded on appeal id, oldest first.
	Feedback(ctx context.Context, id ID) ([]Feedback, error)
	Department(ctx context.Context, code string) (Department, error)
	Departments(ctx context.Context) ([]Department, error)
	// SaveDepartment creates the department or replaces its settings.
	SaveDepartment(ctx context.Context, d Department) (Department, error)
	// StagesDone returns what the reminder scan recorded of appeal id's
	// stages (see Done).
	StagesDone(ctx context.Context, id ID) (Done, error)
	// Routes returns the routing catalogue in order.
	Routes(ctx context.Context) ([]Rule, error)
	// UpdateRoutes reads the catalogue, calls fn with it and stores what
	// fn returns in its place, in one transaction no other change of the
	// catalogue interleaves with; fn must not use the store.
	UpdateRoutes(ctx context.Context, fn func([]Rule) ([]Rule, error)) error
	// RecentOpen returns the texts of the newest limit appeals created
	// at or after since that are not closed, bodies cut to SimilarBody.
	RecentOpen(ctx context.Context, since time.Time, limit int) ([]Appeal, error)
}

// Service carries out what people and upstream systems ask of appeals.
type Service struct {
	store           Store
	now             func() time.Time
	defaultTimezone string
	calendars       CalendarSource
	reminders       ReminderPolicy
	process         Process
	// checkCallback judges where a callback URL leads; nil takes any
	// URL that Validate accepts.
	checkCallback func(url string) error
	// suggester is the learned router (nil: none); autoroute the
	// confidence from which intake assigns by it (0: never).
	suggester Suggester
	autoroute float64
	// callbackEvents are the events posted to the callback URL of an
	// intake that names none; nil: "answered" only.
	callbackEvents []string
	// urgeInterval is the least time between two urges of one appeal.
	urgeInterval time.Duration
	// attachments bound the photos of an answer and the links of an
	// intake.
	attachments AttachmentLimits
}

// WithAttachmentLimits sets the limits of attachments (the defaults
// without it).
func WithAttachmentLimits(l AttachmentLimits) Option {
	return func(s *Service) { s.attachments = l.orDefault() }
}

// AttachmentLimits are the limits the service keeps attachments to.
func (s *Service) AttachmentLimits() AttachmentLimits { return s.attachments.orDefault() }

// Option configures a Service.
type Option func(*Service)

// WithCalendars makes the service compute deadlines in the calendars src
// gives. Without it every department works the default office week
// (Monday to Friday, 09:00–12:00 and 13:30–18:00) in its own time zone,
// without holidays.
func WithCalendars(src CalendarSource) Option {
	return func(s *Service) { s.calendars = src }
}

// WithCallbackCheck makes intake refuse a callback URL that check refuses
// (a FieldError on callback_url, code "not_allowed", with check's reason).
// The domain only calls it: what may be reached, and how names resolve,
// is the caller's business.
func WithCallbackCheck(check func(url string) error) Option {
	return func(s *Service) { s.checkCallback = check }
}

// WithCallbackEvents sets the events posted to the callback URL of an
// appeal whose intake names none (see ParseCallbackEvents); without it,
// only "answered". The list is stored with each appeal, so an appeal keeps
// what it was promised when the setting changes.
func WithCallbackEvents(names []string) Option {
	return func(s *Service) { s.callbackEvents = names }
}

// WithUrgeInterval sets the least time between two urges of one appeal
// (DefaultUrgeInterval without it; 0 allows every urge).
func WithUrgeInterval(d time.Duration) Option {
	return func(s *Service) { s.urgeInterval = d }
}

// SetReminders sets the reminder policy from which transitions compute an
// appeal's next_action_at and its dispatch and decision deadlines
// (DefaultReminders until called). Call it before the service is used.
func (s *Service) SetReminders(p ReminderPolicy) { s.reminders = p }

// Process are the limits the service keeps on the 12345 loop.
type Process struct {
	// BounceLimit is how many returns and transfers an appeal may have;
	// the next one waits for supervision's ruling. Zero: no limit.
	BounceLimit int
	// ExtensionCap is the most time extensions may add to an appeal over
	// its life, counted in working time in its department's calendar.
	// The zero span: no cap.
	ExtensionCap Span
}

// DefaultProcess follows 12345 practice: an appeal bounces twice at most
// before supervision rules, and gets at most ten working days more.
var DefaultProcess = Process{BounceLimit: 2, ExtensionCap: WorkingDaysSpan(10)}

// SetProcess sets the limits of the loop (DefaultProcess until called).
// Call it before the service is used.
func (s *Service) SetProcess(p Process) { s.process = p }

// DispatchCalendar is the calendar dispatch works in: the shared working
// time in the default time zone.
func (s *Service) DispatchCalendar(ctx context.Context) (Calendar, error) {
	return s.calendars.Calendar(ctx, Department{Timezone: s.defaultTimezone})
}

// NewService returns a service over store. now is the clock; defaultTimezone
// is given to departments created without one.
func NewService(store Store, now func() time.Time, defaultTimezone string, opts ...Option) *Service {
	s := &Service{store: store, now: now, defaultTimezone: defaultTimezone, calendars: Calendars{},
		urgeInterval: DefaultUrgeInterval, process: DefaultProcess}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Calendar returns the working-time calendar of department d.
func (s *Service) Calendar(ctx context.Context, d Department) (Calendar, error) {
	return s.calendars.Calendar(ctx, d)
}

// Now returns the service's current time, truncated to what storage keeps.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Intake validates an appeal from upstream and stores it durably. An appeal
// for an unknown or missing department is stored unassigned, for dispatch;
// handing in the same source and external id again returns the stored appeal
// with created false.
func (s *Service) Intake(ctx context.Context, in Intake) (Appeal, bool, error) {
	now := s.Now()
	in = in.Normalize(now)
	in.MaxAttachments = s.AttachmentLimits().MaxCount
	if err := in.Validate(now); err != nil {
		return Appeal{}, false, err
	}
	if s.checkCallback != nil && in.CallbackURL != "" {
		if err := s.checkCallback(in.CallbackURL); err != nil {
			return Appeal{}, false, &FieldError{"callback_url", "not_allowed", "is refused: " + err.Error() +
				"; answers are posted only to public addresses and to those the operator allows"}
		}
	}
	in.ReceivedAt = in.ReceivedAt.UTC().Truncate(time.Microsecond)
	if in.CallbackURL != "" && in.CallbackEvents == nil {
		in.CallbackEvents = s.callbackEvents
	}
	var dept *Department
	if code, ok := NormalizeCode(in.Department); ok {
		d, err := s.store.Department(ctx, code)
		switch {
		case err == nil:
			dept = &d
		case !errors.Is(err, ErrNotFound):
			return Appeal{}, false, fmt.Errorf("intake: %w", err)
		}
	}
	via := ""
	if dept == nil {
		d, rule, err := s.routeByRule(ctx, in)
		if err != nil {
			return Appeal{}, false, fmt.Errorf("intake: %w", err)
		}
		if d != nil {
			dept, via = d, RuleActor(rule)
		}
	}
	note := ""
	if dept == nil {
		d, pct, err := s.routeByModel(ctx, in)
		if err != nil {
			return Appeal{}, false, fmt.Errorf("intake: %w", err)
		}
		if d != nil {
			dept, via, note = d, RouterActor, pct
		}
	}
	var clocks Clocks
	var err error
	if dept != nil {
		clocks.Department, err = s.calendars.Calendar(ctx, *dept)
	} else {
		clocks.Dispatch, err = s.DispatchCalendar(ctx)
	}
	if err != nil {
		return Appeal{}, false, fmt.Errorf("intake: %w", err)
	}
	a, events, msgs := NewAppeal(in, dept, in.Department, clocks.Department, now)
	if dept == nil {
		startDispatch(&a, s.reminders.DispatchBy(now, clocks.Dispatch), now)
	}
	a.NextActionAt = NextAction(a, Done{}, s.reminders, clocks)
	for i := range events {
		if events[i].Kind == EventAssigned {
			events[i].Via = via
			if note != "" {
				events[i].Note = note
			}
		}
	}
	stored, created, err := s.store.CreateAppeal(ctx, a, events, msgs)
	if err != nil {
		return Appeal{}, false, fmt.Errorf("intake: %w", err)
	}
	return stored, created, nil
}

// Urge records a citizen's urge (催办) of appeal id with their note (see
// Urge for what it does and refuses).
func (s *Service) Urge(ctx context.Context, id ID, note string) (Appeal, error) {
	now := s.Now()
	return s.store.UpdateAppeal(ctx, id, func(a Appeal, _ *Answer) (Change, error) {
		return Urge(a, note, now, s.urgeInterval)
	})
}

// Appeal returns an appeal with its answers and its event log.
func (s *Service) Appeal(ctx context.Context, id ID) (Appeal, []Event, error) {
	a, err := s.store.Appeal(ctx, id)
	if err != nil {
		return Appeal{}, nil, err
	}
	events, err := s.store.Events(ctx, id)
	if err != nil {
		return Appeal{}, nil, err
	}
	return a, events, nil
}

// Appeals lists appeals matching f.
func (s *Service) Appeals(ctx context.Context, f Filter) ([]Appeal, error) {
	return s.store.Appeals(ctx, f)
}

// Departments lists every department.
func (s *Service) Departments(ctx context.Context) ([]Department, error) {
	return s.store.Departments(ctx)
}

// SaveDepartment creates or updates a department after checking its code,
// name, timezone and policy.
func (s *Service) SaveDepartment(ctx context.Context, d Department) (Department, error) {
	code, ok := NormalizeCode(d.Code)
	if !ok {
		return Department{}, &FieldError{"code", "invalid", "must be 1–32 letters, digits, '_' or '-', starting with a letter or digit"}
	}
	d.Code = code
	if err := checkText("name", d.Name, true, 100); err != nil {
		return Department{}, err
	}
	if d.Timezone == "" {
		d.Timezone = s.defaultTimezone
	}
	if _, err := Zone(d.Timezone); err != nil {
		return Department{}, &FieldError{"timezone", "invalid", "is not a known IANA timezone"}
	}
	if d.SLA == (Policy{}) {
		d.SLA = DefaultPolicy
	}
	if err := d.SLA.Validate(); err != nil {
		return Department{}, &FieldError{"sla", "invalid", err.Error()}
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = s.Now()
	}
	return s.store.SaveDepartment(ctx, d)
}

// Act applies cmd to appeal id. It fills in what the state machine needs
// from the departments involved: new deadlines for assign, transfer and
// reopen, moved deadlines for an approved extension (in the calendar of the
// department that holds the appeal), whether answers need approval, and
// what the appeal's ladder needs (see ladderCommand).
func (s *Service) Act(ctx context.Context, id ID, cmd Command) (Appeal, error) {
	if cmd.Department != "" {
		code, ok := NormalizeCode(cmd.Department)
		if !ok {
			return Appeal{}, fmt.Errorf("%w: department %q", ErrNotFound, cmd.Department)
		}
		cmd.Department = code
	}
	// Department settings are read before the appeal is locked: a store
	// may serialise all writes on one connection, so nothing may be read
	// from inside fn. If the appeal moved meanwhile, fn notices and we retry.
	for attempt := 0; ; attempt++ {
		cur, err := s.store.Appeal(ctx, id)
		if err != nil {
			return Appeal{}, err
		}
		target := cmd.Department
		switch {
		case cmd.Action == ActAssign, cmd.Action == ActTransfer && !cmd.Review:
		case cmd.Action == ActApproveReview && cur.Review != nil && cur.Review.Kind == HandoffTransfer:
			// Approved, the transfer goes to the department it named.
			target = cur.Review.To
		default:
			// The department that has the appeal: its calendar counts
			// the decision deadline and the repeats.
			target = cur.Department
		}
		if cmd.Action == ActTransfer && target != cmd.Department {
			// A transfer that waits for review must name a department
			// that exists when it is asked for, not only when approved.
			if _, err := s.store.Department(ctx, cmd.Department); err != nil {
				return Appeal{}, fmt.Errorf("department %q: %w", cmd.Department, err)
			}
		}
		var dept *Department
		if target != "" {
			d, err := s.store.Department(ctx, target)
			if err != nil {
				return Appeal{}, fmt.Errorf("department %q: %w", target, err)
			}
			dept = &d
		}
		now := s.Now()
		c := cmd
		lc, cal, err := s.ladderCommand(ctx, cur, dept, now)
		if err != nil {
			return Appeal{}, err
		}
		c.Deadlines, c.Reminders, c.Clocks, c.Done = lc.Deadlines, lc.Reminders, lc.Clocks, lc.Done
		if dept != nil {
			if cmd.Action == ActApproveExtension && cur.Extension != nil {
				// The extension counts from the old deadlines, not from
				// now: a late approval must not eat the time granted.
				c.Deadlines.AnswerBy = cal.Add(cur.Deadlines.AnswerBy, cur.Extension.Span).UTC()
				c.Deadlines.ResolveBy = cal.Add(cur.Deadlines.ResolveBy, cur.Extension.Span).UTC()
			}
			c.RequireApproval = dept.ApproveAnswers
			if cmd.Action == ActRequestExtension && !cur.Deadlines.AnswerBy.IsZero() {
				// What a request costs and what the cap allows are both
				// working time of the department's calendar, whatever the
				// unit asked in.
				by := cur.Deadlines.AnswerBy
				c.ExtensionCost = cal.WorkingDuration(by, cal.Add(by, cmd.Extension))
				if s.process.ExtensionCap != (Span{}) {
					c.ExtensionCap = cal.WorkingDuration(by, cal.Add(by, s.process.ExtensionCap))
					c.CapSpan = s.process.ExtensionCap
					c.WorkDay = cal.WorkingDuration(by, cal.Add(by, WorkingDaysSpan(1)))
				}
			}
			c.DispatchExtensions = dept.DispatchExtensions
		}
		c.BounceLimit = s.process.BounceLimit
		c.AttachmentLimits = s.AttachmentLimits()
		a, err := s.store.UpdateAppeal(ctx, id, func(a Appeal, pending *Answer) (Change, error) {
			if a.Department != cur.Department || (cmd.Action == ActApproveExtension && !sameExtension(a.Extension, cur.Extension)) ||
				(cmd.Action == ActApproveReview && !sameHandoff(a.Review, cur.Review)) {
				return Change{}, errMoved
			}
			return Transition(a, pending, c, now)
		})
		if errors.Is(err, errMoved) && attempt < 3 {
			continue
		}
		return a, err
	}
}

var errMoved = errors.New("appeal moved to another department meanwhile")

// ladderCommand is what a transition of cur at now needs for the ladder of
// wherever it leads: the deadlines dept's policy gives from now (with the
// decision deadline in dept's calendar) and dispatch's, the calendars, and
// what the reminder scan recorded of cur. dept is the department that has
// or gets the appeal, nil for none; cal is its calendar.
func (s *Service) ladderCommand(ctx context.Context, cur Appeal, dept *Department, now time.Time) (Command, Calendar, error) {
	var c Command
	var err error
	c.Reminders = s.reminders
	cals := s.calendars
	if cs, ok := cals.(Calendars); ok {
		// Two calendars, one read of the holidays.
		if cals, err = cs.Snapshot(ctx); err != nil {
			return Command{}, Calendar{}, err
		}
	}
	if c.Clocks.Dispatch, err = cals.Calendar(ctx, Department{Timezone: s.defaultTimezone}); err != nil {
		return Command{}, Calendar{}, err
	}
	c.Deadlines.DispatchBy = s.reminders.DispatchBy(now, c.Clocks.Dispatch)
	if dept != nil {
		if c.Clocks.Department, err = cals.Calendar(ctx, *dept); err != nil {
			return Command{}, Calendar{}, fmt.Errorf("department %q: %w", dept.Code, err)
		}
		sla := dept.SLA.Deadlines(cur.Priority, now, c.Clocks.Department)
		c.Deadlines.ClaimBy, c.Deadlines.AnswerBy, c.Deadlines.ResolveBy = sla.ClaimBy, sla.AnswerBy, sla.ResolveBy
		c.Deadlines.DecideBy = s.reminders.DecideBy(now, c.Clocks.Department)
	}
	if c.Done, err = s.store.StagesDone(ctx, cur.ID); err != nil {
		return Command{}, Calendar{}, err
	}
	return c, c.Clocks.Department, nil
}

// sameHandoff reports whether a and b are the same pending review, so that
// deadlines computed for one transfer are not applied to another.
func sameHandoff(a, b *Handoff) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// sameExtension reports whether a and b are the same pending request, so
// that deadlines computed from one are not applied to another.
func sameExtension(a, b *Extension) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
