package commands

import (
	"context"
	"html"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

func TestEscalationButtonsReassign(t *testing.T) {
	e := newEnv(t, "sqlite")
	a := e.intake("roads")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	m := appeal.Message{Kind: appeal.MsgEscalation, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"},
		Args: map[string]string{appeal.ArgItems: appeal.EncodeItems([]appeal.ReminderItem{{Appeal: a.ID, Stage: appeal.StageAnswerOverdue}})}}
	r, err := e.r.RenderMessage(context.Background(), m, render.LangEN, e.clock())
	if err != nil {
		t.Fatal(err)
	}
	if err := render.Check(r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.HTML, "answer deadline missed") || len(r.Buttons) != 1 || len(r.Buttons[0]) != 3 {
		t.Fatalf("escalation: %s %+v", r.HTML, r.Buttons)
	}
	reassign := r.Buttons[0][0]
	if !strings.Contains(reassign.Label, "Reassign") {
		t.Fatalf("first button %+v", reassign)
	}
	if rep := e.press(rLeader, privateChat(e.users[rLeader].ID), reassign.Data); isError(rep) {
		t.Fatalf("leader's reassign: %+v", rep)
	}
	if got := e.appeal(a.ID); got.Status != appeal.StatusAssigned || got.Assignee != 0 {
		t.Errorf("after reassign: %s, assignee %d", got.Status, got.Assignee)
	}
}

func TestReminderEventsAndOverdueCard(t *testing.T) {
	e := newEnv(t, "sqlite")
	a := e.intake("roads")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	a = e.appeal(a.ID)
	now := a.Deadlines.AnswerBy.Add(time.Minute)
	e.mu.Lock()
	e.now = now
	e.mu.Unlock()
	p := appeal.ReminderPolicy{NudgeShare: 0.5, SupervisionAfter: time.Hour}
	if _, err := e.store.ScanReminders(context.Background(), now, 10, func(b []appeal.Due) appeal.ReminderPlan {
		return appeal.PlanReminders(b, p, now)
	}); err != nil {
		t.Fatal(err)
	}
	rep := e.do(rLeader, privateChat(e.users[rLeader].ID), "appeal "+itoa(a.ID))
	text := html.UnescapeString(rep.HTML)
	for _, want := range []string{"escalated: answer deadline missed", "reminder skipped: 80% of the answer time used"} {
		if !strings.Contains(text, want) {
			t.Errorf("/appeal lacks %q:\n%s", want, text)
		}
	}
	card, err := e.r.Card(context.Background(), e.appeal(a.ID), render.LangEN, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(card.HTML, "⚠️ Overdue") {
		t.Errorf("card has no overdue mark:\n%s", card.HTML)
	}
	if err := render.Check(card); err != nil {
		t.Error(err)
	}
}

func itoa(id appeal.ID) string { return strconv.FormatInt(int64(id), 10) }
