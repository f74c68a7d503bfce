package commands

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/render/chart"
	"github.com/appealbot/appealbot/storage"
)

// statsWorld works two appeals in roads and one in water in the hours
// before t0 (Monday 17:30 in Shanghai), all in working time:
//
//	A roads: reaches roads 14:30, claimed 15:00, answered 16:30; satisfied.
//	B roads: reaches roads 15:30 (claim by 17:30), untouched.
//	C water: reaches water 16:30, answered 17:00, closed unresolved.
//
// and is seen a minute after t0, when B has just gone overdue.
func statsWorld(t *testing.T, backend string) *env {
	e := newEnv(t, backend)
	at := func(d time.Duration) { e.mu.Lock(); e.now = t0.Add(d); e.mu.Unlock() }
	at(-3 * time.Hour)
	a := e.intake("roads")
	at(-150 * time.Minute)
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	at(-time.Hour)
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "Filled."})
	if _, err := e.svc.Feedback(context.Background(), a.ID, appeal.Feedback{Result: appeal.FeedbackSatisfied}); err != nil {
		t.Fatal(err)
	}
	at(-2 * time.Hour)
	e.intake("roads")
	at(-time.Hour)
	c := e.intake("water")
	at(-30 * time.Minute)
	e.act(c.ID, rRespOther, appeal.Command{Action: appeal.ActAnswer, Text: "Done."})
	e.act(c.ID, rRespOther, appeal.Command{Action: appeal.ActClose, Text: "Partly.", Resolution: appeal.Unresolved})
	at(time.Minute)
	return e
}

func TestStatsDepartment(t *testing.T) {
	e := statsWorld(t, storage.SQLite)
	rep := e.do(rLeader, roadsChat, "stats")
	if isError(rep) {
		t.Fatal(rep.HTML)
	}
	text := html.UnescapeString(rep.HTML)
	for _, want := range []string{
		"Figures: Roads (roads)",
		"11-16 17:31 – 11-23 17:31 (Asia/Shanghai)",
		"In the period: 2 received · 1 claimed · 1 answered · 0 closed (0 resolved)",
		"Returned 0 · transferred 0 · extended 0 · reopened 0",
		"Now: 2 open · <b>1 overdue</b>",
		// Medians and p90s are estimates from buckets: 30m and 2h exactly.
		"Time to claim: median ≈29m, p90 ≈29m; in working time ≈29m, p90 ≈29m (1 case)",
		"Time to answer: median ≈1h 57m, p90 ≈1h 57m; in working time ≈1h 57m, p90 ≈1h 57m (1 case)",
		// A claimed on time, B late; A answered on time.
		"On time: claims 50% (1 of 2) · answers 100% (1 of 1)",
		// A answered, B not: 1 of 2; no closes; A satisfied.
		"Response rate 50% · resolution rate — · satisfaction rate 100%",
		"Callbacks: 1 satisfied · 0 unsatisfied · 0 not reached",
		// (30×50% + 35×100%) / 65.
		"Score: <b>76.9</b> (weights response/resolution/satisfaction 30/35/35)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/stats lacks %q:\n%s", want, text)
		}
	}
	if err := render.Check(rep.Rendered); err != nil {
		t.Error(err)
	}

	// The same in Chinese, for a chat that chose it.
	if err := e.store.SetChatLanguage(context.Background(), "telegram", waterChat.ID, "zh"); err != nil {
		t.Fatal(err)
	}
	zh := e.do(rRespOther, waterChat, "stats today")
	for _, want := range []string{
		"考核指标：Water (water)", "统计期间：11-23 00:00 至 11-24 00:00（Asia/Shanghai）",
		"期间：受理 1 · 认领 1 · 答复 1 · 办结 1（已解决 0）", "当前：在办 0 · <b>超期 0</b>",
		"答复用时：中位数 ≈29分，P90 ≈29分；按工作时间 ≈29分，P90 ≈29分（1 件）",
		"响应率 100% · 解决率 0% · 满意率 无", "综合得分：<b>46.2</b>（权重 响应/解决/满意 30/35/35）",
	} {
		if !strings.Contains(zh.HTML, want) {
			t.Errorf("zh /stats lacks %q:\n%s", want, zh.HTML)
		}
	}
	if err := render.Check(zh.Rendered); err != nil {
		t.Error(err)
	}
	// A month before anything happened: nothing to divide by.
	old := e.do(rResp, roadsChat, "stats 2026-09")
	if !strings.Contains(old.HTML, "Response rate — · resolution rate — · satisfaction rate —") || !strings.Contains(old.HTML, "Score: <b>—</b>") {
		t.Errorf("empty month:\n%s", old.HTML)
	}
	// Bad periods, in both languages.
	if r := e.do(rResp, roadsChat, "stats 2030-01"); !strings.Contains(r.HTML, "“2030-01” is not a period") {
		t.Errorf("future month: %s", r.HTML)
	}
	if r := e.do(rRespOther, waterChat, "stats lastweek"); !strings.Contains(html.UnescapeString(r.HTML), "“lastweek”不是有效的统计期间") {
		t.Errorf("zh bad period: %s", r.HTML)
	}
}

func TestStatsRanking(t *testing.T) {
	e := statsWorld(t, storage.SQLite)
	rep := e.do(rDispatcher, dispatchChat, "stats 7d")
	text := html.UnescapeString(rep.HTML)
	for _, want := range []string{
		"Department ranking by score</b> (weights response/resolution/satisfaction 30/35/35)",
		"1. Roads (roads) — <b>76.9</b> · response 50% · resolution — · satisfaction 100% · overdue 1",
		"2. Water (water) — <b>46.2</b> · response 100% · resolution 0% · satisfaction — · overdue 0",
		"Most overdue now: Roads (roads) (1)",
		// Overall: 30×2/3 + 35×0 + 35×1.
		"All departments: score 55.0 · 3 received · 2 answered · 1 overdue now",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("ranking lacks %q:\n%s", want, text)
		}
	}
	if err := render.Check(rep.Rendered); err != nil {
		t.Error(err)
	}

	// The supervision chat gets the same, here in Chinese.
	ctx := context.Background()
	sup := Chat{ID: "-700", Title: "Supervision"}
	if err := e.store.BindChat(ctx, appeal.ChatBinding{Purpose: appeal.ChatSupervision, Network: "telegram", ChatID: sup.ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetChatLanguage(ctx, "telegram", sup.ID, "zh"); err != nil {
		t.Fatal(err)
	}
	zh := e.do(rAdmin, sup, "stats")
	for _, want := range []string{"各部门综合得分排名", "1. Roads (roads) — <b>76.9</b> · 响应 50% · 解决 无 · 满意 100% · 超期 1",
		"当前超期最多：Roads (roads)（1 件）"} {
		if !strings.Contains(zh.HTML, want) {
			t.Errorf("zh ranking lacks %q:\n%s", want, zh.HTML)
		}
	}

	// Many departments with long names: cut to fit, with a note.
	for i := range 120 {
		if _, err := e.svc.SaveDepartment(ctx, appeal.Department{Code: fmt.Sprintf("d%03d", i),
			Name: strings.Repeat("很长的部门名称<&>", 10)}); err != nil {
			t.Fatal(err)
		}
	}
	long := e.do(rDispatcher, dispatchChat, "stats")
	if runes(long.HTML) > render.MaxText || !strings.Contains(long.HTML, "more departments (see GET /api/v1/stats)") ||
		!strings.Contains(long.HTML, "All departments: score") || !strings.Contains(long.HTML, "1. Roads (roads)") {
		t.Errorf("long ranking (%d characters):\n%s", runes(long.HTML), long.HTML)
	}
	if err := render.Check(long.Rendered); err != nil {
		t.Error(err)
	}
}

// TestFeedbackReopensWithCommentOnCard: an upstream posts "unsatisfied"
// over the API; the appeal is worked again in its department and its card
// shows the citizen's comment, escaped, in either language.
func TestFeedbackReopensWithCommentOnCard(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	a := e.intake("roads")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "Filled the pothole."})
	srv := httptest.NewServer(api.New(e.svc, e.store, api.Options{Feedback: e.svc}))
	defer srv.Close()
	resp, err := http.Post(fmt.Sprintf("%s/api/v1/appeals/%d/feedback", srv.URL, a.ID), "application/json",
		strings.NewReader(`{"result":"unsatisfied","comment":"还是有坑 <b>&"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("feedback: %d", resp.StatusCode)
	}
	got := e.appeal(a.ID)
	if got.Status != appeal.StatusAssigned || got.Department != "roads" {
		t.Fatalf("after feedback: %s in %s", got.Status, got.Department)
	}
	ctx := context.Background()
	for lang, want := range map[string]string{
		"en": "💬 Citizen unsatisfied, reopened: “还是有坑 &lt;b&gt;&amp;”",
		"zh": "💬 群众回访不满意，已重办：“还是有坑 &lt;b&gt;&amp;”",
	} {
		card, err := e.r.Card(ctx, got, lang, e.clock())
		if err != nil || !strings.Contains(card.HTML, want) || render.Check(card) != nil {
			t.Errorf("%s card %v:\n%s", lang, err, card.HTML)
		}
	}
	// The log in /appeal says what the citizen said.
	if d := e.do(rResp, roadsChat, fmt.Sprintf("appeal %d", a.ID)); !strings.Contains(d.HTML, "citizen's verdict: unsatisfied: 还是有坑 &lt;b&gt;&amp;") {
		t.Errorf("/appeal:\n%s", d.HTML)
	}
	// Once claimed it still shows; once answered again it is gone.
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	if card, _ := e.r.Card(ctx, e.appeal(a.ID), "en", e.clock()); !strings.Contains(card.HTML, "Citizen unsatisfied") {
		t.Errorf("claimed card lost the comment:\n%s", card.HTML)
	}
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "Filled it properly."})
	if card, _ := e.r.Card(ctx, e.appeal(a.ID), "en", e.clock()); strings.Contains(card.HTML, "Citizen unsatisfied") {
		t.Errorf("answered card still shows the comment:\n%s", card.HTML)
	}
	// The reopen queued the department's card.
	msgs, err := e.store.Outbox(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	cards := 0
	for _, m := range msgs {
		if m.AppealID == a.ID && m.Kind == appeal.MsgCard && m.To.Kind == appeal.ToDepartment {
			cards++
		}
	}
	if cards < 3 { // intake, answer, reopen (and more)
		t.Errorf("%d department cards queued", cards)
	}
}

// TestCloseResolutionInChat: /close says resolved unless the result
// starts with "unresolved" (or 未解决).
func TestCloseResolutionInChat(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	for text, want := range map[string]string{
		"close %d Fixed.":                  "resolved",
		"close %d resolved Fixed.":         "resolved",
		"close %d UNRESOLVED Needs budget": "unresolved",
		"close %d 未解决 需要立项":                "unresolved",
	} {
		a := e.intake("roads")
		e.act(a.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "Answered."})
		if rep := e.do(rResp, roadsChat, fmt.Sprintf(text, a.ID)); isError(rep) {
			t.Fatalf("/%s: %s", text, rep.HTML)
		}
		_, events, err := e.svc.Appeal(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		if d := e.do(rResp, roadsChat, fmt.Sprintf("appeal %d", a.ID)); !strings.Contains(d.HTML, "closed · Rita Roads: "+want+": ") {
			t.Errorf("/appeal after /%s:\n%s", text, d.HTML)
		}
		if last.Kind != appeal.EventClosed || last.Outcome != want || strings.HasPrefix(strings.ToLower(last.Note), "unresolved") || strings.HasPrefix(last.Note, "未解决") {
			t.Errorf("/%s: %s %q outcome %q, want %q", text, last.Kind, last.Note, last.Outcome, want)
		}
	}
}

// busyStore is the store with every figures reader's turn taken.
type busyStore struct{ *storage.Store }

func (busyStore) FactSums(context.Context, time.Time, time.Time, time.Time, string) ([]kpi.Sums, error) {
	return nil, kpi.ErrBusy
}

// TestStatsBusy: /stats while too many figures requests are being
// answered says to ask again shortly, in the chat's language.
func TestStatsBusy(t *testing.T) {
	e := statsWorld(t, storage.SQLite)
	e.r = render.New(busyStore{e.store}, e.svc, render.Config{DefaultLang: "en", Charter: chart.New("", nil)}, nil)
	e.h = New(e.svc, e.store, e.r, Config{Admins: []string{"9007"}, BotName: "TestBot"}, slog.New(slog.DiscardHandler))
	rep := e.do(rLeader, roadsChat, "stats")
	if text := html.UnescapeString(rep.HTML); !strings.Contains(text, "Too many figures are being worked out right now") {
		t.Errorf("/stats while busy: %s", text)
	}
}
