package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
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
