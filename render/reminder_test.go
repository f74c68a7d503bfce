package render

import (
	"context"
	"strings"
	"testing"

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
