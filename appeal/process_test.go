package appeal

import (
	"errors"
	"testing"
	"time"
)

// The 12345 loop in the state machine: reviewed returns and transfers,
// the bounce limit, capped extensions approved in two steps, and assigning
// a person. Each case is one transition, legal (with what it must leave)
// or refused (with the error the commands turn into a reply).
func TestProcessTransitions(t *testing.T) {
	endorsed := func(a *Appeal) {
		withExtension(a)
		a.Extension.Cost = 16 * time.Hour
		a.Extension.LeaderBy, a.Extension.LeaderAt = carol, now.Add(-5*time.Minute)
	}
	tests := []struct {
		name   string
		status Status
		setup  func(*Appeal)
		cmd    Command
		err    error
		check  func(t *testing.T, c Change)
	}{
		{name: "return asks for review", status: StatusClaimed,
			cmd: Command{Action: ActReturn, Actor: alice, Text: "not ours", Review: true, BounceLimit: 2},
			check: func(t *testing.T, c Change) {
				a := c.Appeal
				if a.Status != StatusClaimed || a.Department != "roads" || a.Assignee != alice || a.Bounces != 0 {
					t.Errorf("a return under review must leave the appeal where it is: %+v", a)
				}
				want := Handoff{Kind: HandoffReturn, By: alice, From: "roads", Reason: "not ours", At: now}
				if a.Review == nil || *a.Review != want || !a.AskedAt.Equal(now) || !a.Deadlines.DecideBy.Equal(decideBy) {
					t.Errorf("review %+v asked %v decide by %v", a.Review, a.AskedAt, a.Deadlines.DecideBy)
				}
				if a.Deadlines.AnswerBy != oldDeadlines.AnswerBy {
					t.Errorf("the department's clock must run on: %v", a.Deadlines)
				}
				checkEvents(t, c.Events, alice, []wantEvent{{EventReviewRequested, StatusClaimed, StatusClaimed, "roads", "return: not ours"}})
				checkMessages(t, c.Messages, []Message{msg(MsgReviewRequest, toDispatch, nil), card("roads")})
			}},
		{name: "transfer asks for review", status: StatusAssigned,
			cmd: Command{Action: ActTransfer, Actor: alice, Department: "water", Text: "a main", Review: true},
			check: func(t *testing.T, c Change) {
				if r := c.Appeal.Review; r == nil || r.Kind != HandoffTransfer || r.To != "water" || c.Appeal.Department != "roads" {
					t.Errorf("review %+v of %+v", r, c.Appeal)
				}
				checkEvents(t, c.Events, alice, []wantEvent{{EventReviewRequested, StatusAssigned, StatusAssigned, "roads", "transfer → water: a main"}})
			}},
		{name: "at the bounce limit a trusted transfer goes to supervision", status: StatusAssigned,
			setup: func(a *Appeal) { a.Bounces = 2 },
			cmd:   Command{Action: ActTransfer, Actor: alice, Department: "water", Deadlines: waterDeadlines, Text: "again", BounceLimit: 2},
			check: func(t *testing.T, c Change) {
				if r := c.Appeal.Review; r == nil || !r.Supervision || c.Appeal.Department != "roads" {
					t.Errorf("review %+v", r)
				}
				checkMessages(t, c.Messages, []Message{msg(MsgReviewRequest, Recipient{Kind: ToSupervision}, nil), card("roads")})
			}},
		{name: "below the limit a trusted transfer takes effect", status: StatusAssigned,
			setup: func(a *Appeal) { a.Bounces = 1 },
			cmd:   Command{Action: ActTransfer, Actor: alice, Department: "water", Deadlines: waterDeadlines, Text: "again", BounceLimit: 2},
			check: func(t *testing.T, c Change) {
				if c.Appeal.Department != "water" || c.Appeal.Bounces != 2 || c.Appeal.Review != nil {
					t.Errorf("%+v", c.Appeal)
				}
			}},
		{name: "second request while one waits", status: StatusClaimed, setup: withReview(HandoffReturn),
			cmd: Command{Action: ActTransfer, Actor: alice, Department: "water", Text: "x", Review: true}, err: ErrReviewPending},
		{name: "review asked while an extension waits", status: StatusClaimed, setup: withExtension,
			cmd: Command{Action: ActReturn, Actor: alice, Text: "x", Review: true}, err: ErrExtensionPending},
		{name: "answer while a review waits", status: StatusClaimed, setup: withReview(HandoffReturn),
			cmd: Command{Action: ActAnswer, Actor: alice, Text: "done"}, err: ErrReviewPending},
		{name: "extension while a review waits", status: StatusClaimed, setup: withReview(HandoffReturn),
			cmd: Command{Action: ActRequestExtension, Actor: alice, Text: "x", Extension: CalendarSpan(time.Hour)}, err: ErrReviewPending},
		{name: "approve with nothing to review", status: StatusClaimed,
			cmd: Command{Action: ActApproveReview, Actor: dan}, err: ErrNoReviewPending},
		{name: "reject without a reason", status: StatusClaimed, setup: withReview(HandoffReturn),
			cmd: Command{Action: ActRejectReview, Actor: dan, Text: " "}, err: ErrTextRequired},
		{name: "return without a reason", status: StatusClaimed,
			cmd: Command{Action: ActReturn, Actor: alice, Review: true}, err: ErrTextRequired},
		{name: "approved transfer goes to the named department", status: StatusClaimed, setup: withReview(HandoffTransfer),
			cmd: Command{Action: ActApproveReview, Actor: dan, Deadlines: waterDeadlines},
			check: func(t *testing.T, c Change) {
				a := c.Appeal
				if a.Department != "water" || a.Status != StatusAssigned || a.Bounces != 1 || a.Review != nil || !a.AskedAt.IsZero() {
					t.Errorf("%+v", a)
				}
				if h := a.Handoff; h == nil || h.By != alice || h.DecidedBy != dan || h.From != "roads" || h.Reason != "not ours" {
					t.Errorf("handoff %+v", h)
				}
				checkEvents(t, c.Events, dan, []wantEvent{{EventTransferred, StatusClaimed, StatusAssigned, "water", "roads → water: not ours"}})
			}},
		{name: "extension past the cap", status: StatusClaimed, setup: func(a *Appeal) { a.ExtendedWork = 60 * time.Hour },
			cmd: Command{Action: ActRequestExtension, Actor: alice, Text: "x", Extension: WorkingDaysSpan(3),
				ExtensionCost: 27 * time.Hour, ExtensionCap: 75 * time.Hour},
			err: ErrExtensionCap},
		{name: "extension within the cap", status: StatusClaimed, setup: func(a *Appeal) { a.ExtendedWork = 60 * time.Hour },
			cmd: Command{Action: ActRequestExtension, Actor: alice, Text: "x", Extension: WorkingDaysSpan(2),
				ExtensionCost: 15 * time.Hour, ExtensionCap: 75 * time.Hour},
			check: func(t *testing.T, c Change) {
				if x := c.Appeal.Extension; x == nil || x.Cost != 15*time.Hour {
					t.Errorf("extension %+v", x)
				}
			}},
		{name: "a leader's approval waits for dispatch's", status: StatusClaimed, setup: withExtension,
			cmd: Command{Action: ActApproveExtension, Actor: carol, DispatchExtensions: true, Deadlines: extendedDeadlines},
			check: func(t *testing.T, c Change) {
				a := c.Appeal
				if x := a.Extension; x == nil || x.LeaderBy != carol || !x.AwaitsDispatch() || a.Deadlines.AnswerBy != oldDeadlines.AnswerBy {
					t.Errorf("%+v %+v", x, a.Deadlines)
				}
				if !a.AskedAt.Equal(now) {
					t.Errorf("dispatch's decision clock must start now: %v", a.AskedAt)
				}
				checkMessages(t, c.Messages, []Message{decided(MsgExtensionRequest, carol, DecisionEndorsed, ArgWhat, "waiting for asphalt", "duration", "2d"),
					msg(MsgExtensionRequest, toDispatch, nil), card("roads")})
			}},
		{name: "dispatch before the leader", status: StatusClaimed, setup: withExtension,
			cmd: Command{Action: ActApproveExtension, Actor: dan, ByDispatch: true, Deadlines: extendedDeadlines}, err: ErrLeaderFirst},
		{name: "a leader again after approving", status: StatusClaimed, setup: endorsed,
			cmd: Command{Action: ActRejectExtension, Actor: carol, Text: "no"}, err: ErrAwaitsDispatch},
		{name: "dispatch approves", status: StatusClaimed, setup: endorsed,
			cmd: Command{Action: ActApproveExtension, Actor: dan, ByDispatch: true, DispatchExtensions: true, Deadlines: extendedDeadlines},
			check: func(t *testing.T, c Change) {
				a := c.Appeal
				if a.Extension != nil || a.ExtendedWork != 16*time.Hour || a.Deadlines.AnswerBy != extendedDeadlines.AnswerBy {
					t.Errorf("%+v", a)
				}
			}},
		{name: "assign nobody", status: StatusAssigned, cmd: Command{Action: ActAssignMember, Actor: carol}, err: ErrMemberRequired},
		{name: "assign who holds it", status: StatusClaimed, cmd: Command{Action: ActAssignMember, Actor: carol, Member: alice}, err: ErrAlreadyAssignee},
		{name: "assign an answered appeal", status: StatusAnswered, cmd: Command{Action: ActAssignMember, Actor: carol, Member: bob}, err: ErrIllegalTransition},
		{name: "review an answered appeal", status: StatusAnswered, cmd: Command{Action: ActApproveReview, Actor: dan}, err: ErrIllegalTransition},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := fixture(t, tc.status)
			if tc.setup != nil {
				tc.setup(&a)
			}
			cmd := tc.cmd
			cmd.Deadlines.DispatchBy, cmd.Deadlines.DecideBy = dispatchBy, decideBy
			before := clone(a)
			c, err := Transition(a, nil, cmd, now)
			checkUnchanged(t, a, before, nil, nil)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				var ce *CapError
				if errors.As(err, &ce) && (ce.Left != 15*time.Hour || ce.Cap != 75*time.Hour) {
					t.Errorf("cap error %+v, want 15h of 75h left", ce)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Appeal.Status.Open() && c.Appeal.NextActionAt.IsZero() {
				t.Errorf("open appeal without a next action")
			}
			tc.check(t, c)
		})
	}
}

// A pending review is on the ladder: dispatch hears of it at its decision
// deadline, supervision after that; a leader's decision stages do not
// apply to it.
func TestReviewOnTheLadder(t *testing.T) {
	a := fixture(t, StatusClaimed)
	withReview(HandoffReturn)(&a)
	var stages []Stage
	for _, s := range Stages(a, DefaultReminders) {
		stages = append(stages, s.Stage)
		if s.Stage == StageReviewOverdue && (!s.At.Equal(a.Deadlines.DecideBy) || s.To != ToDispatch) {
			t.Errorf("review overdue %+v", s)
		}
		if s.Stage == StageDecisionOverdue || s.Stage == StageDecisionSupervision {
			t.Errorf("a leader is not deciding: %v", s.Stage)
		}
	}
	has := func(st Stage) bool {
		for _, s := range stages {
			if s == st {
				return true
			}
		}
		return false
	}
	if !has(StageReviewOverdue) || !has(StageReviewSupervision) {
		t.Errorf("stages %v lack the review's", stages)
	}
	// An extension a leader approved waits for dispatch the same way.
	b := fixture(t, StatusClaimed)
	withExtension(&b)
	b.Extension.LeaderBy = carol
	if st := Stages(b, DefaultReminders); !containsStage(st, StageReviewOverdue) || containsStage(st, StageDecisionOverdue) {
		t.Errorf("endorsed extension stages %+v", st)
	}
}

func containsStage(ss []StageAt, s Stage) bool {
	for _, x := range ss {
		if x.Stage == s {
			return true
		}
	}
	return false
}
