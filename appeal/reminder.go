package appeal

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Event kinds of the reminder scan; the stage is the event's note.
const (
	EventReminded  EventKind = "reminded"
	EventEscalated EventKind = "escalated"
	// EventReminderSkipped records a stage that fell due while the scan
	// did not run and was passed over by a later one (catch-up).
	EventReminderSkipped EventKind = "reminder_skipped"
)

// Message kinds of the reminder scan. They are about several appeals at
// once, so their AppealID is zero and ArgItems lists what they say.
const (
	// MsgReminder nudges or reminds a department chat.
	MsgReminder MessageKind = "reminder"
	// MsgEscalation tells a department's leaders, privately.
	MsgEscalation MessageKind = "escalation"
	// MsgSupervision tells the supervision chat.
	MsgSupervision MessageKind = "supervision"
)

// ArgItems is the arg of a reminder message listing its appeals and
// stages: "12:answer_50,13:claim_nudge".
const ArgItems = "items"

// ReminderItem is one appeal in a merged reminder message.
type ReminderItem struct {
	Appeal ID
	Stage  Stage
}

// EncodeItems is the ArgItems value of items.
func EncodeItems(items []ReminderItem) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = strconv.FormatInt(int64(it.Appeal), 10) + ":" + string(it.Stage)
	}
	return strings.Join(parts, ",")
}

// DecodeItems parses an ArgItems value.
func DecodeItems(s string) ([]ReminderItem, error) {
	if s == "" {
		return nil, nil
	}
	var out []ReminderItem
	for _, p := range strings.Split(s, ",") {
		id, st, ok := strings.Cut(p, ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil || n <= 0 {
			return nil, fmt.Errorf("reminder items: bad item %q", p)
		}
		out = append(out, ReminderItem{Appeal: ID(n), Stage: Stage(st)})
	}
	return out, nil
}

// QuietHours is a daily window, in a department's timezone, during which
// reminders of normal-priority appeals wait for its end. From == To means
// no quiet hours. The window may wrap midnight (22:00–08:00).
type QuietHours struct {
	From, To time.Duration // since local midnight
}

// ParseQuietHours parses "22:00-08:00"; "" or "off" means none.
func ParseQuietHours(s string) (QuietHours, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "off" {
		return QuietHours{}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("quiet hours %q: want HH:MM-HH:MM", s)
	}
	clock := func(v string) (time.Duration, error) {
		t, err := time.Parse("15:04", strings.TrimSpace(v))
		if err != nil {
			return 0, fmt.Errorf("quiet hours %q: want HH:MM-HH:MM", s)
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
	}
	var q QuietHours
	var err error
	if q.From, err = clock(a); err != nil {
		return QuietHours{}, err
	}
	if q.To, err = clock(b); err != nil {
		return QuietHours{}, err
	}
	return q, nil
}

// End returns when the quiet hours that hold t end, and false when t is
// not inside them.
func (q QuietHours) End(t time.Time, loc *time.Location) (time.Time, bool) {
	if q.From == q.To {
		return time.Time{}, false
	}
	lt := t.In(loc)
	midnight := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	since := lt.Sub(midnight)
	at := func(day time.Time, d time.Duration) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, loc)
	}
	if q.From < q.To {
		if since >= q.From && since < q.To {
			return at(midnight, q.To), true
		}
		return time.Time{}, false
	}
	switch {
	case since >= q.From: // evening: ends tomorrow morning
		return at(midnight.AddDate(0, 0, 1), q.To), true
	case since < q.To: // early morning
		return at(midnight, q.To), true
	}
	return time.Time{}, false
}

// ReminderPolicy is how the scan reminds and escalates.
type ReminderPolicy struct {
	// NudgeShare is the share of the time to a deadline (0 < s < 1) after
	// which the claim, dispatch and resolve nudges fall due.
	NudgeShare float64
	// SupervisionAfter is how long past the answer, decision and resolve
	// deadlines the supervision chat is told.
	SupervisionAfter time.Duration
	Quiet            QuietHours
	// DispatchSLA is the time dispatch has to give an appeal to a
	// department, counted in the default calendar from when the appeal
	// came to dispatch (intake without a department, return, reopen).
	DispatchSLA Span
	// DecisionSLA is the time a leader has to decide on an answer awaiting
	// approval or a request for more time, counted in the department's
	// calendar from the request.
	DecisionSLA Span
	// Repeat is when an appeal past the last stage of its status is chased
	// again.
	Repeat Repeat
}

// DefaultReminders is the policy when none is configured.
var DefaultReminders = ReminderPolicy{
	NudgeShare:       0.5,
	SupervisionAfter: 24 * time.Hour,
	Quiet:            QuietHours{From: 22 * time.Hour, To: 8 * time.Hour},
	DispatchSLA:      WorkingHoursSpan(2 * time.Hour),
	DecisionSLA:      WorkingDaysSpan(1),
}

// Validate reports a policy that cannot work.
func (p ReminderPolicy) Validate() error {
	if !(p.NudgeShare > 0 && p.NudgeShare < 1) {
		return fmt.Errorf("nudge share %v must be between 0 and 1", p.NudgeShare)
	}
	if p.SupervisionAfter < 0 {
		return fmt.Errorf("supervision after %v must not be negative", p.SupervisionAfter)
	}
	for name, s := range map[string]Span{"dispatch SLA": p.DispatchSLA, "decision SLA": p.DecisionSLA} {
		if s != (Span{}) {
			if err := s.Validate(); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return p.Repeat.Validate()
}

// orDefault fills what p leaves unset: everything for the zero policy,
// otherwise the spans.
func (p ReminderPolicy) orDefault() ReminderPolicy {
	if p.NudgeShare == 0 {
		q := DefaultReminders
		q.Repeat = p.Repeat
		if p.DispatchSLA != (Span{}) {
			q.DispatchSLA = p.DispatchSLA
		}
		if p.DecisionSLA != (Span{}) {
			q.DecisionSLA = p.DecisionSLA
		}
		return q
	}
	if p.DispatchSLA == (Span{}) {
		p.DispatchSLA = DefaultReminders.DispatchSLA
	}
	if p.DecisionSLA == (Span{}) {
		p.DecisionSLA = DefaultReminders.DecisionSLA
	}
	return p
}

// DispatchBy is the dispatch deadline of an appeal that came to dispatch
// at from: DispatchSLA later in cal, dispatch's calendar.
func (p ReminderPolicy) DispatchBy(from time.Time, cal Calendar) time.Time {
	return cal.Add(from, p.orDefault().DispatchSLA).UTC()
}

// DecideBy is the decision deadline of a request to a leader made at
// from: DecisionSLA later in cal, the department's calendar.
func (p ReminderPolicy) DecideBy(from time.Time, cal Calendar) time.Time {
	return cal.Add(from, p.orDefault().DecisionSLA).UTC()
}

// Due is an appeal the scan found due, with what is known of it.
type Due struct {
	Appeal Appeal
	// Done is what was recorded of its stages.
	Done Done
	// Location is its department's time zone; nil when it has none.
	Location *time.Location
	// Clocks are the calendars of its ladder; when left zero, the default
	// office week in Location (or UTC).
	Clocks Clocks
}

func (d Due) clocks() Clocks {
	c := d.Clocks
	if c.Department.Location == nil {
		loc := d.Location
		if loc == nil {
			loc = time.UTC
		}
		c.Department = DefaultCalendar(loc)
	}
	if c.Dispatch.Location == nil {
		c.Dispatch = DefaultCalendar(time.UTC)
	}
	return c
}

// StageRecord is one (appeal, round, stage) the scan records, sent or
// skipped.
type StageRecord struct {
	Appeal ID
	// Round is when the stage's clock started (see StageAt).
	Round time.Time
	Stage Stage
	Sent  bool
}

// ReminderPlan is everything one scan batch writes.
type ReminderPlan struct {
	Stages   []StageRecord
	Events   []Event
	Messages []Message
	// Next is the new next_action_at of every appeal of the batch.
	Next map[ID]time.Time
}

// messageKind is the kind of the merged message a stage is said in, by
// its recipient.
func messageKind(to RecipientKind) MessageKind {
	switch to {
	case ToLeaders:
		return MsgEscalation
	case ToSupervision:
		return MsgSupervision
	}
	return MsgReminder
}

// Recipient is who is told of stage s of a: the department's chat or its
// leaders (a's department), the dispatch or the supervision chat.
func (s StageAt) Recipient(a Appeal) Recipient {
	switch s.To {
	case ToDepartment, ToLeaders:
		return Recipient{Kind: s.To, Ref: a.Department}
	}
	return Recipient{Kind: s.To}
}

// PlanReminders decides a scan batch: per appeal Remind, then one merged
// message per recipient and kind (a department's reminders, the dispatch
// chat's, a department's escalations, the supervision chat's), plus a card
// refresh for every appeal that just went overdue.
func PlanReminders(batch []Due, p ReminderPolicy, now time.Time) ReminderPlan {
	plan := ReminderPlan{Next: make(map[ID]time.Time, len(batch))}
	type key struct {
		kind MessageKind
		to   Recipient
	}
	merged := map[key][]ReminderItem{}
	var order []key
	add := func(k key, it ReminderItem) {
		if _, ok := merged[k]; !ok {
			order = append(order, k)
		}
		merged[k] = append(merged[k], it)
	}
	for _, d := range batch {
		a := d.Appeal
		r := Remind(a, d.Done, p, d.clocks(), now)
		plan.Next[a.ID] = r.Next
		ev := func(kind EventKind, s Stage) {
			plan.Events = append(plan.Events, Event{AppealID: a.ID, At: now, Kind: kind,
				FromStatus: a.Status, ToStatus: a.Status, Department: a.Department, Note: string(s)})
		}
		for _, s := range r.Skipped {
			plan.Stages = append(plan.Stages, StageRecord{Appeal: a.ID, Round: s.Round, Stage: s.Stage})
			ev(EventReminderSkipped, s.Stage)
		}
		for _, s := range r.Send {
			plan.Stages = append(plan.Stages, StageRecord{Appeal: a.ID, Round: s.Round, Stage: s.Stage, Sent: true})
			kind := EventReminded
			if s.Stage.Escalates() {
				kind = EventEscalated
			}
			ev(kind, s.Stage)
			to := s.Recipient(a)
			add(key{messageKind(to.Kind), to}, ReminderItem{Appeal: a.ID, Stage: s.Stage})
			if s.Stage.marksCard() {
				owner := Recipient{Kind: ToDepartment, Ref: a.Department}
				if a.Status.AtDispatch() {
					owner = Recipient{Kind: ToDispatch}
				}
				plan.Messages = append(plan.Messages, Message{Kind: MsgCard, AppealID: a.ID, To: owner})
			}
		}
	}
	for _, k := range order {
		items := merged[k]
		sort.SliceStable(items, func(i, j int) bool { return items[i].Appeal < items[j].Appeal })
		plan.Messages = append(plan.Messages, Message{Kind: k.kind, To: k.to,
			Args: map[string]string{ArgItems: EncodeItems(items)}})
	}
	return plan
}
