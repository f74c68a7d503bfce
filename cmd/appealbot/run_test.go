package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/internal/buftest"
	"github.com/appealbot/appealbot/storage/storagetest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func envFunc(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// startServe runs `appealbot serve` in-process until the returned stop is called.
func startServe(t *testing.T, env map[string]string) (base string, log *buftest.Buffer, stop func() error) {
	t.Helper()
	addr := freeAddr(t)
	env["APPEALBOT_HTTP_ADDR"] = addr
	ctx, cancel := context.WithCancel(t.Context())
	log = &buftest.Buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, envFunc(env), &bytes.Buffer{}, log) }()
	base = "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become healthy\n%s", log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	return base, log, stop
}

func postJSON(t *testing.T, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func getJSON(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

const appealBody = `{"source":"12345","external_id":"E-1","title":"噪音扰民","body":"楼下工地夜间施工","department":"env"}`

// TestServeKeepsAppealsAcrossRestart runs the real program twice on the same
// store: an appeal accepted by the first run is there in the second.
func TestServeKeepsAppealsAcrossRestart(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			env := map[string]string{"APPEALBOT_DATA_DIR": t.TempDir(), "APPEALBOT_LOG_FORMAT": "json"}
			if backend == "postgres" {
				env["APPEALBOT_DATABASE_URL"] = storagetest.PostgresURL(t)
			}
			base, _, stop := startServe(t, env)
			st, m := postJSON(t, base+"/api/v1/appeals", "", appealBody)
			if st != 201 || m["status"] != "unassigned" {
				t.Fatalf("intake: %d %v", st, m)
			}
			if err := stop(); err != nil {
				t.Fatalf("serve returned %v", err)
			}

			base, _, _ = startServe(t, env)
			st, m = getJSON(t, base+"/api/v1/appeals/1", "")
			if st != 200 || m["title"] != "噪音扰民" {
				t.Fatalf("after restart: %d %v", st, m)
			}
			if st, m = postJSON(t, base+"/api/v1/appeals", "", appealBody); st != 200 {
				t.Fatalf("repeat after restart: %d %v", st, m)
			}
		})
	}
}

func TestServeWithTokensAndSecretFiles(t *testing.T) {
	dir := t.TempDir()
	token := "tok-0123456789abcdef"
	file := filepath.Join(dir, "tokens")
	if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pg := storagetest.PostgresURL(t)
	env := map[string]string{"APPEALBOT_DATA_DIR": dir, "APPEALBOT_API_TOKENS_FILE": file, "APPEALBOT_DATABASE_URL": pg}
	base, log, _ := startServe(t, env)
	if st, _ := postJSON(t, base+"/api/v1/appeals", "", appealBody); st != 401 {
		t.Fatalf("without token: %d", st)
	}
	if st, m := postJSON(t, base+"/api/v1/appeals", token, appealBody); st != 201 {
		t.Fatalf("with token: %d %v", st, m)
	}
	if strings.Contains(log.String(), token) || strings.Contains(log.String(), pg) {
		t.Fatalf("a secret reached the log:\n%s", log)
	}
	if !strings.Contains(log.String(), "store=postgres") {
		t.Fatalf("start-up line should name the store:\n%s", log)
	}
}

func TestConfigProblemsAreReportedTogether(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"serve", "--log-level", "loud"}, envFunc(map[string]string{
		"APPEALBOT_HTTP_ADDR":         "0.0.0.0:8080",
		"APPEALBOT_TIMEZONE":          "Mars/Olympus",
		"APPEALBOT_SHUTDOWN_TIMEOUT":  "soon",
		"APPEALBOT_DATABASE_URL":      "mysql://x",
		"APPEALBOT_API_TOKENS_FILE":   "/nonexistent/file",
		"APPEALBOT_LOG_FORMAT":        "xml",
		"APPEALBOT_DATA_DIR":          t.TempDir(),
		"APPEALBOT_DATABASE_URL_FILE": "",
	}), &bytes.Buffer{}, &stderr)
	if exitCode(err, &stderr) != 2 {
		t.Fatalf("want exit 2, got %v", err)
	}
	for _, want := range []string{"APPEALBOT_LOG_LEVEL", "APPEALBOT_TIMEZONE", "APPEALBOT_SHUTDOWN_TIMEOUT",
		"APPEALBOT_DATABASE_URL", "APPEALBOT_API_TOKENS_FILE", "APPEALBOT_LOG_FORMAT", "APPEALBOT_HTTP_ADDR"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}

func TestConfigRules(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "t")
	_ = os.WriteFile(file, []byte("file-token-0123456789"), 0o600)
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string // substring of the error, "" for success
	}{
		{"defaults", nil, nil, ""},
		{"public without tokens", nil, map[string]string{"APPEALBOT_HTTP_ADDR": ":8080"}, "not a loopback address"},
		{"public with tokens", nil, map[string]string{"APPEALBOT_HTTP_ADDR": ":8080", "APPEALBOT_API_TOKENS": "abcdefghijklmnop"}, ""},
		{"ipv6 loopback", nil, map[string]string{"APPEALBOT_HTTP_ADDR": "[::1]:8080"}, ""},
		{"localhost", nil, map[string]string{"APPEALBOT_HTTP_ADDR": "localhost:0"}, ""},
		{"short token", nil, map[string]string{"APPEALBOT_API_TOKENS": "short"}, "at least 16"},
		{"both secret forms", nil, map[string]string{"APPEALBOT_API_TOKENS": "abcdefghijklmnop", "APPEALBOT_API_TOKENS_FILE": file}, "both set"},
		{"flag beats env", []string{"--http-addr", "127.0.0.1:9"}, map[string]string{"APPEALBOT_HTTP_ADDR": ":8080"}, ""},
		{"bad addr", []string{"--http-addr", "nonsense"}, nil, "not host:port"},
		{"stray argument", []string{"extra"}, nil, "unexpected arguments"},
		{"budgets", []string{"--telegram-chat-interval", "2s", "--telegram-group-per-minute", "10", "--telegram-global-per-second", "5"}, nil, ""},
		{"bad group budget", nil, map[string]string{"APPEALBOT_TELEGRAM_GROUP_PER_MINUTE": "0"}, "APPEALBOT_TELEGRAM_GROUP_PER_MINUTE"},
		{"bad global budget", nil, map[string]string{"APPEALBOT_TELEGRAM_GLOBAL_PER_SECOND": "lots"}, "APPEALBOT_TELEGRAM_GLOBAL_PER_SECOND"},
		{"bad chat interval", nil, map[string]string{"APPEALBOT_TELEGRAM_CHAT_INTERVAL": "-1s"}, "APPEALBOT_TELEGRAM_CHAT_INTERVAL"},
		{"no chat interval", nil, map[string]string{"APPEALBOT_TELEGRAM_CHAT_INTERVAL": "0s"}, ""},
		{"strict chat interval", nil, map[string]string{"APPEALBOT_TELEGRAM_CHAT_TOLERANCE": "0s"}, ""},
		{"tolerance of a whole interval", nil, map[string]string{"APPEALBOT_TELEGRAM_CHAT_TOLERANCE": "1s"}, "APPEALBOT_TELEGRAM_CHAT_TOLERANCE"},
		{"bad tolerance", nil, map[string]string{"APPEALBOT_TELEGRAM_CHAT_TOLERANCE": "-5ms"}, "less than the chat interval (1s)"},
		{"bad coalesce", nil, map[string]string{"APPEALBOT_COALESCE_AFTER": "0s"}, "APPEALBOT_COALESCE_AFTER"},
		{"working week", []string{"--working-hours", "08:30-12:00, 14:00-17:30", "--working-days", "mon-fri,sat"}, nil, ""},
		{"bad working hours", nil, map[string]string{"APPEALBOT_WORKING_HOURS": "9-17"}, "APPEALBOT_WORKING_HOURS"},
		{"overlapping working hours", nil, map[string]string{"APPEALBOT_WORKING_HOURS": "09:00-13:00,12:00-18:00"}, "overlap"},
		{"no working hours", nil, map[string]string{"APPEALBOT_WORKING_HOURS": ","}, "APPEALBOT_WORKING_HOURS"},
		{"bad working days", nil, map[string]string{"APPEALBOT_WORKING_DAYS": "monday-friday"}, "APPEALBOT_WORKING_DAYS"},
		{"reminders", nil, map[string]string{"APPEALBOT_SCAN_SCHEDULE": "@every 30s", "APPEALBOT_QUIET_HOURS": "off",
			"APPEALBOT_NUDGE_SHARE": "0.3", "APPEALBOT_SUPERVISION_AFTER": "48h"}, ""},
		{"bad schedule", nil, map[string]string{"APPEALBOT_SCAN_SCHEDULE": "every minute"}, "APPEALBOT_SCAN_SCHEDULE"},
		{"bad quiet hours", nil, map[string]string{"APPEALBOT_QUIET_HOURS": "22-8"}, "APPEALBOT_QUIET_HOURS"},
		{"bad nudge share", nil, map[string]string{"APPEALBOT_NUDGE_SHARE": "1.5"}, "APPEALBOT_NUDGE_SHARE"},
		{"bad supervision after", nil, map[string]string{"APPEALBOT_SUPERVISION_AFTER": "soon"}, "APPEALBOT_SUPERVISION_AFTER"},
		{"ladder", nil, map[string]string{"APPEALBOT_DISPATCH_SLA": "1m", "APPEALBOT_DECISION_SLA": "4wh",
			"APPEALBOT_REPEAT_SCHEDULE": "workdays 09:30"}, ""},
		{"bad dispatch sla", nil, map[string]string{"APPEALBOT_DISPATCH_SLA": "2 hours"}, "APPEALBOT_DISPATCH_SLA"},
		{"bad decision sla", nil, map[string]string{"APPEALBOT_DECISION_SLA": "0wd"}, "APPEALBOT_DECISION_SLA"},
		{"bad repeat", nil, map[string]string{"APPEALBOT_REPEAT_SCHEDULE": "hourly"}, "APPEALBOT_REPEAT_SCHEDULE"},
		{"repeat too often", nil, map[string]string{"APPEALBOT_REPEAT_SCHEDULE": "10s"}, "at least 1m"},
		{"open311 keys", nil, map[string]string{"APPEALBOT_OPEN311_KEYS": "fms=fms-key-0123456789abcdef,portal=portal-key-0123456789"}, ""},
		{"bad open311 keys", nil, map[string]string{"APPEALBOT_OPEN311_KEYS": "fms"}, "APPEALBOT_OPEN311_KEYS: every entry must be NAME=KEY"},
		{"short open311 key", nil, map[string]string{"APPEALBOT_OPEN311_KEYS": "fms=short"}, "APPEALBOT_OPEN311_KEYS"},
		{"missing open311 services", nil, map[string]string{"APPEALBOT_OPEN311_SERVICES": "/nonexistent/services.json"}, "APPEALBOT_OPEN311_SERVICES"},
		{"bad open311 services", nil, map[string]string{"APPEALBOT_OPEN311_SERVICES": file}, "APPEALBOT_OPEN311_SERVICES"},
		{"web view", nil, map[string]string{"APPEALBOT_WEB_ADDR": "127.0.0.1:8090", "APPEALBOT_WEB_URL": "https://figures.gov.example/", "APPEALBOT_WEB_PUBLIC": "on"}, ""},
		{"bad web addr", nil, map[string]string{"APPEALBOT_WEB_ADDR": "8090"}, "APPEALBOT_WEB_ADDR"},
		{"bad web url", nil, map[string]string{"APPEALBOT_WEB_ADDR": "127.0.0.1:8090", "APPEALBOT_WEB_URL": "figures.gov.example"}, "APPEALBOT_WEB_URL: \"figures.gov.example\" is not an http(s) URL"},
		{"web url with a path", nil, map[string]string{"APPEALBOT_WEB_ADDR": "127.0.0.1:8090", "APPEALBOT_WEB_URL": "https://gov.example/figures"}, "served at the root of its host name"},
		{"web url without addr", nil, map[string]string{"APPEALBOT_WEB_URL": "https://figures.gov.example"}, "APPEALBOT_WEB_URL: needs APPEALBOT_WEB_ADDR"},
		{"bad web public", nil, map[string]string{"APPEALBOT_WEB_PUBLIC": "maybe"}, "APPEALBOT_WEB_PUBLIC"},
		{"router", nil, map[string]string{"APPEALBOT_AUTOROUTE_MIN_CONFIDENCE": "0.9", "APPEALBOT_ROUTER_INTERVAL": "30s",
			"APPEALBOT_ROUTER_RETRAIN_AFTER": "100"}, ""},
		{"autoroute of 1", []string{"--autoroute-min-confidence", "1"}, nil, ""},
		{"autoroute off", nil, map[string]string{"APPEALBOT_AUTOROUTE_MIN_CONFIDENCE": "OFF"}, ""},
		{"autoroute of 0", nil, map[string]string{"APPEALBOT_AUTOROUTE_MIN_CONFIDENCE": "0"}, "APPEALBOT_AUTOROUTE_MIN_CONFIDENCE"},
		{"autoroute in percent", nil, map[string]string{"APPEALBOT_AUTOROUTE_MIN_CONFIDENCE": "90"}, "above 0 up to 1"},
		{"bad router interval", nil, map[string]string{"APPEALBOT_ROUTER_INTERVAL": "10ms"}, "APPEALBOT_ROUTER_INTERVAL"},
		{"bad retrain after", nil, map[string]string{"APPEALBOT_ROUTER_RETRAIN_AFTER": "0"}, "APPEALBOT_ROUTER_RETRAIN_AFTER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig("serve", tc.args, envFunc(tc.env), &bytes.Buffer{})
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	if c, err := parseConfig("serve", nil, envFunc(map[string]string{"APPEALBOT_AUTOROUTE_MIN_CONFIDENCE": "0.93"}), &bytes.Buffer{}); err != nil ||
		c.AutorouteMin != 0.93 || c.RouterInterval != time.Minute || c.RouterRetrainAfter != 20 {
		t.Fatalf("router settings: %v %v %v %v", c.AutorouteMin, c.RouterInterval, c.RouterRetrainAfter, err)
	}
	if c, _ := parseConfig("serve", nil, envFunc(nil), &bytes.Buffer{}); c.AutorouteMin != 0 {
		t.Fatalf("automatic dispatch is on by default: %v", c.AutorouteMin)
	}
	c, err := parseConfig("serve", []string{"--telegram-group-per-minute", "10", "--telegram-chat-tolerance", "250ms"}, envFunc(map[string]string{"APPEALBOT_TELEGRAM_CHAT_INTERVAL": "2s"}), &bytes.Buffer{})
	if err != nil || c.TelegramLimits != (bot.Limits{PerChat: 2 * time.Second, PerChatTolerance: 250 * time.Millisecond, PerGroup: 10, GroupWindow: time.Minute, Global: 25}) || c.CoalesceAfter != 6*time.Second {
		t.Fatalf("budgets: %+v %v %v", c.TelegramLimits, c.CoalesceAfter, err)
	}
	c, err = parseConfig("serve", nil, envFunc(map[string]string{"APPEALBOT_WEB_ADDR": "127.0.0.1:8090"}), &bytes.Buffer{})
	if err != nil || c.WebURL != "http://127.0.0.1:8090" || c.WebPublic {
		t.Fatalf("web view defaults: %q %v %v", c.WebURL, c.WebPublic, err)
	}
	c, err = parseConfig("serve", nil, envFunc(map[string]string{"APPEALBOT_WORKING_DAYS": "sun-tue", "APPEALBOT_WORKING_HOURS": "08:00-16:00"}), &bytes.Buffer{})
	if err != nil || c.WorkingDays != [7]bool{time.Sunday: true, time.Monday: true, time.Tuesday: true} ||
		len(c.WorkingHours) != 1 || c.WorkingHours[0].String() != "08:00-16:00" {
		t.Fatalf("working week: %v %v %v", c.WorkingDays, c.WorkingHours, err)
	}
	c, err = parseConfig("serve", nil, envFunc(nil), &bytes.Buffer{})
	if err != nil || c.Reminders.DispatchSLA != appeal.WorkingHoursSpan(2*time.Hour) ||
		c.Reminders.DecisionSLA != appeal.WorkingDaysSpan(1) || c.Reminders.Repeat != (appeal.Repeat{}) {
		t.Fatalf("ladder defaults: %+v %v", c.Reminders, err)
	}
	c, err = parseConfig("serve", []string{"--repeat-schedule", "3h", "--dispatch-sla", "30m"}, envFunc(nil), &bytes.Buffer{})
	if err != nil || c.Reminders.Repeat.Every != appeal.CalendarSpan(3*time.Hour) || c.Reminders.DispatchSLA != appeal.CalendarSpan(30*time.Minute) {
		t.Fatalf("ladder flags: %+v %v", c.Reminders, err)
	}
	c, err = parseConfig("serve", nil, envFunc(map[string]string{"APPEALBOT_API_TOKENS_FILE": file, "APPEALBOT_HTTP_ADDR": "0.0.0.0:1"}), &bytes.Buffer{})
	if err != nil || len(c.APITokens) != 1 || c.APITokens[0] != "file-token-0123456789" {
		t.Fatalf("token from file: %v %v", c.APITokens, err)
	}
}

func TestSubcommands(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"version"}, envFunc(nil), &out, &bytes.Buffer{}); err != nil || !strings.HasPrefix(out.String(), "appealbot ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"frobnicate"}, envFunc(nil), &bytes.Buffer{}, &stderr)
	if exitCode(err, &stderr) != 2 {
		t.Fatalf("unknown command: %v", err)
	}
	dir := t.TempDir()
	if err := run(t.Context(), []string{"migrate", "--data-dir", dir}, envFunc(nil), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "appealbot.db")); err != nil {
		t.Fatalf("migrate made no database: %v", err)
	}
	err = run(t.Context(), []string{"serve", "-h"}, envFunc(nil), &bytes.Buffer{}, &stderr)
	if !errors.Is(err, flag.ErrHelp) || exitCode(err, &stderr) != 0 || !strings.Contains(stderr.String(), "APPEALBOT_DATABASE_URL_FILE") {
		t.Fatalf("help: %v\n%s", err, stderr.String())
	}
}
