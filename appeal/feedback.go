package appeal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// The citizen's verdict. After an answer the upstream system calls the
// citizen back (回访) and posts the result; "unsatisfied" sends the appeal
// back to its department to be worked again.

// FeedbackResult is what the citizen said when called back.
type FeedbackResult string

// Feedback results.
const (
	FeedbackSatisfied   FeedbackResult = "satisfied"
	FeedbackUnsatisfied FeedbackResult = "unsatisfied"
	// FeedbackNoAnswer: the citizen could not be reached. It counts
	// neither for nor against the satisfaction rate.
	FeedbackNoAnswer FeedbackResult = "no_answer"
)

// Valid reports whether r is a known result.
func (r FeedbackResult) Valid() bool {
	return r == FeedbackSatisfied || r == FeedbackUnsatisfied || r == FeedbackNoAnswer
}

// Resolution is whether a department closed an appeal as resolved.
type Resolution string

// Resolutions. A close from answered is resolved unless said otherwise.
const (
	Resolved   Resolution = "resolved"
	Unresolved Resolution = "unresolved"
)

// EventFeedback records a citizen's verdict; its Outcome is the result.
const EventFeedback EventKind = "feedback"

// ActFeedback is the action of recording a verdict (ApplyFeedback). It is
// not one of Actions: people do not take it in chat, upstream systems do.
const ActFeedback Action = "feedback"

// Limits on feedback fields, in characters.
const (
	MaxFeedbackComment = 2000
	MaxFeedbackID      = 128
)

// Feedback is one verdict on an appeal's answer.
type Feedback struct {
	ID       int64
	AppealID ID
	// ExternalID is the upstream's id of the feedback, optional; posting
	// the same id again is a no-op.
	ExternalID string
	Result     FeedbackResult
	Comment    string
	// Department held the appeal when the verdict came.
	Department string
	// AnsweredAt is when the answer judged was accepted.
	AnsweredAt time.Time
	// Reopened is true when the verdict sent the appeal back.
	Reopened bool
	At       time.Time
}

// Key identifies a verdict for deduplication: the upstream's id when it
// gave one, otherwise the answer judged with the result and the comment.
// The store keeps one verdict per appeal and key.
func (f Feedback) Key() string {
	if f.ExternalID != "" {
		return "id:" + f.ExternalID
	}
	sum := sha256.Sum256([]byte(f.Comment))
	return fmt.Sprintf("answer:%s|%s|%s", f.AnsweredAt.UTC().Format(time.RFC3339Nano), f.Result, hex.EncodeToString(sum[:16]))
}

// Validate checks a verdict as it comes from upstream.
func (f Feedback) Validate() error {
	if f.Result == "" {
		return &FieldError{"result", "required", "is required"}
	}
	if !f.Result.Valid() {
		return &FieldError{"result", "invalid", fmt.Sprintf("must be %q, %q or %q", FeedbackSatisfied, FeedbackUnsatisfied, FeedbackNoAnswer)}
	}
	if err := checkText("comment", f.Comment, false, MaxFeedbackComment); err != nil {
		return err
	}
	return checkText("feedback_id", f.ExternalID, false, MaxFeedbackID)
}

// SameFeedback returns the stored verdict (stored is the appeal's, oldest
// first) that in repeats, for an appeal now in state a: one with the same
// upstream id, or, without an id, the latest verdict when it has the same
// result and comment and the appeal has not been answered again since (an
// upstream retry). A repeated id with a different result or comment is
// ErrConflict.
func SameFeedback(a Appeal, stored []Feedback, in Feedback) (Feedback, bool, error) {
	if in.ExternalID != "" {
		for _, f := range stored {
			if f.ExternalID != in.ExternalID {
				continue
			}
			if f.Result != in.Result || f.Comment != in.Comment {
				return Feedback{}, false, fmt.Errorf("%w: feedback %q was recorded with another result or comment", ErrConflict, in.ExternalID)
			}
			return f, true, nil
		}
		return Feedback{}, false, nil
	}
	if len(stored) == 0 {
		return Feedback{}, false, nil
	}
	last := stored[len(stored)-1]
	if last.ExternalID != "" || last.Result != in.Result || last.Comment != in.Comment {
		return Feedback{}, false, nil
	}
	if a.AnsweredAt.After(last.At) {
		return Feedback{}, false, nil
	}
	return last, true, nil
}

// ApplyFeedback records verdict f on a at now: an event, and for
// "unsatisfied" a reopen in the appeal's department with a fresh clock
// (cmd carries the deadlines and reminder policy, as for ActReopen), the
// comment becoming the reopen's note. Only an answered or closed appeal
// can be judged.
func ApplyFeedback(a Appeal, f Feedback, cmd Command, now time.Time) (Change, error) {
	if a.Status != StatusAnswered && a.Status != StatusClosed {
		return Change{}, &TransitionError{Action: ActFeedback, From: a.Status}
	}
	f.AppealID, f.Department, f.AnsweredAt, f.At = a.ID, a.Department, a.AnsweredAt, now
	f.Comment = strings.TrimSpace(f.Comment)
	ev := Event{AppealID: a.ID, At: now, Kind: EventFeedback, FromStatus: a.Status, ToStatus: a.Status,
		Department: a.Department, Note: f.Comment, Outcome: string(f.Result)}
	if f.Result != FeedbackUnsatisfied {
		n := a
		n.Answers = nil
		n.UpdatedAt = now
		return Change{Appeal: n, Events: []Event{ev}, Feedback: &f}, nil
	}
	note := f.Comment
	if note == "" {
		note = "citizen unsatisfied"
	}
	c, err := Transition(a, nil, Command{Action: ActReopen, Text: note, Deadlines: cmd.Deadlines, Reminders: cmd.Reminders,
		Clocks: cmd.Clocks, Done: cmd.Done}, now)
	if err != nil {
		return Change{}, err
	}
	f.Reopened = true
	c.Events = append([]Event{ev}, c.Events...)
	c.Feedback = &f
	return c, nil
}

// FeedbackResponse is what Service.Feedback did.
type FeedbackResponse struct {
	Feedback Feedback
	Appeal   Appeal
	// Duplicate: the verdict repeats one already recorded (an upstream
	// retry); nothing was written.
	Duplicate bool
}

// Feedback records a citizen's verdict on appeal id. A verdict that repeats
// one recorded (see SameFeedback) changes nothing and comes back with
// Duplicate set, so upstream retries never reopen an appeal twice. Errors:
// *FieldError for bad input, ErrNotFound, a *TransitionError when the
// appeal is neither answered nor closed, ErrConflict for a reused upstream
// id with different content.
func (s *Service) Feedback(ctx context.Context, id ID, in Feedback) (FeedbackResponse, error) {
	in.Comment = strings.TrimSpace(in.Comment)
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	if err := in.Validate(); err != nil {
		return FeedbackResponse{}, err
	}
	repeat := func() (FeedbackResponse, bool, error) {
		a, err := s.store.Appeal(ctx, id)
		if err != nil {
			return FeedbackResponse{}, false, err
		}
		stored, err := s.store.Feedback(ctx, id)
		if err != nil {
			return FeedbackResponse{}, false, err
		}
		f, ok, err := SameFeedback(a, stored, in)
		return FeedbackResponse{Feedback: f, Appeal: a, Duplicate: true}, ok, err
	}
	if r, ok, err := repeat(); err != nil || ok {
		return r, err
	}
	var cmd Command
	cur, err := s.store.Appeal(ctx, id)
	if err != nil {
		return FeedbackResponse{}, err
	}
	if in.Result == FeedbackUnsatisfied {
		var dept *Department
		if cur.Department != "" {
			d, err := s.store.Department(ctx, cur.Department)
			if err != nil {
				return FeedbackResponse{}, fmt.Errorf("feedback: department %q: %w", cur.Department, err)
			}
			dept = &d
		}
		if cmd, _, err = s.ladderCommand(ctx, cur, dept, s.Now()); err != nil {
			return FeedbackResponse{}, fmt.Errorf("feedback: %w", err)
		}
	}
	var recorded Feedback
	a, err := s.store.UpdateAppeal(ctx, id, func(a Appeal, _ *Answer) (Change, error) {
		if a.Department != cur.Department {
			return Change{}, errMoved
		}
		c, err := ApplyFeedback(a, in, cmd, s.Now())
		if err == nil {
			recorded = *c.Feedback
		}
		return c, err
	})
	if err != nil {
		// A concurrent copy of the same verdict may have won: then this
		// one is its repeat, not an error.
		if r, ok, rerr := repeat(); rerr == nil && ok {
			return r, nil
		}
		return FeedbackResponse{}, err
	}
	if stored, err := s.store.Feedback(ctx, id); err == nil {
		for _, f := range stored {
			if f.Key() == recorded.Key() {
				recorded.ID = f.ID
			}
		}
	}
	return FeedbackResponse{Feedback: recorded, Appeal: a}, nil
}
