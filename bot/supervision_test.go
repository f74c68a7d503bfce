package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// A supervision message goes to the dispatch chat while no supervision chat
// is bound, and to the supervision chat once one is.
func TestSupervisionFallsBackToDispatch(t *testing.T) {
	f := setup(t, -100)
	bind := func(p appeal.ChatPurpose, chat string) {
		if err := f.store.BindChat(t.Context(), appeal.ChatBinding{Purpose: p, Network: "telegram", ChatID: chat}); err != nil {
			t.Fatal(err)
		}
	}
	bind(appeal.ChatDispatch, "-200")
	a := f.intake(t, "A")
	f.run(t)
	send := func() {
		t.Helper()
		msg := appeal.Message{Kind: appeal.MsgSupervision, To: appeal.Recipient{Kind: appeal.ToSupervision},
			Args: map[string]string{appeal.ArgItems: appeal.EncodeItems([]appeal.ReminderItem{{Appeal: a.ID, Stage: appeal.StageSupervision}})}}
		if err := f.store.EnqueueMessages(t.Context(), f.clk.now(), []appeal.Message{msg}); err != nil {
			t.Fatal(err)
		}
		f.clk.add(time.Minute)
		f.run(t)
	}
	send()
	if got := f.tg.Messages(-200); len(got) != 1 || !strings.Contains(got[0].Plain, "Supervision") {
		t.Fatalf("dispatch chat got %+v, want the supervision message", got)
	}
	bind(appeal.ChatSupervision, "-300")
	send()
	if got := f.tg.Messages(-300); len(got) != 1 || !strings.Contains(got[0].Plain, "long overdue") {
		t.Fatalf("supervision chat got %+v", got)
	}
	if got := f.tg.Messages(-200); len(got) != 1 {
		t.Fatalf("dispatch chat got %d messages after a supervision chat was bound, want still 1", len(got))
	}
}
