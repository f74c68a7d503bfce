package appeal

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// EventUrged: the citizen urged (催办) an answer; the note is what they
// said.
const EventUrged EventKind = "urged"

// MsgUrge tells whoever holds an appeal that the citizen urged an answer,
// with arg "note".
const MsgUrge MessageKind = "urge"

// DefaultUrgeInterval is the least time between two urges of one appeal
// unless configured otherwise: urging again within it says nothing new to
// a department that was told an hour ago.
const DefaultUrgeInterval = time.Hour

// MaxUrgeNoteLen is the longest note an urge carries, in characters.
const MaxUrgeNoteLen = 500

var (
	// ErrClosed: the appeal is closed, there is nothing left to urge.
	ErrClosed = errors.New("appeal is closed")
	// ErrUrgeTooSoon: the appeal was urged a moment ago.
	ErrUrgeTooSoon = errors.New("appeal urged too recently")
)

// UrgeTooSoonError is ErrUrgeTooSoon with the time from which the appeal
// may be urged again.
type UrgeTooSoonError struct{ Next time.Time }

func (e *UrgeTooSoonError) Error() string {
	return fmt.Sprintf("appeal urged too recently; it may be urged again from %s", e.Next.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrUrgeTooSoon) true.
func (e *UrgeTooSoonError) Is(target error) bool { return target == ErrUrgeTooSoon }

// Urge records a citizen's urge (催办) of appeal a at now: it is counted,
// logged, and whoever holds the appeal (its department, or dispatch while
// it waits for one) is told at once, with the card showing the count. A
// closed appeal cannot be urged, nor one urged less than interval ago.
// The status and the deadlines do not change.
func Urge(a Appeal, note string, now time.Time, interval time.Duration) (Change, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxUrgeNoteLen {
		return Change{}, &FieldError{"note", "too_long", fmt.Sprintf("is longer than %d characters", MaxUrgeNoteLen)}
	}
	if !utf8.ValidString(note) || strings.ContainsRune(note, 0) {
		return Change{}, &FieldError{"note", "invalid", "is not valid text"}
	}
	if !a.Status.Open() {
		return Change{}, ErrClosed
	}
	if next := a.UrgedAt.Add(interval); !a.UrgedAt.IsZero() && now.Before(next) {
		return Change{}, &UrgeTooSoonError{Next: next}
	}
	n := a
	n.Answers = nil
	n.Urges++
	n.UrgedAt = now
	n.UpdatedAt = now
	to := Recipient{Kind: ToDispatch}
	switch a.Status {
	case StatusUnassigned, StatusReturned:
	default:
		if a.Department != "" {
			to = Recipient{Kind: ToDepartment, Ref: a.Department}
		}
	}
	return Change{
		Appeal: n,
		Events: []Event{{AppealID: a.ID, At: now, Kind: EventUrged, FromStatus: a.Status, ToStatus: a.Status,
			Department: a.Department, Note: note}},
		Messages: []Message{
			{Kind: MsgUrge, To: to, AppealID: a.ID, Args: map[string]string{"note": note}},
			{Kind: MsgCard, To: to, AppealID: a.ID},
		},
	}, nil
}
