package main

import (
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/bot/botapitest"
)

// TestCallbackAllowList runs the real program twice on one data directory
// with an upstream receiver listening on 127.0.0.1. Without an allow entry
// intake refuses every URL leading to it (or anywhere else inside), naming
// callback_url; with APPEALBOT_CALLBACK_ALLOW=127.0.0.1/32 the same URL is
// taken and the answer is posted there, signed.
func TestCallbackAllowList(t *testing.T) {
	up := &upstream{secret: "callback-signing-secret"}
	cbSrv := httptest.NewServer(up)
	defer cbSrv.Close()
	_, port, _ := net.SplitHostPort(cbSrv.Listener.Addr().String())
	dir := t.TempDir()

	base, log, stop := startServe(t, map[string]string{"APPEALBOT_DATA_DIR": dir, "APPEALBOT_WEBHOOK_SECRET": up.secret})
	for i, u := range []string{
		cbSrv.URL + "/cb",
		"http://localhost:" + port + "/cb",
		"http://[::ffff:127.0.0.1]:" + port + "/cb",
		"http://0x7f.1:" + port + "/cb",
		"http://2130706433:" + port + "/cb",
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/cb",
		"http://user:password@" + cbSrv.Listener.Addr().String() + "/cb",
		"https://user:password@hotline.gov.example/cb",
	} {
		st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"R-`+string(rune('a'+i))+
			`","title":"No water","body":"Since Monday.","callback_url":"`+u+`"}`)
		e, _ := m["error"].(map[string]any)
		code := "not_allowed"
		if strings.Contains(u, "password@") {
			code = "invalid"
		}
		if st != 400 || e["field"] != "callback_url" || e["code"] != code || e["message"] == "" {
			t.Errorf("callback_url %s without an allow entry: %d %v, want 400 %s", u, st, m, code)
		}
	}
	if _, m := getJSON(t, base+"/api/v1/appeals", ""); len(m["appeals"].([]any)) != 0 {
		t.Fatalf("refused appeals were stored: %v", m["appeals"])
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if up.count() != 0 {
		t.Fatalf("the receiver got %d requests", up.count())
	}

	tg := botapitest.New(t)
	base, log, _ = startServe(t, map[string]string{
		"APPEALBOT_DATA_DIR":         dir,
		"APPEALBOT_WEBHOOK_SECRET":   up.secret,
		"APPEALBOT_CALLBACK_ALLOW":   "127.0.0.1/32",
		"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
		"APPEALBOT_ADMINS":           "100",
		"APPEALBOT_LANGUAGE":         "en",
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	const group = int64(-1001)
	admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Boss"}
	alice := botapitest.User{ID: 200, Username: "alice", FirstName: "Alice"}
	command(t, tg, group, admin, "/dept add water Water Company", "water")
	command(t, tg, group, admin, "/dept bind water", "water")
	command(t, tg, group, admin, "/role add water responder 200", "200")
	if st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"W-1","title":"No water",
		"body":"Since Monday.","department":"water","callback_url":"`+cbSrv.URL+`/cb"}`); st != 201 {
		t.Fatalf("intake with the receiver allowed: %d %v", st, m)
	}
	tg.WaitFor(t, func(s *botapitest.Server) bool { _, ok := lastIn(s, group, "#1"); return ok }, 10*time.Second)
	command(t, tg, group, alice, "/answer 1 The main was repaired.", "is answered")
	tg.WaitFor(t, func(*botapitest.Server) bool { return len(up.payloads()) == 1 }, 15*time.Second)
	if p := up.payloads()[0]; p.Appeal.ExternalID != "W-1" || p.Answer.Text != "The main was repaired." || up.bad != 0 {
		t.Fatalf("callback %+v (bad: %d)", p, up.bad)
	}
}
