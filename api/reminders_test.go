package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Every reminder and escalation is an event that GET /api/v1/appeals/{id}
// shows, with its stage as the note.
func TestGetShowsReminderEvents(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.putDept("water", `{"name":"供水"}`)
	_, m := e.post(intakeBody("R-1", "water"))
	id := appeal.ID(m["id"].(float64))
	a, err := e.store.Appeal(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	now := a.Deadlines.ClaimBy // urgent: not held by quiet hours
	p := appeal.DefaultReminders
	if _, err := e.store.ScanReminders(t.Context(), now, 10, func(b []appeal.Due) appeal.ReminderPlan {
		return appeal.PlanReminders(b, p, now)
	}); err != nil {
		t.Fatal(err)
	}
	st, g := e.do("GET", "/api/v1/appeals/"+jsonNum(m["id"]), "", "")
	if st != 200 {
		t.Fatalf("%d %v", st, g)
	}
	var got []string
	for _, ev := range g["events"].([]any) {
		ev := ev.(map[string]any)
		if k := ev["kind"].(string); k != "received" && k != "assigned" {
			got = append(got, k+":"+ev["note"].(string))
		}
	}
	if strings.Join(got, ",") != "reminder_skipped:claim_nudge,escalated:claim_overdue" {
		t.Fatalf("events %v", got)
	}
}

// After a leader's 改派 (unclaim) of an appeal past its claim and answer
// deadlines, GET shows it assigned with a next action: the claim
// escalation never said in this assignment, due at once; once the scan
// has said it, the supervision stage still to come.
func TestReassignedAppealKeepsANextAction(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.putDept("water", `{"name":"供水"}`)
	_, m := e.post(intakeBody("R-2", "water")) // urgent: quiet hours hold nothing
	id := appeal.ID(m["id"].(float64))
	now := testNow
	svc := appeal.NewService(e.store, func() time.Time { return now }, "Asia/Shanghai")
	if _, err := svc.Act(t.Context(), id, appeal.Command{Action: appeal.ActClaim, Actor: 7}); err != nil {
		t.Fatal(err)
	}
	a, err := e.store.Appeal(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	p := appeal.DefaultReminders
	scan := func() {
		t.Helper()
		if _, err := e.store.ScanReminders(t.Context(), now, 10, func(b []appeal.Due) appeal.ReminderPlan {
			return appeal.PlanReminders(b, p, now)
		}); err != nil {
			t.Fatal(err)
		}
	}
	now = a.Deadlines.AnswerBy.Add(time.Minute)
	scan() // the answer escalation
	if _, err := svc.Act(t.Context(), id, appeal.Command{Action: appeal.ActUnclaim, Actor: 9, Force: true, Text: "换人"}); err != nil {
		t.Fatal(err)
	}
	get := func() (map[string]any, time.Time) {
		t.Helper()
		st, g := e.do("GET", "/api/v1/appeals/"+jsonNum(m["id"]), "", "")
		next, _ := g["next_action_at"].(string)
		at, err := time.Parse(time.RFC3339Nano, next)
		if st != 200 || g["status"] != "assigned" || err != nil {
			t.Fatalf("GET: %d, status %v, next_action_at %v", st, g["status"], g["next_action_at"])
		}
		return g, at
	}
	if _, next := get(); next.After(now) {
		t.Errorf("after 改派: next action %v, want the claim escalation, due at once (%v)", next, now)
	}
	scan()
	g, next := get()
	if want := a.Deadlines.AnswerBy.Add(p.SupervisionAfter); !next.Equal(want) {
		t.Errorf("after the scan: next action %v, want supervision at %v", next, want)
	}
	var got []string
	for _, ev := range g["events"].([]any) {
		ev := ev.(map[string]any)
		if k := ev["kind"].(string); k == "escalated" || k == "reminded" {
			got = append(got, k+":"+ev["note"].(string))
		}
	}
	if strings.Join(got, ",") != "escalated:answer_overdue,escalated:claim_overdue" {
		t.Errorf("events %v", got)
	}
}
