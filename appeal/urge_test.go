package appeal

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestUrge is the table of urges: who is told, what is counted, and what
// is refused with which error.
func TestUrge(t *testing.T) {
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	base := func(st Status, dept string) Appeal {
		return Appeal{ID: 7, Status: st, Department: dept, Urges: 1, UrgedAt: at.Add(-2 * time.Hour),
			Deadlines: Deadlines{AnswerBy: at.Add(time.Hour)}, NextActionAt: at.Add(time.Minute)}
	}
	for _, c := range []struct {
		name    string
		a       Appeal
		note    string
		to      Recipient
		wantErr error
	}{
		{"assigned: its department", base(StatusAssigned, "water"), " 请尽快 ", Recipient{Kind: ToDepartment, Ref: "water"}, nil},
		{"claimed: its department", base(StatusClaimed, "water"), "", Recipient{Kind: ToDepartment, Ref: "water"}, nil},
		{"pending approval: its department", base(StatusPendingApproval, "water"), "", Recipient{Kind: ToDepartment, Ref: "water"}, nil},
		{"answered: its department", base(StatusAnswered, "water"), "", Recipient{Kind: ToDepartment, Ref: "water"}, nil},
		{"unassigned: dispatch", base(StatusUnassigned, ""), "", Recipient{Kind: ToDispatch}, nil},
		{"returned: dispatch, not the department that returned it", base(StatusReturned, "water"), "", Recipient{Kind: ToDispatch}, nil},
		{"closed", base(StatusClosed, "water"), "", Recipient{}, ErrClosed},
		{"a note too long", base(StatusClaimed, "water"), strings.Repeat("急", MaxUrgeNoteLen+1), Recipient{}, errFieldNote},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch, err := Urge(c.a, c.note, at, time.Hour)
			if c.wantErr != nil {
				var fe *FieldError
				if c.wantErr == errFieldNote && errors.As(err, &fe) && fe.Field == "note" {
					return
				}
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("err = %v, want %v", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n := ch.Appeal
			if n.Urges != 2 || !n.UrgedAt.Equal(at) || n.Status != c.a.Status || n.Deadlines != c.a.Deadlines ||
				!n.NextActionAt.Equal(c.a.NextActionAt) {
				t.Errorf("appeal after the urge: %+v", n)
			}
			if len(ch.Events) != 1 || ch.Events[0].Kind != EventUrged || ch.Events[0].Note != strings.TrimSpace(c.note) ||
				ch.Events[0].Department != c.a.Department {
				t.Errorf("events %+v", ch.Events)
			}
			if len(ch.Messages) != 2 || ch.Messages[0].Kind != MsgUrge || ch.Messages[0].To != c.to ||
				ch.Messages[1].Kind != MsgCard || ch.Messages[1].To != c.to {
				t.Errorf("messages %+v, want the urge and the card to %+v", ch.Messages, c.to)
			}
		})
	}
}

var errFieldNote = errors.New("a FieldError on note")

// TestUrgeInterval: an urge within the interval of the last is refused
// with the time from which it is taken; the first urge always is.
func TestUrgeInterval(t *testing.T) {
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	a := Appeal{ID: 7, Status: StatusClaimed, Department: "water"}
	ch, err := Urge(a, "", at, time.Hour)
	if err != nil {
		t.Fatalf("first urge: %v", err)
	}
	_, err = Urge(ch.Appeal, "", at.Add(59*time.Minute), time.Hour)
	var soon *UrgeTooSoonError
	if !errors.As(err, &soon) || !errors.Is(err, ErrUrgeTooSoon) || !soon.Next.Equal(at.Add(time.Hour)) {
		t.Fatalf("urge after 59 min: %v", err)
	}
	if _, err := Urge(ch.Appeal, "", at.Add(time.Hour), time.Hour); err != nil {
		t.Fatalf("urge after the interval: %v", err)
	}
	if _, err := Urge(ch.Appeal, "", at.Add(time.Second), 0); err != nil {
		t.Fatalf("urge with no interval: %v", err)
	}
}
