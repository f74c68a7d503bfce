package commands

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/dispatch"
	"github.com/appealbot/appealbot/internal/worldtest"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
)

// trainedRouter is a router of the test world trained on past appeals of
// roads and water with words of their own.
func trainedRouter(t *testing.T, e *env) *dispatch.Router {
	t.Helper()
	ctx := context.Background()
	var ex []appeal.RoutingExample
	for dept, texts := range map[string][]string{
		"water": {"水管漏水", "停水三天", "水压太低", "自来水发黄"},
		"roads": {"路灯不亮", "路面坑洼", "井盖缺失", "红绿灯故障"},
	} {
		for _, a := range texts {
			for _, b := range texts {
				ex = append(ex, appeal.RoutingExample{Title: a, Body: a + "，" + b, Department: dept})
			}
		}
	}
	r := dispatch.New(e.store, dispatch.Config{}, e.clock, nil)
	if _, err := r.Import(ctx, e.store, ex); err != nil {
		t.Fatal(err)
	}
	if _, err := r.TrainOnce(ctx); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestAutorouteAboveAndBelowTheThreshold: with automatic dispatch set, an
// appeal whose top suggestion reaches the threshold is assigned at intake
// by the router (its card says so, with the confidence); one just below it
// waits for dispatch with the suggestions as buttons. The department can
// return the router's appeal, and /stats in the dispatch chat counts both.
func TestAutorouteAboveAndBelowTheThreshold(t *testing.T) {
	for _, b := range []string{storage.SQLite, storage.Postgres} {
		t.Run(b, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, b)
			r := trainedRouter(t, e)
			in := func(ext string) appeal.Intake {
				return appeal.Intake{Source: "hotline", ExternalID: ext, Title: "楼道水管漏水", Body: "水管漏水，停水三天"}
			}
			top := r.Suggest(in("").Title, in("").Body, "", "")[0]
			if top.Department != "water" {
				t.Fatalf("top suggestion %+v", top)
			}
			svcAt := func(min float64) *appeal.Service {
				return appeal.NewService(e.store, e.clock, "Asia/Shanghai", appeal.WithSuggester(r), appeal.WithAutoroute(min),
					appeal.WithCalendars(appeal.Calendars{Days: e.store}))
			}
			pct := render.Percent(top.Confidence)

			// At the threshold: assigned by the router.
			above := svcAt(top.Confidence)
			a, _, err := above.Intake(ctx, in("A-1"))
			if err != nil {
				t.Fatal(err)
			}
			if a.Status != appeal.StatusAssigned || a.Department != "water" {
				t.Fatalf("at the threshold: %s %s", a.Status, a.Department)
			}
			events, _ := e.store.Events(ctx, a.ID)
			last := events[len(events)-1]
			if last.Kind != appeal.EventAssigned || last.Via != appeal.RouterActor || last.Actor != 0 || last.Note != fmt.Sprintf("%d%%", pct) {
				t.Errorf("assigned event %+v", last)
			}
			rnd := render.New(e.store, above, render.Config{DefaultLang: "zh", Hints: above.Hints}, nil)
			card, err := rnd.Card(ctx, a, "zh", e.clock())
			if err != nil || !strings.Contains(card.HTML, fmt.Sprintf("自动分拨 %d%%", pct)) {
				t.Errorf("the department's card of an auto-routed appeal:\n%s %v", card.HTML, err)
			}

			// Just below: waits for dispatch, with the suggestion buttons.
			below := svcAt(min(1, top.Confidence+0.005))
			u, _, err := below.Intake(ctx, in("A-2"))
			if err != nil {
				t.Fatal(err)
			}
			if u.Status != appeal.StatusUnassigned || u.Department != "" {
				t.Fatalf("below the threshold: %s %s", u.Status, u.Department)
			}
			card, _ = render.New(e.store, below, render.Config{DefaultLang: "en", Hints: below.Hints}, nil).Card(ctx, u, "en", e.clock())
			if len(card.Buttons) != 2 || card.Buttons[0][0].Data != render.AssignButton(u.ID, "water") ||
				!strings.Contains(card.Buttons[0][0].Label, fmt.Sprintf("Water %d%%", pct)) || strings.Contains(card.HTML, "Auto-routed") {
				t.Errorf("dispatch card below the threshold:\n%s\n%+v", card.HTML, card.Buttons)
			}
			// /route test shows what the router would suggest.
			h0 := New(below, e.store, rnd, Config{Admins: []string{"9007"}}, slog.New(slog.DiscardHandler))
			rep0 := h0.Handle(ctx, Request{Network: worldtest.Network, Chat: dispatchChat, From: e.users[rDispatcher],
				Command: "route", Args: "test 楼道水管漏水 停水三天", Now: e.clock()})
			if !strings.Contains(rep0.HTML, "没有规则命中。\n💡 学习模型建议：Water (water) ") {
				t.Errorf("/route test:\n%s", rep0.HTML)
			}
			// Off: never.
			off, _, _ := svcAt(0).Intake(ctx, in("A-3"))
			if off.Status != appeal.StatusUnassigned {
				t.Errorf("autoroute off assigned: %+v", off)
			}

			// Water returns the router's appeal; /stats counts it.
			e.act(a.ID, worldtest.RespOther, appeal.Command{Action: appeal.ActReturn, Text: "不归我们"})
			e.mu.Lock()
			e.now = e.now.Add(time.Hour)
			e.mu.Unlock()
			h := New(above, e.store, rnd, Config{Admins: []string{"9007"}}, slog.New(slog.DiscardHandler))
			rep := h.Handle(ctx, Request{Network: worldtest.Network, Chat: dispatchChat, From: e.users[rDispatcher],
				Command: "stats", Args: "30d", Now: e.clock()})
			if !strings.Contains(rep.HTML, "自动分拨 1 件，其中被退回 1 件（留用率 0%）") {
				t.Errorf("/stats in the dispatch chat:\n%s", rep.HTML)
			}
		})
	}
}

// TestCardListsSimilarOpenAppeals: the card of a new appeal lists the open
// appeals of the last 30 days that nearly repeat it, most similar first;
// not a closed one, not an older one, not an unrelated one.
func TestCardListsSimilarOpenAppeals(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	rnd := render.New(e.store, e.svc, render.Config{DefaultLang: "zh", Hints: e.svc.Hints}, nil)
	at := func(d time.Duration) {
		e.mu.Lock()
		e.now = t0.Add(d)
		e.mu.Unlock()
	}
	leak := func(title, body string) func(*appeal.Intake) {
		return func(in *appeal.Intake) {
			in.Title, in.Body, in.Location, in.Category = title, body, "人民路 3 号", ""
		}
	}
	at(-40 * 24 * time.Hour)
	old := e.intake("", leak("人民路3号水管爆裂", "人民路3号楼道水管爆裂，水漫进家里"))
	at(-3 * 24 * time.Hour)
	closed := e.intake("", leak("人民路3号水管爆裂", "人民路3号楼道水管爆裂，水漫进家里了"))
	e.act(closed.ID, rDispatcher, appeal.Command{Action: appeal.ActClose, Text: "重复"})
	first := e.intake("", leak("人民路3号水管爆裂", "人民路3号楼道水管爆裂，水漫进家里，请快来"))
	other := e.intake("", leak("路灯不亮", "解放街路灯坏了"))
	at(-24 * time.Hour)
	second := e.intake("roads", leak("水管爆裂", "人民路3号楼道水管爆裂，水漫进家里"))
	at(0)
	a := e.intake("", leak("人民路3号水管爆裂", "人民路3号楼道水管爆裂，水漫进家里"))
	card, err := rnd.Card(ctx, a, "zh", e.clock())
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("👯 可能重复：#%d #%d", first.ID, second.ID)
	if !strings.Contains(card.HTML, want) && !strings.Contains(card.HTML, fmt.Sprintf("👯 可能重复：#%d #%d", second.ID, first.ID)) {
		t.Fatalf("card:\n%s\nwant %q", card.HTML, want)
	}
	for _, id := range []appeal.ID{old.ID, closed.ID, other.ID} {
		if strings.Contains(card.HTML, fmt.Sprintf("#%d ", id)) || strings.HasSuffix(strings.Split(card.HTML, "可能重复：")[1], fmt.Sprintf("#%d", id)) {
			t.Errorf("card lists #%d:\n%s", id, card.HTML)
		}
	}
	// The department's card of the similar appeal lists the new one too.
	dc, _ := rnd.Card(ctx, e.appeal(second.ID), "en", e.clock())
	if !strings.Contains(dc.HTML, fmt.Sprintf("Possible duplicates: #%d #%d", a.ID, first.ID)) &&
		!strings.Contains(dc.HTML, fmt.Sprintf("Possible duplicates: #%d #%d", first.ID, a.ID)) {
		t.Errorf("department card:\n%s", dc.HTML)
	}
}
