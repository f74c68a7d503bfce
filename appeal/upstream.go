package appeal

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// upstreamEvents are the events of the log that the upstream system is
// told of, by the name its callbacks carry ("appeal." + name). An event
// kind not listed here stays inside appealbot; telling upstream of a new
// kind is one line here.
var upstreamEvents = map[EventKind]string{
	EventAssigned:          "assigned",
	EventClaimed:           "claimed",
	EventReturned:          "returned",
	EventTransferred:       "transferred",
	EventExtensionApproved: "extended",
	EventAnswered:          "answered",
	EventClosed:            "closed",
	EventReopened:          "reopened",
	EventUrged:             "urged",
}

// CallbackAll, in a list of callback events, stands for every event the
// upstream can be told of, those added in later versions included.
const CallbackAll = "all"

// CallbackAnswered is the one event an appeal stored without a list of
// callback events is told of: the only one there was before the list.
const CallbackAnswered = "answered"

// CallbackEventNames lists the names of the events the upstream can be
// told of, sorted.
func CallbackEventNames() []string {
	out := make([]string, 0, len(upstreamEvents))
	for _, n := range upstreamEvents {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// ParseCallbackEvents checks a list of callback event names (from intake
// or from the operator's setting) and returns it trimmed, lower-cased,
// without repeats, in the order given. An "appeal." prefix is accepted.
// "all" stands for every event. An empty list is an error: leaving the
// callback URL out is how one asks for none.
func ParseCallbackEvents(names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("name at least one event: %s or %s", strings.Join(CallbackEventNames(), ", "), CallbackAll)
	}
	var out []string
	for _, n := range names {
		n = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(n)), "appeal.")
		if n != CallbackAll && !slices.Contains(CallbackEventNames(), n) {
			return nil, fmt.Errorf("unknown event %q: use %s or %s", n, strings.Join(CallbackEventNames(), ", "), CallbackAll)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// WantsCallback reports whether a's upstream is to be told of the event
// named name: a has a callback URL, and its list names the event or "all"
// (a list left empty names only "answered").
func (a Appeal) WantsCallback(name string) bool {
	if a.CallbackURL == "" {
		return false
	}
	if len(a.CallbackEvents) == 0 {
		return name == CallbackAnswered
	}
	return slices.Contains(a.CallbackEvents, name) || slices.Contains(a.CallbackEvents, CallbackAll)
}

// Args of a callback message: what the event said when it happened, so
// that a callback sent late tells of that moment and not of a later one.
const (
	ArgEvent      = "event"
	ArgEventID    = "event_id"
	ArgAt         = "at"
	ArgStatus     = "status"
	ArgDepartment = "department"
	ArgNote       = "note"
	ArgOutcome    = "outcome"
	ArgClaimBy    = "claim_by"
	ArgAnswerBy   = "answer_by"
	ArgResolveBy  = "resolve_by"
	ArgUrges      = "urges"
)

// CallbackMessage is the message that tells a's upstream of event e (e
// stored already, with its ID; a as the change that made e left it), and
// false when the upstream is not to be told: the event is not one it can
// be told of, or a has no callback URL or a list without it.
func CallbackMessage(a Appeal, e Event) (Message, bool) {
	name, ok := upstreamEvents[e.Kind]
	if !ok || !a.WantsCallback(name) {
		return Message{}, false
	}
	args := map[string]string{
		ArgEvent: name, ArgEventID: strconv.FormatInt(e.ID, 10), ArgAt: e.At.UTC().Format(time.RFC3339Nano),
		ArgStatus: string(e.ToStatus), ArgDepartment: e.Department,
	}
	set := func(k, v string) {
		if v != "" {
			args[k] = v
		}
	}
	set(ArgNote, e.Note)
	set(ArgOutcome, e.Outcome)
	if e.ToStatus != StatusClosed && e.ToStatus != StatusUnassigned && e.ToStatus != StatusReturned {
		// The deadlines the department works to after the event: a new
		// clock after an assignment or transfer, the moved ones after an
		// extension.
		for k, t := range map[string]time.Time{ArgClaimBy: a.Deadlines.ClaimBy,
			ArgAnswerBy: a.Deadlines.AnswerBy, ArgResolveBy: a.Deadlines.ResolveBy} {
			if !t.IsZero() {
				args[k] = t.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	if e.Kind == EventUrged {
		args[ArgUrges] = strconv.Itoa(a.Urges)
	}
	return Message{Kind: MsgCallback, To: Recipient{Kind: ToUpstream}, AppealID: a.ID, Args: args}, true
}
