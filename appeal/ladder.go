package appeal

import (
	"slices"
	"time"
)

// Stage is one reminder or escalation in an appeal's life. Each is recorded
// once per round: the moment the clock it runs on started (see Deadline),
// so a transfer, a return or a reopen starts the stages of the new status
// afresh, and each repeat of the chase is a round of its own.
type Stage string

// Stages of the ladder, grouped by the deadline they are measured against.
const (
	// StageDispatchNudge reminds the dispatch chat of an appeal waiting
	// for a department, NudgeShare of the way to its dispatch deadline.
	StageDispatchNudge Stage = "dispatch_nudge"
	// StageDispatchOverdue escalates to supervision at the dispatch
	// deadline.
	StageDispatchOverdue Stage = "dispatch_overdue"
	// StageClaimNudge nudges the department chat after NudgeShare of the
	// claim time.
	StageClaimNudge Stage = "claim_nudge"
	// StageClaimOverdue escalates to the leaders at the claim deadline.
	StageClaimOverdue Stage = "claim_overdue"
	// StageAnswer50 and StageAnswer80 remind the assignee in the department
	// chat at 50% and 80% of the answer time.
	StageAnswer50 Stage = "answer_50"
	StageAnswer80 Stage = "answer_80"
	// StageAnswerOverdue escalates to the leaders at the answer deadline and
	// marks the card.
	StageAnswerOverdue Stage = "answer_overdue"
	// StageSupervision escalates to the supervision chat SupervisionAfter
	// past the answer deadline.
	StageSupervision Stage = "supervision"
	// StageDecisionOverdue tells the leaders that the answer or extension
	// they were asked to decide on is past its decision deadline.
	StageDecisionOverdue Stage = "decision_overdue"
	// StageDecisionSupervision escalates the undecided request to
	// supervision SupervisionAfter past the decision deadline.
	StageDecisionSupervision Stage = "decision_supervision"
	// StageReviewOverdue tells dispatch that the return, transfer or
	// extension waiting for its review is past the decision deadline.
	StageReviewOverdue Stage = "review_overdue"
	// StageReviewSupervision escalates the undecided review to supervision
	// SupervisionAfter past the decision deadline.
	StageReviewSupervision Stage = "review_supervision"
	// StageResolveNudge reminds the department to close an answered appeal,
	// NudgeShare of the way from the answer to the resolve deadline.
	StageResolveNudge Stage = "resolve_nudge"
	// StageResolveOverdue escalates to the leaders at the resolve deadline.
	StageResolveOverdue Stage = "resolve_overdue"
	// StageResolveSupervision escalates to supervision SupervisionAfter
	// past the resolve deadline.
	StageResolveSupervision Stage = "resolve_supervision"
	// StageRepeat chases an appeal that is past the last stage of its
	// status, on the Repeat schedule, until it moves; it goes to whoever
	// got the last stage.
	StageRepeat Stage = "repeat"
)

// Deadline names the deadline a stage is measured against, and so the
// clock it runs on: when that clock started is the stage's round.
type Deadline string

// Deadlines of the ladder. Claim and answer share the clock of the
// assignment, except that an approved extension starts the answer stages
// over.
const (
	// DispatchDeadline: from coming to dispatch (DispatchedAt) to DispatchBy.
	DispatchDeadline Deadline = "dispatch_by"
	// ClaimDeadline: from the assignment (AssignedAt) to ClaimBy.
	ClaimDeadline Deadline = "claim_by"
	// AnswerDeadline: from the assignment to AnswerBy; its round is the
	// last approved extension (ExtendedAt), if any.
	AnswerDeadline Deadline = "answer_by"
	// DecideDeadline: from the request to a leader (AskedAt) to DecideBy.
	DecideDeadline Deadline = "decide_by"
	// ReviewDeadline: from the request to dispatch (AskedAt) to DecideBy,
	// while a return or transfer, or an extension a leader approved, waits
	// for dispatch's review.
	ReviewDeadline Deadline = "review_by"
	// ResolveDeadline: from the answer (AnsweredAt) to ResolveBy.
	ResolveDeadline Deadline = "resolve_by"
)

// clock returns when the clock of d started for a, its deadline and the
// round of its stages. Zero times mean the clock is not running.
func (d Deadline) clock(a Appeal) (start, by, round time.Time) {
	switch d {
	case DispatchDeadline:
		return a.DispatchedAt, a.Deadlines.DispatchBy, a.DispatchedAt
	case ClaimDeadline:
		return a.AssignedAt, a.Deadlines.ClaimBy, a.AssignedAt
	case AnswerDeadline:
		round = a.AssignedAt
		if a.ExtendedAt.After(round) {
			round = a.ExtendedAt
		}
		return a.AssignedAt, a.Deadlines.AnswerBy, round
	case DecideDeadline:
		if reviewing(a) {
			return time.Time{}, time.Time{}, time.Time{}
		}
		return a.AskedAt, a.Deadlines.DecideBy, a.AskedAt
	case ReviewDeadline:
		if !reviewing(a) {
			return time.Time{}, time.Time{}, time.Time{}
		}
		return a.AskedAt, a.Deadlines.DecideBy, a.AskedAt
	case ResolveDeadline:
		return a.AnsweredAt, a.Deadlines.ResolveBy, a.AnsweredAt
	}
	return time.Time{}, time.Time{}, time.Time{}
}

// reviewing reports whether what waits for a decision on a waits for
// dispatch (or supervision) rather than for a leader.
func reviewing(a Appeal) bool { return a.Review != nil || a.Extension.AwaitsDispatch() }

// Of returns a's deadline d (zero when a has none).
func (d Deadline) Of(a Appeal) time.Time {
	_, by, _ := d.clock(a)
	return by
}

// family groups the deadlines whose stages supersede each other: when a
// scan catches up on several, it sends the latest of each family.
func (d Deadline) family() Deadline {
	if d == ClaimDeadline {
		return AnswerDeadline
	}
	return d
}

// When says at which moment of its clock a stage falls due.
type When string

// Moments of a clock.
const (
	// AtNudge is NudgeShare of the way from the clock's start to the
	// deadline.
	AtNudge When = "nudge share"
	// AtHalf and AtFourFifths are 50% and 80% of the way.
	AtHalf       When = "50%"
	AtFourFifths When = "80%"
	// AtDeadline is the deadline itself.
	AtDeadline When = "deadline"
	// AtSupervision is SupervisionAfter past the deadline.
	AtSupervision When = "deadline + supervision after"
)

// reminds reports whether w is a point on the way to the deadline (a
// reminder) rather than the deadline or past it (an escalation).
func (w When) reminds() bool { return w == AtNudge || w == AtHalf || w == AtFourFifths }

// Rung is one stage of the ladder: while the appeal is in one of Statuses
// and the clock of Deadline runs, the stage falls due at When and is said
// to To.
type Rung struct {
	Statuses []Status
	Stage    Stage
	Deadline Deadline
	When     When
	To       RecipientKind
}

var (
	atDispatch = []Status{StatusUnassigned, StatusReturned}
	unclaimed  = []Status{StatusAssigned}
	claimed    = []Status{StatusClaimed}
	// inWork are the statuses in which the answer deadline must be met:
	// whether or not anybody claimed the appeal, and while its answer
	// waits for a leader.
	inWork = []Status{StatusAssigned, StatusClaimed, StatusPendingApproval}
	// deciding: a leader is asked to approve an answer (pending_approval)
	// or an extension (any status that can have one); the clock runs only
	// while a request waits (AskedAt).
	deciding    = []Status{StatusAssigned, StatusClaimed, StatusPendingApproval}
	notYetShut  = []Status{StatusAnswered}
	everyStatus = []Status{StatusUnassigned, StatusReturned, StatusAssigned, StatusClaimed, StatusPendingApproval, StatusAnswered}
)

// Ladder is every stage an open appeal goes through, in the order they
// fall due within each status. After the last stage of its status, an
// appeal is chased again on the Repeat schedule (StageRepeat) until it
// moves; the repeat goes to whoever got the status's last stage.
// Reminders (To the department or dispatch) go to those who must act;
// escalations (To the leaders or supervision) to those above them.
var Ladder = []Rung{
	{atDispatch, StageDispatchNudge, DispatchDeadline, AtNudge, ToDispatch},
	{atDispatch, StageDispatchOverdue, DispatchDeadline, AtDeadline, ToSupervision},
	{unclaimed, StageClaimNudge, ClaimDeadline, AtNudge, ToDepartment},
	{unclaimed, StageClaimOverdue, ClaimDeadline, AtDeadline, ToLeaders},
	{claimed, StageAnswer50, AnswerDeadline, AtHalf, ToDepartment},
	{claimed, StageAnswer80, AnswerDeadline, AtFourFifths, ToDepartment},
	{inWork, StageAnswerOverdue, AnswerDeadline, AtDeadline, ToLeaders},
	{inWork, StageSupervision, AnswerDeadline, AtSupervision, ToSupervision},
	{deciding, StageDecisionOverdue, DecideDeadline, AtDeadline, ToLeaders},
	{deciding, StageDecisionSupervision, DecideDeadline, AtSupervision, ToSupervision},
	{deciding, StageReviewOverdue, ReviewDeadline, AtDeadline, ToDispatch},
	{deciding, StageReviewSupervision, ReviewDeadline, AtSupervision, ToSupervision},
	{notYetShut, StageResolveNudge, ResolveDeadline, AtNudge, ToDepartment},
	{notYetShut, StageResolveOverdue, ResolveDeadline, AtDeadline, ToLeaders},
	{notYetShut, StageResolveSupervision, ResolveDeadline, AtSupervision, ToSupervision},
	{everyStatus, StageRepeat, "", "repeat schedule, after the last stage", ""},
}

// rungOf returns the rung of stage s.
func rungOf(s Stage) (Rung, bool) {
	for _, r := range Ladder {
		if r.Stage == s {
			return r, true
		}
	}
	return Rung{}, false
}

// Escalates reports whether stage s goes to those above the people who
// must act (leaders, supervision): an escalation rather than a reminder.
func (s Stage) Escalates() bool {
	if s == StageRepeat {
		return true
	}
	r, _ := rungOf(s)
	return r.To == ToLeaders || r.To == ToSupervision
}

// marksCard reports whether stage s changes what the appeal's card shows
// (the overdue mark), so that the card is refreshed with it.
func (s Stage) marksCard() bool { return s == StageAnswerOverdue || s == StageDispatchOverdue }

// StageDeadline is the deadline stage s of a is measured against; for a
// repeat, that of the last stage of a's status. Zero when none applies.
func StageDeadline(s Stage, a Appeal) time.Time {
	if s != StageRepeat {
		r, _ := rungOf(s)
		return r.Deadline.Of(a)
	}
	var last time.Time
	for _, r := range Ladder {
		if r.Deadline != "" && slices.Contains(r.Statuses, a.Status) {
			if by := r.Deadline.Of(a); !by.IsZero() {
				last = by
			}
		}
	}
	return last
}

// AtDispatch reports whether an appeal in status s waits for dispatch to
// give it to a department.
func (s Status) AtDispatch() bool { return s == StatusUnassigned || s == StatusReturned }

// StageAt is a stage with the moment it falls due, its round and who is
// told.
type StageAt struct {
	Stage Stage
	At    time.Time
	// Round is when the stage's clock started; for a repeat, its own
	// moment. A stage is recorded once per (appeal, round, stage).
	Round time.Time
	To    RecipientKind
	// family groups the stages a catch-up sends only the latest of.
	family Deadline
}

// share is the moment frac of the way from start to end.
func share(start, end time.Time, frac float64) time.Time {
	if start.IsZero() || !end.After(start) {
		return end
	}
	return start.Add(time.Duration(float64(end.Sub(start)) * frac))
}

// entered is when a came to its status, as far as the appeal tells: a
// reminder on the way to a deadline that passed before then does not
// apply (it was not "claimed but unanswered" then).
func entered(a Appeal) time.Time {
	if a.Status == StatusClaimed {
		return a.ClaimedAt
	}
	return time.Time{}
}

// at returns stage r of a with its moment, and false when r does not apply
// to a: another status, a clock that is not running, or a reminder whose
// moment passed before its clock or status began.
func (r Rung) at(a Appeal, p ReminderPolicy) (StageAt, bool) {
	if r.Deadline == "" || !slices.Contains(r.Statuses, a.Status) {
		return StageAt{}, false
	}
	start, by, round := r.Deadline.clock(a)
	if start.IsZero() || by.IsZero() {
		return StageAt{}, false
	}
	var t time.Time
	switch r.When {
	case AtNudge:
		t = share(start, by, p.NudgeShare)
	case AtHalf:
		t = share(start, by, 0.5)
	case AtFourFifths:
		t = share(start, by, 0.8)
	case AtDeadline:
		t = by
	case AtSupervision:
		t = by.Add(p.SupervisionAfter)
	default:
		return StageAt{}, false
	}
	if r.When.reminds() && (!t.After(round) || !t.After(entered(a))) {
		return StageAt{}, false
	}
	return StageAt{Stage: r.Stage, At: t, Round: round, To: r.To, family: r.Deadline.family()}, true
}

// Stages returns the stages of the ladder that apply to a in its status,
// each with when it falls due, soonest first (in ladder order at the same
// moment). Share points are measured in wall-clock time between the
// clock's start and the deadline: the deadlines themselves already carry
// the working-time calendar, so "50% of the answer time" is halfway from
// assignment to AnswerBy, whenever the appeal was claimed. The repeat that
// follows is not among them: when it falls depends on what was recorded.
func Stages(a Appeal, p ReminderPolicy) []StageAt {
	p = p.orDefault()
	if !a.Status.Open() {
		return nil
	}
	var out []StageAt
	for _, r := range Ladder {
		if s, ok := r.at(a, p); ok {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(x, y StageAt) int { return x.At.Compare(y.At) })
	return out
}

// Done is what the reminder scan recorded of an appeal: each stage (sent or
// skipped) by its round, and the latest repeat.
type Done struct {
	stages map[doneKey]bool
	repeat time.Time
}

type doneKey struct {
	round int64 // Unix microseconds, as storage keeps times
	stage Stage
}

// Add records stage s of round round as done.
func (d *Done) Add(round time.Time, s Stage) {
	if s == StageRepeat {
		if round.After(d.repeat) {
			d.repeat = round
		}
		return
	}
	if d.stages == nil {
		d.stages = map[doneKey]bool{}
	}
	d.stages[doneKey{round.UnixMicro(), s}] = true
}

// Has reports whether stage s of round round is done.
func (d Done) Has(round time.Time, s Stage) bool {
	if s == StageRepeat {
		return !d.repeat.IsZero() && !round.After(d.repeat)
	}
	return d.stages[doneKey{round.UnixMicro(), s}]
}

// LastRepeat is the moment of the latest repeat recorded, zero for none.
func (d Done) LastRepeat() time.Time { return d.repeat }

// Clocks are the calendars an appeal's ladder counts in: its department's
// while a department holds it, dispatch's (the default time zone) while it
// waits for dispatch. They place the repeats and the quiet hours.
type Clocks struct {
	Department Calendar
	Dispatch   Calendar
}

// For returns the calendar of a's ladder in its status. A calendar without
// working hours or days counts as the default office week in its zone.
func (c Clocks) For(a Appeal) Calendar {
	cal := c.Department
	if a.Status.AtDispatch() {
		cal = c.Dispatch
	}
	if len(cal.Hours) == 0 || cal.Weekdays == ([7]bool{}) {
		d := DefaultCalendar(cal.loc())
		d.Holidays, d.Workdays = cal.Holidays, cal.Workdays
		cal = d
	}
	return cal
}

// maxRepeatSteps bounds the search for the latest repeat a catch-up is due
// (a repeat every minute for some ten weeks); beyond it the repeat is due
// at the scan's moment.
const maxRepeatSteps = 100_000

// repeat returns the repeat that follows stages (a's ladder in its
// status), told to the recipient of the last stage: the first moment of
// the Repeat schedule after the last stage, after its clock started (an
// appeal answered after its resolve deadline hears of that deadline before
// it is chased again), or after the latest repeat recorded since that
// clock started, whichever is latest. Repeats of a clock that stopped do
// not count: they chased another status. An appeal none of whose stages
// applies (no deadlines) is chased from its last change, in the
// supervision chat.
func repeat(a Appeal, stages []StageAt, done Done, p ReminderPolicy, cal Calendar) StageAt {
	anchor, since, to, family := a.UpdatedAt, a.UpdatedAt, ToSupervision, Deadline("")
	if n := len(stages); n > 0 {
		last := stages[n-1]
		anchor, since, to, family = last.At, last.Round, last.To, last.family
	}
	if since.After(anchor) {
		anchor = since
	}
	if r := done.LastRepeat(); r.After(anchor) && !r.Before(since) {
		anchor = r
	}
	t := p.Repeat.Next(anchor, cal)
	return StageAt{Stage: StageRepeat, At: t, Round: t, To: to, family: family}
}

// ladder is a's stages in its status followed by the repeat.
func ladder(a Appeal, done Done, p ReminderPolicy, clocks Clocks) []StageAt {
	stages := Stages(a, p)
	return append(stages, repeat(a, stages, done, p, clocks.For(a)))
}

// NextAction is the next_action_at a should carry: the moment of its first
// stage not yet done (which may have passed, when a transition brings the
// appeal to a stage already due), or of its next repeat. It is zero only
// for a closed appeal: every open appeal has a next deadline.
func NextAction(a Appeal, done Done, p ReminderPolicy, clocks Clocks) time.Time {
	p = p.orDefault()
	if !a.Status.Open() {
		return time.Time{}
	}
	var next time.Time
	for _, s := range ladder(a, done, p, clocks) {
		if !done.Has(s.Round, s.Stage) && (next.IsZero() || s.At.Before(next)) {
			next = s.At
		}
	}
	return next
}

// Reminder is the scan's decision for one appeal.
type Reminder struct {
	// Send are the stages to send now: the latest due of each family.
	Send []StageAt
	// Skipped are earlier stages that fell due but were passed over: only
	// the latest due stage of a family is sent when a scan catches up.
	Skipped []StageAt
	// Held is set when quiet hours hold due stages until Next.
	Held bool
	// Next is the appeal's next next_action_at; zero only for a closed
	// appeal.
	Next time.Time
}

// Remind decides what the scan does with a at now: done is what was
// recorded of it, clocks its calendars. Of several due stages of one
// family (see Deadline) only the latest is sent and the earlier recorded as
// skipped, so that an appeal answered or escalated while the bot was down
// does not get stale reminders; a repeat due several times over is sent
// once, for its latest moment. During quiet hours (in the calendar's zone)
// nothing of a normal-priority appeal is sent: it waits, due stages and
// all, until the quiet hours end. Urgent appeals are never held.
func Remind(a Appeal, done Done, p ReminderPolicy, clocks Clocks, now time.Time) Reminder {
	p = p.orDefault()
	if !a.Status.Open() {
		return Reminder{}
	}
	cal := clocks.For(a)
	var due []StageAt
	var r Reminder
	later := func(t time.Time) {
		if r.Next.IsZero() || t.Before(r.Next) {
			r.Next = t
		}
	}
	for _, s := range ladder(a, done, p, clocks) {
		switch {
		case done.Has(s.Round, s.Stage):
		case s.At.After(now):
			later(s.At)
		default:
			if s.Stage == StageRepeat {
				s.At = p.Repeat.Latest(s.At, now, cal)
				s.Round = s.At
			}
			due = append(due, s)
		}
	}
	if len(due) == 0 {
		return r
	}
	if a.Priority != PriorityUrgent {
		if end, quiet := p.Quiet.End(now, cal.loc()); quiet {
			return Reminder{Held: true, Next: end}
		}
	}
	latest := map[Deadline]int{}
	for i, s := range due {
		latest[s.family] = i
	}
	for i, s := range due {
		if latest[s.family] != i {
			r.Skipped = append(r.Skipped, s)
			continue
		}
		r.Send = append(r.Send, s)
		if s.Stage == StageRepeat {
			later(p.Repeat.Next(s.At, cal))
		}
	}
	return r
}
