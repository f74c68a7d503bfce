package appeal

import (
	"slices"
	"testing"
	"time"
)

func TestParseCallbackEvents(t *testing.T) {
	for _, c := range []struct {
		in      []string
		want    []string
		wantErr bool
	}{
		{[]string{"answered", " Closed ", "appeal.claimed", "closed"}, []string{"answered", "closed", "claimed"}, false},
		{[]string{"all"}, []string{"all"}, false},
		{[]string{}, nil, true},
		{nil, nil, true},
		{[]string{"answered", "feedback"}, nil, true},
		{[]string{"received"}, nil, true},
	} {
		got, err := ParseCallbackEvents(c.in)
		if (err != nil) != c.wantErr || !slices.Equal(got, c.want) {
			t.Errorf("ParseCallbackEvents(%q) = %q, %v; want %q, error %v", c.in, got, err, c.want, c.wantErr)
		}
	}
}

// TestCallbackMessage: which events reach which upstream, and what the
// message keeps of the moment.
func TestCallbackMessage(t *testing.T) {
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	base := Appeal{ID: 7, CallbackURL: "https://hotline.example/cb", Department: "water", Status: StatusClaimed,
		Deadlines: Deadlines{ClaimBy: at, AnswerBy: at.Add(48 * time.Hour), ResolveBy: at.Add(96 * time.Hour)}}
	ev := func(k EventKind, to Status) Event {
		return Event{ID: 42, AppealID: 7, At: at, Kind: k, ToStatus: to, Department: "water", Note: "n"}
	}
	for _, c := range []struct {
		name   string
		events []string
		url    string
		e      Event
		want   string // the event told, "" for none
	}{
		{"legacy list: answered", nil, "u", ev(EventAnswered, StatusAnswered), "answered"},
		{"legacy list: not claimed", nil, "u", ev(EventClaimed, StatusClaimed), ""},
		{"all: claimed", []string{"all"}, "u", ev(EventClaimed, StatusClaimed), "claimed"},
		{"all: extension approved", []string{"all"}, "u", ev(EventExtensionApproved, StatusClaimed), "extended"},
		{"all: urged", []string{"all"}, "u", ev(EventUrged, StatusClaimed), "urged"},
		{"all: reminders stay inside", []string{"all"}, "u", ev(EventReminded, StatusClaimed), ""},
		{"all: a request is not a change", []string{"all"}, "u", ev(EventExtensionRequested, StatusClaimed), ""},
		{"list: closed", []string{"closed"}, "u", ev(EventClosed, StatusClosed), "closed"},
		{"list: not returned", []string{"closed"}, "u", ev(EventReturned, StatusReturned), ""},
		{"no URL", []string{"all"}, "", ev(EventAnswered, StatusAnswered), ""},
	} {
		a := base
		a.CallbackEvents = c.events
		if c.url == "" {
			a.CallbackURL = ""
		}
		m, ok := CallbackMessage(a, c.e)
		if ok != (c.want != "") || m.Args[ArgEvent] != c.want {
			t.Errorf("%s: told %v %q, want %q", c.name, ok, m.Args[ArgEvent], c.want)
			continue
		}
		if !ok {
			continue
		}
		if m.Kind != MsgCallback || m.To.Kind != ToUpstream || m.AppealID != 7 || m.Args[ArgEventID] != "42" ||
			m.Args[ArgAt] != at.Format(time.RFC3339Nano) || m.Args[ArgStatus] != string(c.e.ToStatus) || m.Args[ArgNote] != "n" {
			t.Errorf("%s: message %+v", c.name, m)
		}
		if wantDeadline := c.e.ToStatus != StatusClosed; (m.Args[ArgAnswerBy] != "") != wantDeadline {
			t.Errorf("%s: answer_by %q", c.name, m.Args[ArgAnswerBy])
		}
	}
}
