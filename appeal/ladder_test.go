package appeal

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// l0 is Monday 2026-11-02 09:00 UTC; the ladder tests count in the default
// office week in UTC.
var l0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func lh(h float64) time.Time { return l0.Add(time.Duration(h * float64(time.Hour))) }

var (
	ladderPolicy = ReminderPolicy{NudgeShare: 0.5, SupervisionAfter: 4 * time.Hour}
	utcClocks    = Clocks{Department: DefaultCalendar(time.UTC), Dispatch: DefaultCalendar(time.UTC)}
)

// ladderAppeal is an appeal in status s with every clock a test may start:
// assigned at l0 with claim, answer and resolve deadlines 2h, 10h and 48h
// later.
func ladderAppeal(s Status, edit func(*Appeal)) Appeal {
	a := Appeal{ID: 1, Department: "roads", Priority: PriorityNormal, Status: s, AssignedAt: l0, UpdatedAt: l0,
		Deadlines: Deadlines{ClaimBy: lh(2), AnswerBy: lh(10), ResolveBy: lh(48)}}
	if edit != nil {
		edit(&a)
	}
	return a
}

// describe writes stages as "stage@+h→recipient/round", hours from l0.
func describe(ss []StageAt) []string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s@%+g→%s/%+g", s.Stage, s.At.Sub(l0).Hours(), s.To, s.Round.Sub(l0).Hours()))
	}
	return out
}

// The ladder of every open status, stage by stage: when, who is told, and
// the clock (round) it runs on.
func TestLadderPerStatus(t *testing.T) {
	tests := []struct {
		name string
		a    Appeal
		want []string
	}{
		{"unassigned: nudge dispatch, then supervision at the dispatch deadline",
			ladderAppeal(StatusUnassigned, func(a *Appeal) {
				a.Department, a.AssignedAt, a.Deadlines = "", time.Time{}, Deadlines{}
				a.DispatchedAt, a.Deadlines.DispatchBy = l0, lh(2)
			}),
			[]string{"dispatch_nudge@+1→dispatch/+0", "dispatch_overdue@+2→supervision/+0"}},
		{"returned: only dispatch's clock, from the return",
			ladderAppeal(StatusReturned, func(a *Appeal) { a.DispatchedAt, a.Deadlines.DispatchBy = lh(3), lh(5) }),
			[]string{"dispatch_nudge@+4→dispatch/+3", "dispatch_overdue@+5→supervision/+3"}},
		{"assigned, not claimed: claim stages, then the answer deadline and supervision",
			ladderAppeal(StatusAssigned, nil),
			[]string{"claim_nudge@+1→department/+0", "claim_overdue@+2→leaders/+0",
				"answer_overdue@+10→leaders/+0", "supervision@+14→supervision/+0"}},
		{"assigned with an extension request: the leader's decision has its own clock",
			ladderAppeal(StatusAssigned, func(a *Appeal) { a.AskedAt, a.Deadlines.DecideBy = lh(0.5), lh(9) }),
			[]string{"claim_nudge@+1→department/+0", "claim_overdue@+2→leaders/+0",
				"decision_overdue@+9→leaders/+0.5", "answer_overdue@+10→leaders/+0",
				"decision_supervision@+13→supervision/+0.5", "supervision@+14→supervision/+0"}},
		{"claimed: reminders at 50% and 80%, then leaders and supervision",
			ladderAppeal(StatusClaimed, func(a *Appeal) { a.ClaimedAt = lh(0.5) }),
			[]string{"answer_50@+5→department/+0", "answer_80@+8→department/+0",
				"answer_overdue@+10→leaders/+0", "supervision@+14→supervision/+0"}},
		{"claimed late: a share point passed before the claim does not apply",
			ladderAppeal(StatusClaimed, func(a *Appeal) { a.ClaimedAt = lh(6) }),
			[]string{"answer_80@+8→department/+0", "answer_overdue@+10→leaders/+0", "supervision@+14→supervision/+0"}},
		{"claimed after an approved extension: the answer stages start over",
			ladderAppeal(StatusClaimed, func(a *Appeal) {
				a.ClaimedAt, a.ExtendedAt, a.Deadlines.AnswerBy = lh(0.5), lh(7), lh(20)
			}),
			[]string{"answer_50@+10→department/+7", "answer_80@+16→department/+7",
				"answer_overdue@+20→leaders/+7", "supervision@+24→supervision/+7"}},
		{"pending approval: the leader's decision, and the answer deadline still counts",
			ladderAppeal(StatusPendingApproval, func(a *Appeal) {
				a.ClaimedAt, a.AskedAt, a.Deadlines.DecideBy = lh(0.5), lh(3), lh(12)
			}),
			[]string{"answer_overdue@+10→leaders/+0", "decision_overdue@+12→leaders/+3",
				"supervision@+14→supervision/+0", "decision_supervision@+16→supervision/+3"}},
		{"answered: remind the department to close, then leaders and supervision",
			ladderAppeal(StatusAnswered, func(a *Appeal) { a.ClaimedAt, a.AnsweredAt = lh(0.5), lh(9) }),
			[]string{"resolve_nudge@+28.5→department/+9", "resolve_overdue@+48→leaders/+9",
				"resolve_supervision@+52→supervision/+9"}},
		{"answered after the resolve deadline: no nudge, the escalations stand",
			ladderAppeal(StatusAnswered, func(a *Appeal) { a.ClaimedAt, a.AnsweredAt = lh(0.5), lh(50) }),
			[]string{"resolve_overdue@+48→leaders/+50", "resolve_supervision@+52→supervision/+50"}},
		{"closed: nothing", ladderAppeal(StatusClosed, func(a *Appeal) { a.AnsweredAt, a.ClosedAt = lh(9), lh(10) }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describe(Stages(tt.a, ladderPolicy)); !slices.Equal(got, tt.want) {
				t.Errorf("stages:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// Every stage of the ladder table is reachable in some status, has a
// recipient and a clock, and every open status has at least two stages.
func TestLadderTable(t *testing.T) {
	seen := map[Stage]bool{}
	per := map[Status]int{}
	for _, r := range Ladder {
		if seen[r.Stage] {
			t.Errorf("stage %s twice in the ladder", r.Stage)
		}
		seen[r.Stage] = true
		if len(r.Statuses) == 0 {
			t.Errorf("stage %s applies to no status", r.Stage)
		}
		for _, s := range r.Statuses {
			if !s.Open() {
				t.Errorf("stage %s in a closed status", r.Stage)
			}
			per[s]++
		}
		if r.Stage == StageRepeat {
			continue
		}
		if r.To == "" || r.Deadline == "" || r.When == "" {
			t.Errorf("stage %s: recipient %q, deadline %q, when %q", r.Stage, r.To, r.Deadline, r.When)
		}
	}
	for _, s := range Statuses {
		if s.Open() && per[s] < 3 { // two stages and the repeat
			t.Errorf("status %s has %d stages", s, per[s])
		}
	}
}

// After the last stage of every status the chase repeats at the start of
// the next working day, to whoever got the last stage, each repeat a round
// of its own, until the appeal moves.
func TestRepeatAfterTheLastStage(t *testing.T) {
	statuses := map[string]Appeal{
		"unassigned": ladderAppeal(StatusUnassigned, func(a *Appeal) {
			a.Department, a.AssignedAt, a.Deadlines = "", time.Time{}, Deadlines{}
			a.DispatchedAt, a.Deadlines.DispatchBy = l0, lh(2)
		}),
		"assigned":  ladderAppeal(StatusAssigned, nil),
		"claimed":   ladderAppeal(StatusClaimed, func(a *Appeal) { a.ClaimedAt = lh(0.5) }),
		"pending":   ladderAppeal(StatusPendingApproval, func(a *Appeal) { a.ClaimedAt, a.AskedAt, a.Deadlines.DecideBy = lh(0.5), lh(3), lh(12) }),
		"answered":  ladderAppeal(StatusAnswered, func(a *Appeal) { a.ClaimedAt, a.AnsweredAt = lh(0.5), lh(9) }),
		"extension": ladderAppeal(StatusClaimed, func(a *Appeal) { a.ClaimedAt, a.AskedAt, a.Deadlines.DecideBy = lh(0.5), lh(1), lh(30) }),
	}
	for name, a := range statuses {
		t.Run(name, func(t *testing.T) {
			stages := Stages(a, ladderPolicy)
			last := stages[len(stages)-1]
			var done Done
			for _, s := range stages {
				done.Add(s.Round, s.Stage)
			}
			// The first repeat: the opening after the last stage.
			first := nextOpening(last.At)
			if got := NextAction(a, done, ladderPolicy, utcClocks); !got.Equal(first) {
				t.Fatalf("next action after the last stage %v: %v, want the next opening %v", last.At, got, first)
			}
			r := Remind(a, done, ladderPolicy, utcClocks, first)
			if len(r.Send) != 1 || r.Send[0].Stage != StageRepeat || !r.Send[0].Round.Equal(first) || r.Send[0].To != last.To {
				t.Fatalf("at %v: %+v, want the repeat to %s", first, r, last.To)
			}
			second := nextOpening(first)
			if !r.Next.Equal(second) {
				t.Errorf("after the repeat at %v: next %v, want %v", first, r.Next, second)
			}
			// Recorded, it is not sent again; the next one is.
			done.Add(first, StageRepeat)
			if r := Remind(a, done, ladderPolicy, utcClocks, first.Add(time.Hour)); len(r.Send) != 0 || !r.Next.Equal(second) {
				t.Errorf("an hour later: %+v", r)
			}
			if r := Remind(a, done, ladderPolicy, utcClocks, second); len(r.Send) != 1 || !r.Send[0].Round.Equal(second) {
				t.Errorf("the second repeat: %+v", r)
			}
		})
	}
}

// nextOpening is 09:00 of the next weekday after t (UTC).
func nextOpening(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, time.UTC)
	for !d.After(t) || d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// Repeats skip weekends and holidays, follow a configured time of day or
// span, and a scan that catches up sends only the latest one.
func TestRepeatSchedule(t *testing.T) {
	friday := time.Date(2026, 11, 6, 15, 0, 0, 0, time.UTC)
	cal := DefaultCalendar(time.UTC)
	holiday := cal
	holiday.Holidays = []Holiday{{From: Date{2026, 11, 9}, To: Date{2026, 11, 9}, Name: "a day off"}}
	monday := time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		r     string
		cal   Calendar
		after time.Time
		want  time.Time
	}{
		{"opening of the next working day", "workdays", cal, friday, monday},
		{"today's opening, before it", "workdays", cal, monday.Add(-time.Hour), monday},
		{"past a holiday", "workdays", holiday, friday, monday.AddDate(0, 0, 1)},
		{"at a time of day", "workdays 14:30", cal, friday, monday.Add(330 * time.Minute)},
		{"the same day when it is still ahead", "workdays 16:00", cal, friday, friday.Add(time.Hour)},
		{"a calendar span", "3h", cal, friday, friday.Add(3 * time.Hour)},
		{"working hours", "4wh", cal, friday, monday.Add(time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRepeat(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if r.String() != tc.r {
				t.Errorf("String() = %q, want %q", r.String(), tc.r)
			}
			if got := r.Next(tc.after, tc.cal); !got.Equal(tc.want) {
				t.Errorf("Next(%v) = %v, want %v", tc.after, got, tc.want)
			}
		})
	}
	// Catching up a week: the latest of the week's repeats.
	r := Repeat{}
	if got, want := r.Latest(monday, monday.AddDate(0, 0, 7).Add(time.Hour), cal), monday.AddDate(0, 0, 7); !got.Equal(want) {
		t.Errorf("Latest over a week = %v, want %v", got, want)
	}
	hourly := Repeat{Every: CalendarSpan(time.Hour)}
	if got, want := hourly.Latest(monday, monday.Add(5*time.Hour+30*time.Minute), cal), monday.Add(5*time.Hour); !got.Equal(want) {
		t.Errorf("hourly Latest = %v, want %v", got, want)
	}
	for _, bad := range []string{"hourly", "workdays 25:00", "workdays 00:00", "10s", "0h", "workdays 9:00 extra"} {
		if _, err := ParseRepeat(bad); err == nil {
			t.Errorf("ParseRepeat(%q) accepted", bad)
		}
	}
}

// A scan that catches up sends the latest due stage of each clock (claim
// and answer are one), records the earlier as skipped, and sends a repeat
// due several times over once, at its latest moment.
func TestRemindCatchesUpPerClock(t *testing.T) {
	a := ladderAppeal(StatusAssigned, func(a *Appeal) { a.AskedAt, a.Deadlines.DecideBy = lh(0.5), lh(9) })
	r := Remind(a, Done{}, ladderPolicy, utcClocks, lh(11))
	if got, want := describe(r.Send), []string{"decision_overdue@+9→leaders/+0.5", "answer_overdue@+10→leaders/+0"}; !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}
	if got, want := stagesOf(r.Skipped), []Stage{StageClaimNudge, StageClaimOverdue}; !slices.Equal(got, want) {
		t.Errorf("skipped %v, want %v", got, want)
	}
	if !r.Next.Equal(lh(13)) {
		t.Errorf("next %v, want the decision's supervision at +13h", r.Next)
	}

	// Down for a week and a half: supervision of both clocks, and the
	// latest repeat (Thursday the 12th, 09:00) instead of all of them.
	late := time.Date(2026, 11, 12, 10, 0, 0, 0, time.UTC)
	r = Remind(a, Done{}, ladderPolicy, utcClocks, late)
	if got, want := stagesOf(r.Send), []Stage{StageDecisionSupervision, StageRepeat}; !slices.Equal(got, want) {
		t.Fatalf("sent %v, want %v", got, want)
	}
	rep := r.Send[1]
	if want := time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC); !rep.At.Equal(want) || !rep.Round.Equal(want) || rep.To != ToSupervision {
		t.Errorf("repeat %+v, want at and round %v to supervision", rep, want)
	}
	if want := time.Date(2026, 11, 13, 9, 0, 0, 0, time.UTC); !r.Next.Equal(want) {
		t.Errorf("next %v, want %v", r.Next, want)
	}
}

// next_action_at after a transition skips what was said already: a
// leader's 改派 (unclaim) of an appeal past its claim and answer deadlines
// leads to the next stage still to come, never to none.
func TestNextActionSkipsWhatWasSaid(t *testing.T) {
	a := ladderAppeal(StatusAssigned, nil)
	var done Done
	for _, s := range []Stage{StageClaimNudge, StageClaimOverdue, StageAnswer50, StageAnswer80, StageAnswerOverdue} {
		done.Add(l0, s)
	}
	if got := NextAction(a, done, ladderPolicy, utcClocks); !got.Equal(lh(14)) {
		t.Errorf("after 改派 past the answer deadline: %v, want supervision at +14h", got)
	}
	done.Add(l0, StageSupervision)
	if got, want := NextAction(a, done, ladderPolicy, utcClocks), time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("after supervision: %v, want the repeat %v", got, want)
	}
	// A stage not said yet is the next action even when its moment has
	// passed: the scan takes it at once.
	if got := NextAction(a, Done{}, ladderPolicy, utcClocks); !got.Equal(lh(1)) {
		t.Errorf("nothing said: %v, want the claim nudge at +1h", got)
	}
	// Every open status, whatever was said, has a next action.
	for _, s := range Statuses {
		b := a
		b.Status = s
		all := done
		for _, st := range Stages(b, ladderPolicy) {
			all.Add(st.Round, st.Stage)
		}
		if got := NextAction(b, all, ladderPolicy, utcClocks); got.IsZero() != !s.Open() {
			t.Errorf("%s: next action %v", s, got)
		}
	}
}

// An appeal whose clocks are missing (stored before they existed) is
// still chased: from its last change, in the supervision chat.
func TestLadderWithoutClocks(t *testing.T) {
	a := Appeal{ID: 1, Status: StatusUnassigned, Priority: PriorityNormal, UpdatedAt: lh(1)}
	r := Remind(a, Done{}, ladderPolicy, utcClocks, time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC))
	if len(r.Send) != 1 || r.Send[0].Stage != StageRepeat || r.Send[0].To != ToSupervision {
		t.Errorf("%+v", r)
	}
}

// Every stage's message goes to the recipient kind of its rung; a
// repeat's to that of the status's last stage.
func TestPlanSaysEachStageToItsRecipient(t *testing.T) {
	for _, r := range Ladder {
		if r.Stage == StageRepeat {
			continue
		}
		for _, st := range r.Statuses {
			a := ladderAppeal(st, func(a *Appeal) {
				a.ClaimedAt, a.AnsweredAt, a.DispatchedAt, a.AskedAt = lh(0.25), lh(0.5), lh(0.5), lh(0.5)
				a.Deadlines.DispatchBy, a.Deadlines.DecideBy = lh(3), lh(9)
			})
			var at StageAt
			for _, s := range Stages(a, ladderPolicy) {
				if s.Stage == r.Stage {
					at = s
				}
			}
			if at.Stage == "" {
				continue // a share point that falls before the status began
			}
			plan := PlanReminders([]Due{{Appeal: a, Location: time.UTC}}, ladderPolicy, at.At)
			found := false
			for _, m := range plan.Messages {
				if m.To.Kind == r.To && strings.Contains(m.Args[ArgItems], "1:"+string(r.Stage)) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s in %s: messages %+v, want one to %s", r.Stage, st, plan.Messages, r.To)
			}
			kind := EventReminded
			if r.To == ToLeaders || r.To == ToSupervision {
				kind = EventEscalated
			}
			if !slices.ContainsFunc(plan.Events, func(e Event) bool { return e.Kind == kind && e.Note == string(r.Stage) }) {
				t.Errorf("%s in %s: events %+v, want %s", r.Stage, st, plan.Events, kind)
			}
		}
	}
}

// An appeal answered after its resolve deadline, chased daily while it
// was claimed: the leaders and supervision hear of the resolve deadline
// first, and the repeats of the claimed appeal do not stand in for them;
// its own repeats come after the answer. (Found by the ladder's property
// test.)
func TestRepeatsOfAnEarlierStatusDoNotCount(t *testing.T) {
	a := ladderAppeal(StatusAnswered, func(a *Appeal) { a.ClaimedAt, a.AnsweredAt = lh(0.5), lh(100) })
	var done Done
	done.Add(lh(72), StageRepeat) // Thursday 09:00, while claimed; Friday's was due
	r := Remind(a, done, ladderPolicy, utcClocks, lh(100))
	if got, want := stagesOf(r.Send), []Stage{StageResolveSupervision}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
	if want := time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC); !r.Next.Equal(want) {
		t.Errorf("next %v, want the first repeat after the answer, %v", r.Next, want)
	}
}
