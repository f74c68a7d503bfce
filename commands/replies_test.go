package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/worldtest"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
)

// hostile is appeal text that tries everything: markup, entities, CJK,
// emoji (outside the BMP) and combining marks.
const hostile = `<b>&amp; "quoted" 路面塌陷 🚧🕳️ e\u0301 </b><a href="x">`

// TestCardEscapingAndLength: whatever an appeal holds, its card, its
// details and every message about it stay valid and within the limit, and
// show the text literally.
func TestCardEscapingAndLength(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	long := strings.Repeat(hostile, appeal.MaxBodyLen/len([]rune(hostile))+1)
	long = string([]rune(long)[:appeal.MaxBodyLen])
	a := e.intake("roads", func(in *appeal.Intake) {
		in.Title = string([]rune(strings.Repeat("<b>&标题🚧", 40))[:appeal.MaxTitleLen])
		in.Body = long
		in.Category = string([]rune(strings.Repeat("<i>&", 20))[:appeal.MaxCategoryLen])
		in.Location = string([]rune(strings.Repeat("&<>\"", 200))[:appeal.MaxLocationLen])
		in.Citizen.Name = "<script>alert(1)</script>"
		in.Priority = appeal.PriorityUrgent
	})
	ctx := context.Background()
	for _, lang := range render.Languages {
		r, err := e.r.Card(ctx, a, lang, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := render.Check(r); err != nil {
			t.Fatalf("card (%s): %v\n%s", lang, err, r.HTML)
		}
		if !strings.Contains(r.HTML, "&lt;b&gt;&amp;标题🚧") {
			t.Errorf("card (%s) does not show the title literally:\n%s", lang, r.HTML)
		}
		if !strings.Contains(r.HTML, "…") {
			t.Errorf("card (%s) does not summarise the body", lang)
		}
		if strings.Contains(r.HTML, "<script") || !strings.Contains(r.HTML, "&lt;**") {
			t.Errorf("card (%s) does not mask the name literally:\n%s", lang, r.HTML)
		}
	}
	// A long answer and a long log, too.
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActRequestExtension, Extension: appeal.CalendarSpan(time.Hour), Text: strings.Repeat("&<", 2000)})
	e.act(a.ID, rLeader, appeal.Command{Action: appeal.ActRejectExtension, Text: strings.Repeat("<>", 2000)})
	if _, err := e.store.SaveDepartment(ctx, appeal.Department{Code: "roads", Name: "Roads", Timezone: "Asia/Shanghai", SLA: calendarPolicy, ApproveAnswers: true}); err != nil {
		t.Fatal(err)
	}
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: strings.Repeat("答复<&>🚧", 1000)})
	for _, lang := range []string{"en", "zh"} {
		if lang == "zh" {
			e.do(rResp, privateChat("9001"), "lang zh")
		}
		rep := e.do(rResp, privateChat("9001"), fmt.Sprintf("appeal %d", a.ID))
		if isError(rep) {
			t.Fatalf("/appeal: %s", rep.HTML)
		}
		if err := render.Check(rep.Rendered); err != nil {
			t.Fatalf("/appeal (%s): %v\n%s", lang, err, rep.HTML)
		}
		note := fmt.Sprintf("(text cut; full text: GET /api/v1/appeals/%d)", a.ID)
		if lang == "zh" {
			note = fmt.Sprintf("（正文已截断；完整内容：GET /api/v1/appeals/%d）", a.ID)
		}
		if !strings.Contains(rep.HTML, note) {
			t.Errorf("/appeal (%s) does not say the text was cut:\n%s", lang, rep.HTML)
		}
		if !strings.Contains(rep.HTML, "&lt;b&gt;&amp;amp; &quot;quoted&quot; 路面塌陷 🚧🕳️") {
			t.Errorf("/appeal (%s) does not show the body literally", lang)
		}
		if n := len([]rune(rep.HTML)); n < 3000 {
			t.Errorf("/appeal (%s) uses only %d characters of %d for a long body", lang, n, render.MaxText)
		}
	}
	// Every message about the appeal, in every language and for every
	// recipient.
	checkOutbox(t, e)
}

// checkOutbox renders every pending outbox message for every language and
// checks it.
func checkOutbox(t *testing.T, e *env) map[appeal.MessageKind]int {
	t.Helper()
	msgs, err := e.store.Outbox(context.Background(), 500)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[appeal.MessageKind]int{}
	for _, m := range msgs {
		for _, lang := range render.Languages {
			r, err := e.r.RenderMessage(context.Background(), m.Message, lang, e.clock())
			if m.Kind == appeal.MsgCallback {
				if err == nil {
					t.Errorf("RenderMessage(callback) gave no error")
				}
				continue
			}
			if err != nil {
				t.Fatalf("RenderMessage(%s to %s): %v", m.Kind, m.To.Kind, err)
			}
			if err := render.Check(r); err != nil {
				t.Fatalf("RenderMessage(%s to %s, %s): %v\n%s", m.Kind, m.To.Kind, lang, err, r.HTML)
			}
		}
		kinds[m.Kind]++
	}
	return kinds
}

// TestRenderMessages renders every kind of outbox message a lifecycle
// produces and checks what each says and offers.
func TestRenderMessages(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	if _, err := e.store.SaveDepartment(ctx, appeal.Department{Code: "roads", Name: "Roads", Timezone: "Asia/Shanghai",
		SLA: calendarPolicy, ApproveAnswers: true}); err != nil {
		t.Fatal(err)
	}
	a := e.intake("roads", func(in *appeal.Intake) { in.CallbackURL = "https://upstream.example/cb" })
	id := a.ID
	e.act(id, rResp, appeal.Command{Action: appeal.ActClaim})
	e.act(id, rResp, appeal.Command{Action: appeal.ActRequestExtension, Extension: appeal.CalendarSpan(4 * time.Hour), Text: "parts on order"})
	show := func(m appeal.Message) Rendered {
		t.Helper()
		m.AppealID = id
		r, err := e.r.RenderMessage(ctx, m, render.LangEN, e.clock())
		if err != nil {
			t.Fatal(err)
		}
		if err := render.Check(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := show(appeal.Message{Kind: appeal.MsgExtensionRequest, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}})
	if !strings.Contains(r.HTML, "Rita Roads asks for 4h more on") || !strings.Contains(r.HTML, "parts on order") ||
		!slices.Equal(buttonsOf(r), []string{fmt.Sprintf("Approve=c:approve:%d:e", id), fmt.Sprintf("Reject=c:reject:%d:e", id)}) {
		t.Errorf("extension request: %s %v", r.HTML, r.Buttons)
	}
	r = show(appeal.Message{Kind: appeal.MsgContact, To: appeal.Recipient{Kind: appeal.ToMember}})
	for _, s := range []string{"Citizen: 张三丰", "<code>13812345678</code>", "Location: Main St 5", fmt.Sprintf("/answer %d TEXT", id)} {
		if !strings.Contains(r.HTML, s) {
			t.Errorf("contact lacks %q: %s", s, r.HTML)
		}
	}
	e.act(id, rLeader, appeal.Command{Action: appeal.ActApproveExtension})
	r = show(appeal.Message{Kind: appeal.MsgExtensionRequest, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}})
	if len(r.Buttons) != 0 || !strings.Contains(r.HTML, "no longer pending") {
		t.Errorf("decided extension request: %s %v", r.HTML, r.Buttons)
	}
	r = show(appeal.Message{Kind: appeal.MsgExtensionDecision, Args: map[string]string{"decision": "approved", "duration": "4h0m0s"}})
	if !strings.Contains(r.HTML, "Your request for 4h more on") || !strings.Contains(r.HTML, "is approved; the answer is now due 2026-11-26 21:30") {
		t.Errorf("extension approved: %s", r.HTML)
	}
	r = show(appeal.Message{Kind: appeal.MsgExtensionDecision, Args: map[string]string{"decision": "rejected", "reason": "<no>"}})
	if !strings.Contains(r.HTML, "is rejected: &lt;no&gt;") {
		t.Errorf("extension rejected: %s", r.HTML)
	}
	if rep := e.do(rResp, roadsChat, fmt.Sprintf("answer %d We filled it.", id)); !strings.Contains(rep.HTML, "waits for a leader's approval") {
		t.Errorf("answer needing approval: %s", rep.HTML)
	}
	r = show(appeal.Message{Kind: appeal.MsgAnswerApproval, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}})
	if !strings.Contains(r.HTML, "We filled it.") || !strings.Contains(r.HTML, "Rita Roads (Roads (roads)) answered") ||
		!slices.Equal(buttonsOf(r), []string{fmt.Sprintf("Approve=c:approve:%d:a", id), fmt.Sprintf("Reject=c:reject:%d:a", id)}) {
		t.Errorf("answer approval: %s %v", r.HTML, r.Buttons)
	}
	r = show(appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDepartment, Ref: "roads"}})
	if !strings.Contains(r.HTML, "The answer waits for a leader's approval.") || len(buttonsOf(r)) != 1 {
		t.Errorf("card pending approval: %s %v", r.HTML, r.Buttons)
	}
	rep := e.press(rLeader, privateChat("9003"), render.ButtonData("approve", id, render.PendingAnswer))
	if isError(rep) || !strings.Contains(rep.Notice, "approved") {
		t.Errorf("approve answer by button: %+v", rep)
	}
	r = show(appeal.Message{Kind: appeal.MsgAnswerApproval, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}})
	if len(r.Buttons) != 0 || !strings.Contains(r.HTML, "no longer waits") {
		t.Errorf("decided answer approval: %s %v", r.HTML, r.Buttons)
	}
	r = show(appeal.Message{Kind: appeal.MsgAnswerDecision, Args: map[string]string{"decision": "approved"}})
	if !strings.Contains(r.HTML, "is approved and goes to the citizen") {
		t.Errorf("answer approved: %s", r.HTML)
	}
	r = show(appeal.Message{Kind: appeal.MsgAnswerDecision, Args: map[string]string{"decision": "rejected", "reason": "too short"}})
	if !strings.Contains(r.HTML, "was sent back: too short") || !strings.Contains(r.HTML, fmt.Sprintf("/answer %d TEXT", id)) {
		t.Errorf("answer rejected: %s", r.HTML)
	}

	b := e.intake("roads")
	e.act(b.ID, rResp, appeal.Command{Action: appeal.ActReturn, Text: "belongs to <water>"})
	m := appeal.Message{Kind: appeal.MsgReturned, AppealID: b.ID, To: appeal.Recipient{Kind: appeal.ToDispatch},
		Args: map[string]string{"reason": "belongs to <water>", "department": "roads"}}
	r, err := e.r.RenderMessage(ctx, m, "zh", e.clock())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.HTML, "被Roads (roads)退回：belongs to &lt;water&gt;") || !strings.Contains(r.HTML, fmt.Sprintf("/assign %d 部门代码", b.ID)) {
		t.Errorf("returned (zh): %s", r.HTML)
	}
	if _, err := e.r.RenderMessage(ctx, appeal.Message{Kind: appeal.MsgCallback, AppealID: id}, "en", t0); err == nil {
		t.Error("RenderMessage(callback): no error")
	}
	if _, err := e.r.RenderMessage(ctx, appeal.Message{Kind: appeal.MsgCard, AppealID: 99999}, "en", t0); err == nil {
		t.Error("RenderMessage(missing appeal): no error")
	}
	// Everything the lifecycle queued renders.
	kinds := checkOutbox(t, e)
	for _, k := range []appeal.MessageKind{appeal.MsgCard, appeal.MsgReturned, appeal.MsgContact, appeal.MsgExtensionRequest,
		appeal.MsgExtensionDecision, appeal.MsgAnswerApproval, appeal.MsgAnswerDecision, appeal.MsgCallback} {
		if kinds[k] == 0 {
			t.Errorf("the lifecycle queued no %s message", k)
		}
	}
}

// TestLists: /open is sorted most urgent first and stops at 30 lines.
func TestLists(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	var ids []appeal.ID
	for i := range 40 {
		pr := appeal.PriorityNormal
		if i%10 == 9 {
			pr = appeal.PriorityUrgent
		}
		ids = append(ids, e.intake("roads", func(in *appeal.Intake) {
			in.Priority = pr
			in.Title = strings.Repeat("长标题<&>", 30)
		}).ID)
	}
	e.intake("water")
	e.act(ids[0], rResp, appeal.Command{Action: appeal.ActClaim})
	e.mu.Lock()
	e.now = t0.Add(time.Hour)
	e.mu.Unlock()
	rep := e.do(rResp, roadsChat, "open")
	if err := render.Check(rep.Rendered); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(rep.HTML, "\n")
	if len(lines) != 32 || !strings.Contains(lines[0], "Open appeals of Roads (roads) (40)") || lines[31] != "…and 10 more" {
		t.Fatalf("/open:\n%s", rep.HTML)
	}
	// The four urgent ones are overdue (claim within 30m): first.
	for i := 1; i <= 4; i++ {
		if !strings.Contains(lines[i], "🔴") || !strings.Contains(lines[i], "overdue by 30m") {
			t.Errorf("line %d is not an overdue urgent appeal: %s", i, lines[i])
		}
	}
	rep = e.do(rDispatcher, dispatchChat, "overdue")
	if !strings.Contains(rep.HTML, "Overdue in all departments (4)") || strings.Count(rep.HTML, "\n") != 4 {
		t.Errorf("/overdue in dispatch:\n%s", rep.HTML)
	}
	rep = e.do(rResp, privateChat("9001"), "mine")
	if !strings.Contains(rep.HTML, "Your appeals (1)") || !strings.Contains(rep.HTML, fmt.Sprintf("#%d</b>", ids[0])) {
		t.Errorf("/mine:\n%s", rep.HTML)
	}
	e.intake("")
	rep = e.do(rDispatcher, dispatchChat, "open")
	if !strings.Contains(rep.HTML, "Waiting for dispatch (1)") || !strings.Contains(rep.HTML, "[unassigned] Pothole on Main St — dispatch by ") {
		t.Errorf("/open in dispatch:\n%s", rep.HTML)
	}
}

// TestLanguage: /lang sets the member's language privately and the chat's
// in a group, and the identity refresh keeps the member's choice.
func TestLanguage(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	if rep := e.do(rResp, privateChat("9001"), "lang zh"); rep.HTML != "✅ 我将用中文与你交流。" {
		t.Errorf("/lang zh: %s", rep.HTML)
	}
	// A new display name must not lose the language.
	e.users[rResp] = User{ID: "9001", Username: "rita2", DisplayName: "Rita R."}
	if rep := e.do(rResp, privateChat("9001"), "claim"); !strings.Contains(rep.HTML, "请提供诉求编号。用法：<code>/claim ID</code>") {
		t.Errorf("reply after /lang zh: %s", rep.HTML)
	}
	m, err := e.store.MemberByExternal(ctx, "telegram", "9001")
	if err != nil || m.Language != "zh" || m.Username != "rita2" || e.r.MemberLang(ctx, m) != "zh" {
		t.Errorf("member after rename: %+v %v", m, err)
	}
	// In a group the chat's language counts, not the member's.
	if rep := e.do(rResp, roadsChat, "claim"); !strings.HasPrefix(rep.HTML, "❌ Give the appeal number.") {
		t.Errorf("group reply: %s", rep.HTML)
	}
	if rep := e.do(rLeader, roadsChat, "lang zh"); rep.HTML != "✅ 本群将使用中文。" {
		t.Errorf("/lang zh in group: %s", rep.HTML)
	}
	if got := e.r.ChatLang(ctx, "telegram", roadsChat.ID); got != "zh" {
		t.Errorf("ChatLang = %q", got)
	}
	if got := e.r.ChatLang(ctx, "telegram", waterChat.ID); got != "en" {
		t.Errorf("ChatLang of an unset chat = %q", got)
	}
	if rep := e.do(rLeader, roadsChat, "claim"); !strings.HasPrefix(rep.HTML, "❌ 请提供诉求编号。") {
		t.Errorf("group reply after /lang zh: %s", rep.HTML)
	}
	// A button notice is in the presser's language, else the chat's.
	a := e.intake("roads")
	if rep := e.press(rResp2, roadsChat, render.ButtonData("claim", a.ID, "")); rep.Notice != fmt.Sprintf("你已认领 #%d。", a.ID) {
		t.Errorf("notice: %q", rep.Notice)
	}
	e.do(rResp2, privateChat("9008"), "lang en")
	if rep := e.press(rResp2, roadsChat, render.ButtonData("claim", a.ID, "")); rep.Notice != fmt.Sprintf("❌ You have already claimed #%d.", a.ID) {
		t.Errorf("notice: %q", rep.Notice)
	}
	if rep := e.press(rResp2, privateChat("9008"), render.ButtonData("appeal", a.ID, "")); !rep.Private || rep.Notice != "" || !strings.HasPrefix(rep.HTML, "<b>#") {
		t.Errorf("Details pressed in a private chat: %+v", rep)
	}
}

func buttonsOf(r Rendered) []string { return worldtest.Buttons(r.Buttons) }
