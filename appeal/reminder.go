package appeal

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Stage is one reminder or escalation in an appeal's life. Each is sent at
// most once per round (an assignment: a transfer or reopen starts a new
// round with fresh deadlines).
type Stage string

// Stages, in the order they fall due. The claim stages apply only while an
// appeal is assigned and unclaimed; the answer stages only while it is
// claimed or its answer waits for approval; none once it is answered,
// closed or returned.
const (
	// StageClaimNudge nudges the department chat after NudgeShare of the
	// claim time.
	StageClaimNudge Stage = "claim_nudge"
	// StageClaimOverdue escalates to the leaders at the claim deadline.
	StageClaimOverdue Stage = "claim_overdue"
	// StageAnswer50 and StageAnswer80 remind the assignee in the department
	// chat at 50% and 80% of the answer time.
	StageAnswer50 Stage = "answer_50"
	StageAnswer80 Stage = "answer_80"
	// StageAnswerOverdue escalates to the leaders at the answer deadline and
	// marks the card.
	StageAnswerOverdue Stage = "answer_overdue"
	// StageSupervision escalates to the supervision chat SupervisionAfter
	// past the answer deadline.
	StageSupervision Stage = "supervision"
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
	// NudgeShare is the share of the claim time (0 < s < 1) after which an
	// unclaimed appeal is nudged.
	NudgeShare float64
	// SupervisionAfter is how long past the answer deadline the
	// supervision chat is told.
	SupervisionAfter time.Duration
	Quiet            QuietHours
}

// DefaultReminders is the policy when none is configured.
var DefaultReminders = ReminderPolicy{
	NudgeShare:       0.5,
	SupervisionAfter: 24 * time.Hour,
	Quiet:            QuietHours{From: 22 * time.Hour, To: 8 * time.Hour},
}

// Validate reports a policy that cannot work.
func (p ReminderPolicy) Validate() error {
	if !(p.NudgeShare > 0 && p.NudgeShare < 1) {
		return fmt.Errorf("nudge share %v must be between 0 and 1", p.NudgeShare)
	}
	if p.SupervisionAfter < 0 {
		return fmt.Errorf("supervision after %v must not be negative", p.SupervisionAfter)
	}
	return nil
}

func (p ReminderPolicy) orDefault() ReminderPolicy {
	if p.NudgeShare == 0 {
		return DefaultReminders
	}
	return p
}

// StageAt is a stage with the moment it falls due.
type StageAt struct {
	Stage Stage
	At    time.Time
}

// share is the moment frac of the way from start to end.
func share(start, end time.Time, frac float64) time.Time {
	if start.IsZero() || !end.After(start) {
		return end
	}
	return start.Add(time.Duration(float64(end.Sub(start)) * frac))
}

// Stages returns the stages that apply to a in its status, each with when
// it falls due, in order. Share points are measured in wall-clock time
// between AssignedAt and the deadline: the deadlines themselves already
// carry the working-time calendar, so "50% of the answer time" is halfway
// from assignment to AnswerBy, whenever the appeal was claimed.
func Stages(a Appeal, p ReminderPolicy) []StageAt {
	p = p.orDefault()
	d := a.Deadlines
	switch a.Status {
	case StatusAssigned:
		if d.ClaimBy.IsZero() {
			return nil
		}
		return []StageAt{
			{StageClaimNudge, share(a.AssignedAt, d.ClaimBy, p.NudgeShare)},
			{StageClaimOverdue, d.ClaimBy},
		}
	case StatusClaimed, StatusPendingApproval:
		if d.AnswerBy.IsZero() {
			return nil
		}
		var out []StageAt
		// A share point passed before the claim does not apply: the appeal
		// was not "claimed but unanswered" then.
		for _, s := range []StageAt{
			{StageAnswer50, share(a.AssignedAt, d.AnswerBy, 0.5)},
			{StageAnswer80, share(a.AssignedAt, d.AnswerBy, 0.8)},
		} {
			if a.ClaimedAt.IsZero() || s.At.After(a.ClaimedAt) {
				out = append(out, s)
			}
		}
		return append(out,
			StageAt{StageAnswerOverdue, d.AnswerBy},
			StageAt{StageSupervision, d.AnswerBy.Add(p.SupervisionAfter)})
	}
	return nil
}

// NextReminder is the moment of the first stage of a not yet done: the
// next_action_at an appeal should carry. Zero when none is left.
func NextReminder(a Appeal, done map[Stage]bool, p ReminderPolicy) time.Time {
	for _, s := range Stages(a, p) {
		if !done[s.Stage] {
			return s.At
		}
	}
	return time.Time{}
}

// Urgent reports whether stage s is an escalation rather than a reminder.
func (s Stage) Urgent() bool {
	return s == StageClaimOverdue || s == StageAnswerOverdue || s == StageSupervision
}

// Reminder is the scan's decision for one appeal.
type Reminder struct {
	// Send is the stage to send now, "" for none.
	Send Stage
	// Skipped are earlier stages that fell due but were passed over: only
	// the latest due stage is sent when a scan catches up.
	Skipped []Stage
	// Held is set when quiet hours hold a due stage until Next.
	Held bool
	// Next is the appeal's next next_action_at; zero when nothing is left.
	Next time.Time
}

// Remind decides what the scan does with a at now: done are the stages
// already sent or skipped in this round, loc is the department's timezone.
// Of several due stages only the latest is sent and the earlier recorded as
// skipped, so that an appeal answered or escalated while the bot was down
// does not get stale reminders. During quiet hours nothing of a
// normal-priority appeal is sent: it waits, due stages and all, until the
// quiet hours end. Urgent appeals are never held.
func Remind(a Appeal, done map[Stage]bool, p ReminderPolicy, loc *time.Location, now time.Time) Reminder {
	p = p.orDefault()
	if loc == nil {
		loc = time.UTC
	}
	var due []Stage
	var r Reminder
	for _, s := range Stages(a, p) {
		if done[s.Stage] {
			continue
		}
		if !s.At.After(now) {
			due = append(due, s.Stage)
			continue
		}
		if r.Next.IsZero() {
			r.Next = s.At
		}
	}
	if len(due) == 0 {
		return r
	}
	if a.Priority != PriorityUrgent {
		if end, quiet := p.Quiet.End(now, loc); quiet {
			return Reminder{Held: true, Next: end}
		}
	}
	r.Send = due[len(due)-1]
	r.Skipped = due[:len(due)-1]
	return r
}

// Due is an appeal the scan found due, with what is known of it.
type Due struct {
	Appeal Appeal
	// Done are its stages already recorded in this round.
	Done     map[Stage]bool
	Location *time.Location
}

// StageRecord is one (appeal, round, stage) the scan records, sent or
// skipped.
type StageRecord struct {
	Appeal ID
	// Round is the appeal's AssignedAt: a new assignment starts afresh.
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

// PlanReminders decides a scan batch: per appeal Remind, then one merged
// message per recipient and kind (a department's reminders, a
// department's escalations, the supervision chat), plus a card refresh for
// every appeal that just went overdue.
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
		r := Remind(a, d.Done, p, d.Location, now)
		plan.Next[a.ID] = r.Next
		ev := func(kind EventKind, s Stage) {
			plan.Events = append(plan.Events, Event{AppealID: a.ID, At: now, Kind: kind,
				FromStatus: a.Status, ToStatus: a.Status, Department: a.Department, Note: string(s)})
		}
		for _, s := range r.Skipped {
			plan.Stages = append(plan.Stages, StageRecord{Appeal: a.ID, Round: a.AssignedAt, Stage: s})
			ev(EventReminderSkipped, s)
		}
		if r.Send == "" {
			continue
		}
		plan.Stages = append(plan.Stages, StageRecord{Appeal: a.ID, Round: a.AssignedAt, Stage: r.Send, Sent: true})
		it := ReminderItem{Appeal: a.ID, Stage: r.Send}
		switch r.Send {
		case StageClaimNudge, StageAnswer50, StageAnswer80:
			ev(EventReminded, r.Send)
			add(key{MsgReminder, Recipient{Kind: ToDepartment, Ref: a.Department}}, it)
		case StageClaimOverdue, StageAnswerOverdue:
			ev(EventEscalated, r.Send)
			add(key{MsgEscalation, Recipient{Kind: ToLeaders, Ref: a.Department}}, it)
			if r.Send == StageAnswerOverdue {
				plan.Messages = append(plan.Messages, Message{Kind: MsgCard, AppealID: a.ID,
					To: Recipient{Kind: ToDepartment, Ref: a.Department}})
			}
		case StageSupervision:
			ev(EventEscalated, r.Send)
			add(key{MsgSupervision, Recipient{Kind: ToSupervision}}, it)
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
