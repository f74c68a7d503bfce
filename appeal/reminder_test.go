package appeal

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestRemind(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday, 09:00 UTC
	base := Appeal{
		ID: 1, Department: "roads", Priority: PriorityNormal, AssignedAt: t0, UpdatedAt: t0,
		Deadlines: Deadlines{ClaimBy: t0.Add(2 * time.Hour), AnswerBy: t0.Add(10 * time.Hour), ResolveBy: t0.Add(48 * time.Hour)},
	}
	assigned := base
	assigned.Status = StatusAssigned
	claimed := base
	claimed.Status = StatusClaimed
	claimed.ClaimedAt = t0.Add(30 * time.Minute)
	claimed.Assignee = 7
	urgent := claimed
	urgent.Priority = PriorityUrgent
	lateClaim := claimed
	lateClaim.ClaimedAt = t0.Add(6 * time.Hour) // after the 50% point
	pending := claimed
	pending.Status = StatusPendingApproval
	with := func(a Appeal, s Status) Appeal { a.Status = s; return a }
	noQuiet := ReminderPolicy{NudgeShare: 0.25, SupervisionAfter: 4 * time.Hour}
	quiet := noQuiet
	quiet.Quiet = QuietHours{From: 22 * time.Hour, To: 8 * time.Hour}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	done := func(ss ...Stage) Done {
		var d Done
		for _, s := range ss {
			d.Add(t0, s) // every stage here runs on the assignment's clock
		}
		return d
	}
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	// After the supervision stage (t0+14h, Monday 23:00 UTC) the chase
	// repeats at the next opening: Tuesday 09:00 in the calendar's zone.
	tuesday := at(24 * time.Hour)
	tuesdayShanghai := time.Date(2026, 11, 3, 9, 0, 0, 0, shanghai)

	type want struct {
		send, skipped []Stage
		held          bool
		next          time.Time
	}
	tests := []struct {
		name string
		a    Appeal
		done Done
		p    ReminderPolicy
		loc  *time.Location
		now  time.Time
		want want
	}{
		{"assigned, nothing due yet", assigned, Done{}, noQuiet, nil, at(10 * time.Minute),
			want{next: at(30 * time.Minute)}},
		{"nudge at the configured share of the claim time", assigned, Done{}, noQuiet, nil, at(30 * time.Minute),
			want{send: []Stage{StageClaimNudge}, next: at(2 * time.Hour)}},
		{"claim deadline escalates; the answer deadline still applies", assigned, done(StageClaimNudge), noQuiet, nil, at(2 * time.Hour),
			want{send: []Stage{StageClaimOverdue}, next: at(10 * time.Hour)}},
		{"catch-up sends only the latest claim stage", assigned, Done{}, noQuiet, nil, at(3 * time.Hour),
			want{send: []Stage{StageClaimOverdue}, skipped: []Stage{StageClaimNudge}, next: at(10 * time.Hour)}},
		{"unclaimed past the answer deadline: leaders, then supervision", assigned, done(StageClaimNudge, StageClaimOverdue), noQuiet, nil, at(10 * time.Hour),
			want{send: []Stage{StageAnswerOverdue}, next: at(14 * time.Hour)}},
		{"claimed: 50% of the answer time from assignment", claimed, Done{}, noQuiet, nil, at(5 * time.Hour),
			want{send: []Stage{StageAnswer50}, next: at(8 * time.Hour)}},
		{"claimed: 80%", claimed, done(StageAnswer50), noQuiet, nil, at(8 * time.Hour),
			want{send: []Stage{StageAnswer80}, next: at(10 * time.Hour)}},
		{"claimed: overdue", claimed, done(StageAnswer50, StageAnswer80), noQuiet, nil, at(10 * time.Hour),
			want{send: []Stage{StageAnswerOverdue}, next: at(14 * time.Hour)}},
		{"claimed: supervision, then the repeat", claimed, done(StageAnswer50, StageAnswer80, StageAnswerOverdue), noQuiet, nil, at(14 * time.Hour),
			want{send: []Stage{StageSupervision}, next: tuesday}},
		{"claimed: all done, the repeat is next", claimed, done(StageAnswer50, StageAnswer80, StageAnswerOverdue, StageSupervision), noQuiet, nil, at(20 * time.Hour),
			want{next: tuesday}},
		{"claimed: the repeat falls due", claimed, done(StageAnswer50, StageAnswer80, StageAnswerOverdue, StageSupervision), noQuiet, nil, tuesday,
			want{send: []Stage{StageRepeat}, next: at(48 * time.Hour)}},
		{"claim stages do not apply once claimed", claimed, Done{}, noQuiet, nil, at(2 * time.Hour),
			want{next: at(5 * time.Hour)}},
		{"catch-up after an outage: only supervision", claimed, done(StageAnswer50), noQuiet, nil, at(15 * time.Hour),
			want{send: []Stage{StageSupervision}, skipped: []Stage{StageAnswer80, StageAnswerOverdue}, next: tuesday}},
		{"share points passed before the claim do not apply", lateClaim, Done{}, noQuiet, nil, at(6 * time.Hour),
			want{next: at(8 * time.Hour)}},
		{"pending approval: the answer deadline still applies", pending, Done{}, noQuiet, nil, at(5 * time.Hour),
			want{next: at(10 * time.Hour)}},
		{"closed: nothing", with(claimed, StatusClosed), Done{}, noQuiet, nil, at(15 * time.Hour), want{}},
		// 09:00 UTC + 14h = 23:00 UTC = 07:00 next day in Shanghai: quiet.
		{"quiet hours hold a normal appeal until morning", claimed, done(StageAnswer50, StageAnswer80, StageAnswerOverdue), quiet, shanghai, at(14 * time.Hour),
			want{held: true, next: time.Date(2026, 11, 3, 8, 0, 0, 0, shanghai)}},
		{"quiet hours are in the department's timezone", claimed, done(StageAnswer50, StageAnswer80, StageAnswerOverdue), quiet, time.UTC, at(14 * time.Hour),
			want{held: true, next: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)}},
		{"an urgent appeal is not held", urgent, done(StageAnswer50, StageAnswer80, StageAnswerOverdue), quiet, shanghai, at(14 * time.Hour),
			want{send: []Stage{StageSupervision}, next: tuesdayShanghai}},
		{"nothing due in quiet hours: next stays the stage", claimed, Done{}, quiet, shanghai, at(time.Hour),
			want{next: at(5 * time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := tt.loc
			if loc == nil {
				loc = time.UTC
			}
			got := Remind(tt.a, tt.done, tt.p, Clocks{Department: DefaultCalendar(loc)}, tt.now)
			if !got.Next.Equal(tt.want.next) {
				t.Errorf("next = %v, want %v", got.Next, tt.want.next)
			}
			if !slices.Equal(stagesOf(got.Send), tt.want.send) || !slices.Equal(stagesOf(got.Skipped), tt.want.skipped) || got.Held != tt.want.held {
				t.Errorf("sent %v skipped %v held %v, want %v %v %v", stagesOf(got.Send), stagesOf(got.Skipped), got.Held,
					tt.want.send, tt.want.skipped, tt.want.held)
			}
		})
	}
}

// stagesOf names the stages of ss, nil for none.
func stagesOf(ss []StageAt) []Stage {
	var out []Stage
	for _, s := range ss {
		out = append(out, s.Stage)
	}
	return out
}

func TestNextActionIsFirstSharePoint(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a := Appeal{Status: StatusAssigned, AssignedAt: t0, Deadlines: Deadlines{ClaimBy: t0.Add(4 * time.Hour), AnswerBy: t0.Add(20 * time.Hour)}}
	if got, want := NextAction(a, Done{}, DefaultReminders, Clocks{}), t0.Add(2*time.Hour); !got.Equal(want) {
		t.Errorf("assigned: %v, want %v", got, want)
	}
	a.Status, a.ClaimedAt = StatusClaimed, t0.Add(time.Hour)
	if got, want := NextAction(a, Done{}, DefaultReminders, Clocks{}), t0.Add(10*time.Hour); !got.Equal(want) {
		t.Errorf("claimed: %v, want %v", got, want)
	}
	a.Status = StatusClosed
	if got := NextAction(a, Done{}, DefaultReminders, Clocks{}); !got.IsZero() {
		t.Errorf("closed: %v, want zero", got)
	}
}

func TestPlanRemindersMergesPerDepartment(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	mk := func(id ID, dept string, s Status) Due {
		return Due{Appeal: Appeal{ID: id, Department: dept, Status: s, Priority: PriorityNormal, AssignedAt: t0,
			ClaimedAt: t0, Deadlines: Deadlines{ClaimBy: t0.Add(time.Hour), AnswerBy: t0.Add(2 * time.Hour)}}}
	}
	batch := []Due{mk(3, "roads", StatusAssigned), mk(1, "roads", StatusAssigned), mk(2, "water", StatusAssigned),
		mk(4, "roads", StatusClaimed), mk(5, "roads", StatusClosed)}
	p := ReminderPolicy{NudgeShare: 0.5, SupervisionAfter: time.Hour}
	plan := PlanReminders(batch, p, t0.Add(40*time.Minute))
	var got []string
	for _, m := range plan.Messages {
		got = append(got, string(m.Kind)+" "+string(m.To.Kind)+":"+m.To.Ref+" "+m.Args[ArgItems])
	}
	want := []string{"reminder department:roads 1:claim_nudge,3:claim_nudge", "reminder department:water 2:claim_nudge"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("messages:\n got %q\nwant %q", got, want)
	}
	if len(plan.Stages) != 3 || len(plan.Events) != 3 {
		t.Errorf("stages %d events %d, want 3 and 3", len(plan.Stages), len(plan.Events))
	}
	if !plan.Next[5].IsZero() || !plan.Next[4].Equal(t0.Add(time.Hour)) {
		t.Errorf("next: %v", plan.Next)
	}

	// Past the answer deadline: the leaders of each department get one
	// merged escalation (for the unclaimed ones it passes over the claim
	// escalation), and every overdue card is refreshed.
	plan = PlanReminders(batch, p, t0.Add(150*time.Minute))
	got = nil
	for _, m := range plan.Messages {
		got = append(got, string(m.Kind)+" "+string(m.To.Kind)+":"+m.To.Ref+" "+m.Args[ArgItems])
	}
	want = []string{"card department:roads ", "card department:roads ", "card department:water ", "card department:roads ",
		"escalation leaders:roads 1:answer_overdue,3:answer_overdue,4:answer_overdue", "escalation leaders:water 2:answer_overdue"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("messages:\n got %q\nwant %q", got, want)
	}

	// Past everything: supervision gets them all in one message.
	plan = PlanReminders(batch, p, t0.Add(5*time.Hour))
	got = nil
	for _, m := range plan.Messages {
		got = append(got, string(m.Kind)+" "+string(m.To.Kind)+":"+m.To.Ref+" "+m.Args[ArgItems])
	}
	want = []string{"supervision supervision: 1:supervision,2:supervision,3:supervision,4:supervision"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("messages:\n got %q\nwant %q", got, want)
	}
}

func TestItemsRoundTrip(t *testing.T) {
	items := []ReminderItem{{1, StageAnswer50}, {22, StageSupervision}}
	got, err := DecodeItems(EncodeItems(items))
	if err != nil || !reflect.DeepEqual(got, items) {
		t.Fatalf("got %v, %v", got, err)
	}
	if _, err := DecodeItems("x:y"); err == nil {
		t.Error("bad items decoded")
	}
}

func TestQuietHours(t *testing.T) {
	q, err := ParseQuietHours("22:00-08:00")
	if err != nil {
		t.Fatal(err)
	}
	day := func(h, m int) time.Time { return time.Date(2026, 11, 2, h, m, 0, 0, time.UTC) }
	for _, c := range []struct {
		t    time.Time
		want time.Time
	}{
		{day(21, 59), time.Time{}},
		{day(22, 0), day(8, 0).AddDate(0, 0, 1)},
		{day(3, 0), day(8, 0)},
		{day(8, 0), time.Time{}},
	} {
		got, _ := q.End(c.t, time.UTC)
		if !got.Equal(c.want) {
			t.Errorf("End(%v) = %v, want %v", c.t, got, c.want)
		}
	}
	if _, err := ParseQuietHours("22-8"); err == nil {
		t.Error("bad quiet hours parsed")
	}
	if q, _ := ParseQuietHours("off"); q != (QuietHours{}) {
		t.Error("off is not empty")
	}
}
