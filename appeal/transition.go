package appeal

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Action is something a person or system does to an appeal.
type Action string

// Actions.
const (
	ActAssign           Action = "assign"
	ActClaim            Action = "claim"
	ActUnclaim          Action = "unclaim"
	ActAnswer           Action = "answer"
	ActApproveAnswer    Action = "approve_answer"
	ActRejectAnswer     Action = "reject_answer"
	ActReturn           Action = "return"
	ActTransfer         Action = "transfer"
	ActRequestExtension Action = "request_extension"
	ActApproveExtension Action = "approve_extension"
	ActRejectExtension  Action = "reject_extension"
	ActClose            Action = "close"
	ActReopen           Action = "reopen"
)

// Actions lists every action.
var Actions = []Action{
	ActAssign, ActClaim, ActUnclaim, ActAnswer, ActApproveAnswer, ActRejectAnswer,
	ActReturn, ActTransfer, ActRequestExtension, ActApproveExtension,
	ActRejectExtension, ActClose, ActReopen,
}

// Errors returned by Transition. Each names what was wrong so that the
// caller can tell the person precisely.
var (
	// ErrIllegalTransition: the action is not possible in the appeal's status.
	ErrIllegalTransition = errors.New("illegal transition")
	// ErrAlreadyClaimed: someone else holds the appeal.
	ErrAlreadyClaimed = errors.New("appeal already claimed")
	// ErrNotAssignee: only the responder who claimed the appeal may do this.
	ErrNotAssignee = errors.New("only the assignee may do this")
	// ErrSameDepartment: transfer or assign to the department that has it.
	ErrSameDepartment = errors.New("appeal already belongs to that department")
	// ErrDepartmentRequired: assign or transfer without a department.
	ErrDepartmentRequired = errors.New("a department is required")
	// ErrTextRequired: an answer, reason or result is missing.
	ErrTextRequired = errors.New("text is required")
	// ErrExtensionPending: another extension request waits for a decision.
	ErrExtensionPending = errors.New("an extension request is already pending")
	// ErrNoExtensionPending: nothing to approve or reject.
	ErrNoExtensionPending = errors.New("no extension request is pending")
	// ErrBadExtension: the extension is not a valid, positive span.
	ErrBadExtension = errors.New("extension must be a positive span of time")
	// ErrUnknownAction: the action is not one of Actions.
	ErrUnknownAction = errors.New("unknown action")
	// ErrDeadlinesRequired: assign, transfer or reopen without deadlines.
	ErrDeadlinesRequired = errors.New("deadlines are required")
	// ErrBadResolution: close with a resolution other than resolved or
	// unresolved.
	ErrBadResolution = errors.New("resolution must be resolved or unresolved")
)

// TransitionError is ErrIllegalTransition with the action and status that
// made it illegal.
type TransitionError struct {
	Action Action
	From   Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("cannot %s an appeal that is %s", strings.ReplaceAll(string(e.Action), "_", " "), e.From)
}

// Is makes errors.Is(err, ErrIllegalTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// ClaimedError is ErrAlreadyClaimed naming who holds the appeal.
type ClaimedError struct{ By MemberID }

func (e *ClaimedError) Error() string {
	return fmt.Sprintf("appeal already claimed by member %d", e.By)
}

// Is makes errors.Is(err, ErrAlreadyClaimed) true.
func (e *ClaimedError) Is(target error) bool { return target == ErrAlreadyClaimed }

// Command is one action with everything the state machine needs to decide.
type Command struct {
	Action Action
	Actor  MemberID
	// Department is the target of assign and transfer.
	Department string
	// Deadlines are the new deadlines for assign, transfer and reopen,
	// computed by the caller from the target department's policy, and for
	// approve_extension the moved AnswerBy and ResolveBy (the old ones plus
	// the extension in the department's calendar; ClaimBy is ignored).
	// DispatchBy is the dispatch deadline should the action send the
	// appeal to dispatch (return, reopen), DecideBy the decision deadline
	// should it ask a leader (an answer needing approval, an extension
	// request), both counted from now.
	Deadlines Deadlines
	// Text is the answer, reason or result.
	Text string
	// Extension is the extra time asked for by request_extension.
	Extension Span
	// RequireApproval makes an answer wait for a leader (the department's
	// ApproveAnswers setting).
	RequireApproval bool
	// Force lets a leader or dispatcher act on an appeal someone else holds
	// (unclaim, answer) where only the assignee otherwise may.
	Force bool
	// Resolution is how close ends a department's work: Resolved (the
	// default) or Unresolved. Closes by dispatch carry none.
	Resolution Resolution
	// Reminders is the reminder policy, from which the appeal's
	// next_action_at (its next stage, see NextAction) is computed; zero
	// means DefaultReminders.
	Reminders ReminderPolicy
	// Clocks are the calendars of the appeal's ladder after the action,
	// and Done what the reminder scan recorded of it: with them the new
	// next_action_at skips stages already said and places the repeats.
	Clocks Clocks
	Done   Done
}

// Change is the outcome of a transition: the appeal's new state, what to
// append to its log, what to say in chat and any answer to write.
type Change struct {
	Appeal   Appeal
	Events   []Event
	Messages []Message
	// Answer is a new answer to insert (ID zero) or one whose state changed.
	Answer *Answer
	// Feedback is a citizen's verdict to store (ApplyFeedback).
	Feedback *Feedback
}

// Transition applies cmd to a at time now. It never mutates a; it returns the
// new state or an error that says why the action is not possible. pending is
// the appeal's pending answer, needed only by approve_answer and
// reject_answer (nil otherwise).
func Transition(a Appeal, pending *Answer, cmd Command, now time.Time) (Change, error) {
	n := a
	n.Answers = nil
	if a.Extension != nil {
		x := *a.Extension
		n.Extension = &x
	}
	n.UpdatedAt = now
	c := Change{}
	from := a.Status
	ev := func(kind EventKind, note string) {
		c.Events = append(c.Events, Event{
			AppealID: a.ID, At: now, Kind: kind, Actor: cmd.Actor,
			FromStatus: from, ToStatus: n.Status, Department: n.Department, Note: note,
		})
	}
	msg := func(kind MessageKind, to Recipient, args map[string]string) {
		c.Messages = append(c.Messages, Message{Kind: kind, To: to, AppealID: a.ID, Args: args})
	}
	dept := func(code string) Recipient { return Recipient{Kind: ToDepartment, Ref: code} }
	member := func(id MemberID) Recipient {
		return Recipient{Kind: ToMember, Ref: strconv.FormatInt(int64(id), 10)}
	}
	illegal := func() (Change, error) { return Change{}, &TransitionError{Action: cmd.Action, From: from} }
	text := strings.TrimSpace(cmd.Text)

	switch cmd.Action {
	case ActAssign:
		if from != StatusUnassigned && from != StatusReturned {
			return illegal()
		}
		if cmd.Department == "" {
			return Change{}, ErrDepartmentRequired
		}
		if from == StatusReturned && cmd.Department == a.Department {
			return Change{}, ErrSameDepartment
		}
		if cmd.Deadlines.ClaimBy.IsZero() {
			return Change{}, ErrDeadlinesRequired
		}
		assignTo(&n, cmd.Department, cmd.Deadlines, now)
		ev(EventAssigned, text)
		msg(MsgCard, Recipient{Kind: ToDispatch}, nil)
		msg(MsgCard, dept(n.Department), nil)

	case ActClaim:
		switch from {
		case StatusAssigned:
		case StatusClaimed:
			if a.Assignee == cmd.Actor {
				return illegal()
			}
			return Change{}, &ClaimedError{By: a.Assignee}
		default:
			return illegal()
		}
		n.Status = StatusClaimed
		n.Assignee = cmd.Actor
		n.ClaimedAt = now
		ev(EventClaimed, "")
		msg(MsgCard, dept(n.Department), nil)
		msg(MsgContact, member(cmd.Actor), nil)

	case ActUnclaim:
		if from != StatusClaimed {
			return illegal()
		}
		if a.Assignee != cmd.Actor && !cmd.Force {
			return Change{}, ErrNotAssignee
		}
		n.Status = StatusAssigned
		n.Assignee = 0
		n.ClaimedAt = time.Time{}
		withdraw(&n)
		ev(EventUnclaimed, text)
		msg(MsgCard, dept(n.Department), nil)

	case ActAnswer:
		switch from {
		case StatusAssigned:
			// Answering an unclaimed appeal claims it on the way.
			n.Assignee = cmd.Actor
			n.ClaimedAt = now
			msg(MsgContact, member(cmd.Actor), nil)
		case StatusClaimed:
			if a.Assignee != cmd.Actor && !cmd.Force {
				return Change{}, &ClaimedError{By: a.Assignee}
			}
		default:
			return illegal()
		}
		if text == "" {
			return Change{}, ErrTextRequired
		}
		withdraw(&n)
		ans := &Answer{AppealID: a.ID, Author: cmd.Actor, Text: text, At: now}
		c.Answer = ans
		if from == StatusAssigned {
			n.Status = StatusClaimed
			ev(EventClaimed, "")
			from = StatusClaimed
		}
		if cmd.RequireApproval {
			ans.State = AnswerPending
			n.Status = StatusPendingApproval
			ask(&n, cmd.Deadlines.DecideBy, now)
			ev(EventAnswerSubmitted, text)
			msg(MsgAnswerApproval, Recipient{Kind: ToLeaders, Ref: n.Department}, nil)
		} else {
			ans.State = AnswerAccepted
			n.Status = StatusAnswered
			n.AnsweredAt = now
			ev(EventAnswered, text)
		}
		msg(MsgCard, dept(n.Department), nil)

	case ActApproveAnswer, ActRejectAnswer:
		if from != StatusPendingApproval {
			return illegal()
		}
		if pending == nil || pending.State != AnswerPending {
			return Change{}, fmt.Errorf("%w: the pending answer is missing", ErrIllegalTransition)
		}
		ans := *pending
		ans.DecidedBy = cmd.Actor
		ans.DecidedAt = now
		c.Answer = &ans
		withdraw(&n)
		if cmd.Action == ActApproveAnswer {
			ans.State = AnswerAccepted
			n.Status = StatusAnswered
			n.AnsweredAt = now
			ev(EventAnswered, ans.Text)
			msg(MsgAnswerDecision, member(ans.Author), map[string]string{"decision": "approved"})
		} else {
			if text == "" {
				return Change{}, ErrTextRequired
			}
			ans.State = AnswerRejected
			n.Status = StatusClaimed
			ev(EventAnswerRejected, text)
			msg(MsgAnswerDecision, member(ans.Author), map[string]string{"decision": "rejected", "reason": text})
		}
		msg(MsgCard, dept(n.Department), nil)

	case ActReturn:
		if from != StatusAssigned && from != StatusClaimed {
			return illegal()
		}
		if from == StatusClaimed && a.Assignee != cmd.Actor && !cmd.Force {
			return Change{}, ErrNotAssignee
		}
		if text == "" {
			return Change{}, ErrTextRequired
		}
		old := a.Department
		n.Status = StatusReturned
		n.Assignee = 0
		n.ClaimedAt = time.Time{}
		withdraw(&n)
		startDispatch(&n, cmd.Deadlines.DispatchBy, now)
		ev(EventReturned, text)
		msg(MsgCard, dept(old), nil)
		msg(MsgReturned, Recipient{Kind: ToDispatch}, map[string]string{"reason": text, "department": old})

	case ActTransfer:
		if from != StatusAssigned && from != StatusClaimed {
			return illegal()
		}
		if cmd.Department == "" {
			return Change{}, ErrDepartmentRequired
		}
		if cmd.Department == a.Department {
			return Change{}, ErrSameDepartment
		}
		if from == StatusClaimed && a.Assignee != cmd.Actor && !cmd.Force {
			return Change{}, ErrNotAssignee
		}
		if text == "" {
			return Change{}, ErrTextRequired
		}
		if cmd.Deadlines.ClaimBy.IsZero() {
			return Change{}, ErrDeadlinesRequired
		}
		old := a.Department
		assignTo(&n, cmd.Department, cmd.Deadlines, now)
		ev(EventTransferred, text)
		c.Events[len(c.Events)-1].Note = old + " → " + n.Department + ": " + text
		msg(MsgCard, dept(old), nil)
		msg(MsgCard, dept(n.Department), nil)

	case ActRequestExtension:
		if from != StatusAssigned && from != StatusClaimed {
			return illegal()
		}
		if from == StatusClaimed && a.Assignee != cmd.Actor && !cmd.Force {
			return Change{}, ErrNotAssignee
		}
		if a.Extension != nil {
			return Change{}, ErrExtensionPending
		}
		if cmd.Extension.Validate() != nil {
			return Change{}, ErrBadExtension
		}
		if text == "" {
			return Change{}, ErrTextRequired
		}
		n.Extension = &Extension{By: cmd.Actor, Span: cmd.Extension, Reason: text, At: now}
		ask(&n, cmd.Deadlines.DecideBy, now)
		ev(EventExtensionRequested, cmd.Extension.String()+": "+text)
		msg(MsgExtensionRequest, Recipient{Kind: ToLeaders, Ref: n.Department}, nil)
		msg(MsgCard, dept(n.Department), nil)

	case ActApproveExtension, ActRejectExtension:
		if from != StatusAssigned && from != StatusClaimed {
			return illegal()
		}
		if a.Extension == nil {
			return Change{}, ErrNoExtensionPending
		}
		x := *a.Extension
		withdraw(&n)
		if cmd.Action == ActApproveExtension {
			if cmd.Deadlines.AnswerBy.IsZero() || cmd.Deadlines.ResolveBy.IsZero() {
				return Change{}, ErrDeadlinesRequired
			}
			n.Deadlines.AnswerBy = cmd.Deadlines.AnswerBy
			n.Deadlines.ResolveBy = cmd.Deadlines.ResolveBy
			n.ExtendedAt = now
			ev(EventExtensionApproved, x.Span.String())
			msg(MsgExtensionDecision, member(x.By), map[string]string{"decision": "approved", "duration": x.Span.String()})
		} else {
			if text == "" {
				return Change{}, ErrTextRequired
			}
			ev(EventExtensionRejected, text)
			msg(MsgExtensionDecision, member(x.By), map[string]string{"decision": "rejected", "reason": text})
		}
		msg(MsgCard, dept(n.Department), nil)

	case ActClose:
		switch from {
		case StatusAnswered, StatusUnassigned, StatusReturned:
		default:
			return illegal()
		}
		if text == "" {
			return Change{}, ErrTextRequired
		}
		res := cmd.Resolution
		switch res {
		case "":
			res = Resolved
		case Resolved, Unresolved:
		default:
			return Change{}, ErrBadResolution
		}
		n.Status = StatusClosed
		n.ClosedAt = now
		withdraw(&n)
		ev(EventClosed, text)
		if from == StatusAnswered {
			// Only a department's close says whether the matter was
			// resolved; dispatch closes spam and duplicates.
			c.Events[len(c.Events)-1].Outcome = string(res)
		}
		if from == StatusAnswered {
			msg(MsgCard, dept(n.Department), nil)
		} else {
			msg(MsgCard, Recipient{Kind: ToDispatch}, nil)
		}

	case ActReopen:
		if from != StatusAnswered && from != StatusClosed {
			return illegal()
		}
		if text == "" {
			return Change{}, ErrTextRequired
		}
		if a.Department == "" || a.AnsweredAt.IsZero() {
			// Never answered: it was closed by dispatch (spam, duplicate or
			// refused by its department), so it goes back to dispatch, and
			// a department that returned it keeps it from being assigned
			// straight back.
			n.Status = StatusUnassigned
			if a.Department != "" {
				n.Status = StatusReturned
			}
			n.ClosedAt = time.Time{}
			startDispatch(&n, cmd.Deadlines.DispatchBy, now)
			ev(EventReopened, text)
			msg(MsgCard, Recipient{Kind: ToDispatch}, nil)
			break
		}
		if cmd.Deadlines.ClaimBy.IsZero() {
			return Change{}, ErrDeadlinesRequired
		}
		assignTo(&n, a.Department, cmd.Deadlines, now)
		ev(EventReopened, text)
		msg(MsgCard, dept(n.Department), nil)

	default:
		return Change{}, fmt.Errorf("%w: %q", ErrUnknownAction, cmd.Action)
	}
	// Every transition leaves the appeal on the ladder of its new status,
	// so every open appeal has a next deadline.
	n.NextActionAt = NextAction(n, cmd.Done, cmd.Reminders, cmd.Clocks)
	c.Appeal = n
	return c, nil
}

// assignTo hands the appeal to a department with a fresh clock: the claim,
// answer and resolve deadlines of d, none of dispatch's or a leader's.
func assignTo(n *Appeal, code string, d Deadlines, now time.Time) {
	n.Department = code
	n.Status = StatusAssigned
	n.Assignee = 0
	n.Deadlines = Deadlines{ClaimBy: d.ClaimBy, AnswerBy: d.AnswerBy, ResolveBy: d.ResolveBy}
	withdraw(n)
	n.AssignedAt = now
	n.ClaimedAt = time.Time{}
	n.AnsweredAt = time.Time{}
	n.ClosedAt = time.Time{}
	n.DispatchedAt = time.Time{}
	n.ExtendedAt = time.Time{}
}

// startDispatch starts the dispatch clock of an appeal that comes (back) to
// dispatch.
func startDispatch(n *Appeal, by, now time.Time) {
	n.DispatchedAt = now
	n.Deadlines.DispatchBy = by
}

// ask starts the decision clock of a request to a leader.
func ask(n *Appeal, by, now time.Time) {
	n.AskedAt = now
	n.Deadlines.DecideBy = by
}

// withdraw ends what a leader was asked to decide: the extension request
// (an answer awaiting approval ends with its decision), and the decision
// clock with it.
func withdraw(n *Appeal) {
	n.Extension = nil
	n.AskedAt = time.Time{}
	n.Deadlines.DecideBy = time.Time{}
}
