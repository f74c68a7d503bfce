package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/bot/botapitest"
)

// TestNoAppealIsHiddenEndToEnd runs the real program against the Bot API
// test server with nothing bound and the only admin unreachable (they
// blocked the bot): the start-up log lists what is missing, an appeal for
// dispatch then waits rather than vanishing (/healthz degraded, the gauge
// and an ERROR line count it), and the admin's /dispatch bind delivers it
// at once.
func TestNoAppealIsHiddenEndToEnd(t *testing.T) {
	tg := botapitest.New(t)
	const admin, group = int64(100), int64(-2001)
	tg.KickFrom(admin) // blocked by the user: private messages are refused
	env := map[string]string{
		"APPEALBOT_DATA_DIR":         t.TempDir(),
		"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
		"APPEALBOT_ADMINS":           "100",
		"APPEALBOT_LANGUAGE":         "en",
		"APPEALBOT_API_TOKENS":       "metrics-token-0123456789",
	}
	base, log, stop := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	for _, gap := range []string{`msg="setup: no dispatch chat is bound" dispatch_messages_go_to=admins`,
		`msg="setup: no supervision chat is bound" supervision_reports_go_to=admins`} {
		if n := strings.Count(log.String(), gap); n != 1 {
			t.Errorf("the start-up log should list %q once, it does %d times", gap, n)
		}
	}

	if st, m := postJSON(t, base+"/api/v1/appeals", env["APPEALBOT_API_TOKENS"],
		`{"source":"12345","external_id":"D-1","title":"Pothole","body":"A deep one on Elm St."}`); st != 201 {
		t.Fatalf("intake: %d %v", st, m)
	}
	health := func() (int, map[string]any) { return getJSON(t, base+"/healthz", "") }
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, m := health()
		if st == http.StatusOK && m["status"] == "degraded" && m["undeliverable"] == 1.0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz never said degraded: %d %v", st, m)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := scrapeMetrics(t, base, env["APPEALBOT_API_TOKENS"])["appealbot_undeliverable_messages{}"]; got != 1 {
		t.Fatalf("appealbot_undeliverable_messages = %v, want 1", got)
	}
	// The log says so at ERROR (just after the row is marked).
	const nag = "level=ERROR msg=\"delivery: messages wait: no chat, leader or admin can receive them\" undeliverable=1"
	for strings.Count(log.String(), nag) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := strings.Count(log.String(), nag); n != 1 {
		t.Fatalf("%d ERROR lines, want 1", n)
	}
	if strings.Contains(log.String(), "no chat to deliver to") || len(tg.Messages(admin)) != 0 {
		t.Fatal("the appeal must wait, not end")
	}

	// The admin binds a dispatch chat: the card is there at once, not at
	// the next retry a minute later.
	boss := botapitest.User{ID: admin, Username: "boss", FirstName: "Boss"}
	command(t, tg, group, boss, "/dispatch bind", "tried again now (1)")
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		card, ok := lastIn(s, group, "#1")
		return ok && strings.Contains(card.Plain, "Pothole") && !strings.Contains(card.Plain, "Sent here because")
	}, 10*time.Second)
	if st, m := health(); st != http.StatusOK || m["status"] != "ok" || m["undeliverable"] != 0.0 {
		t.Fatalf("healthz after the binding: %d %v", st, m)
	}
	if got := scrapeMetrics(t, base, env["APPEALBOT_API_TOKENS"])["appealbot_undeliverable_messages{}"]; got != 0 {
		t.Fatalf("appealbot_undeliverable_messages = %v after the binding, want 0", got)
	}

	// At the next start the log lists the gaps there are then, once each.
	command(t, tg, group, boss, "/dept add roads Roads Office", "roads")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_, log, _ = startServe(t, env)
	for _, gap := range []string{
		`msg="setup: department has no bound chat" department=roads its_appeals_go_to=dispatch`,
		`msg="setup: department has no leader" department=roads messages_for_its_leaders_go_to=dispatch`,
		`msg="setup: no supervision chat is bound" supervision_reports_go_to=dispatch`,
	} {
		if n := strings.Count(log.String(), gap); n != 1 {
			t.Errorf("the start-up log should list %q once, it does %d times:\n%s", gap, n, log)
		}
	}
	if strings.Contains(log.String(), "no dispatch chat") {
		t.Errorf("a gap closed is not listed:\n%s", log)
	}
}
