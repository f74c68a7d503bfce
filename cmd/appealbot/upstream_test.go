package main

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/bot/botapitest"
)

// TestUrgeReachesTheDepartment runs the real program against the Bot API
// test server: a citizen's urge through the API is a message in the
// department's group at once, the card counts it, the figures (/stats and
// GET /api/v1/stats) count it, and the upstream, which asked for every
// event, hears of it after the assignment. /role list and the members
// API show the department's people.
func TestUrgeReachesTheDepartment(t *testing.T) {
	tg := botapitest.New(t)
	up := &upstream{secret: "callback-signing-secret"}
	cbSrv := httptest.NewServer(up)
	defer cbSrv.Close()
	base, log, _ := startServe(t, map[string]string{
		"APPEALBOT_DATA_DIR":         t.TempDir(),
		"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
		"APPEALBOT_ADMINS":           "100",
		"APPEALBOT_LANGUAGE":         "en",
		"APPEALBOT_WEBHOOK_SECRET":   up.secret,
		"APPEALBOT_CALLBACK_ALLOW":   "127.0.0.1/32",
		"APPEALBOT_CALLBACK_EVENTS":  "all",
	})
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range tg.Sent() {
				t.Logf("sent to %d (#%d): %s", m.ChatID, m.MessageID, m.Plain)
			}
			t.Logf("log:\n%s", log)
		}
	})
	const group = int64(-1001)
	admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Boss"}
	command(t, tg, group, admin, "/dept add water Water Company", "water")
	command(t, tg, group, admin, "/dept bind water", "water")
	command(t, tg, group, admin, "/role add water responder 200", "200")
	command(t, tg, group, admin, "/role list water", "responders (1)")

	if st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"W-1","title":"No water",
		"body":"Since Monday.","department":"water","callback_url":"`+cbSrv.URL+`/cb"}`); st != 201 {
		t.Fatalf("intake: %d %v", st, m)
	}
	var card botapitest.Message
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		var ok bool
		card, ok = lastIn(s, group, "#1")
		return ok && len(card.Buttons) > 0
	}, 10*time.Second)
	if strings.Contains(card.Plain, "Urged") {
		t.Fatalf("a new card counts urges:\n%s", card.Plain)
	}

	if st, m := postJSON(t, base+"/api/v1/appeals/1/urge", "", `{"note":"A week without water!"}`); st != 200 || m["urges"] != 1.0 {
		t.Fatalf("urge: %d %v", st, m)
	}
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		m, ok := lastIn(s, group, "The citizen urges an answer to #1")
		return ok && strings.Contains(m.Plain, "They say: A week without water!")
	}, 10*time.Second)
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		return strings.Contains(message(s, group, card.MessageID).Plain, "Urged by the citizen: 1")
	}, 10*time.Second)
	if st, m := postJSON(t, base+"/api/v1/appeals/1/urge", "", `{}`); st != 429 {
		t.Fatalf("a second urge at once: %d %v", st, m)
	}

	command(t, tg, group, admin, "/stats", "urged 1")
	if st, m := getJSON(t, base+"/api/v1/stats?department=water", ""); st != 200 ||
		m["departments"].([]any)[0].(map[string]any)["urges"] != 1.0 {
		t.Fatalf("stats: %d %v", st, m)
	}
	if st, m := getJSON(t, base+"/api/v1/departments/water/members", ""); st != 200 || len(m["members"].([]any)) != 1 {
		t.Fatalf("members: %d %v", st, m)
	}
	tg.WaitFor(t, func(*botapitest.Server) bool { return len(up.payloads()) == 2 }, 15*time.Second)
	if ps := up.payloads(); ps[0].Event != "appeal.assigned" || ps[1].Event != "appeal.urged" || ps[1].Appeal.Urges != 1 || up.bad != 0 {
		t.Fatalf("upstream heard %+v (bad: %d)", ps, up.bad)
	}
}
