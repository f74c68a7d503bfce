package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestDeptListMarksGaps: /dept list says, in the reader's language, what
// the setup lacks and where the messages it keeps from their first choice
// go now.
func TestDeptListMarksGaps(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	adm := privateChat("9006")
	rep := e.do(rAdmin, adm, "dept list")
	if !strings.Contains(rep.HTML, "\n⚠️ No supervision chat is bound: supervision reports now go to the dispatch chat\n") ||
		strings.Contains(rep.HTML, "Department roads") {
		t.Fatalf("the test world lacks only a supervision chat:\n%s", rep.HTML)
	}
	e.do(rAdmin, adm, "dept add parks 园林局")
	rep = e.do(rAdmin, adm, "dept list")
	want := "<code>parks</code> 园林局 · chats: 0 · limits 2wh / 3wd / 7wd, urgent 30m / 2h / 1d · answer approval: off\n" +
		"    ⚠️ Department parks has no bound chat: appeals and reminders of department parks now go to the dispatch chat\n" +
		"    ⚠️ Department parks has no leader: messages for the leaders of department parks now go to the dispatch chat\n"
	if !strings.Contains(rep.HTML, want) {
		t.Fatalf("/dept list:\n%s\nwant it to hold\n%s", rep.HTML, want)
	}
	e.do(rAdmin, adm, "lang zh")
	rep = e.do(rAdmin, adm, "dept list")
	for _, want := range []string{
		"⚠️ 未绑定督办群：督办通报现发往调度群",
		"    ⚠️ 部门 parks 未绑定工作群：部门 parks 的诉求和提醒现发往调度群",
		"    ⚠️ 部门 parks 没有领导：给部门 parks 领导的消息现发往调度群",
	} {
		if !strings.Contains(rep.HTML, want) {
			t.Errorf("/dept list in Chinese lacks %q:\n%s", want, rep.HTML)
		}
	}

	// With every gap closed, it says so.
	park := Chat{ID: "-500", Title: "Parks"}
	e.do(rAdmin, park, "dept bind parks")
	e.do(rAdmin, park, "role add parks leader 9003")
	e.do(rAdmin, Chat{ID: "-600", Title: "Supervision"}, "supervision bind")
	rep = e.do(rBoot, privateChat("9007"), "dept list")
	if strings.Contains(rep.HTML, "⚠️") || !strings.HasSuffix(rep.HTML, "\n\n✅ Every department has a chat and a leader; the dispatch chat, the supervision chat and an admin are there.") {
		t.Fatalf("complete setup:\n%s", rep.HTML)
	}
}

// TestBindingSaysWhatItChanges: binding and unbinding chats and granting
// or taking roles tells the admin where messages go now, and a binding or
// a grant lets the messages that waited for someone try again at once.
func TestBindingSaysWhatItChanges(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	check := func(rep Reply, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(rep.HTML, w) {
				t.Errorf("reply lacks %q:\n%s", w, rep.HTML)
			}
		}
	}
	check(e.do(rAdmin, roadsChat, "dept unbind roads"),
		"✅ This chat is no longer the chat of Roads (roads).\n"+
			"⚠️ Department roads has no bound chat: appeals and reminders of department roads now go to the leaders of department roads, privately")
	check(e.do(rAdmin, privateChat("9006"), "role remove roads leader 9003"),
		"⚠️ Department roads has no leader: messages for the leaders of department roads now go to the dispatch chat",
		"↪️ Now going to the dispatch chat: appeals and reminders of department roads")
	check(e.do(rAdmin, dispatchChat, "dispatch unbind"),
		"⚠️ No dispatch chat is bound: dispatch messages (unassigned and returned appeals) now go to the admins, privately",
		"↪️ Now going to the admins, privately: appeals and reminders of department roads",
		"↪️ Now going to the admins, privately: messages for the leaders of department roads",
		"↪️ Now going to the admins, privately: supervision reports")

	// A message that found no one waits; the binding releases it.
	a := e.intake("")
	rows, err := e.store.ClaimOutbox(ctx, appeal.ChatRecipients, t0, 10, time.Minute)
	if err != nil || len(rows) != 1 {
		t.Fatalf("claim: %v %v", rows, err)
	}
	later := t0.Add(time.Hour)
	if err := e.store.MarkUndeliverable(ctx, rows[0].ID, t0, later, "no one"); err != nil {
		t.Fatal(err)
	}
	rep := e.do(rAdmin, dispatchChat, "dispatch bind")
	check(rep, "🔗 This chat is now a dispatch chat", "↪️ Now going to the dispatch chat: appeals and reminders of department roads",
		"📤 Messages that no one could receive are tried again now (1).")
	if strings.Contains(rep.HTML, "dispatch messages (unassigned") {
		t.Errorf("the reply about the binding says what the chat is for; no line repeats it:\n%s", rep.HTML)
	}
	if rows, _ := e.store.ClaimOutbox(ctx, appeal.ChatRecipients, t0, 10, time.Minute); len(rows) != 1 || rows[0].AppealID != a.ID {
		t.Fatalf("the released card is due at once: %+v", rows)
	}

	// Granting a leader releases too; a responder changes nothing of it.
	check(e.do(rAdmin, privateChat("9006"), "role add roads leader 9003"),
		"↪️ Now going to the leaders of department roads, privately: appeals and reminders of department roads")
	if rep := e.do(rAdmin, privateChat("9006"), "role add roads responder 9000"); strings.Contains(rep.HTML, "\n") {
		t.Errorf("a responder changes where nothing goes:\n%s", rep.HTML)
	}
	e.do(rAdmin, Chat{ID: "-700", Title: "Roads 2"}, "lang zh")
	check(e.do(rAdmin, Chat{ID: "-700", Title: "Roads 2"}, "dept bind roads"), "🔗 本群已成为Roads (roads)的工作群")
	check(e.do(rAdmin, Chat{ID: "-700", Title: "Roads 2"}, "dept unbind roads"),
		"⚠️ 部门 roads 未绑定工作群：部门 roads 的诉求和提醒现发往部门 roads 的领导（私聊）")
}
