package api_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// nov is a November 2026 time in Shanghai; 2026-11-02 is a Monday.
func nov(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, shanghai) }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// kpiEnv is the API with feedback and stats over a real store, on a clock
// the test moves.
type kpiEnv struct {
	*env
	svc   *appeal.Service
	clock *clock
}

func newKPIEnv(t *testing.T, backend string) *kpiEnv {
	t.Helper()
	store := storagetest.Open(t, backend)
	c := &clock{t: nov(2, 9, 0)}
	svc := appeal.NewService(store, c.now, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: store}))
	srv := httptest.NewServer(api.New(svc, store, api.Options{Now: c.now, Feedback: svc,
		Stats: &api.Stats{Source: store, Weights: kpi.DefaultWeights, Location: shanghai}}))
	t.Cleanup(srv.Close)
	if _, err := svc.SaveDepartment(context.Background(), appeal.Department{Code: "water", Name: "供水公司"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveDepartment(context.Background(), appeal.Department{Code: "parks", Name: "园林局"}); err != nil {
		t.Fatal(err)
	}
	return &kpiEnv{env: &env{t: t, store: store, srv: srv}, svc: svc, clock: c}
}

// intake hands in an appeal for water at t.
func (e *kpiEnv) intake(ext string, t time.Time) appeal.ID {
	e.t.Helper()
	e.clock.set(t)
	a, _, err := e.svc.Intake(context.Background(), appeal.Intake{Source: "12345", ExternalID: ext, Title: "停水",
		Body: "三天没水", Department: "water", ReceivedAt: t})
	if err != nil {
		e.t.Fatal(err)
	}
	return a.ID
}

func (e *kpiEnv) act(id appeal.ID, t time.Time, cmd appeal.Command) {
	e.t.Helper()
	e.clock.set(t)
	if _, err := e.svc.Act(context.Background(), id, cmd); err != nil {
		e.t.Fatalf("%s: %v", cmd.Action, err)
	}
}

func (e *kpiEnv) feedback(id appeal.ID, t time.Time, body string) (int, map[string]any) {
	e.t.Helper()
	e.clock.set(t)
	return e.do("POST", "/api/v1/appeals/"+itoa(int64(id))+"/feedback", "application/json", body)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestFeedbackAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newKPIEnv(t, backend)
		id := e.intake("F-1", nov(2, 9, 0))

		// Feedback on an appeal still being worked on makes no sense.
		if st, m := e.feedback(id, nov(2, 9, 10), `{"result":"satisfied"}`); st != http.StatusConflict || errField(m, "code") != "not_answered" {
			t.Errorf("on an assigned appeal: %d %v", st, m)
		}
		e.act(id, nov(2, 10, 0), appeal.Command{Action: appeal.ActAnswer, Actor: 1, Text: "已恢复供水"})

		for _, c := range []struct {
			body, field, code string
		}{
			{`{"result":"happy"}`, "result", "invalid"},
			{`{}`, "result", "required"},
			{`{"result":"satisfied","mood":1}`, "mood", "unknown_field"},
			{`{"result":"satisfied","comment":"` + strings.Repeat("长", 2001) + `"}`, "comment", "too_long"},
			{`{"result":1}`, "result", "wrong_type"},
		} {
			st, m := e.feedback(id, nov(2, 11, 0), c.body)
			if st != http.StatusBadRequest || errField(m, "field") != c.field || errField(m, "code") != c.code {
				t.Errorf("%s: %d %v, want 400 %s %s", c.body, st, m, c.field, c.code)
			}
		}
		if st, m := e.feedback(9999, nov(2, 11, 0), `{"result":"satisfied"}`); st != http.StatusNotFound || errField(m, "field") != "id" {
			t.Errorf("unknown appeal: %d %v", st, m)
		}

		// Unsatisfied reopens the appeal in water with the comment.
		body := `{"result":"unsatisfied","comment":"还是没水 <b>"}`
		st, m := e.feedback(id, nov(2, 15, 0), body)
		if st != http.StatusCreated || m["reopened"] != true || m["duplicate"] != false || m["id"] == float64(0) {
			t.Fatalf("unsatisfied: %d %v", st, m)
		}
		if a := m["appeal"].(map[string]any); a["status"] != "assigned" || a["department"] != "water" {
			t.Errorf("appeal after unsatisfied: %v", a)
		}
		// The upstream retries, also after the reopen: nothing changes.
		for range 2 {
			st, m = e.feedback(id, nov(2, 15, 1), body)
			if st != http.StatusOK || m["duplicate"] != true || m["reopened"] != true {
				t.Errorf("retry: %d %v", st, m)
			}
		}
		_, events, err := e.svc.Appeal(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, ev := range events {
			kinds = append(kinds, string(ev.Kind)+":"+ev.Outcome)
		}
		if got := strings.Join(kinds, " "); got != "received: assigned: claimed: answered: feedback:unsatisfied reopened:" {
			t.Errorf("events %s", got)
		}

		// Answered again, then judged by id: a reused id with another
		// result is a conflict.
		e.act(id, nov(3, 10, 0), appeal.Command{Action: appeal.ActAnswer, Actor: 1, Text: "已更换水管"})
		if st, m := e.feedback(id, nov(3, 11, 0), `{"result":"satisfied","feedback_id":"cb-9"}`); st != http.StatusCreated || m["feedback_id"] != "cb-9" {
			t.Errorf("with id: %d %v", st, m)
		}
		if st, m := e.feedback(id, nov(3, 11, 5), `{"result":"satisfied","feedback_id":"cb-9"}`); st != http.StatusOK || m["duplicate"] != true {
			t.Errorf("same id again: %d %v", st, m)
		}
		if st, m := e.feedback(id, nov(3, 11, 5), `{"result":"unsatisfied","feedback_id":"cb-9"}`); st != http.StatusConflict || errField(m, "field") != "feedback_id" {
			t.Errorf("same id, other result: %d %v", st, m)
		}
	})
}

func errField(m map[string]any, key string) any {
	e, _ := m["error"].(map[string]any)
	return e[key]
}

// TestStatsAPI: two appeals in water, worked on the office calendar, and
// the figures computed by hand.
//
//	#1 reaches water Mon 11-02 09:00, claimed 09:30 (by 11:00), answered
//	   14:00; satisfied.
//	#2 reaches water 10:00 (claim by 12:00), answered (and so claimed) Tue
//	   11-03 10:00; unsatisfied at 11:00 reopens it (claim by 14:30: 1h
//	   before lunch, 1h after), untouched until now, Wed 11-04 12:00.
func TestStatsAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newKPIEnv(t, backend)
		a := e.intake("S-1", nov(2, 9, 0))
		e.act(a, nov(2, 9, 30), appeal.Command{Action: appeal.ActClaim, Actor: 1})
		e.act(a, nov(2, 14, 0), appeal.Command{Action: appeal.ActAnswer, Actor: 1, Text: "已修复"})
		e.feedback(a, nov(2, 15, 0), `{"result":"satisfied"}`)
		b := e.intake("S-2", nov(2, 10, 0))
		e.act(b, nov(3, 10, 0), appeal.Command{Action: appeal.ActAnswer, Actor: 1, Text: "已处理"})
		if st, m := e.feedback(b, nov(3, 11, 0), `{"result":"unsatisfied","comment":"没修好"}`); st != http.StatusCreated {
			t.Fatalf("feedback: %d %v", st, m)
		}
		e.clock.set(nov(4, 12, 0))

		st, m := e.do("GET", "/api/v1/stats?from=2026-11-02&to=2026-11-04", "", "")
		if st != http.StatusOK {
			t.Fatalf("stats: %d %v", st, m)
		}
		if m["from"] != "2026-11-01T16:00:00Z" || m["to"] != "2026-11-04T16:00:00Z" {
			t.Errorf("period %v – %v, want Shanghai's 11-02 00:00 to 11-05 00:00", m["from"], m["to"])
		}
		depts := m["departments"].([]any)
		if len(depts) != 2 {
			t.Fatalf("departments %v", depts)
		}
		parks, water := depts[0].(map[string]any), depts[1].(map[string]any)
		want := map[string]any{
			"department": "water", "received": 2.0, "claimed": 2.0, "answered": 2.0, "reopened": 1.0,
			"satisfied": 1.0, "unsatisfied": 1.0,
			// #1 is answered but not closed: open, due to be resolved in
			// 7wd; #2 is past its claim deadline.
			"open": 2.0, "overdue": 1.0,
			// #1 on time; #2 late (12:00 Monday); #2 reopened late (14:30 Tuesday).
			"claims_due": 3.0, "claims_on_time": 1.0,
			"response_rate": 1.0, "satisfaction_rate": 0.5, "resolution_rate": nil,
		}
		for k, v := range want {
			if water[k] != v {
				t.Errorf("water %s = %v, want %v", k, water[k], v)
			}
		}
		// Score: (30×1 + 35×0.5) / 65 × 100.
		if s, _ := water["score"].(float64); math.Abs(s-4750.0/65) > 1e-9 {
			t.Errorf("water score %v", water["score"])
		}
		// To claim: 30m and 24h of wall time; 30m and 7h30m of working
		// time (10:00–12:00, 13:30–18:00, then 09:00–10:00).
		// Medians and 90th percentiles are estimates from buckets, within
		// kpi.MaxEstimateError of the exact figure.
		tc := water["time_to_claim"].(map[string]any)
		if tc["samples"] != 2.0 {
			t.Errorf("time_to_claim samples = %v, want 2", tc["samples"])
		}
		for k, v := range map[string]float64{"median_s": (1800 + 86400) / 2, "p90_s": 86400,
			"working_median_s": (1800 + 27000) / 2, "working_p90_s": 27000} {
			got, _ := tc[k].(float64)
			if bound := kpi.MaxEstimateError(time.Duration(v) * time.Second).Seconds(); math.Abs(got-v) > bound {
				t.Errorf("time_to_claim %s = %v, want %v ± %v", k, tc[k], v, bound)
			}
		}
		if parks["score"] != nil || parks["response_rate"] != nil || parks["time_to_answer"].(map[string]any)["median_s"] != nil {
			t.Errorf("parks without appeals: %v", parks)
		}
		if o := m["overall"].(map[string]any); o["received"] != 2.0 || o["department"] != nil {
			t.Errorf("overall %v", o)
		}

		// One department; RFC 3339 bounds.
		st, m = e.do("GET", "/api/v1/stats?department=WATER&from=2026-11-03T00:00:00%2B08:00&to=2026-11-04T00:00:00%2B08:00", "", "")
		if st != http.StatusOK || m["overall"] != nil || len(m["departments"].([]any)) != 1 {
			t.Fatalf("one department: %d %v", st, m)
		}
		if w := m["departments"].([]any)[0].(map[string]any); w["received"] != 0.0 || w["answered"] != 1.0 {
			t.Errorf("water on 11-03: %v", w)
		}
		// Without from: the 7 days up to now.
		if st, m = e.do("GET", "/api/v1/stats", "", ""); st != http.StatusOK || m["from"] != "2026-10-28T04:00:00Z" {
			t.Errorf("default period: %d from %v", st, m["from"])
		}

		for _, c := range []struct{ query, field string }{
			{"from=yesterday", "from"},
			{"to=2026-13-01", "to"},
			{"from=2026-11-04&to=2026-11-02", "from"},
			{"from=2024-01-01&to=2026-11-02", "from"},
			{"department=" + strings.Repeat("x", 40), "department"},
		} {
			st, m := e.do("GET", "/api/v1/stats?"+c.query, "", "")
			if st != http.StatusBadRequest || errField(m, "field") != c.field || errField(m, "code") != "invalid" {
				t.Errorf("%s: %d %v, want 400 invalid on %s", c.query, st, m, c.field)
			}
		}
		// A well-formed code of no department is not found, as the README
		// documents.
		if st, m := e.do("GET", "/api/v1/stats?department=nosuch", "", ""); st != http.StatusNotFound ||
			errField(m, "code") != "not_found" || errField(m, "field") != "department" {
			t.Errorf("unknown department: %d %v, want 404 not_found on department", st, m)
		}
	})
}

// busySource is a store whose figures readers are all taken.
type busySource struct{ kpi.Source }

func (busySource) FactSums(context.Context, time.Time, time.Time, time.Time, string) ([]kpi.Sums, error) {
	return nil, kpi.ErrBusy
}

// TestStatsBusy: when too many figures requests are being answered, the
// API says so with 503 and Retry-After instead of queueing without bound.
func TestStatsBusy(t *testing.T) {
	store := storagetest.Open(t, "sqlite")
	svc := appeal.NewService(store, time.Now, "Asia/Shanghai")
	srv := httptest.NewServer(api.New(svc, store, api.Options{
		Stats: &api.Stats{Source: busySource{store}, Weights: kpi.DefaultWeights}}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || body.Error.Code != "busy" {
		t.Errorf("busy: %d, Retry-After %q, %+v", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}
