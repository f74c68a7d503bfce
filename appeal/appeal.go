// Package appeal is the domain model of appealbot: departments, members and
// their roles, appeals with their deadlines, the append-only event log and the
// status state machine. It knows nothing of SQL, chat networks or HTTP; the
// decisions it makes are pure functions of their inputs and the time given.
package appeal

import (
	"time"
)

// ID is an appeal's short public number, the one people type in chat.
type ID int64

// MemberID identifies a member inside appealbot, whatever chat network they use.
type MemberID int64

// Priority decides which SLA tier applies to an appeal.
type Priority string

// Priorities.
const (
	PriorityNormal Priority = "normal"
	PriorityUrgent Priority = "urgent"
)

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { return p == PriorityNormal || p == PriorityUrgent }

// Status is where an appeal stands in its lifecycle.
type Status string

// Statuses. An appeal moves unassigned → assigned → claimed → answered →
// closed; returned is "not ours, back to dispatch"; pending_approval is an
// answer waiting for a leader where the department requires approval.
const (
	StatusUnassigned      Status = "unassigned"
	StatusAssigned        Status = "assigned"
	StatusClaimed         Status = "claimed"
	StatusPendingApproval Status = "pending_approval"
	StatusAnswered        Status = "answered"
	StatusClosed          Status = "closed"
	StatusReturned        Status = "returned"
)

// Statuses lists every status, in lifecycle order.
var Statuses = []Status{
	StatusUnassigned, StatusAssigned, StatusClaimed, StatusPendingApproval,
	StatusAnswered, StatusClosed, StatusReturned,
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Open reports whether an appeal in status s still needs work.
func (s Status) Open() bool { return s != StatusClosed }

// Citizen is the person who raised the appeal.
type Citizen struct {
	Name  string
	Phone string
	Email string
}

// Deadlines are the moments by which an appeal must be claimed, answered and
// resolved, given to a department, and decided on by a leader. A zero time
// means no such deadline (an appeal not yet assigned has no claim deadline,
// one that no leader is asked about no decision deadline).
type Deadlines struct {
	ClaimBy   time.Time
	AnswerBy  time.Time
	ResolveBy time.Time
	// DispatchBy is when dispatch must have given an unassigned or
	// returned appeal to a department.
	DispatchBy time.Time
	// DecideBy is when a leader must have decided on the answer awaiting
	// approval or the request for more time.
	DecideBy time.Time
}

// Extension is a request for more time, waiting for a leader's decision.
type Extension struct {
	By MemberID
	// Span is the time asked for, in calendar or working time; approving
	// adds it to the answer and resolve deadlines in the department's
	// calendar.
	Span   Span
	Reason string
	At     time.Time
	// Cost is the working time the request adds to the answer deadline,
	// counted against the appeal's extension cap (see Command.ExtensionCap).
	Cost time.Duration
	// LeaderBy and LeaderAt record the leader's approval of a request that
	// then waits for dispatch's (the department's DispatchExtensions
	// setting); zero while no leader has approved it.
	LeaderBy MemberID
	LeaderAt time.Time
}

// AwaitsDispatch reports whether the request waits for dispatch, a leader
// having approved it.
func (x *Extension) AwaitsDispatch() bool { return x != nil && x.LeaderBy != 0 }

// HandoffKind says how a department gives an appeal away.
type HandoffKind string

// Handoff kinds.
const (
	// HandoffReturn: "not ours", back to dispatch (退单).
	HandoffReturn HandoffKind = "return"
	// HandoffTransfer: to another named department (转办).
	HandoffTransfer HandoffKind = "transfer"
)

// Handoff is a department's return or transfer of an appeal: while it
// waits for review (Appeal.Review) and once done (Appeal.Handoff), so that
// the next holder sees who sent it, from where and why.
type Handoff struct {
	Kind HandoffKind
	// By asked for it; From is the department that had the appeal, To the
	// department a transfer goes to.
	By     MemberID
	From   string
	To     string
	Reason string
	At     time.Time
	// Supervision: the appeal had bounced as often as allowed, so the
	// request waits for supervision's ruling rather than dispatch's.
	Supervision bool
	// DecidedBy and DecidedAt record who approved it (zero for a transfer
	// that needed no review).
	DecidedBy MemberID
	DecidedAt time.Time
}

// Appeal is one citizen's complaint, request or question.
type Appeal struct {
	ID          ID
	Source      string
	ExternalID  string
	Title       string
	Body        string
	Category    string
	Priority    Priority
	Citizen     Citizen
	Location    string
	ReceivedAt  time.Time
	CallbackURL string

	// Department is the code of the department that owns the appeal: empty
	// while unassigned, and for a returned appeal the department that sent
	// it back (so that dispatch does not assign it there again).
	Department string
	Status     Status
	// Assignee is the responder who claimed it, zero when nobody has.
	Assignee  MemberID
	Deadlines Deadlines
	// Extension is a pending request for more time, nil when none is pending.
	Extension *Extension
	// Review is a return or transfer waiting for dispatch's (or
	// supervision's) review, nil when none waits.
	Review *Handoff
	// Handoff is the last return or transfer done, nil when none was.
	Handoff *Handoff
	// Bounces counts the returns and transfers done: at the bounce limit
	// the next one waits for supervision's ruling.
	Bounces int
	// Reopens counts the times the appeal was reopened.
	Reopens int
	// ExtendedWork is the working time extensions granted so far, counted
	// against the extension cap.
	ExtendedWork time.Duration

	AssignedAt time.Time
	ClaimedAt  time.Time
	AnsweredAt time.Time
	ClosedAt   time.Time
	// DispatchedAt is when the appeal last came to dispatch (handed in
	// without a known department, returned, reopened back to dispatch):
	// the start of its dispatch deadline.
	DispatchedAt time.Time
	// AskedAt is when a leader was asked to decide on what waits (the
	// answer awaiting approval, the request for more time); zero when
	// nothing waits.
	AskedAt time.Time
	// ExtendedAt is when the last extension of the current assignment was
	// approved: the answer's reminders start over from it.
	ExtendedAt time.Time
	// NextActionAt is when the reminder scan must next look at the appeal:
	// the moment of its next stage (see Ladder); zero only once closed.
	NextActionAt time.Time

	CreatedAt time.Time
	UpdatedAt time.Time

	// Answers are filled in when an appeal is read with its answers.
	Answers []Answer
	// Attachments are filled in the same way, without their bytes: the
	// photos of every answer and the links of the intake, by number.
	Attachments []Attachment

	// CallbackEvents names the events the callback URL is told of (see
	// WantsCallback); empty names only "answered".
	CallbackEvents []string
	// Urges counts the citizen's urges (催办), UrgedAt is the last one.
	Urges   int
	UrgedAt time.Time
}

// AnswerState says whether an answer still needs a leader's approval.
type AnswerState string

// Answer states.
const (
	AnswerPending  AnswerState = "pending"
	AnswerAccepted AnswerState = "accepted"
	AnswerRejected AnswerState = "rejected"
)

// Answer is a responder's reply to the citizen.
type Answer struct {
	ID       int64
	AppealID ID
	Author   MemberID
	Text     string
	State    AnswerState
	At       time.Time
	// DecidedBy and DecidedAt record the leader's approval or rejection.
	DecidedBy MemberID
	DecidedAt time.Time
	// Attachments are the photos sent with the answer: with their bytes
	// when the answer is new (written with it, in one transaction), without
	// them when read back.
	Attachments []Attachment
}

// EventKind names what happened to an appeal.
type EventKind string

// Event kinds, one per transition plus intake.
const (
	EventReceived           EventKind = "received"
	EventAssigned           EventKind = "assigned"
	EventClaimed            EventKind = "claimed"
	EventUnclaimed          EventKind = "unclaimed"
	EventAnswerSubmitted    EventKind = "answer_submitted"
	EventAnswered           EventKind = "answered"
	EventAnswerRejected     EventKind = "answer_rejected"
	EventReturned           EventKind = "returned"
	EventTransferred        EventKind = "transferred"
	EventExtensionRequested EventKind = "extension_requested"
	EventExtensionApproved  EventKind = "extension_approved"
	EventExtensionRejected  EventKind = "extension_rejected"
	EventClosed             EventKind = "closed"
	EventReopened           EventKind = "reopened"
	// EventReviewRequested: a return or transfer waits for review.
	EventReviewRequested EventKind = "review_requested"
	// EventReviewRejected: dispatch (or supervision) kept the appeal with
	// its department.
	EventReviewRejected EventKind = "review_rejected"
	// EventExtensionEndorsed: a leader approved a request for more time
	// that now waits for dispatch.
	EventExtensionEndorsed EventKind = "extension_endorsed"
	// EventMemberAssigned: a leader or dispatcher gave the appeal to a
	// named responder.
	EventMemberAssigned EventKind = "member_assigned"
)

// Event is one entry of an appeal's append-only log.
type Event struct {
	ID       int64
	AppealID ID
	At       time.Time
	Kind     EventKind
	// Actor is the member who acted; zero for the system or an upstream API.
	Actor MemberID
	// Via names who acted when no member did: RuleActor(name) for a rule
	// of the routing catalogue, RouterActor for the learned router.
	Via        string
	FromStatus Status
	ToStatus   Status
	// Department is the owning department after the event.
	Department string
	// Note carries the reason, result or answer text that came with the event.
	Note string
	// Outcome is the structured result of a closed event (a Resolution,
	// empty for closes that were not a department's) or of a feedback
	// event (a FeedbackResult); empty for other events.
	Outcome string
}
