package kpi

import (
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// A Fact is one appeal's contribution to one department's figures at one
// instant: a claim, a close, a stay received, a claim decided on time...
// Every figure of a period except the "now" gauges is a count of the facts
// whose instant falls in the period (the decisions only up to now), or a
// median over theirs durations. Facts are the definitions in one place:
// Compute reads them over the log, and storage keeps them, summed per
// department and day, in the same transaction as each change of an appeal.
type Fact struct {
	Dept string
	Kind FactKind
	At   time.Time
	// Wall and Work are the durations of FactToClaim and FactToAnswer, in
	// wall time and in the department's working time.
	Wall, Work time.Duration
}

// FactKind says which figure a fact counts towards.
type FactKind uint8

// The kinds of facts. Their numbers are stored: append only.
const (
	FactReceived FactKind = iota
	FactClaimed
	FactAnswered
	FactClosed
	FactResolved
	FactUnresolved
	FactReturned
	FactTransferredOut
	FactExtended
	FactReopened
	FactSatisfied
	FactUnsatisfied
	FactNoAnswer
	// A stay's claim decided on time (at the claim) or late (at the
	// deadline, the claim made later or never, the stay ended after the
	// deadline).
	FactClaimOnTime
	FactClaimLate
	// FactClaimPending is the claim deadline of a stay still open and
	// unclaimed: once past, the claim is decided late there, unless the
	// appeal changes before.
	FactClaimPending
	FactAnswerOnTime
	FactAnswerLate
	FactAnswerPending
	// A stay received (at its start) and answered, or not answered and
	// not sent away (yet).
	FactResponded
	FactKeptUnanswered
	// The time from a stay's start to its first claim and to its answer,
	// at the claim and the answer.
	FactToClaim
	FactToAnswer
	// FactIntake is an appeal handed in, for the department it named
	// ("" for none): no figure of a department, the total of appeals
	// taken in.
	FactIntake
	// FactUrged is a citizen's urge (催办) of an appeal the department
	// holds.
	FactUrged

	NumFactKinds
)

// Decision reports whether facts of kind k count only once their instant
// has come (a deadline still ahead decides nothing yet).
func (k FactKind) Decision() bool {
	return k >= FactClaimOnTime && k <= FactAnswerPending
}

// Timed reports whether facts of kind k carry durations.
func (k FactKind) Timed() bool { return k == FactToClaim || k == FactToAnswer }

// Env is what Facts needs besides the appeal and its log: the departments
// (their SLA policy, for the deadlines of earlier stays) and their
// working-time calendars.
type Env interface {
	// Department returns the department with code, false when unknown.
	Department(code string) (appeal.Department, bool)
	// Calendar returns the calendar of department code.
	Calendar(code string) appeal.Calendar
}

// Facts returns the facts of appeal a (as it is now) given its whole log,
// events oldest first (by id). Facts whose instant is after the moment of
// asking are FactClaimPending and FactAnswerPending alone.
func Facts(a appeal.Appeal, events []appeal.Event, env Env) []Fact {
	var out []Fact
	emit := func(dept string, k FactKind, at time.Time) {
		out = append(out, Fact{Dept: dept, Kind: k, At: at})
	}
	var rounds []*round
	var cur *round
	// answeredBy is the department whose answer a verdict judges: the
	// last to answer, until the appeal reaches a department again.
	var answeredBy string
	for i, e := range events {
		switch e.Kind {
		case appeal.EventAssigned, appeal.EventTransferred, appeal.EventReopened:
			answeredBy = ""
		case appeal.EventAnswered:
			answeredBy = e.Department
		}
		end := func(left bool) {
			if cur != nil && cur.ended.IsZero() {
				cur.ended, cur.left = e.At, left
			}
		}
		begin := func(arrival bool) {
			cur = &round{a: &a, dept: e.Department, start: e.At, arrival: arrival}
			rounds = append(rounds, cur)
		}
		switch e.Kind {
		case appeal.EventReceived:
			// Counted for the department it was handed in for, if any, so
			// that intakes for different departments touch different sums.
			dept := ""
			if i+1 < len(events) && events[i+1].Kind == appeal.EventAssigned && events[i+1].At.Equal(e.At) {
				dept = events[i+1].Department
			}
			emit(dept, FactIntake, e.At)
		case appeal.EventAssigned:
			end(true)
			begin(true)
			emit(e.Department, FactReceived, e.At)
		case appeal.EventTransferred:
			if cur != nil {
				emit(cur.dept, FactTransferredOut, e.At)
			}
			end(true)
			begin(true)
			emit(e.Department, FactReceived, e.At)
		case appeal.EventReopened:
			end(false)
			cur = nil
			// A reopen of an appeal dispatch closed goes back to
			// dispatch: it is no department's.
			if e.ToStatus == appeal.StatusAssigned {
				begin(false)
				emit(e.Department, FactReopened, e.At)
			}
		case appeal.EventClaimed:
			if cur != nil && cur.claimed.IsZero() {
				cur.claimed = e.At
			}
			if e.Department != "" {
				emit(e.Department, FactClaimed, e.At)
			}
		case appeal.EventAnswered:
			if cur != nil && cur.answer.IsZero() {
				cur.answer = e.At
			}
			if e.Department != "" {
				emit(e.Department, FactAnswered, e.At)
			}
		case appeal.EventReturned:
			end(true)
			cur = nil
			if e.Department != "" {
				emit(e.Department, FactReturned, e.At)
			}
		case appeal.EventUrged:
			// An urge while the appeal waits for dispatch is no
			// department's.
			if e.Department != "" {
				emit(e.Department, FactUrged, e.At)
			}
		case appeal.EventExtensionApproved:
			if cur != nil {
				if sp, err := appeal.ParseSpan(e.Note); err == nil {
					cur.extensions = append(cur.extensions, sp)
				}
			}
			if e.Department != "" {
				emit(e.Department, FactExtended, e.At)
			}
		case appeal.EventClosed:
			end(false)
			cur = nil
			if e.FromStatus == appeal.StatusAnswered && e.Department != "" {
				emit(e.Department, FactClosed, e.At)
				switch appeal.Resolution(e.Outcome) {
				case appeal.Resolved:
					emit(e.Department, FactResolved, e.At)
				case appeal.Unresolved:
					emit(e.Department, FactUnresolved, e.At)
				}
			}
		case appeal.EventFeedback:
			// A verdict on an appeal nobody answered (closed by
			// dispatch) is no department's.
			if answeredBy != "" {
				switch appeal.FeedbackResult(e.Outcome) {
				case appeal.FeedbackSatisfied:
					emit(answeredBy, FactSatisfied, e.At)
				case appeal.FeedbackUnsatisfied:
					emit(answeredBy, FactUnsatisfied, e.At)
				case appeal.FeedbackNoAnswer:
					emit(answeredBy, FactNoAnswer, e.At)
				}
			}
		}
	}

	for _, r := range rounds {
		var cal appeal.Calendar
		loaded := false
		calendar := func() appeal.Calendar {
			if !loaded {
				cal, loaded = env.Calendar(r.dept), true
			}
			return cal
		}
		if !r.claimed.IsZero() {
			out = append(out, Fact{Dept: r.dept, Kind: FactToClaim, At: r.claimed,
				Wall: r.claimed.Sub(r.start), Work: calendar().WorkingDuration(r.start, r.claimed)})
		}
		if !r.answer.IsZero() {
			out = append(out, Fact{Dept: r.dept, Kind: FactToAnswer, At: r.answer,
				Wall: r.answer.Sub(r.start), Work: calendar().WorkingDuration(r.start, r.answer)})
		}
		dl := deadlines(r, env, calendar)
		if k, at, ok := decision(r.claimed, dl.ClaimBy, r.ended, FactClaimOnTime); ok {
			emit(r.dept, k, at)
		}
		if k, at, ok := decision(r.answer, dl.AnswerBy, r.ended, FactAnswerOnTime); ok {
			emit(r.dept, k, at)
		}
		if r.arrival {
			switch {
			case !r.answer.IsZero():
				emit(r.dept, FactResponded, r.start)
			case !r.left:
				emit(r.dept, FactKeptUnanswered, r.start)
			}
		}
	}
	return out
}

// decision is the fact deciding a stay's step due by deadline: on time
// at the step when it was done by the deadline, late at the deadline when
// it was done after or the stay ended after it unfinished, pending at the
// deadline while the stay is open and the step undone. A stay that ended
// before its deadline without the step (returned or transferred in time)
// decides nothing. onTime is the kind for "on time"; late and pending
// follow it.
func decision(done, deadline, ended time.Time, onTime FactKind) (FactKind, time.Time, bool) {
	switch {
	case deadline.IsZero():
		return 0, time.Time{}, false
	case !done.IsZero() && !done.After(deadline):
		return onTime, done, true
	case done.IsZero() && !ended.IsZero() && !ended.After(deadline):
		return 0, time.Time{}, false
	case done.IsZero() && ended.IsZero():
		return onTime + 2, deadline, true
	}
	return onTime + 1, deadline, true
}

// deadlines are those in force for round r: the appeal's own for its
// current round (they carry every approved extension), otherwise the
// department's policy from the round's start plus the extensions
// approved in it.
func deadlines(r *round, env Env, cal func() appeal.Calendar) appeal.Deadlines {
	a := r.a
	if a.Department == r.dept && a.AssignedAt.Equal(r.start) && a.Status != appeal.StatusReturned && a.Status != appeal.StatusUnassigned {
		return a.Deadlines
	}
	d, ok := env.Department(r.dept)
	if !ok {
		return appeal.Deadlines{}
	}
	policy := d.SLA
	if policy == (appeal.Policy{}) {
		policy = appeal.DefaultPolicy
	}
	// Only the claim and answer deadlines are judged.
	t := policy.Tier(a.Priority)
	c := cal()
	dl := appeal.Deadlines{ClaimBy: c.Add(r.start, t.Claim), AnswerBy: c.Add(r.start, t.Answer)}
	for _, sp := range r.extensions {
		dl.AnswerBy = c.Add(dl.AnswerBy, sp)
	}
	return dl
}
