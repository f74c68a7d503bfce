package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// movingClock is a clock that tests move.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movingClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newMovingEnv is newEnv with a clock the test moves, and the service.
func newMovingEnv(t *testing.T, backend string, opts ...appeal.Option) (*env, *appeal.Service, *movingClock) {
	t.Helper()
	clk := &movingClock{t: testNow}
	store := storagetest.Open(t, backend)
	svc := appeal.NewService(store, clk.now, "Asia/Shanghai", opts...)
	srv := httptest.NewServer(api.New(svc, store, api.Options{Callbacks: store, Now: clk.now, Urges: svc, Members: store}))
	t.Cleanup(srv.Close)
	return &env{t: t, store: store, srv: srv}, svc, clk
}

// ids are the ids of a listing's appeals.
func ids(m map[string]any) []int64 {
	var out []int64
	for _, a := range m["appeals"].([]any) {
		out = append(out, int64(a.(map[string]any)["id"].(float64)))
	}
	return out
}

// TestListByChangePagesStably: appeals changed at one moment are paged by
// id without loss or repeat, a changed appeal moves to the end, a poller
// that comes back with its cursor gets only what changed since, and what
// changed a moment ago waits until it has surely committed.
func TestListByChangePagesStably(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e, svc, clk := newMovingEnv(t, backend)
		e.putDept("water", `{"name":"供水公司"}`)
		since := url.QueryEscape(clk.now().Format(time.RFC3339Nano))
		for _, ext := range []string{"c1", "c2", "c3", "c4", "c5"} {
			if st, m := e.post(intakeBody(ext, "water")); st != http.StatusCreated {
				t.Fatalf("intake: %d %v", st, m)
			}
		}
		clk.add(time.Minute)
		if _, err := svc.Act(t.Context(), 2, appeal.Command{Action: appeal.ActClaim, Actor: 7}); err != nil {
			t.Fatal(err)
		}
		// #2 changed a moment ago: not listed yet.
		clk.add(time.Second)
		st, m := e.do("GET", "/api/v1/appeals?updated_since="+since+"&limit=10", "", "")
		if st != 200 || !slices.Equal(ids(m), []int64{1, 3, 4, 5}) {
			t.Fatalf("before the change settled: %d %v", st, m)
		}
		clk.add(10 * time.Second)

		var got []int64
		path := "/api/v1/appeals?updated_since=" + since + "&limit=2"
		cursor := ""
		for page := 0; ; page++ {
			st, m := e.do("GET", path, "", "")
			if st != 200 {
				t.Fatalf("page %d: %d %v", page, st, m)
			}
			got = append(got, ids(m)...)
			cursor = m["next_cursor"].(string)
			if m["has_more"] != true {
				break
			}
			path = "/api/v1/appeals?limit=2&after=" + cursor
		}
		if !slices.Equal(got, []int64{1, 3, 4, 5, 2}) {
			t.Fatalf("pages gave %v, want 1 3 4 5 then the changed 2", got)
		}

		// Coming back later with the cursor: nothing new, then one change.
		st, m = e.do("GET", "/api/v1/appeals?after="+cursor, "", "")
		if st != 200 || len(ids(m)) != 0 || m["has_more"] != false || m["next_cursor"] != cursor {
			t.Fatalf("poll with nothing new: %d %v", st, m)
		}
		if _, err := svc.Urge(t.Context(), 4, ""); err != nil {
			t.Fatal(err)
		}
		clk.add(10 * time.Second)
		st, m = e.do("GET", "/api/v1/appeals?after="+cursor, "", "")
		if st != 200 || !slices.Equal(ids(m), []int64{4}) || m["appeals"].([]any)[0].(map[string]any)["urges"] != 1.0 {
			t.Fatalf("poll after a change: %d %v", st, m)
		}

		for _, c := range []struct{ query, field string }{
			{"updated_since=yesterday", "updated_since"},
			{"after=bm90LWEtY3Vyc29y", "after"},
			{"after=" + encodeListCursor(t, e), "after"},
			{"updated_since=" + since + "&cursor=" + encodeListCursor(t, e), "cursor"},
		} {
			st, m := e.do("GET", "/api/v1/appeals?"+c.query, "", "")
			if st != http.StatusBadRequest || m["error"].(map[string]any)["field"] != c.field {
				t.Errorf("%s: %d %v, want 400 naming %s", c.query, st, m, c.field)
			}
		}
	})
}

// encodeListCursor is a cursor of the newest-first listing.
func encodeListCursor(t *testing.T, e *env) string {
	t.Helper()
	st, m := e.do("GET", "/api/v1/appeals?limit=1", "", "")
	if st != 200 || m["next_cursor"] == nil {
		t.Fatalf("listing: %d %v", st, m)
	}
	return m["next_cursor"].(string)
}

// TestUrgeAPI: an urge is counted and answered with the appeal; a second
// one within the interval is a 429 with Retry-After, an unknown appeal a
// 404, a closed one a 409, bad input a 400 naming the field, each with a
// JSON body.
func TestUrgeAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e, svc, clk := newMovingEnv(t, backend)
		e.putDept("water", `{"name":"供水公司"}`)
		if st, m := e.post(intakeBody("u1", "water")); st != http.StatusCreated {
			t.Fatalf("intake: %d %v", st, m)
		}
		st, m := e.do("POST", "/api/v1/appeals/1/urge", "application/json", `{"note":"一周了，请尽快"}`)
		if st != 200 || m["urges"] != 1.0 {
			t.Fatalf("urge: %d %v", st, m)
		}
		clk.add(20 * time.Minute)
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/appeals/1/urge", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "2400" {
			t.Fatalf("a second urge after 20 min: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		st, m = e.do("POST", "/api/v1/appeals/1/urge", "application/json", `{}`)
		if st != http.StatusTooManyRequests || m["error"].(map[string]any)["code"] != "urged_recently" {
			t.Fatalf("429 body: %v", m)
		}
		clk.add(time.Hour)
		if st, m := e.do("POST", "/api/v1/appeals/1/urge", "application/json", `{}`); st != 200 || m["urges"] != 2.0 {
			t.Fatalf("an urge after the interval: %d %v", st, m)
		}
		if _, err := svc.Act(t.Context(), 1, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "好了"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Act(t.Context(), 1, appeal.Command{Action: appeal.ActClose, Actor: 7, Text: "办结"}); err != nil {
			t.Fatal(err)
		}
		clk.add(2 * time.Hour)
		for _, c := range []struct {
			path, ct, body string
			status         int
			code, field    string
		}{
			{"/api/v1/appeals/1/urge", "application/json", `{}`, http.StatusConflict, "closed", ""},
			{"/api/v1/appeals/99/urge", "application/json", `{}`, http.StatusNotFound, "not_found", "id"},
			{"/api/v1/appeals/x/urge", "application/json", `{}`, http.StatusBadRequest, "invalid", "id"},
			{"/api/v1/appeals/1/urge", "application/json", `{"note":"` + strings.Repeat("急", 501) + `"}`, http.StatusBadRequest, "too_long", "note"},
			{"/api/v1/appeals/1/urge", "application/json", `{"notes":"x"}`, http.StatusBadRequest, "unknown_field", "notes"},
			{"/api/v1/appeals/1/urge", "text/plain", `{}`, http.StatusUnsupportedMediaType, "unsupported_media_type", ""},
		} {
			st, m := e.do("POST", c.path, c.ct, c.body)
			er, _ := m["error"].(map[string]any)
			if st != c.status || er["code"] != c.code || (c.field != "" && er["field"] != c.field) {
				t.Errorf("POST %s %s: %d %v, want %d %s %s", c.path, c.body[:min(len(c.body), 20)], st, m, c.status, c.code, c.field)
			}
		}
		if _, m := e.do("GET", "/api/v1/appeals/1", "", ""); m["urges"] != 2.0 {
			t.Errorf("urges after refused ones: %v", m["urges"])
		}
	})
}

// TestMembersAPI lists a department's people with their roles; an unknown
// department is a 404 and a malformed code a 400, both JSON.
func TestMembersAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e, _, clk := newMovingEnv(t, backend)
		e.putDept("water", `{"name":"供水公司"}`)
		e.putDept("roads", `{"name":"道路"}`)
		ctx := t.Context()
		li, err := e.store.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: "20002", Username: "li_si", DisplayName: "李四", CreatedAt: clk.now()})
		if err != nil {
			t.Fatal(err)
		}
		wang, err := e.store.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: "20003", CreatedAt: clk.now()})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []appeal.Grant{
			{Member: li.ID, Role: appeal.RoleLeader, Department: "water", Since: clk.now()},
			{Member: li.ID, Role: appeal.RoleResponder, Department: "water"},
			{Member: wang.ID, Role: appeal.RoleResponder, Department: "water", Since: clk.now()},
			{Member: wang.ID, Role: appeal.RoleLeader, Department: "roads"},
		} {
			if err := e.store.Grant(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		st, m := e.do("GET", "/api/v1/departments/WATER/members", "", "")
		if st != 200 || m["department"] != "water" {
			t.Fatalf("members: %d %v", st, m)
		}
		ms := m["members"].([]any)
		if len(ms) != 2 {
			t.Fatalf("members %v", ms)
		}
		first, second := ms[0].(map[string]any), ms[1].(map[string]any)
		roles := first["roles"].([]any)
		if first["display_name"] != "李四" || first["username"] != "li_si" || len(roles) != 2 ||
			roles[0].(map[string]any)["role"] != "leader" || roles[0].(map[string]any)["since"] != "2026-11-02T02:00:00Z" ||
			roles[1].(map[string]any)["role"] != "responder" {
			t.Errorf("first member %v", first)
		}
		if r := second["roles"].([]any); second["external_id"] != "20003" || len(r) != 1 || r[0].(map[string]any)["role"] != "responder" {
			t.Errorf("second member %v (its leader role is of roads)", second)
		}
		st, m = e.do("GET", "/api/v1/departments/parks/members", "", "")
		if er, _ := m["error"].(map[string]any); st != 404 || er["field"] != "code" || er["code"] != "not_found" {
			t.Errorf("unknown department: %d %v", st, m)
		}
		st, m = e.do("GET", "/api/v1/departments/no%20such/members", "", "")
		if er, _ := m["error"].(map[string]any); st != 400 || er["field"] != "code" {
			t.Errorf("malformed code: %d %v", st, m)
		}
	})
}

// TestIntakeCallbackEvents: the list an intake names is checked and kept,
// and without one the service's setting is.
func TestIntakeCallbackEvents(t *testing.T) {
	e, _, _ := newMovingEnv(t, "sqlite", appeal.WithCallbackEvents([]string{"answered", "closed"}))
	body := func(ext, extra string) string {
		return `{"source":"12345","external_id":"` + ext + `","title":"t","body":"b","callback_url":"https://hotline.example/cb"` + extra + `}`
	}
	for _, c := range []struct {
		body   string
		status int
		want   []any
	}{
		{body("e1", ""), 201, []any{"answered", "closed"}},
		{body("e2", `,"callback_events":["Appeal.Claimed","all"]`), 201, []any{"claimed", "all"}},
		{body("e3", `,"callback_events":null`), 201, []any{"answered", "closed"}},
		{body("e4", `,"callback_events":[]`), 400, nil},
		{body("e5", `,"callback_events":["answered","feedback"]`), 400, nil},
		{`{"source":"12345","external_id":"e6","title":"t","body":"b","callback_events":["closed"]}`, 400, nil},
		{body("e7", `,"callback_events":"closed"`), 400, nil},
	} {
		st, m := e.post(c.body)
		if st != c.status {
			t.Errorf("%s: %d %v, want %d", c.body, st, m, c.status)
			continue
		}
		if c.status != 201 {
			if er := m["error"].(map[string]any); er["field"] != "callback_events" {
				t.Errorf("%s: error %v, want it to name callback_events", c.body, er)
			}
			continue
		}
		got, _ := m["callback_events"].([]any)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: callback_events %v, want %v", c.body, got, c.want)
		}
	}
}
