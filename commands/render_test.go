package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

func TestValidator(t *testing.T) {
	for _, ok := range []string{"", "a &lt; b &amp;&gt; &quot;&#39;&#x1F600;", "<b>x<i>y</i></b>", `<a href="https://x/?a=1&amp;b">l</a>`, "<code>x &lt;</code>"} {
		if err := validHTML(ok); err != nil {
			t.Errorf("validHTML(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"<", "a < b", "a > b", "&", "&foo;", "<b>", "</b>", "<b><i></b></i>", "<script>", "<b class=x>x</b>",
		"<a href=x>l</a>", "<code><b>x</b></code>", "\xff"} {
		if err := validHTML(bad); err == nil {
			t.Errorf("validHTML(%q) accepted", bad)
		}
	}
}

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
	for _, lang := range Languages {
		r, err := e.h.Card(ctx, a, lang, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkRendered(r); err != nil {
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
		if err := checkRendered(rep.Rendered); err != nil {
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
			t.Errorf("/appeal (%s) uses only %d characters of %d for a long body", lang, n, MaxText)
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
		for _, lang := range Languages {
			r, err := e.h.RenderMessage(context.Background(), m.Message, lang, e.clock())
			if m.Kind == appeal.MsgCallback {
				if err == nil {
					t.Errorf("RenderMessage(callback) gave no error")
				}
				continue
			}
			if err != nil {
				t.Fatalf("RenderMessage(%s to %s): %v", m.Kind, m.To.Kind, err)
			}
			if err := checkRendered(r); err != nil {
				t.Fatalf("RenderMessage(%s to %s, %s): %v\n%s", m.Kind, m.To.Kind, lang, err, r.HTML)
			}
		}
		kinds[m.Kind]++
	}
	return kinds
}

func buttonsOf(r Rendered) []string {
	var out []string
	for _, row := range r.Buttons {
		for _, b := range row {
			out = append(out, b.Label+"="+b.Data)
		}
	}
	return out
}

// TestCardStates: each state shows what it is and offers only the buttons
// that can work.
func TestCardStates(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	card := func(id appeal.ID, v view) Rendered {
		t.Helper()
		r := e.h.card(ctx, e.appeal(id), v, LangEN, e.clock())
		if err := checkRendered(r); err != nil {
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

	zh := e.h.card(ctx, e.appeal(c.ID), roads, LangZH, e.clock())
	for _, s := range []string{"状态：待认领", "认领期限", "已超时 1小时5分", "剩余 2天20小时", "认领", "退回", "详情"} {
		if !strings.Contains(zh.HTML+strings.Join(buttonsOf(zh), " "), s) {
			t.Errorf("Chinese card lacks %q:\n%s %v", s, zh.HTML, zh.Buttons)
		}
	}
	if got := buttonsOf(card(c.ID, roads)); len(got) != 3 {
		t.Errorf("overdue assigned card buttons: %v", got)
	}
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
	render := func(m appeal.Message) Rendered {
		t.Helper()
		m.AppealID = id
		r, err := e.h.RenderMessage(ctx, m, LangEN, e.clock())
		if err != nil {
			t.Fatal(err)
		}
		if err := checkRendered(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := render(appeal.Message{Kind: appeal.MsgExtensionRequest, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}})
	if !strings.Contains(r.HTML, "Rita Roads asks for 4h more on") || !strings.Contains(r.HTML, "parts on order") ||
		!slices.Equal(buttonsOf(r), []string{fmt.Sprintf("Approve=c:approve:%d:e", id), fmt.Sprintf("Reject=c:reject:%d:e", id)}) {
		t.Errorf("extension request: %s %v", r.HTML, r.Buttons)
	}
	r = render(appeal.Message{Kind: appeal.MsgContact, To: appeal.Recipient{Kind: appeal.ToMember}})
	for _, s := range []string{"Citizen: 张三丰", "<code>13812345678</code>", "Location: Main St 5", fmt.Sprintf("/answer %d TEXT", id)} {
		if !strings.Contains(r.HTML, s) {
			t.Errorf("contact lacks %q: %s", s, r.HTML)
		}
	}
	e.act(id, rLeader, appeal.Command{Action: appeal.ActApproveExtension})
	r = render(appeal.Message{Kind: appeal.MsgExtensionRequest, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}})
	if len(r.Buttons) != 0 || !strings.Contains(r.HTML, "no longer pending") {
		t.Errorf("decided extension request: %s %v", r.HTML, r.Buttons)
	}
	r = render(appeal.Message{Kind: appeal.MsgExtensionDecision, Args: map[string]string{"decision": "approved", "duration": "4h0m0s"}})
	if !strings.Contains(r.HTML, "Your request for 4h more on") || !strings.Contains(r.HTML, "is approved; the answer is now due 2026-11-26 21:30") {
		t.Errorf("extension approved: %s", r.HTML)
	}
	r = render(appeal.Message{Kind: appeal.MsgExtensionDecision, Args: map[string]string{"decision": "rejected", "reason": "<no>"}})
	if !strings.Contains(r.HTML, "is rejected: &lt;no&gt;") {
		t.Errorf("extension rejected: %s", r.HTML)
	}
	if rep := e.do(rResp, roadsChat, fmt.Sprintf("answer %d We filled it.", id)); !strings.Contains(rep.HTML, "waits for a leader's approval") {
		t.Errorf("answer needing approval: %s", rep.HTML)
	}
	r = render(appeal.Message{Kind: appeal.MsgAnswerApproval, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}})
	if !strings.Contains(r.HTML, "We filled it.") || !strings.Contains(r.HTML, "Rita Roads (Roads (roads)) answered") ||
		!slices.Equal(buttonsOf(r), []string{fmt.Sprintf("Approve=c:approve:%d:a", id), fmt.Sprintf("Reject=c:reject:%d:a", id)}) {
		t.Errorf("answer approval: %s %v", r.HTML, r.Buttons)
	}
	r = render(appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDepartment, Ref: "roads"}})
	if !strings.Contains(r.HTML, "The answer waits for a leader's approval.") || len(buttonsOf(r)) != 1 {
		t.Errorf("card pending approval: %s %v", r.HTML, r.Buttons)
	}
	rep := e.press(rLeader, privateChat("9003"), buttonData("approve", id, pendingAnswer))
	if isError(rep) || !strings.Contains(rep.Notice, "approved") {
		t.Errorf("approve answer by button: %+v", rep)
	}
	r = render(appeal.Message{Kind: appeal.MsgAnswerApproval, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}})
	if len(r.Buttons) != 0 || !strings.Contains(r.HTML, "no longer waits") {
		t.Errorf("decided answer approval: %s %v", r.HTML, r.Buttons)
	}
	r = render(appeal.Message{Kind: appeal.MsgAnswerDecision, Args: map[string]string{"decision": "approved"}})
	if !strings.Contains(r.HTML, "is approved and goes to the citizen") {
		t.Errorf("answer approved: %s", r.HTML)
	}
	r = render(appeal.Message{Kind: appeal.MsgAnswerDecision, Args: map[string]string{"decision": "rejected", "reason": "too short"}})
	if !strings.Contains(r.HTML, "was sent back: too short") || !strings.Contains(r.HTML, fmt.Sprintf("/answer %d TEXT", id)) {
		t.Errorf("answer rejected: %s", r.HTML)
	}

	b := e.intake("roads")
	e.act(b.ID, rResp, appeal.Command{Action: appeal.ActReturn, Text: "belongs to <water>"})
	m := appeal.Message{Kind: appeal.MsgReturned, AppealID: b.ID, To: appeal.Recipient{Kind: appeal.ToDispatch},
		Args: map[string]string{"reason": "belongs to <water>", "department": "roads"}}
	r, err := e.h.RenderMessage(ctx, m, "zh", e.clock())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.HTML, "被Roads (roads)退回：belongs to &lt;water&gt;") || !strings.Contains(r.HTML, fmt.Sprintf("/assign %d 部门代码", b.ID)) {
		t.Errorf("returned (zh): %s", r.HTML)
	}
	if _, err := e.h.RenderMessage(ctx, appeal.Message{Kind: appeal.MsgCallback, AppealID: id}, "en", t0); err == nil {
		t.Error("RenderMessage(callback): no error")
	}
	if _, err := e.h.RenderMessage(ctx, appeal.Message{Kind: appeal.MsgCard, AppealID: 99999}, "en", t0); err == nil {
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
	if err := checkRendered(rep.Rendered); err != nil {
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
	if !strings.Contains(rep.HTML, "Waiting for dispatch (1)") || !strings.Contains(rep.HTML, "[unassigned] Pothole on Main St — waiting &lt;1m") {
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
	if err != nil || m.Language != "zh" || m.Username != "rita2" || e.h.MemberLang(ctx, m) != "zh" {
		t.Errorf("member after rename: %+v %v", m, err)
	}
	// In a group the chat's language counts, not the member's.
	if rep := e.do(rResp, roadsChat, "claim"); !strings.HasPrefix(rep.HTML, "❌ Give the appeal number.") {
		t.Errorf("group reply: %s", rep.HTML)
	}
	if rep := e.do(rLeader, roadsChat, "lang zh"); rep.HTML != "✅ 本群将使用中文。" {
		t.Errorf("/lang zh in group: %s", rep.HTML)
	}
	if got := e.h.ChatLang(ctx, "telegram", roadsChat.ID); got != "zh" {
		t.Errorf("ChatLang = %q", got)
	}
	if got := e.h.ChatLang(ctx, "telegram", waterChat.ID); got != "en" {
		t.Errorf("ChatLang of an unset chat = %q", got)
	}
	if rep := e.do(rLeader, roadsChat, "claim"); !strings.HasPrefix(rep.HTML, "❌ 请提供诉求编号。") {
		t.Errorf("group reply after /lang zh: %s", rep.HTML)
	}
	// A button notice is in the presser's language, else the chat's.
	a := e.intake("roads")
	if rep := e.press(rResp2, roadsChat, buttonData("claim", a.ID, "")); rep.Notice != fmt.Sprintf("你已认领 #%d。", a.ID) {
		t.Errorf("notice: %q", rep.Notice)
	}
	e.do(rResp2, privateChat("9008"), "lang en")
	if rep := e.press(rResp2, roadsChat, buttonData("claim", a.ID, "")); rep.Notice != fmt.Sprintf("❌ You have already claimed #%d.", a.ID) {
		t.Errorf("notice: %q", rep.Notice)
	}
	if rep := e.press(rResp2, privateChat("9008"), buttonData("appeal", a.ID, "")); !rep.Private || rep.Notice != "" || !strings.HasPrefix(rep.HTML, "<b>#") {
		t.Errorf("Details pressed in a private chat: %+v", rep)
	}
}

// TestHelp lists what each role may use, in each language.
func TestHelp(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	for _, lang := range Languages {
		e.do(rAdmin, privateChat("9006"), "lang "+lang)
		e.do(rNone, privateChat("9000"), "lang "+lang)
		rep := e.do(rAdmin, privateChat("9006"), "help")
		if err := checkRendered(rep.Rendered); err != nil {
			t.Fatal(err)
		}
		adminRoles := roles{admin: true}
		for _, r := range table {
			want := "<code>" + esc(r.usage) + "</code> — " + tr(lang, r.help, nil)
			if listed := strings.Contains(rep.HTML, want); listed != (r.name != "start" && adminRoles.holdsAny(r.roles)) {
				t.Errorf("(%s) admin help lists %s: %v", lang, r.usage, listed)
			}
		}
		rep = e.do(rNone, privateChat("9000"), "help")
		if strings.Count(rep.HTML, "<code>/") != 3 || !strings.Contains(rep.HTML, tr(lang, msgHelpNoRole, kv{"id": "9000"})) {
			t.Errorf("(%s) help for nobody:\n%s", lang, rep.HTML)
		}
	}
	rep := e.do(rLeader, roadsChat, "help")
	for _, cmd := range []string{"/approve ID [answer|extension]", "/reject ID REASON", "/claim ID", "/extend ID DURATION REASON"} {
		if !strings.Contains(rep.HTML, "<code>"+esc(cmd)+"</code>") {
			t.Errorf("leader help lacks %s", cmd)
		}
	}
	if strings.Contains(rep.HTML, "/assign") || strings.Contains(rep.HTML, "/dept add") {
		t.Errorf("leader help lists dispatcher or admin commands:\n%s", rep.HTML)
	}
}

func TestCommands(t *testing.T) {
	cs := Commands()
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.Name] {
			t.Errorf("command %s listed twice", c.Name)
		}
		seen[c.Name] = true
		for _, l := range Languages {
			if h := c.Help[l]; h == "" || len([]rune(h)) > 256 || strings.ContainsAny(h, "<>&") {
				t.Errorf("%s: help[%s] = %q", c.Name, l, h)
			}
		}
		if !strings.HasPrefix(c.Usage, "/"+c.Name) {
			t.Errorf("%s: usage %q", c.Name, c.Usage)
		}
	}
	get := func(name string) CommandInfo {
		for _, c := range cs {
			if c.Name == name {
				return c
			}
		}
		t.Fatalf("no command %s", name)
		return CommandInfo{}
	}
	if c := get("dept"); strings.Count(c.Usage, "\n") != 5 || len(c.Roles) != 4 {
		t.Errorf("dept: %+v", c)
	}
	if c := get("help"); c.Roles != nil {
		t.Errorf("help roles: %v", c.Roles)
	}
	if c := get("approve"); !slices.Equal(c.Roles, []appeal.Role{appeal.RoleLeader}) {
		t.Errorf("approve roles: %v", c.Roles)
	}
}
