package metrics_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/metrics"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// scrape fetches url and returns every sample as `name{l="v",...}` (labels
// sorted) → value; histograms give name_count and name_sum.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			key := func(suffix string) string {
				var ls []string
				for _, l := range m.GetLabel() {
					ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
				}
				sort.Strings(ls)
				return name + suffix + "{" + strings.Join(ls, ",") + "}"
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out[key("")] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				out[key("")] = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				out[key("_count")] = float64(m.GetHistogram().GetSampleCount())
				out[key("_sum")] = m.GetHistogram().GetSampleSum()
			}
		}
	}
	return out
}

// waterAndRoads is a store of backend b with departments water and roads,
// and the service on the clock *now.
func waterAndRoads(t *testing.T, b string, now *time.Time) (*storage.Store, *appeal.Service) {
	t.Helper()
	store := storagetest.Open(t, b)
	svc := appeal.NewService(store, func() time.Time { return *now }, "Asia/Shanghai")
	for _, code := range []string{"water", "roads"} {
		if _, err := svc.SaveDepartment(t.Context(), appeal.Department{Code: code, Name: code}); err != nil {
			t.Fatal(err)
		}
	}
	return store, svc
}

func TestStoreMetrics(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			// Monday 2026-11-02 09:00 in Shanghai.
			now := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
			store, svc := waterAndRoads(t, b, &now)
			in := func(ext, dept string) appeal.Appeal {
				a, _, err := svc.Intake(ctx, appeal.Intake{Source: "12345", ExternalID: ext, Title: "t", Body: "b", Department: dept})
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			act := func(id appeal.ID, cmd appeal.Command) {
				if _, err := svc.Act(ctx, id, cmd); err != nil {
					t.Fatal(err)
				}
			}
			a1, a2 := in("1", "water"), in("2", "water")
			a3 := in("3", "")
			in("4", "roads")
			act(a1.ID, appeal.Command{Action: appeal.ActClaim, Actor: 1})
			act(a1.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 1, Text: "done"})
			act(a3.ID, appeal.Command{Action: appeal.ActAssign, Department: "roads"})
			act(a3.ID, appeal.Command{Action: appeal.ActTransfer, Department: "water", Text: "not ours"})
			act(a2.ID, appeal.Command{Action: appeal.ActClaim, Actor: 2})
			in("5", "")

			// Three hours later the unclaimed appeals (one in each
			// department) are past their claim deadline (2wh); the claimed
			// and answered ones are not yet due.
			now = now.Add(3 * time.Hour)
			m := metrics.New(store, func() time.Time { return now }, nil)
			srv := httptest.NewServer(m.Handler())
			defer srv.Close()
			got := scrape(t, srv.URL)
			want := map[string]float64{
				`appealbot_appeals_intake_total{}`:                             5,
				`appealbot_appeals_received_total{department="water"}`:         3, // two at intake, one transferred in
				`appealbot_appeals_received_total{department="roads"}`:         2, // one at intake, one by dispatch
				`appealbot_appeals_claimed_total{department="water"}`:          2,
				`appealbot_appeals_answered_total{department="water"}`:         1,
				`appealbot_appeals_open{department="water",status="answered"}`: 1,
				`appealbot_appeals_open{department="water",status="claimed"}`:  1,
				`appealbot_appeals_open{department="water",status="assigned"}`: 1,
				`appealbot_appeals_open{department="roads",status="assigned"}`: 1,
				`appealbot_appeals_open{department="",status="unassigned"}`:    1,
				`appealbot_appeals_overdue{department="roads"}`:                1,
				`appealbot_appeals_overdue{department="water"}`:                1,
				`appealbot_store_scrape_ok{}`:                                  1,
			}
			for k, v := range want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
				}
			}
			if _, ok := got[`appealbot_appeals_claimed_total{department="roads"}`]; ok {
				t.Error("a department without claims has a claimed series")
			}
			// Nothing was delivered: the cards wait in the outbox since
			// intake, three hours ago.
			if got[`appealbot_outbox_pending{recipient="department"}`] < 4 ||
				got[`appealbot_outbox_oldest_pending_age_seconds{recipient="department"}`] != 3*3600 {
				t.Errorf("outbox: %v", got)
			}
			// None was tried yet, so none is known to reach no one; two
			// found so are counted at the next scrape.
			if g, ok := got[`appealbot_undeliverable_messages{}`]; !ok || g != 0 {
				t.Errorf("undeliverable before delivery tried: %v (present %v)", g, ok)
			}
			rows, err := store.ClaimOutbox(ctx, []appeal.RecipientKind{appeal.ToDispatch}, now, 2, time.Minute)
			if err != nil || len(rows) != 2 {
				t.Fatalf("claim: %v %v", rows, err)
			}
			for _, r := range rows {
				if err := store.MarkUndeliverable(ctx, r.ID, now, now.Add(time.Minute), "no one"); err != nil {
					t.Fatal(err)
				}
			}
			if got = scrape(t, srv.URL); got[`appealbot_undeliverable_messages{}`] != 2 {
				t.Errorf("undeliverable: %v", got[`appealbot_undeliverable_messages{}`])
			}

			// New appeals count at once, and a new process counts the same
			// from its first scrape.
			in("6", "roads")
			got = scrape(t, srv.URL)
			if got[`appealbot_appeals_intake_total{}`] != 6 || got[`appealbot_appeals_received_total{department="roads"}`] != 3 {
				t.Errorf("with a new appeal: %v", got)
			}
			now = now.Add(time.Minute)
			in("7", "")
			restarted := httptest.NewServer(metrics.New(store, func() time.Time { return now }, nil).Handler())
			defer restarted.Close()
			for _, u := range []string{srv.URL, restarted.URL} {
				got = scrape(t, u)
				if got[`appealbot_appeals_intake_total{}`] != 7 || got[`appealbot_appeals_received_total{department="roads"}`] != 3 ||
					got[`appealbot_appeals_claimed_total{department="water"}`] != 2 {
					t.Errorf("%s, with the new appeals: %v", u, got)
				}
			}

			// The process's own counters, through their hooks.
			m.SendFailed("telegram", bot.RateLimited, 3*time.Second)
			m.SendFailed("telegram", bot.RateLimited, 2*time.Second)
			m.SendFailed("telegram", bot.Permanent, 0)
			m.ScanDone(40*time.Millisecond, 10, nil)
			m.ScanDone(time.Second, 0, errors.New("database gone"))
			m.Request("GET", "/api/v1/appeals/{id}", 200, 5*time.Millisecond)
			got = scrape(t, srv.URL)
			for k, v := range map[string]float64{
				`appealbot_delivery_send_errors_total{kind="rate_limited",network="telegram"}`:                          2,
				`appealbot_delivery_send_errors_total{kind="permanent",network="telegram"}`:                             1,
				`appealbot_delivery_retry_after_seconds_total{network="telegram"}`:                                      5,
				`appealbot_reminder_scan_duration_seconds_count{}`:                                                      2,
				`appealbot_reminder_scan_errors_total{}`:                                                                1,
				`appealbot_http_request_duration_seconds_count{method="GET",route="/api/v1/appeals/{id}",status="200"}`: 1,
			} {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}

			// A database that does not answer costs the store's metrics,
			// not the scrape.
			if err := store.Close(); err != nil {
				t.Fatal(err)
			}
			got = scrape(t, srv.URL)
			if got[`appealbot_store_scrape_ok{}`] != 0 || got[`appealbot_reminder_scan_errors_total{}`] != 1 {
				t.Errorf("with the store closed: %v", got)
			}
			if _, ok := got[`appealbot_appeals_intake_total{}`]; ok {
				t.Error("store metrics reported although the store failed")
			}
		})
	}
}

// TestReturnedAppealsCountForDispatch: a returned appeal waits for
// dispatch, so the open gauge shows it with an empty department, as the
// README says, and not under the department that sent it back (which the
// appeal remembers so that dispatch does not assign it there again).
func TestReturnedAppealsCountForDispatch(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			now := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
			store, svc := waterAndRoads(t, b, &now)
			for i, dept := range []string{"water", "roads", "roads"} {
				a, _, err := svc.Intake(ctx, appeal.Intake{Source: "12345", ExternalID: fmt.Sprint(i), Title: "t", Body: "b", Department: dept})
				if err != nil {
					t.Fatal(err)
				}
				if i < 2 {
					if _, err := svc.Act(ctx, a.ID, appeal.Command{Action: appeal.ActReturn, Actor: 1, Text: "not ours"}); err != nil {
						t.Fatal(err)
					}
				}
			}
			srv := httptest.NewServer(metrics.New(store, func() time.Time { return now }, nil).Handler())
			defer srv.Close()
			got := scrape(t, srv.URL)
			if g := got[`appealbot_appeals_open{department="",status="returned"}`]; g != 2 {
				t.Errorf("returned appeals waiting for dispatch: %v, want 2 (%v)", g, got)
			}
			if g := got[`appealbot_appeals_open{department="roads",status="assigned"}`]; g != 1 {
				t.Errorf("roads assigned: %v, want 1", g)
			}
			for k := range got {
				if strings.Contains(k, `status="returned"`) && !strings.Contains(k, `department=""`) {
					t.Errorf("%s: a returned appeal counted for a department", k)
				}
			}
		})
	}
}
