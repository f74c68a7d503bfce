package appeal

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCloseResolution(t *testing.T) {
	for _, c := range []struct {
		from Status
		res  Resolution
		want string
		err  error
	}{
		{StatusAnswered, "", "resolved", nil},
		{StatusAnswered, Resolved, "resolved", nil},
		{StatusAnswered, Unresolved, "unresolved", nil},
		{StatusAnswered, "maybe", "", ErrBadResolution},
		// Dispatch closes spam and duplicates: no resolution.
		{StatusUnassigned, "", "", nil},
		{StatusReturned, Unresolved, "", nil},
	} {
		a := fixture(t, c.from)
		ch, err := Transition(a, nil, Command{Action: ActClose, Actor: carol, Text: "done", Resolution: c.res}, now)
		if !errors.Is(err, c.err) {
			t.Errorf("close from %s with %q: err %v, want %v", c.from, c.res, err, c.err)
			continue
		}
		if err == nil && ch.Events[0].Outcome != c.want {
			t.Errorf("close from %s with %q: outcome %q, want %q", c.from, c.res, ch.Events[0].Outcome, c.want)
		}
	}
}

func TestApplyFeedback(t *testing.T) {
	answered := fixture(t, StatusAnswered)
	cmd := Command{Deadlines: roadsDeadlines}

	// Satisfied: an event, the verdict, nothing else changes.
	c, err := ApplyFeedback(answered, Feedback{Result: FeedbackSatisfied, Comment: " 很好 "}, cmd, now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Appeal.Status != StatusAnswered || len(c.Messages) != 0 || len(c.Events) != 1 {
		t.Fatalf("satisfied: status %s, %d messages, %d events", c.Appeal.Status, len(c.Messages), len(c.Events))
	}
	if e := c.Events[0]; e.Kind != EventFeedback || e.Outcome != "satisfied" || e.Note != "很好" || e.Department != "roads" {
		t.Errorf("satisfied event %+v", e)
	}
	if f := c.Feedback; f == nil || f.Reopened || f.Department != "roads" || !f.AnsweredAt.Equal(answered.AnsweredAt) || f.Comment != "很好" {
		t.Errorf("satisfied verdict %+v", c.Feedback)
	}

	// Unsatisfied: reopened in roads with a fresh clock, the comment as
	// the reopen's note, the card updated.
	c, err = ApplyFeedback(answered, Feedback{Result: FeedbackUnsatisfied, Comment: "还是坏的"}, cmd, now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Appeal.Status != StatusAssigned || c.Appeal.Deadlines != roadsDeadlines || !c.Appeal.AssignedAt.Equal(now) {
		t.Errorf("unsatisfied: %+v", c.Appeal)
	}
	if len(c.Events) != 2 || c.Events[0].Kind != EventFeedback || c.Events[1].Kind != EventReopened || c.Events[1].Note != "还是坏的" {
		t.Errorf("unsatisfied events %+v", c.Events)
	}
	// The one who answered hears of it, and the department gets a new
	// card rather than an edit.
	if len(c.Messages) != 2 || c.Messages[0].Kind != MsgReopenedYou || c.Messages[0].To != toAlice ||
		c.Messages[1].To != toDept("roads") || c.Messages[1].Kind != MsgCard || c.Messages[1].Args[ArgFresh] == "" || !c.Feedback.Reopened {
		t.Errorf("unsatisfied messages %+v, verdict %+v", c.Messages, c.Feedback)
	}
	// Without a comment the reopen still has a note.
	c, err = ApplyFeedback(fixture(t, StatusClosed), Feedback{Result: FeedbackUnsatisfied}, cmd, now)
	if err != nil || c.Events[1].Note == "" || c.Appeal.Status != StatusAssigned {
		t.Errorf("unsatisfied without comment on a closed appeal: %+v, %v", c.Events, err)
	}

	// Only answered or closed appeals are judged.
	for _, s := range []Status{StatusAssigned, StatusClaimed, StatusPendingApproval, StatusUnassigned, StatusReturned} {
		_, err := ApplyFeedback(fixture(t, s), Feedback{Result: FeedbackSatisfied}, cmd, now)
		var te *TransitionError
		if !errors.As(err, &te) || te.Action != ActFeedback {
			t.Errorf("feedback on %s: err %v, want a TransitionError", s, err)
		}
	}
}

func TestFeedbackValidate(t *testing.T) {
	for _, c := range []struct {
		f     Feedback
		field string
	}{
		{Feedback{Result: FeedbackNoAnswer}, ""},
		{Feedback{}, "result"},
		{Feedback{Result: "happy"}, "result"},
		{Feedback{Result: FeedbackSatisfied, Comment: strings.Repeat("好", MaxFeedbackComment+1)}, "comment"},
		{Feedback{Result: FeedbackSatisfied, ExternalID: strings.Repeat("x", MaxFeedbackID+1)}, "feedback_id"},
	} {
		err := c.f.Validate()
		var fe *FieldError
		if c.field == "" && err != nil || c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field) {
			t.Errorf("Validate(%+v) = %v, want field %q", c.f, err, c.field)
		}
	}
}

func TestSameFeedback(t *testing.T) {
	answeredAt := now.Add(-time.Hour)
	a := Appeal{ID: 1, Status: StatusAnswered, AnsweredAt: answeredAt}
	first := Feedback{ID: 1, Result: FeedbackUnsatisfied, Comment: "no", AnsweredAt: answeredAt, At: now}
	// After the reopen the appeal is assigned, not answered: a retry of the
	// same verdict is recognised.
	reopened := Appeal{ID: 1, Status: StatusAssigned}
	if f, ok, err := SameFeedback(reopened, []Feedback{first}, Feedback{Result: FeedbackUnsatisfied, Comment: "no"}); !ok || err != nil || f.ID != 1 {
		t.Errorf("retry after reopen: %v %v %v", f, ok, err)
	}
	// A different comment or result is a new verdict.
	if _, ok, _ := SameFeedback(a, []Feedback{first}, Feedback{Result: FeedbackUnsatisfied, Comment: "still no"}); ok {
		t.Error("a new comment counted as a repeat")
	}
	// Answered again since: the same words judge a new answer.
	again := Appeal{ID: 1, Status: StatusAnswered, AnsweredAt: now.Add(time.Hour)}
	if _, ok, _ := SameFeedback(again, []Feedback{first}, Feedback{Result: FeedbackUnsatisfied, Comment: "no"}); ok {
		t.Error("a verdict on a new answer counted as a repeat")
	}
	// Upstream ids: the same id is the same verdict, with other content a
	// conflict.
	withID := Feedback{ID: 2, ExternalID: "cb-7", Result: FeedbackSatisfied, At: now}
	if _, ok, err := SameFeedback(again, []Feedback{first, withID}, Feedback{ExternalID: "cb-7", Result: FeedbackSatisfied}); !ok || err != nil {
		t.Errorf("same id: %v %v", ok, err)
	}
	if _, _, err := SameFeedback(again, []Feedback{withID}, Feedback{ExternalID: "cb-7", Result: FeedbackUnsatisfied}); !errors.Is(err, ErrConflict) {
		t.Errorf("same id, other result: err %v, want ErrConflict", err)
	}
	if _, ok, _ := SameFeedback(a, []Feedback{withID}, Feedback{ExternalID: "cb-8", Result: FeedbackSatisfied}); ok {
		t.Error("a new id counted as a repeat")
	}
	// Keys: the id when given, else the answer judged, result and comment.
	k1 := Feedback{Result: FeedbackSatisfied, Comment: "a", AnsweredAt: answeredAt}.Key()
	k2 := Feedback{Result: FeedbackSatisfied, Comment: "b", AnsweredAt: answeredAt}.Key()
	k3 := Feedback{Result: FeedbackSatisfied, Comment: "a", AnsweredAt: now}.Key()
	if k1 == k2 || k1 == k3 || (Feedback{ExternalID: "x", Comment: "a"}).Key() != "id:x" {
		t.Errorf("keys %q %q %q", k1, k2, k3)
	}
}
