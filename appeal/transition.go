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
	// ActApproveReview and ActRejectReview decide a return or transfer
	// that waits for review (Appeal.Review).
	ActApproveReview Action = "approve_review"
	ActRejectReview  Action = "reject_review"
	// ActAssignMember gives the appeal to a named responder of its
	// department (Command.Member).
	ActAssignMember Action = "assign_member"
)

// Actions lists every action.
var Actions = []Action{
	ActAssign, ActClaim, ActUnclaim, ActAnswer, ActApproveAnswer, ActRejectAnswer,
	ActReturn, ActTransfer, ActRequestExtension, ActApproveExtension,
	ActRejectExtension, ActClose, ActReopen, ActApproveReview, ActRejectReview, ActAssignMember,
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
	// ErrAttachmentRefused: an answer's attachment is empty, too large,
	// or one too many.
	ErrAttachmentRefused = errors.New("attachment refused")
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
	// ErrReviewPending: a return or transfer waits for review; nothing
	// else is asked or answered until it is decided.
	ErrReviewPending = errors.New("a return or transfer is waiting for review")
	// ErrNoReviewPending: no return or transfer to approve or reject.
	ErrNoReviewPending = errors.New("no return or transfer is waiting for review")
	// ErrExtensionCap: the extension would take the appeal past its cap
	// (see CapError for what is left).
	ErrExtensionCap = errors.New("extension past the cap")
	// ErrLeaderFirst: dispatch decides on an extension before a leader did.
	ErrLeaderFirst = errors.New("a leader must approve the extension first")
	// ErrAwaitsDispatch: a leader decides again on an extension that a
	// leader approved and that waits for dispatch.
	ErrAwaitsDispatch = errors.New("the extension waits for dispatch")
	// ErrMemberRequired: assign_member without a member.
	ErrMemberRequired = errors.New("a member is required")
	// ErrAlreadyAssignee: assign_member to whoever holds the appeal.
	ErrAlreadyAssignee = errors.New("the member already holds the appeal")
)

// CapError is ErrExtensionCap with the working time still allowed, the
// cap as configured and the working time of one working day.
type CapError struct {
	Left, Cap time.Duration
	CapSpan   Span
	WorkDay   time.Duration
}

func (e *CapError) Error() string {
	return fmt.Sprintf("extension past the cap of %s working time (%s left)", e.Cap, e.Left)
}

// Is makes errors.Is(err, ErrExtensionCap) true.
func (e *CapError) Is(target error) bool { return target == ErrExtensionCap }

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
	// Attachments are the photos an answer carries (with their bytes);
	// AttachmentLimits bound them (zero: the defaults).
	Attachments      []Attachment
	AttachmentLimits AttachmentLimits
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

	// Review makes a return or transfer wait for dispatch's review rather
	// than take effect at once (the department is not trusted to transfer
	// by itself, or it is a return).
	Review bool
	// BounceLimit is how many returns and transfers an appeal may have
	// before the next one waits for supervision's ruling, reviewed or not;
	// zero means no limit.
	BounceLimit int
	// Member is whom assign_member gives the appeal to.
	Member MemberID
	// ExtensionCost is the working time request_extension would add, and
	// ExtensionCap the most extensions may add over the appeal's life
	// (zero: no cap).
	ExtensionCost time.Duration
	ExtensionCap  time.Duration
	// CapSpan is the cap as configured (10wd), and WorkDay the working
	// time of one working day of the department's calendar: what a person
	// is told the cap and what is left of it are.
	CapSpan Span
	WorkDay time.Duration
	// DispatchExtensions: a leader's approval of an extension is followed
	// by dispatch's (the department's setting); ByDispatch: the decision
	// on an extension is dispatch's rather than a leader's.
	DispatchExtensions bool
	ByDispatch         bool
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
	// decided closes every copy of the earlier prompts of kind k with the
	// decision, who made it and when, the reason of a rejection and what
	// the prompt asked (more, as args of the prompt's kind).
	decided := func(k MessageKind, decision, reason string, more ...string) {
		args := map[string]string{ArgDecision: decision, ArgBy: strconv.FormatInt(int64(cmd.Actor), 10),
			ArgAt: now.UTC().Format(time.RFC3339)}
		if reason != "" {
			args["reason"] = reason
		}
		for i := 0; i+1 < len(more); i += 2 {
			args[more[i]] = more[i+1]
		}
		msg(MsgPromptDecided, Recipient{Kind: ToPrompts, Ref: string(k)}, args)
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
		if a.Review != nil {
			return Change{}, ErrReviewPending
		}
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
		files, err := checkAnswerAttachments(cmd.Attachments, cmd.AttachmentLimits)
		if err != nil {
			return Change{}, err
		}
		withdraw(&n)
		ans := &Answer{AppealID: a.ID, Author: cmd.Actor, Text: text, At: now}
		if len(files) > 0 {
			for i := range files {
				files[i].CreatedAt = now
			}
			ans.Attachments = files
		}
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
			decided(MsgAnswerApproval, DecisionApproved, "")
			msg(MsgAnswerDecision, member(ans.Author), map[string]string{"decision": "approved"})
		} else {
			if text == "" {
				return Change{}, ErrTextRequired
			}
			ans.State = AnswerRejected
			n.Status = StatusClaimed
			ev(EventAnswerRejected, text)
			decided(MsgAnswerApproval, DecisionRejected, text)
			msg(MsgAnswerDecision, member(ans.Author), map[string]string{"decision": "rejected", "reason": text})
		}
		msg(MsgCard, dept(n.Department), nil)

	case ActReturn, ActTransfer:
		if from != StatusAssigned && from != StatusClaimed {
			return illegal()
		}
		if cmd.Action == ActTransfer {
			if cmd.Department == "" {
				return Change{}, ErrDepartmentRequired
			}
			if cmd.Department == a.Department {
				return Change{}, ErrSameDepartment
			}
		}
		if from == StatusClaimed && a.Assignee != cmd.Actor && !cmd.Force {
			return Change{}, ErrNotAssignee
		}
		if text == "" {
			return Change{}, ErrTextRequired
		}
		if a.Review != nil {
			return Change{}, ErrReviewPending
		}
		h := Handoff{Kind: HandoffReturn, By: cmd.Actor, From: a.Department, Reason: text, At: now,
			Supervision: cmd.BounceLimit > 0 && a.Bounces >= cmd.BounceLimit}
		if cmd.Action == ActTransfer {
			h.Kind, h.To = HandoffTransfer, cmd.Department
		}
		if !cmd.Review && !h.Supervision {
			if err := handOff(&n, h, cmd, now, ev, msg); err != nil {
				return Change{}, err
			}
			break
		}
		if a.Extension != nil {
			return Change{}, ErrExtensionPending
		}
		// The appeal stays with its department, its clock running, until
		// dispatch (or, past the bounce limit, supervision) decides.
		n.Review = &h
		ask(&n, cmd.Deadlines.DecideBy, now)
		ev(EventReviewRequested, h.note())
		to := ToDispatch
		if h.Supervision {
			to = ToSupervision
		}
		msg(MsgReviewRequest, Recipient{Kind: to}, nil)
		msg(MsgCard, dept(n.Department), nil)

	case ActApproveReview, ActRejectReview:
		if from != StatusAssigned && from != StatusClaimed {
			return illegal()
		}
		if a.Review == nil {
			return Change{}, ErrNoReviewPending
		}
		h := *a.Review
		n.Review = nil
		if cmd.Action == ActApproveReview {
			h.DecidedBy, h.DecidedAt = cmd.Actor, now
			decided(MsgReviewRequest, DecisionApproved, "", h.args()...)
			msg(MsgReviewDecision, dept(a.Department), h.decision(DecisionApproved, ""))
			if err := handOff(&n, h, cmd, now, ev, msg); err != nil {
				return Change{}, err
			}
			break
		}
		if text == "" {
			return Change{}, ErrTextRequired
		}
		// Back to the department with its clock as it was: a rejected
		// return buys no time.
		withdraw(&n)
		ev(EventReviewRejected, string(h.Kind)+": "+text)
		decided(MsgReviewRequest, DecisionRejected, text, h.args()...)
		msg(MsgReviewDecision, dept(n.Department), h.decision(DecisionRejected, text))
		msg(MsgCard, dept(n.Department), nil)

	case ActAssignMember:
		if from != StatusAssigned && from != StatusClaimed {
			return illegal()
		}
		if cmd.Member == 0 {
			return Change{}, ErrMemberRequired
		}
		if from == StatusClaimed && a.Assignee == cmd.Member {
			return Change{}, ErrAlreadyAssignee
		}
		n.Status = StatusClaimed
		n.Assignee = cmd.Member
		n.ClaimedAt = now
		ev(EventMemberAssigned, text)
		c.Events[len(c.Events)-1].Outcome = strconv.FormatInt(int64(cmd.Member), 10)
		msg(MsgCard, dept(n.Department), nil)
		msg(MsgAssignedYou, member(cmd.Member), map[string]string{"reason": text, ArgBy: strconv.FormatInt(int64(cmd.Actor), 10)})
		msg(MsgContact, member(cmd.Member), nil)

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
		if a.Review != nil {
			return Change{}, ErrReviewPending
		}
		if cmd.Extension.Validate() != nil {
			return Change{}, ErrBadExtension
		}
		if text == "" {
			return Change{}, ErrTextRequired
		}
		if cmd.ExtensionCap > 0 && a.ExtendedWork+cmd.ExtensionCost > cmd.ExtensionCap {
			return Change{}, &CapError{Left: max(cmd.ExtensionCap-a.ExtendedWork, 0), Cap: cmd.ExtensionCap,
				CapSpan: cmd.CapSpan, WorkDay: cmd.WorkDay}
		}
		n.Extension = &Extension{By: cmd.Actor, Span: cmd.Extension, Reason: text, At: now, Cost: cmd.ExtensionCost}
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
		switch {
		case cmd.ByDispatch && !x.AwaitsDispatch():
			return Change{}, ErrLeaderFirst
		case !cmd.ByDispatch && x.AwaitsDispatch():
			return Change{}, ErrAwaitsDispatch
		}
		what := []string{ArgWhat, x.Reason, "duration", x.Span.String()}
		if cmd.Action == ActApproveExtension && !cmd.ByDispatch && cmd.DispatchExtensions {
			// A leader agrees; dispatch has the last word, on a clock
			// of its own.
			n.Extension.LeaderBy, n.Extension.LeaderAt = cmd.Actor, now
			ask(&n, cmd.Deadlines.DecideBy, now)
			ev(EventExtensionEndorsed, x.Span.String())
			decided(MsgExtensionRequest, DecisionEndorsed, "", what...)
			msg(MsgExtensionRequest, Recipient{Kind: ToDispatch}, nil)
			msg(MsgCard, dept(n.Department), nil)
			break
		}
		withdraw(&n)
		if cmd.Action == ActApproveExtension {
			if cmd.Deadlines.AnswerBy.IsZero() || cmd.Deadlines.ResolveBy.IsZero() {
				return Change{}, ErrDeadlinesRequired
			}
			n.Deadlines.AnswerBy = cmd.Deadlines.AnswerBy
			n.Deadlines.ResolveBy = cmd.Deadlines.ResolveBy
			n.ExtendedAt = now
			n.ExtendedWork += x.Cost
			ev(EventExtensionApproved, x.Span.String())
			decided(MsgExtensionRequest, DecisionApproved, "", what...)
			msg(MsgExtensionDecision, member(x.By), map[string]string{"decision": "approved", "duration": x.Span.String()})
			msg(MsgExtensionGranted, dept(n.Department), map[string]string{"duration": x.Span.String()})
		} else {
			if text == "" {
				return Change{}, ErrTextRequired
			}
			ev(EventExtensionRejected, text)
			decided(MsgExtensionRequest, DecisionRejected, text, what...)
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
		n.Reopens++
		if a.Assignee != 0 {
			// Whoever answered hears of it: an edited card notifies nobody.
			msg(MsgReopenedYou, member(a.Assignee), map[string]string{"reason": text})
		}
		// A reopened appeal gets a card of its own, below the chat's
		// newer messages, rather than an edit of the old one.
		fresh := map[string]string{ArgFresh: "1"}
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
			msg(MsgCard, Recipient{Kind: ToDispatch}, fresh)
			break
		}
		if cmd.Deadlines.ClaimBy.IsZero() {
			return Change{}, ErrDeadlinesRequired
		}
		assignTo(&n, a.Department, cmd.Deadlines, now)
		ev(EventReopened, text)
		msg(MsgCard, dept(n.Department), fresh)

	default:
		return Change{}, fmt.Errorf("%w: %q", ErrUnknownAction, cmd.Action)
	}
	// Every transition leaves the appeal on the ladder of its new status,
	// so every open appeal has a next deadline.
	n.NextActionAt = NextAction(n, cmd.Done, cmd.Reminders, cmd.Clocks)
	c.Appeal = n
	return c, nil
}

// handOff carries out a return or transfer h: a return sends the appeal to
// dispatch, a transfer to h.To with a fresh clock (cmd.Deadlines); either
// counts as a bounce and is kept as the appeal's last handoff.
func handOff(n *Appeal, h Handoff, cmd Command, now time.Time, ev func(EventKind, string), msg func(MessageKind, Recipient, map[string]string)) error {
	old := n.Department
	switch h.Kind {
	case HandoffTransfer:
		if cmd.Deadlines.ClaimBy.IsZero() {
			return ErrDeadlinesRequired
		}
		assignTo(n, h.To, cmd.Deadlines, now)
	default:
		n.Status = StatusReturned
		n.Assignee = 0
		n.ClaimedAt = time.Time{}
		withdraw(n)
		startDispatch(n, cmd.Deadlines.DispatchBy, now)
	}
	n.Bounces++
	n.Handoff = &h
	dept := func(code string) Recipient { return Recipient{Kind: ToDepartment, Ref: code} }
	if h.Kind == HandoffTransfer {
		ev(EventTransferred, old+" → "+h.To+": "+h.Reason)
		msg(MsgCard, dept(old), nil)
		msg(MsgCard, dept(h.To), nil)
		return nil
	}
	ev(EventReturned, h.Reason)
	msg(MsgCard, dept(old), nil)
	msg(MsgReturned, Recipient{Kind: ToDispatch}, map[string]string{"reason": h.Reason, "department": old})
	return nil
}

// note is how the log names a handoff: "return: reason", "transfer →
// water: reason".
func (h Handoff) note() string {
	if h.Kind == HandoffTransfer {
		return "transfer → " + h.To + ": " + h.Reason
	}
	return "return: " + h.Reason
}

// args are what a closed review prompt says of h: its kind, the
// department a transfer went to, its reason.
func (h Handoff) args() []string {
	return []string{"kind", string(h.Kind), "to", h.To, ArgWhat, h.Reason}
}

// decision are the args of MsgReviewDecision for h: the decision, the
// reason of a rejection, and what was asked.
func (h Handoff) decision(d, reason string) map[string]string {
	args := map[string]string{"decision": d, "kind": string(h.Kind), "to": h.To}
	if reason != "" {
		args["reason"] = reason
	}
	return args
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
