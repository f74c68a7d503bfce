package main

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/render"
)

// scrapeMetrics fetches /metrics with token and returns every sample as
// `name{l="v",...}` (labels sorted) → value; histograms give name_count.
func scrapeMetrics(t *testing.T, base, token string) map[string]float64 {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			sort.Strings(ls)
			labels := "{" + strings.Join(ls, ",") + "}"
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out[name+labels] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				out[name+labels] = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				out[name+"_count"+labels] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

// TestMetricsEndToEnd: after an appeal is handed in over HTTP, its card is
// refused once with a 429 by the Bot API server and then delivered, and a
// responder claims it with the button, /metrics (behind the API's bearer
// token) shows all of it, with the reminder scan that runs at start.
func TestMetricsEndToEnd(t *testing.T) {
	const token = "metrics-token-0123456789"
	tg := botapitest.New(t)
	env := map[string]string{
		"APPEALBOT_DATA_DIR":         t.TempDir(),
		"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
		"APPEALBOT_ADMINS":           "100",
		"APPEALBOT_LANGUAGE":         "en",
		"APPEALBOT_API_TOKENS":       token,
	}
	base, log, stop := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	const group = int64(-1001)
	admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Boss"}
	alice := botapitest.User{ID: 200, Username: "alice", FirstName: "Alice"}
	command(t, tg, group, admin, "/dept add water 供水公司", "water")
	command(t, tg, group, admin, "/dept bind water", "water")
	command(t, tg, group, admin, "/role add water responder 200", "200")

	tg.FailNext("sendMessage", 1, 429, "", 1)
	if st, m := postJSON(t, base+"/api/v1/appeals", token, `{"source":"12345","external_id":"M-1",
		"title":"停水","body":"三天没水","department":"water"}`); st != 201 {
		t.Fatalf("intake: %d %v", st, m)
	}
	var card botapitest.Message
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		var ok bool
		card, ok = lastIn(s, group, "#1")
		return ok && len(card.Buttons) > 0
	}, 15*time.Second)
	claim := ""
	for _, row := range card.Buttons {
		for _, b := range row {
			if c, _, ok := render.ParseButton(b.Data); ok && c == "claim" {
				claim = b.Data
			}
		}
	}
	tg.PressButton(group, card.MessageID, alice, claim)
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		return strings.Contains(message(s, group, card.MessageID).Plain, "Status: claimed")
	}, 10*time.Second)

	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("/metrics without the token: %s", resp.Status)
	}

	got := scrapeMetrics(t, base, token)
	for k, v := range map[string]float64{
		`appealbot_appeals_intake_total{}`:                                                                  1,
		`appealbot_appeals_received_total{department="water"}`:                                              1,
		`appealbot_appeals_claimed_total{department="water"}`:                                               1,
		`appealbot_appeals_open{department="water",status="claimed"}`:                                       1,
		`appealbot_appeals_overdue{department="water"}`:                                                     0,
		`appealbot_delivery_send_errors_total{kind="rate_limited",network="telegram"}`:                      1,
		`appealbot_delivery_retry_after_seconds_total{network="telegram"}`:                                  1,
		`appealbot_http_request_duration_seconds_count{method="POST",route="/api/v1/appeals",status="201"}`: 1,
		`appealbot_http_request_duration_seconds_count{method="GET",route="/metrics",status="401"}`:         1,
		`appealbot_store_scrape_ok{}`:                                                                       1,
	} {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	if got[`appealbot_reminder_scan_duration_seconds_count{}`] < 1 {
		t.Errorf("no reminder scan recorded, though one runs at start")
	}
	if tg.Count429() != 1 {
		t.Errorf("the Bot API server sent %d 429s, want 1", tg.Count429())
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}
