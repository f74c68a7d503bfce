package appeal

import (
	"reflect"
	"testing"
	"time"
)

func TestRemind(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday, 09:00 UTC
	base := Appeal{
		ID: 1, Department: "roads", Priority: PriorityNormal, AssignedAt: t0,
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
	done := func(ss ...Stage) map[Stage]bool {
		m := map[Stage]bool{}
		for _, s := range ss {
			m[s] = true
		}
		return m
	}
	at := func(d time.Duration) time.Time { return t0.Add(d) }

	tests := []struct {
		name string
		a    Appeal
		done map[Stage]bool
		p    ReminderPolicy
		loc  *time.Location
		now  time.Time
		want Reminder
	}{
		{"assigned, nothing due yet", assigned, nil, noQuiet, nil, at(10 * time.Minute),
			Reminder{Next: at(30 * time.Minute)}},
		{"nudge at the configured share of the claim time", assigned, nil, noQuiet, nil, at(30 * time.Minute),
			Reminder{Send: StageClaimNudge, Next: at(2 * time.Hour)}},
		{"claim deadline escalates", assigned, done(StageClaimNudge), noQuiet, nil, at(2 * time.Hour),
			Reminder{Send: StageClaimOverdue}},
		{"catch-up sends only the latest claim stage", assigned, nil, noQuiet, nil, at(3 * time.Hour),
			Reminder{Send: StageClaimOverdue, Skipped: []Stage{StageClaimNudge}}},
		{"claimed: 50% of the answer time from assignment", claimed, nil, noQuiet, nil, at(5 * time.Hour),
			Reminder{Send: StageAnswer50, Next: at(8 * time.Hour)}},
		{"claimed: 80%", claimed, done(StageAnswer50), noQuiet, nil, at(8 * time.Hour),
			Reminder{Send: StageAnswer80, Next: at(10 * time.Hour)}},
		{"claimed: overdue", claimed, done(StageAnswer50, StageAnswer80), noQuiet, nil, at(10 * time.Hour),
			Reminder{Send: StageAnswerOverdue, Next: at(14 * time.Hour)}},
		{"claimed: supervision", claimed, done(StageAnswer50, StageAnswer80, StageAnswerOverdue), noQuiet, nil, at(14 * time.Hour),
			Reminder{Send: StageSupervision}},
		{"claimed: all done", claimed, done(StageAnswer50, StageAnswer80, StageAnswerOverdue, StageSupervision), noQuiet, nil, at(20 * time.Hour),
			Reminder{}},
		{"claim stages do not apply once claimed", claimed, nil, noQuiet, nil, at(2 * time.Hour),
			Reminder{Next: at(5 * time.Hour)}},
		{"catch-up after an outage: only supervision", claimed, done(StageAnswer50), noQuiet, nil, at(15 * time.Hour),
			Reminder{Send: StageSupervision, Skipped: []Stage{StageAnswer80, StageAnswerOverdue}}},
		{"share points passed before the claim do not apply", lateClaim, nil, noQuiet, nil, at(6 * time.Hour),
			Reminder{Next: at(8 * time.Hour)}},
		{"pending approval still reminded", pending, nil, noQuiet, nil, at(5 * time.Hour),
			Reminder{Send: StageAnswer50, Next: at(8 * time.Hour)}},
		{"answered: nothing", with(claimed, StatusAnswered), nil, noQuiet, nil, at(15 * time.Hour), Reminder{}},
		{"closed: nothing", with(claimed, StatusClosed), nil, noQuiet, nil, at(15 * time.Hour), Reminder{}},
		{"returned: nothing", with(assigned, StatusReturned), nil, noQuiet, nil, at(15 * time.Hour), Reminder{}},
		// 09:00 UTC + 14h = 23:00 UTC = 07:00 next day in Shanghai: quiet.
		{"quiet hours hold a normal appeal until morning", claimed, done(StageAnswer50, StageAnswer80, StageAnswerOverdue), quiet, shanghai, at(14 * time.Hour),
			Reminder{Held: true, Next: time.Date(2026, 11, 3, 8, 0, 0, 0, shanghai)}},
		{"quiet hours are in the department's timezone", claimed, done(StageAnswer50, StageAnswer80, StageAnswerOverdue), quiet, time.UTC, at(14 * time.Hour),
			Reminder{Held: true, Next: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)}},
		{"an urgent appeal is not held", urgent, done(StageAnswer50, StageAnswer80, StageAnswerOverdue), quiet, shanghai, at(14 * time.Hour),
			Reminder{Send: StageSupervision}},
		{"nothing due in quiet hours: next stays the stage", claimed, nil, quiet, shanghai, at(time.Hour),
			Reminder{Next: at(5 * time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Remind(tt.a, tt.done, tt.p, tt.loc, tt.now)
			if !got.Next.Equal(tt.want.Next) {
				t.Errorf("next = %v, want %v", got.Next, tt.want.Next)
			}
			got.Next, tt.want.Next = time.Time{}, time.Time{}
			if len(got.Skipped) == 0 {
				got.Skipped = nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNextReminderIsFirstSharePoint(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a := Appeal{Status: StatusAssigned, AssignedAt: t0, Deadlines: Deadlines{ClaimBy: t0.Add(4 * time.Hour), AnswerBy: t0.Add(20 * time.Hour)}}
	if got, want := NextReminder(a, nil, DefaultReminders), t0.Add(2*time.Hour); !got.Equal(want) {
		t.Errorf("assigned: %v, want %v", got, want)
	}
	a.Status, a.ClaimedAt = StatusClaimed, t0.Add(time.Hour)
	if got, want := NextReminder(a, nil, DefaultReminders), t0.Add(10*time.Hour); !got.Equal(want) {
		t.Errorf("claimed: %v, want %v", got, want)
	}
	a.Status = StatusAnswered
	if got := NextReminder(a, nil, DefaultReminders); !got.IsZero() {
		t.Errorf("answered: %v, want zero", got)
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

	// Past everything: leaders get one merged escalation, the overdue card is
	// refreshed, supervision gets the claimed one.
	plan = PlanReminders(batch, p, t0.Add(5*time.Hour))
	got = nil
	for _, m := range plan.Messages {
		got = append(got, string(m.Kind)+" "+string(m.To.Kind)+":"+m.To.Ref+" "+m.Args[ArgItems])
	}
	want = []string{"escalation leaders:roads 1:claim_overdue,3:claim_overdue", "escalation leaders:water 2:claim_overdue",
		"supervision supervision: 4:supervision"}
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
