package render

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/worldtest"
	"github.com/appealbot/appealbot/storage"
)

func TestValidator(t *testing.T) {
	for _, ok := range []string{"", "a &lt; b &amp;&gt; &quot;&#39;&#x1F600;", "<b>x<i>y</i></b>", `<a href="https://x/?a=1&amp;b">l</a>`, "<code>x &lt;</code>"} {
		if err := ValidHTML(ok); err != nil {
			t.Errorf("ValidHTML(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"<", "a < b", "a > b", "&", "&foo;", "<b>", "</b>", "<b><i></b></i>", "<script>", "<b class=x>x</b>",
		"<a href=x>l</a>", "<code><b>x</b></code>", "\xff"} {
		if err := ValidHTML(bad); err == nil {
			t.Errorf("ValidHTML(%q) accepted", bad)
		}
	}
}

func buttonsOf(r Rendered) []string { return worldtest.Buttons(r.Buttons) }

// TestCardStates: each state shows what it is and offers only the buttons
// that can work.
func TestCardStates(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	card := func(id appeal.ID, v view) Rendered {
		t.Helper()
		r := e.r.card(ctx, e.appeal(id), v, LangEN, e.clock())
		if err := Check(r); err != nil {
			t.Fatalf("card #%d: %v", id, err)
		}
		return r
	}
	roads := view{dept: "roads"}
	a := e.intake("roads")
	d := func(id appeal.ID) string { return fmt.Sprintf("Details=c:appeal:%d", id) }
	check := func(what string, r Rendered, buttons []string, text ...string) {
		t.Helper()
		if got := buttonsOf(r); buttons != nil && !slices.Equal(got, buttons) {
			t.Errorf("%s: buttons %v, want %v", what, got, buttons)
		}
		for _, s := range text {
			if !strings.Contains(r.HTML, s) {
				t.Errorf("%s: card lacks %q:\n%s", what, s, r.HTML)
			}
		}
	}
	check("assigned", card(a.ID, roads), []string{fmt.Sprintf("Claim=c:claim:%d", a.ID), fmt.Sprintf("Return=c:return:%d", a.ID), d(a.ID)},
		"<b>#", "Pothole on Main St", "📍 Main St 5", "👤 张** · 138****5678", "Status: assigned",
		"claim by 11-23 19:30 (2h left)", "answer by 11-26 17:30 (3d left)", "resolve by 11-30 17:30 (7d left)")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	e.mu.Lock()
	e.now = t0.Add(2*time.Hour + 15*time.Minute)
	e.mu.Unlock()
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActRequestExtension, Extension: appeal.CalendarSpan(48 * time.Hour), Text: "site visit"})
	check("claimed", card(a.ID, roads), []string{fmt.Sprintf("Answer=c:answer:%d", a.ID), fmt.Sprintf("Return=c:return:%d", a.ID), d(a.ID)},
		"Status: claimed · Rita Roads", "answer by 11-26 17:30 (2d 21h left)", "Rita Roads asked for 2d more: site visit — waiting for a leader.")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "fixed"})
	check("answered", card(a.ID, roads), []string{d(a.ID)}, "Status: answered")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClose, Text: "ok"})
	check("closed", card(a.ID, roads), []string{d(a.ID)}, "Status: closed")

	b := e.intake("roads", func(in *appeal.Intake) { in.Priority = appeal.PriorityUrgent })
	e.act(b.ID, rResp, appeal.Command{Action: appeal.ActTransfer, Department: "water", Text: "theirs"})
	check("transferred away", card(b.ID, roads), []string{d(b.ID)}, "🔴", "URGENT", "➡️ Transferred to Water (water).")
	check("transferred here", card(b.ID, view{dept: "water"}), []string{fmt.Sprintf("Claim=c:claim:%d", b.ID), fmt.Sprintf("Return=c:return:%d", b.ID), d(b.ID)})
	e.act(b.ID, rRespOther, appeal.Command{Action: appeal.ActReturn, Text: "nobody's"})
	check("returned", card(b.ID, view{dept: "water"}), []string{d(b.ID)}, "↩️ Returned to dispatch.")
	check("returned, dispatch", card(b.ID, view{dispatch: true}), []string{d(b.ID)}, "Returned by Water (water).", fmt.Sprintf("/assign %d DEPT", b.ID))

	u := e.intake("")
	check("unassigned, dispatch", card(u.ID, view{dispatch: true}), []string{d(u.ID)}, "Waiting for dispatch.", fmt.Sprintf("/assign %d DEPT", u.ID))
	check("overdue", card(u.ID, view{dispatch: true}), []string{d(u.ID)})
	c := e.intake("roads")
	e.mu.Lock()
	e.now = e.now.Add(3*time.Hour + 5*time.Minute)
	e.mu.Unlock()
	check("overdue claim", card(c.ID, roads), nil, "claim by", "(overdue by 1h 5m)")

	zh := e.r.card(ctx, e.appeal(c.ID), roads, LangZH, e.clock())
	for _, s := range []string{"状态：待认领", "认领期限", "已超时 1小时5分", "剩余 2天20小时", "认领", "退回", "详情"} {
		if !strings.Contains(zh.HTML+strings.Join(buttonsOf(zh), " "), s) {
			t.Errorf("Chinese card lacks %q:\n%s %v", s, zh.HTML, zh.Buttons)
		}
	}
	if got := buttonsOf(card(c.ID, roads)); len(got) != 3 {
		t.Errorf("overdue assigned card buttons: %v", got)
	}
}
