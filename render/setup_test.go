package render

import (
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
)

func TestDetourAndGaps(t *testing.T) {
	gaps := []appeal.Gap{{Level: appeal.LevelDepartment, Department: "roads"}, {Level: appeal.LevelLeaders, Department: "roads"}}
	for _, tt := range []struct{ lang, want string }{
		{LangZH, "↪️ 转来此处：部门 roads 未绑定工作群；部门 roads 没有领导"},
		{LangEN, "↪️ Sent here because: Department roads has no bound chat; Department roads has no leader"},
	} {
		if got := Detour(tt.lang, gaps); got != tt.want {
			t.Errorf("Detour(%s) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if Detour(LangZH, nil) != "" {
		t.Error("a message at its first choice has no detour line")
	}
	refused := appeal.Gap{Level: appeal.LevelDispatch, Refused: true}
	if got := GapText(LangEN, refused); !strings.Contains(got, "dispatch chat refuses") {
		t.Errorf("refused dispatch: %q", got)
	}
	if got := UndeliverableReason(gaps); got != "no one can receive it: Department roads has no bound chat; Department roads has no leader" {
		t.Errorf("reason: %q", got)
	}

	card := Rendered{HTML: "<b>#1</b> card"}
	if got := WithDetour(card, LangEN, gaps).HTML; !strings.HasPrefix(got, "↪️ Sent here because: ") || !strings.HasSuffix(got, "\n<b>#1</b> card") {
		t.Errorf("card with detour: %q", got)
	}
	long := Rendered{HTML: strings.Repeat("长", MaxCaption-10), Photo: []byte{1}}
	if got := WithDetour(long, LangZH, gaps); runes(got.HTML) > MaxCaption || !strings.HasPrefix(got.HTML, "↪️") {
		t.Errorf("a caption keeps its limit and the detour: %d runes", runes(got.HTML))
	}
	huge := Rendered{HTML: strings.Repeat("x\n", MaxText/2)}
	if got := WithDetour(huge, LangZH, gaps); runes(got.HTML) > MaxText || ValidHTML(got.HTML) != nil {
		t.Errorf("a long message keeps its limit: %d runes", runes(got.HTML))
	}
	for _, lang := range Languages {
		for _, g := range (appeal.Setup{Departments: []appeal.DepartmentSetup{{Code: "a&b"}}}).Gaps() {
			for _, r := range []bool{false, true} {
				g.Refused = r
				if err := ValidHTML(GapText(lang, g)); err != nil {
					t.Errorf("%s %+v: %v", lang, g, err)
				}
			}
		}
	}
}

func TestSetupTexts(t *testing.T) {
	before := appeal.Setup{Departments: []appeal.DepartmentSetup{{Code: "roads", Chats: 1, Leaders: 1}}, DispatchChats: 1, Admins: 1}
	after := before
	after.Departments = []appeal.DepartmentSetup{{Code: "roads", Leaders: 1}}
	for _, tt := range []struct{ lang, want string }{
		{LangZH, "⚠️ 部门 roads 未绑定工作群：部门 roads 的诉求和提醒现发往部门 roads 的领导（私聊）\n📤 2 条此前无人可收的消息现在重新尝试投递。"},
		{LangEN, "⚠️ Department roads has no bound chat: appeals and reminders of department roads now go to the leaders of department roads, privately\n" +
			"📤 Messages that no one could receive are tried again now (2)."},
	} {
		if got := SetupChange(tt.lang, before, after, 2); got != tt.want {
			t.Errorf("unbinding roads (%s):\n got  %q\n want %q", tt.lang, got, tt.want)
		}
	}
	if got := SetupChange(LangEN, after, before, 0); got != "" {
		t.Errorf("binding roads again says only what its own reply says, got %q", got)
	}
	// Binding a dispatch chat where only an admin took messages.
	lonely := appeal.Setup{Departments: []appeal.DepartmentSetup{{Code: "roads", Chats: 1}}, Admins: 1}
	withDispatch := lonely
	withDispatch.DispatchChats = 1
	want := "↪️ Now going to the dispatch chat: messages for the leaders of department roads\n" +
		"↪️ Now going to the dispatch chat: supervision reports"
	if got := SetupChange(LangEN, lonely, withDispatch, 0); got != want {
		t.Errorf("binding dispatch:\n got  %q\n want %q", got, want)
	}
	if got := SetupGaps(LangZH, lonely); got != "⚠️ 未绑定调度群：调度消息（待分派和被退回的诉求）现发往管理员（私聊）\n⚠️ 未绑定督办群：督办通报现发往管理员（私聊）" {
		t.Errorf("setup gaps: %q", got)
	}
	if got := DepartmentGaps(LangEN, appeal.Setup{Departments: []appeal.DepartmentSetup{{Code: "roads"}}}, "roads"); len(got) != 2 ||
		got[0] != "⚠️ Department roads has no bound chat: appeals and reminders of department roads now go to no one (they wait until a chat is bound or a role granted)" {
		t.Errorf("department gaps: %q", got)
	}
	if got := GapLine(LangEN, appeal.Setup{}, appeal.Gap{Level: appeal.LevelAdmins}); got != "⚠️ There is no admin: a message no one else can receive waits" {
		t.Errorf("no admin: %q", got)
	}
}
