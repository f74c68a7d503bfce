package api_test

import (
	"strings"
	"testing"

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
