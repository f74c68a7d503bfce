package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/storage/storagetest"
)

func TestKPIWeightsConfig(t *testing.T) {
	c, err := parseConfig("serve", nil, envFunc(nil), &bytes.Buffer{})
	if err != nil || c.KPIWeights != kpi.DefaultWeights {
		t.Fatalf("default: %v %v", c.KPIWeights, err)
	}
	c, err = parseConfig("serve", []string{"--kpi-weights", "1,1,2"}, envFunc(map[string]string{"APPEALBOT_KPI_WEIGHTS": "50,25,25"}), &bytes.Buffer{})
	if err != nil || c.KPIWeights != (kpi.Weights{Response: 1, Resolution: 1, Satisfaction: 2}) {
		t.Fatalf("flag over env: %v %v", c.KPIWeights, err)
	}
	for _, bad := range []string{"30,35", "a,b,c", "0,0,0", "-1,50,51"} {
		_, err := parseConfig("serve", nil, envFunc(map[string]string{"APPEALBOT_KPI_WEIGHTS": bad}), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "APPEALBOT_KPI_WEIGHTS") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestServeFeedbackAndStats: the program serves feedback and the figures,
// with the configured weights.
func TestServeFeedbackAndStats(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			env := map[string]string{"APPEALBOT_DATA_DIR": t.TempDir(), "APPEALBOT_KPI_WEIGHTS": "100,0,0"}
			if backend == "postgres" {
				env["APPEALBOT_DATABASE_URL"] = storagetest.PostgresURL(t)
			}
			base, _, _ := startServe(t, env)
			req, _ := http.NewRequest("PUT", base+"/api/v1/departments/env", strings.NewReader(`{"name":"环保局"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if st, m := postJSON(t, base+"/api/v1/appeals", "", appealBody); st != 201 || m["status"] != "assigned" {
				t.Fatalf("intake: %d %v", st, m)
			}
			if st, m := postJSON(t, base+"/api/v1/appeals/1/feedback", "", `{"result":"satisfied"}`); st != http.StatusConflict {
				t.Errorf("feedback on an open appeal: %d %v", st, m)
			}
			st, m := getJSON(t, base+"/api/v1/stats?department=env", "")
			if st != 200 {
				t.Fatalf("stats: %d %v", st, m)
			}
			w := m["weights"].(map[string]any)
			d := m["departments"].([]any)[0].(map[string]any)
			// Received and unanswered: response 0, and with only the
			// response rate weighed the score is 0.
			if w["response"] != 100.0 || w["satisfaction"] != 0.0 || d["received"] != 1.0 || d["response_rate"] != 0.0 || d["score"] != 0.0 {
				t.Errorf("stats: weights %v, env %v", w, d)
			}
		})
	}
}

// TestTelegramFeedbackAndStats drives the real program: an answered appeal
// gets an unsatisfied verdict over the API, its card in the department's
// group comes back to life with the citizen's comment, and /stats shows it
// in the group and as a ranking in the dispatch chat.
func TestTelegramFeedbackAndStats(t *testing.T) {
	tg := botapitest.New(t)
	env := map[string]string{
		"APPEALBOT_DATA_DIR":         t.TempDir(),
		"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
		"APPEALBOT_ADMINS":           "100",
		"APPEALBOT_LANGUAGE":         "en",
	}
	base, log, _ := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range tg.Sent() {
				t.Logf("sent to %d (#%d): %s", m.ChatID, m.MessageID, m.Plain)
			}
			t.Logf("log:\n%s", log)
		}
	})
	const group, dispatch = int64(-1001), int64(-3003)
	admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Boss"}
	alice := botapitest.User{ID: 200, Username: "alice", FirstName: "Alice"}
	command(t, tg, group, admin, "/dept add water Water Company", "water")
	command(t, tg, group, admin, "/dept bind water", "water")
	command(t, tg, group, admin, "/role add water responder 200", "200")
	command(t, tg, dispatch, admin, "/dispatch bind", "dispatch")
	if st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"W-1","title":"No water","body":"Since Monday.","department":"water"}`); st != 201 {
		t.Fatalf("intake: %d %v", st, m)
	}
	var card botapitest.Message
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		var ok bool
		card, ok = lastIn(s, group, "#1")
		return ok
	}, 10*time.Second)
	command(t, tg, group, alice, "/answer 1 The main was repaired.", "is answered")

	if st, m := postJSON(t, base+"/api/v1/appeals/1/feedback", "", `{"result":"unsatisfied","comment":"Still <dry> & dusty"}`); st != 201 || m["reopened"] != true {
		t.Fatalf("feedback: %d %v", st, m)
	}
	// The reopened appeal gets a card of its own, below the old one.
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		m, ok := lastIn(s, group, "Citizen unsatisfied, reopened: “Still <dry> & dusty”")
		return ok && m.MessageID != card.MessageID && strings.Contains(m.Plain, "Status: assigned") && strings.Contains(m.Plain, "Reopened 1 time")
	}, 10*time.Second)

	command(t, tg, group, alice, "/stats", "Figures: Water Company (water)")
	stats, _ := lastIn(tg, group, "Figures: Water Company (water)")
	for _, want := range []string{"1 received · 1 claimed · 1 answered", "reopened 1", "Callbacks: 0 satisfied · 1 unsatisfied"} {
		if !strings.Contains(stats.Plain, want) {
			t.Errorf("/stats lacks %q:\n%s", want, stats.Plain)
		}
	}
	command(t, tg, dispatch, admin, "/stats 30d", "Department ranking by score")
	rank, _ := lastIn(tg, dispatch, "Department ranking by score")
	if !strings.Contains(rank.Plain, "1. Water Company (water) — 46.2 · response 100% · resolution — · satisfaction 0%") {
		t.Errorf("ranking:\n%s", rank.Plain)
	}
}
