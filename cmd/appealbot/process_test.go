package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// processWorld is a running bot with roads, water and dispatch groups, two
// leaders of roads, a responder in each department and a dispatcher, all
// over the real telego client and the test Bot API server.
type processWorld struct {
	t                       *testing.T
	tg                      *botapitest.Server
	base                    string
	admin, alice, walt, ray botapitest.User
	lee, liz, dora          botapitest.User
	roads, water, dispatch  int64
	stop                    func() error
}

func newProcessWorld(t *testing.T, backend string) *processWorld {
	tg := botapitest.New(t)
	env := map[string]string{
		"APPEALBOT_DATA_DIR":                   t.TempDir(),
		"APPEALBOT_TELEGRAM_TOKEN":             botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL":           tg.URL(),
		"APPEALBOT_ADMINS":                     "100",
		"APPEALBOT_LANGUAGE":                   "en",
		"APPEALBOT_TELEGRAM_CHAT_INTERVAL":     "0s",
		"APPEALBOT_TELEGRAM_GROUP_PER_MINUTE":  "1000",
		"APPEALBOT_TELEGRAM_GLOBAL_PER_SECOND": "1000",
	}
	if backend == "postgres" {
		env["APPEALBOT_DATABASE_URL"] = storagetest.PostgresURL(t)
	}
	base, log, stop := startServe(t, env)
	w := &processWorld{t: t, tg: tg, base: base, stop: stop,
		admin: botapitest.User{ID: 100, Username: "boss", FirstName: "Boss"},
		alice: botapitest.User{ID: 200, Username: "alice", FirstName: "Alice"},
		ray:   botapitest.User{ID: 202, Username: "ray", FirstName: "Ray"},
		walt:  botapitest.User{ID: 201, Username: "walt", FirstName: "Walt"},
		lee:   botapitest.User{ID: 300, Username: "lee", FirstName: "Lee"},
		liz:   botapitest.User{ID: 301, Username: "liz", FirstName: "Liz"},
		dora:  botapitest.User{ID: 400, Username: "dora", FirstName: "Dora"},
		roads: -1001, water: -1002, dispatch: -1003}
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range tg.Sent() {
				t.Logf("sent to %d (#%d): %s %v", m.ChatID, m.MessageID, m.Plain, m.Buttons)
			}
			t.Logf("log:\n%s", log)
		}
	})
	a := w.admin
	command(t, tg, w.roads, a, "/dept add roads Roads", "roads")
	command(t, tg, w.roads, a, "/dept bind roads", "roads")
	command(t, tg, w.water, a, "/dept add water Water", "water")
	command(t, tg, w.water, a, "/dept bind water", "water")
	command(t, tg, w.dispatch, a, "/dispatch bind", "ispatch")
	for _, g := range []string{"/role add roads responder 200", "/role add roads responder 202", "/role add water responder 201",
		"/role add roads leader 300", "/role add roads leader 301", "/dispatcher add 400"} {
		id := g[strings.LastIndex(g, " ")+1:]
		command(t, tg, a.ID, a, g, id)
	}
	// Everyone has written to the bot, so it knows their names.
	for _, u := range []botapitest.User{w.alice, w.ray, w.walt, w.lee, w.liz, w.dora} {
		command(t, tg, u.ID, u, "/help", "help")
	}
	return w
}

// intake posts an appeal for dept and waits for its card there.
func (w *processWorld) intake(id int, dept string, chat int64) {
	w.t.Helper()
	st, m := postJSON(w.t, w.base+"/api/v1/appeals", "", fmt.Sprintf(`{"source":"12345","external_id":"P-%d","title":"Pothole %d",
		"body":"Deep.","department":%q}`, id, id, dept))
	if st != 201 {
		w.t.Fatalf("intake: %d %v", st, m)
	}
	w.wait(chat, fmt.Sprintf("#%d", id))
}

// wait waits for a message in chat whose text (as it stands now, after
// edits) contains every one of want, and returns it.
func (w *processWorld) wait(chat int64, want ...string) botapitest.Message {
	w.t.Helper()
	var found botapitest.Message
	w.tg.WaitFor(w.t, func(s *botapitest.Server) bool {
		for _, m := range s.Messages(chat) {
			ok := true
			for _, x := range want {
				ok = ok && strings.Contains(m.Plain, x)
			}
			if ok {
				found = m
				return true
			}
		}
		return false
	}, 15*time.Second)
	return found
}

// press presses the button of m whose command and kind are cmd (as
// ParseButton gives them) and returns the notice the press got.
func (w *processWorld) press(chat int64, m botapitest.Message, from botapitest.User, cmd string) string {
	w.t.Helper()
	data := ""
	for _, row := range m.Buttons {
		for _, b := range row {
			if c, args, ok := render.ParseButton(b.Data); ok && strings.TrimSpace(c+" "+strings.Join(strings.Fields(args)[1:], " ")) == cmd {
				data = b.Data
			}
		}
	}
	if data == "" {
		w.t.Fatalf("no %q button on %q: %+v", cmd, m.Plain, m.Buttons)
	}
	return w.pressData(chat, m.MessageID, from, data)
}

// pressData presses a button with data and returns the notice it got.
func (w *processWorld) pressData(chat, msgID int64, from botapitest.User, data string) string {
	w.t.Helper()
	q := w.tg.PressButton(chat, msgID, from, data)
	var notice string
	w.tg.WaitFor(w.t, func(s *botapitest.Server) bool {
		for _, a := range s.Callbacks() {
			if a.QueryID == q {
				notice = a.Text
				return true
			}
		}
		return false
	}, 15*time.Second)
	return notice
}

// buttons reports whether a message (as it stands now) has any button.
func (w *processWorld) current(chat int64, m botapitest.Message) botapitest.Message {
	return message(w.tg, chat, m.MessageID)
}

// TestTelegramReviewedReturnsAndTransfers: a return asked in the
// department's chat waits for dispatch, which rejects it with a reason
// (the appeal stays, its deadline as it was); a transfer is approved with
// the prompt's button and lands in water with where it came from; after
// the second bounce a third goes to supervision; every copy of a decided
// prompt loses its buttons.
func TestTelegramReviewedReturnsAndTransfers(t *testing.T) {
	w := newProcessWorld(t, "sqlite")
	tg := w.tg
	w.intake(1, "roads", w.roads)
	command(t, tg, w.roads, w.alice, "/claim 1", "claimed")
	_, before := getJSON(t, w.base+"/api/v1/appeals/1", "")

	// Return, reviewed and rejected.
	command(t, tg, w.roads, w.alice, "/return 1 not a road", "until dispatch's review decides")
	prompt := w.wait(w.dispatch, "asks to return", "not a road")
	if len(prompt.Buttons) == 0 {
		t.Fatalf("review prompt without buttons: %+v", prompt)
	}
	if n := w.press(w.dispatch, prompt, w.dora, "reject review"); !strings.Contains(n, "/reject 1 REASON") {
		t.Fatalf("Reject button: %q", n)
	}
	command(t, tg, w.dispatch, w.dora, "/reject 1 it is a road", "rejected")
	w.wait(w.roads, "the return was rejected", "it is a road", "deadlines are unchanged")
	tg.WaitFor(t, func(*botapitest.Server) bool {
		m := w.current(w.dispatch, prompt)
		return len(m.Buttons) == 0 && strings.Contains(m.Plain, "Rejected by Dora")
	}, 15*time.Second)
	_, after := getJSON(t, w.base+"/api/v1/appeals/1", "")
	if after["status"] != "claimed" || after["department"] != "roads" || fmt.Sprint(after["deadlines"]) != fmt.Sprint(before["deadlines"]) {
		t.Fatalf("after the rejection: %v (before %v)", after, before)
	}
	// A second press on the closed prompt says who decided.
	if n := w.pressData(w.dispatch, prompt.MessageID, w.dora, render.ButtonData("approve", 1, render.PendingReview)); !strings.Contains(n, "Already decided") || !strings.Contains(n, "Dora") {
		t.Fatalf("second press: %q", n)
	}

	// Transfer, approved with the button.
	command(t, tg, w.roads, w.alice, "/transfer 1 water a burst main", "until dispatch's review decides")
	prompt = w.wait(w.dispatch, "asks to transfer", "a burst main")
	w.press(w.dispatch, prompt, w.dora, "approve review")
	card := w.wait(w.water, "#1", "From Roads (roads): transfer to Water (water) by Alice: a burst main (approved by Dora)")
	if len(card.Buttons) == 0 {
		t.Fatalf("water's card has no buttons: %+v", card)
	}
	w.wait(w.roads, "the transfer to Water (water) was approved")

	// Water returns it (approved: bounce two); assigned to roads again,
	// the third bounce goes to supervision (its chat unbound: dispatch's).
	command(t, tg, w.water, w.walt, "/return 1 not ours either", "until dispatch's review decides")
	command(t, tg, w.dispatch, w.dora, "/approve 1", "approved")
	w.wait(w.dispatch, "not ours either", "Water (water)")
	command(t, tg, w.dispatch, w.dora, "/assign 1 roads", "roads")
	command(t, tg, w.roads, w.alice, "/return 1 still not ours", "supervision's ruling")
	w.wait(w.dispatch, "asks to return", "still not ours", "bounced 2 times already: supervision rules")
}

// TestTelegramDecidedPromptLosesButtonsEverywhere: an extension request
// reaches both leaders of roads; once one approves, both copies show the
// decision without buttons, the other leader's press says who decided, the
// department hears the new deadline; and a request past the cap is refused.
func TestTelegramDecidedPromptLosesButtonsEverywhere(t *testing.T) {
	w := newProcessWorld(t, "sqlite")
	tg := w.tg
	w.intake(1, "roads", w.roads)
	command(t, tg, w.roads, w.alice, "/claim 1", "claimed")
	command(t, tg, w.roads, w.alice, "/extend 1 11wd need a contractor", "may be extended by 10 working days at most in all; still possible: 10 working days")
	command(t, tg, w.roads, w.alice, "/extend 1 2wd need a contractor", "#1")
	lee := w.wait(w.lee.ID, "asks for", "need a contractor")
	liz := w.wait(w.liz.ID, "asks for", "need a contractor")
	if len(lee.Buttons) == 0 || len(liz.Buttons) == 0 {
		t.Fatalf("prompts without buttons: %+v %+v", lee, liz)
	}
	w.press(w.lee.ID, lee, w.lee, "approve extension")
	for _, c := range []struct {
		chat int64
		m    botapitest.Message
	}{{w.lee.ID, lee}, {w.liz.ID, liz}} {
		tg.WaitFor(t, func(*botapitest.Server) bool {
			m := w.current(c.chat, c.m)
			return len(m.Buttons) == 0 && strings.Contains(m.Plain, "Approved by Lee") && strings.Contains(m.Plain, "need a contractor")
		}, 15*time.Second)
	}
	if n := w.pressData(w.liz.ID, liz.MessageID, w.liz, render.ButtonData("approve", 1, render.PendingExtension)); !strings.Contains(n, "Already decided: ✅ Approved by Lee") {
		t.Fatalf("second press: %q", n)
	}
	w.wait(w.roads, "2 working days more approved; answer by")
}

// TestTelegramAssignAndReopen: a leader assigns an appeal to a person from
// the list the bot offers, the person hears of it privately; a reopen by a
// leader posts a new card in the department's chat with the count, and the
// one who answered hears of it.
func TestTelegramAssignAndReopen(t *testing.T) {
	w := newProcessWorld(t, "sqlite")
	tg := w.tg
	w.intake(1, "roads", w.roads)
	command(t, tg, w.lee.ID, w.lee, "/assign 1", "Who should handle #1")
	list := w.wait(w.lee.ID, "Who should handle #1")
	data := ""
	for _, row := range list.Buttons {
		if strings.HasPrefix(row[0].Text, "Ray (0)") {
			data = row[0].Data
		}
	}
	if data == "" {
		t.Fatalf("Ray is not offered: %+v", list.Buttons)
	}
	if n := w.pressData(w.lee.ID, list.MessageID, w.lee, data); !strings.Contains(n, "assigned to Ray") {
		t.Fatalf("press: %q", n)
	}
	w.wait(w.ray.ID, "Lee assigned", "#1", "to you")
	w.wait(w.roads, "#1", "Status: claimed · Ray")
	// By name too.
	command(t, tg, w.lee.ID, w.lee, "/assign 1 @alice", "assigned to Alice")
	w.wait(w.alice.ID, "Lee assigned", "#1")

	// Alice answers; a leader reopens it (重办).
	command(t, tg, w.roads, w.alice, "/answer 1 Filled the hole.", "answered")
	old := w.wait(w.roads, "#1", "Status: answered")
	command(t, tg, w.lee.ID, w.lee, "/reopen 1 the hole is back", "reopen no. 1")
	fresh := w.wait(w.roads, "#1", "Reopened 1 time")
	if fresh.MessageID == old.MessageID {
		t.Fatalf("the reopen edited the old card instead of posting a new one")
	}
	w.wait(w.alice.ID, "which you handled, was reopened: the hole is back")
}
