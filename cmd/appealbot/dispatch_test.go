package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// examplesJSONL are past appeals of two departments with words of their own.
func examplesJSONL() string {
	var b strings.Builder
	for _, e := range []struct{ title, body, dept string }{
		{"水管漏水", "楼道水管漏水严重", "water"}, {"停水三天", "小区停水三天了", "water"},
		{"水压太低", "早上水压太低", "water"}, {"自来水发黄", "自来水发黄有异味", "water"},
		{"路灯不亮", "长安街路灯不亮", "roads"}, {"路面坑洼", "路面坑洼不平", "roads"},
		{"井盖缺失", "人行道井盖缺失", "roads"}, {"红绿灯故障", "路口红绿灯故障", "roads"},
	} {
		for i := range 3 {
			b.WriteString(`{"title":"` + e.title + `","body":"` + e.body + strings.Repeat("，请处理", i) + `","department":"` + e.dept + `"}` + "\n")
		}
	}
	return b.String()
}

// buttonTo returns the data of the card's button that assigns to dept.
func buttonTo(m botapitest.Message, dept string) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if c, args, ok := render.ParseButton(b.Data); ok && c == "assign" && strings.HasSuffix(args, " "+dept) {
				return b.Data
			}
		}
	}
	return ""
}

// TestTelegramDispatchSuggestions: with the router trained from imported
// examples, an unassigned appeal's dispatch card offers the suggested
// departments as buttons; a responder's press is refused, a dispatcher's
// assigns; /assign ID without a department asks to confirm the top
// suggestion, and the confirmation assigns. Real telego against the Bot
// API test server.
func TestTelegramDispatchSuggestions(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			tg := botapitest.New(t)
			env := map[string]string{
				"APPEALBOT_DATA_DIR":         t.TempDir(),
				"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
				"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
				"APPEALBOT_ADMINS":           "100",
				"APPEALBOT_LANGUAGE":         "en",
				"APPEALBOT_ROUTER_INTERVAL":  "1s",
			}
			if backend == "postgres" {
				env["APPEALBOT_DATABASE_URL"] = storagetest.PostgresURL(t)
			}
			base, log, stop := startServe(t, env)
			t.Cleanup(func() {
				if t.Failed() {
					for _, m := range tg.Sent() {
						t.Logf("sent to %d (#%d): %s %v", m.ChatID, m.MessageID, m.Plain, m.Buttons)
					}
					t.Logf("log:\n%s", log)
				}
			})
			const waterGroup, roadsGroup, dispatchGroup = int64(-1001), int64(-1002), int64(-1003)
			admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Wang"}
			alice := botapitest.User{ID: 200, Username: "alice", FirstName: "Alice"}
			command(t, tg, waterGroup, admin, "/dept add water Water Company", "water")
			command(t, tg, waterGroup, admin, "/dept bind water", "water")
			command(t, tg, waterGroup, admin, "/role add water responder 200", "200")
			command(t, tg, roadsGroup, admin, "/dept add roads Roads Office", "roads")
			command(t, tg, roadsGroup, admin, "/dept bind roads", "roads")
			command(t, tg, dispatchGroup, admin, "/dispatch bind", "dispatch")

			req, _ := http.NewRequest("POST", base+"/api/v1/routing/examples", strings.NewReader(examplesJSONL()))
			req.Header.Set("Content-Type", "application/x-ndjson")
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("import: %v %v", resp, err)
			}
			resp.Body.Close()
			tg.WaitFor(t, func(*botapitest.Server) bool { return strings.Contains(log.String(), "router: model trained") }, 30*time.Second)

			st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"D-1","title":"楼道水管漏水","body":"水管漏水，停水了"}`)
			if st != 201 || m["status"] != "unassigned" {
				t.Fatalf("intake: %d %v", st, m)
			}
			var card botapitest.Message
			tg.WaitFor(t, func(s *botapitest.Server) bool {
				var ok bool
				card, ok = lastIn(s, dispatchGroup, "#1")
				return ok && buttonTo(card, "water") != ""
			}, 15*time.Second)
			if !strings.Contains(card.Plain, "Suggested (tap to assign)") || !strings.Contains(card.Buttons[0][0].Text, "Water Company") ||
				!strings.Contains(card.Buttons[0][0].Text, "%") {
				t.Fatalf("dispatch card:\n%s\n%+v", card.Plain, card.Buttons)
			}

			// A responder may not dispatch: the press is refused.
			press := tg.PressButton(dispatchGroup, card.MessageID, alice, buttonTo(card, "water"))
			tg.WaitFor(t, func(s *botapitest.Server) bool {
				for _, a := range s.Callbacks() {
					if a.QueryID == press {
						return true
					}
				}
				return false
			}, 10*time.Second)
			if _, g := getJSON(t, base+"/api/v1/appeals/1", ""); g["status"] != "unassigned" {
				t.Fatalf("a responder's press assigned: %v", g)
			}
			// The admin's press assigns.
			tg.PressButton(dispatchGroup, card.MessageID, admin, buttonTo(card, "water"))
			tg.WaitFor(t, func(*botapitest.Server) bool {
				_, g := getJSON(t, base+"/api/v1/appeals/1", "")
				return g["status"] == "assigned" && g["department"] == "water"
			}, 10*time.Second)
			tg.WaitFor(t, func(s *botapitest.Server) bool {
				_, ok := lastIn(s, waterGroup, "#1")
				return ok
			}, 10*time.Second)

			// /assign without a department: a confirmation with one button.
			st, m = postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"D-2","title":"路灯不亮","body":"长安街路灯坏了，路面坑洼"}`)
			if st != 201 {
				t.Fatalf("intake: %d %v", st, m)
			}
			command(t, tg, dispatchGroup, admin, "/assign 2", "Assign #2 to Roads Office")
			confirm, _ := lastIn(tg, dispatchGroup, "Assign #2 to Roads Office")
			data := buttonTo(confirm, "roads")
			if data == "" {
				t.Fatalf("no confirmation button: %+v", confirm)
			}
			if _, g := getJSON(t, base+"/api/v1/appeals/2", ""); g["status"] != "unassigned" {
				t.Fatalf("/assign without a department assigned before the confirmation: %v", g)
			}
			tg.PressButton(dispatchGroup, confirm.MessageID, admin, data)
			tg.WaitFor(t, func(*botapitest.Server) bool {
				_, g := getJSON(t, base+"/api/v1/appeals/2", "")
				return g["status"] == "assigned" && g["department"] == "roads"
			}, 10*time.Second)
			if err := stop(); err != nil {
				t.Fatalf("serve: %v", err)
			}
		})
	}
}
