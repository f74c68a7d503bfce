package render

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

func TestReminderFitsOneMessage(t *testing.T) {
	e := newEnv(t, "sqlite")
	var items []appeal.ReminderItem
	for i := range 300 {
		a := e.intake("roads", func(in *appeal.Intake) { in.Title = strings.Repeat("<b>坑&", 20) })
		if i == 0 {
			e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
		}
		items = append(items, appeal.ReminderItem{Appeal: a.ID, Stage: appeal.StageAnswer50})
	}
	m := appeal.Message{Kind: appeal.MsgReminder, To: appeal.Recipient{Kind: appeal.ToDepartment, Ref: "roads"},
		Args: map[string]string{appeal.ArgItems: appeal.EncodeItems(items)}}
	for _, lang := range Languages {
		r, err := e.r.RenderMessage(context.Background(), m, lang, e.clock())
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(r); err != nil {
			t.Fatalf("%s: %v\n%s", lang, err, r.HTML)
		}
		if !strings.Contains(r.HTML, "@"+rResp) {
			t.Errorf("%s: the assignee is not mentioned:\n%s", lang, r.HTML)
		}
		if lang == LangEN && !strings.Contains(r.HTML, "…and ") {
			t.Errorf("no “…and N more” in a cut reminder:\n%s", r.HTML[len(r.HTML)-200:])
		}
	}
}

// Every stage of the ladder has its words in every language, a repeat
// says what the appeal still waits for, and the event log names them.
func TestStageTexts(t *testing.T) {
	for _, r := range appeal.Ladder {
		if _, ok := stageKeys[r.Stage]; !ok {
			t.Errorf("stage %s has no text", r.Stage)
		}
		for _, lang := range Languages {
			if s := stageText(lang, r.Stage, appeal.StatusClaimed); s == "" || strings.Contains(s, "{") {
				t.Errorf("%s in %s: %q", r.Stage, lang, s)
			}
		}
	}
	if got := stageText(LangZH, appeal.StageRepeat, appeal.StatusUnassigned); !strings.Contains(got, Text(LangZH, statusKey(appeal.StatusUnassigned), nil)) {
		t.Errorf("repeat of an unassigned appeal: %q", got)
	}
	ev := appeal.Event{Kind: appeal.EventEscalated, ToStatus: appeal.StatusAnswered, Note: string(appeal.StageResolveOverdue)}
	if got := eventNote(LangEN, ev); got != "resolve deadline missed" {
		t.Errorf("event note %q", got)
	}
}

// Dispatch's reminders have dispatch's title and deadline; supervision's
// reports name each appeal's stage, department and deadline.
func TestDispatchAndSupervisionMessages(t *testing.T) {
	e := newEnv(t, "sqlite")
	waiting := e.intake("")
	answered := e.intake("roads")
	e.act(answered.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "修好了"})
	answered = e.appeal(answered.ID)
	if waiting.Deadlines.DispatchBy.IsZero() {
		t.Fatalf("an appeal without a department has no dispatch deadline: %+v", waiting.Deadlines)
	}
	render := func(m appeal.Message, lang string) string {
		t.Helper()
		r, err := e.r.RenderMessage(context.Background(), m, lang, e.clock())
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(r); err != nil {
			t.Fatal(err)
		}
		return r.HTML
	}
	items := func(its ...appeal.ReminderItem) map[string]string {
		return map[string]string{appeal.ArgItems: appeal.EncodeItems(its)}
	}
	loc := e.r.Location(context.Background(), "")
	got := render(appeal.Message{Kind: appeal.MsgReminder, To: appeal.Recipient{Kind: appeal.ToDispatch},
		Args: items(appeal.ReminderItem{Appeal: waiting.ID, Stage: appeal.StageDispatchNudge})}, LangEN)
	for _, want := range []string{"Dispatch: 1 appeal waits for a department", "not dispatched yet", "⏰" + ShortTime(waiting.Deadlines.DispatchBy, loc)} {
		if !strings.Contains(got, want) {
			t.Errorf("dispatch reminder lacks %q:\n%s", want, got)
		}
	}
	got = render(appeal.Message{Kind: appeal.MsgSupervision, To: appeal.Recipient{Kind: appeal.ToSupervision},
		Args: items(appeal.ReminderItem{Appeal: waiting.ID, Stage: appeal.StageDispatchOverdue},
			appeal.ReminderItem{Appeal: answered.ID, Stage: appeal.StageResolveSupervision},
			appeal.ReminderItem{Appeal: answered.ID, Stage: appeal.StageRepeat})}, LangZH)
	for _, want := range []string{"督办：3 件诉求超期", "分派已超时，已报督办", "超期未办结，已报督办", "仍未处理（已答复），再次催办",
		"⏰" + ShortTime(answered.Deadlines.ResolveBy, e.r.Location(context.Background(), "roads"))} {
		if !strings.Contains(got, want) {
			t.Errorf("supervision report lacks %q:\n%s", want, got)
		}
	}
}

// The dispatch card of an appeal waiting for a department shows its
// dispatch deadline, and marks it once passed.
func TestDispatchCardShowsItsDeadline(t *testing.T) {
	e := newEnv(t, "sqlite")
	a := e.intake("")
	card := func() string {
		t.Helper()
		r, err := e.r.Card(context.Background(), e.appeal(a.ID), LangEN, e.clock())
		if err != nil {
			t.Fatal(err)
		}
		return r.HTML
	}
	if got := card(); !strings.Contains(got, "dispatch by") || strings.Contains(got, "Dispatch overdue") {
		t.Errorf("card before the dispatch deadline:\n%s", got)
	}
	e.mu.Lock()
	e.now = a.Deadlines.DispatchBy.Add(time.Minute)
	e.mu.Unlock()
	if got := card(); !strings.Contains(got, "Dispatch overdue") || !strings.Contains(got, "overdue by 1m") {
		t.Errorf("card past the dispatch deadline:\n%s", got)
	}
}
