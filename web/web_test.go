package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/worldtest"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/web"
)

var (
	t0       = worldtest.T0
	shanghai = mustZone("Asia/Shanghai")
)

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// world is the test world of package worldtest with the web view over it,
// and appeals in every state a page shows:
//
//	A roads: claimed and answered; satisfied.
//	B roads: untouched; claim deadline passed at t0 (overdue).
//	C water: answered and closed unresolved.
//	D: waiting for dispatch since t0-3h.
//	E roads: returned to dispatch at t0-1h.
//	F roads: urgent, claim deadline t0+10m (at risk).
//	G roads: claimed by Rita Roads.
type world struct {
	t     *testing.T
	w     *worldtest.World
	srv   *web.Server
	mu    sync.Mutex
	now   time.Time
	opt   web.Options
	ids   map[string]appeal.ID
	links int
}

func (w *world) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *world) at(t time.Time) {
	w.mu.Lock()
	w.now = t
	w.mu.Unlock()
}

func newWorld(t *testing.T, backend string, opt web.Options) *world {
	t.Helper()
	w := &world{t: t, now: t0.Add(-3 * time.Hour), ids: map[string]appeal.ID{}}
	w.w = worldtest.New(t, backend, w.clock)
	ctx := context.Background()
	intake := func(name, dept string, mod ...func(*appeal.Intake)) appeal.ID {
		mod = append(mod, func(in *appeal.Intake) {
			in.Title = "Title of " + name
			in.Body = "Body of " + name
			in.Category = map[string]string{"roads": "路面", "water": "供水", "": "其他"}[dept]
		})
		a := w.w.Intake(dept, mod...)
		w.ids[name] = a.ID
		return a.ID
	}
	a := intake("A", "roads")
	w.at(t0.Add(-150 * time.Minute))
	w.w.Act(a, worldtest.Resp, appeal.Command{Action: appeal.ActClaim})
	w.at(t0.Add(-time.Hour - 30*time.Minute))
	w.w.Act(a, worldtest.Resp, appeal.Command{Action: appeal.ActAnswer, Text: "The pothole is filled."})
	if _, err := w.w.Svc.Feedback(ctx, a, appeal.Feedback{Result: appeal.FeedbackSatisfied}); err != nil {
		t.Fatal(err)
	}
	w.at(t0.Add(-3 * time.Hour))
	intake("D", "", func(in *appeal.Intake) { in.Source = "web" })
	w.at(t0.Add(-2 * time.Hour))
	intake("B", "roads")
	w.at(t0.Add(-90 * time.Minute))
	e := intake("E", "roads")
	c := intake("C", "water")
	w.at(t0.Add(-time.Hour))
	w.w.Act(e, worldtest.Resp, appeal.Command{Action: appeal.ActReturn, Text: "Not ours."})
	g := intake("G", "roads")
	w.w.Act(g, worldtest.Resp, appeal.Command{Action: appeal.ActClaim})
	w.at(t0.Add(-30 * time.Minute))
	w.w.Act(c, worldtest.RespOther, appeal.Command{Action: appeal.ActAnswer, Text: "Fixed the main."})
	w.w.Act(c, worldtest.RespOther, appeal.Command{Action: appeal.ActClose, Text: "Partly.", Resolution: appeal.Unresolved})
	w.at(t0.Add(-20 * time.Minute))
	intake("F", "roads", func(in *appeal.Intake) { in.Priority = appeal.PriorityUrgent })
	w.at(t0.Add(time.Minute))

	if opt.URL == "" {
		opt.URL = "http://web.example"
	}
	opt.Location, opt.Lang, opt.Now = shanghai, "en", w.clock
	opt.Admins = []string{"9007"}
	w.opt = opt
	srv, err := web.New(w.w.Store, opt)
	if err != nil {
		t.Fatal(err)
	}
	w.srv = srv
	return w
}

// resp is a page as the test read it.
type resp struct {
	code   int
	body   string
	header http.Header
	// text is the body with tags removed and entities read, spaces
	// folded.
	text string
}

var tags = regexp.MustCompile(`<[^>]*>`)

func (w *world) do(method, path, cookie string, form url.Values, remote string) resp {
	w.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "appealbot_session", Value: cookie})
	}
	if remote != "" {
		req.RemoteAddr = remote
	}
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	b := rec.Body.String()
	return resp{code: rec.Code, body: b, header: rec.Header(),
		text: strings.Join(strings.Fields(html.UnescapeString(tags.ReplaceAllString(b, " "))), " ")}
}

func (w *world) get(path, cookie string) resp {
	w.t.Helper()
	return w.do("GET", path, cookie, nil, "")
}

// link stores a login link for role and returns its token.
func (w *world) link(role string) string {
	w.t.Helper()
	w.links++
	tok := fmt.Sprintf("test-link-%s-%d", role, w.links)
	now := w.clock()
	if err := w.w.Store.CreateWebLink(context.Background(), appeal.WebLink{Token: tok, Member: w.w.IDs[role],
		CreatedAt: now, ExpiresAt: now.Add(appeal.WebLinkTTL)}); err != nil {
		w.t.Fatal(err)
	}
	return tok
}

// login logs role in through a link and returns the session cookie.
func (w *world) login(role string) string {
	w.t.Helper()
	r := w.do("POST", "/login", "", url.Values{"token": {w.link(role)}}, "")
	if r.code != http.StatusSeeOther {
		w.t.Fatalf("login as %s: %d %s", role, r.code, r.text)
	}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "appealbot_session" {
			return c.Value
		}
	}
	w.t.Fatalf("login as %s set no session cookie", role)
	return ""
}

func has(t *testing.T, what string, r resp, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(r.text, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, r.text)
		}
	}
}

func hasNot(t *testing.T, what string, r resp, nots ...string) {
	t.Helper()
	for _, not := range nots {
		if strings.Contains(r.text, not) {
			t.Errorf("%s shows %q:\n%s", what, not, r.text)
		}
	}
}

// TestLoginLink: a link shows a button; the button starts a session with
// a strict cookie; the same link again, an expired one and a forged one
// get a page that says so and never a session.
func TestLoginLink(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{})
	tok := w.link(worldtest.Leader)
	page := w.get("/login/"+tok, "")
	if page.code != http.StatusOK || !strings.Contains(page.body, `name="token" value="`+tok+`"`) {
		t.Fatalf("GET the link: %d\n%s", page.code, page.body)
	}
	// Opening the link (as a link preview would) used nothing up.
	r := w.do("POST", "/login", "", url.Values{"token": {tok}}, "")
	if r.code != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Fatalf("POST /login: %d %v", r.code, r.header)
	}
	set := r.header.Get("Set-Cookie")
	for _, want := range []string{"appealbot_session=", "HttpOnly", "SameSite=Lax", "Max-Age=43200", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(set, "Secure") {
		t.Errorf("cookie %q is Secure on an http URL", set)
	}
	cookie := strings.TrimPrefix(strings.Split(set, ";")[0], "appealbot_session=")
	if r := w.get("/", cookie); r.code != http.StatusOK {
		t.Fatalf("overview with the session: %d %s", r.code, r.text)
	}

	again := w.do("POST", "/login", "", url.Values{"token": {tok}}, "")
	if again.code != http.StatusGone || again.header.Get("Set-Cookie") != "" {
		t.Errorf("the link again: %d, cookie %q", again.code, again.header.Get("Set-Cookie"))
	}
	has(t, "the link again", again, "This link has been used already", "Send /web to the bot")

	late := w.link(worldtest.Leader)
	w.at(w.clock().Add(appeal.WebLinkTTL))
	r = w.do("POST", "/login", "", url.Values{"token": {late}}, "")
	if r.code != http.StatusGone || r.header.Get("Set-Cookie") != "" {
		t.Errorf("expired link: %d, cookie %q", r.code, r.header.Get("Set-Cookie"))
	}
	has(t, "expired link", r, "This link has expired")

	r = w.do("POST", "/login", "", url.Values{"token": {"forged-" + tok}}, "")
	if r.code != http.StatusNotFound || r.header.Get("Set-Cookie") != "" {
		t.Errorf("forged link: %d, cookie %q", r.code, r.header.Get("Set-Cookie"))
	}
	has(t, "forged link", r, "This is not a valid login link")

	// The session ends after twelve hours.
	w.at(t0.Add(appeal.WebSessionTTL + time.Minute))
	if r := w.get("/", cookie); r.code != http.StatusUnauthorized {
		t.Errorf("after 12 h: %d", r.code)
	}
}

// TestSecureCookie: behind an https URL the cookie is Secure.
func TestSecureCookie(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{URL: "https://figures.gov.example"})
	r := w.do("POST", "/login", "", url.Values{"token": {w.link(worldtest.Admin)}}, "")
	if !strings.Contains(r.header.Get("Set-Cookie"), "Secure") {
		t.Errorf("cookie %q is not Secure on an https URL", r.header.Get("Set-Cookie"))
	}
}

// TestLoginRateLimited: one address gets a bounded number of login
// attempts a minute; another address is not held up by it.
func TestLoginRateLimited(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{LoginsPerMinute: 5})
	for i := range 5 {
		r := w.do("POST", "/login", "", url.Values{"token": {fmt.Sprintf("guess-%d", i)}}, "192.0.2.1:4000")
		if r.code != http.StatusNotFound {
			t.Fatalf("attempt %d: %d", i, r.code)
		}
	}
	r := w.do("POST", "/login", "", url.Values{"token": {w.link(worldtest.Leader)}}, "192.0.2.1:4001")
	if r.code != http.StatusTooManyRequests || r.header.Get("Set-Cookie") != "" {
		t.Fatalf("sixth attempt: %d", r.code)
	}
	has(t, "sixth attempt", r, "Too many login attempts")
	if r := w.do("GET", "/login/x", "", nil, "192.0.2.1:4002"); r.code != http.StatusTooManyRequests {
		t.Errorf("GET a link past the limit: %d", r.code)
	}
	if r := w.do("POST", "/login", "", url.Values{"token": {w.link(worldtest.Leader)}}, "192.0.2.2:4000"); r.code != http.StatusSeeOther {
		t.Errorf("another address: %d", r.code)
	}
	w.at(w.clock().Add(time.Minute + time.Second))
	if r := w.do("POST", "/login", "", url.Values{"token": {w.link(worldtest.Leader)}}, "192.0.2.1:4000"); r.code != http.StatusSeeOther {
		t.Errorf("a minute later: %d", r.code)
	}
}

// TestAccess: every page against every kind of visitor. A leader of roads
// sees roads and nothing of water (404, as if it did not exist), nor the
// dispatch queue; dispatchers and admins see all; a responder is refused;
// without a session every page asks to log in.
func TestAccess(t *testing.T) {
	for _, backend := range []string{storage.SQLite, storage.Postgres} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, backend, web.Options{})
			roadsA := fmt.Sprint("/appeal/", w.ids["A"])
			waterC := fmt.Sprint("/appeal/", w.ids["C"])
			unassigned := fmt.Sprint("/appeal/", w.ids["D"])
			pages := []string{"/", "/dept/roads", "/dept/roads/trend.json", "/dept/water", "/dept/water/trend.json",
				roadsA, waterC, unassigned, "/dispatch", "/bulletin?month=2026-11", "/bulletin.xlsx?month=2026-11",
				"/public", "/public.xlsx", "/dept/nosuch", "/appeal/999999", "/appeal/x"}
			ok, no := http.StatusOK, http.StatusNotFound
			want := map[string][]int{
				worldtest.Leader:     {ok, ok, ok, no, no, ok, no, no, no, ok, ok, no, no, no, no, no},
				worldtest.LeadOther:  {ok, no, no, ok, ok, no, ok, no, no, ok, ok, no, no, no, no, no},
				worldtest.Dispatcher: {ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, no, no, no, no, no},
				worldtest.Admin:      {ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, no, no, no, no, no},
				worldtest.Boot:       {ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, ok, no, no, no, no, no},
			}
			for role, codes := range want {
				cookie := w.login(role)
				for i, p := range pages {
					if r := w.get(p, cookie); r.code != codes[i] {
						t.Errorf("%s GET %s: %d, want %d", role, p, r.code, codes[i])
					}
				}
			}
			for _, role := range []string{worldtest.Resp, worldtest.None} {
				cookie := w.login(role)
				r := w.get("/dept/roads", cookie)
				if r.code != http.StatusForbidden {
					t.Errorf("%s: %d", role, r.code)
				}
				has(t, role, r, "it is for leaders, dispatchers and admins")
			}
			for _, p := range pages[:11] {
				r := w.get(p, "")
				if r.code != http.StatusUnauthorized {
					t.Errorf("no session GET %s: %d", p, r.code)
				}
			}
			has(t, "no session", w.get("/", ""), "send /web to the bot in a private chat")
			// A leader's overview and bulletin show their department only.
			cookie := w.login(worldtest.Leader)
			for _, p := range []string{"/", "/bulletin?month=2026-11"} {
				r := w.get(p, cookie)
				has(t, "leader's "+p, r, "Roads")
				hasNot(t, "leader's "+p, r, "Water", "供水")
			}
			// The ranking links to no department the leader cannot open.
			if strings.Contains(w.get("/", cookie).body, `href="/dept/water`) {
				t.Error("the leader's overview links to water")
			}
		})
	}
}

// TestOverview: the ranking with scores, rates, the top and bottom
// marked, and the totals.
func TestOverview(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{})
	r := w.get("/", w.login(worldtest.Dispatcher))
	if r.code != http.StatusOK {
		t.Fatal(r.code, r.text)
	}
	has(t, "overview", r,
		"Overview 2026-11-01 – 2026-11-30",
		// Totals: 6 received by departments (A B E G F to roads, C to
		// water), 2 answered, 1 closed, 1 satisfied of 1, 0 resolved of 1.
		"All departments 6 Received 2 Answered 1 Closed",
		// roads: A answered of A B F G kept (E was returned): 25%;
		// satisfied 1 of 1; score (30×25 + 35×100)/65 = 65.4. water: C
		// answered 100%, unresolved 0%; score (30×100+35×0)/65 = 46.2.
		"1 Top five Roads 65.4 25% — 100%",
		"2 Bottom five Water 46.2 100% 0% —",
	)
	var chart struct {
		Categories []string
		Series     []struct{ Data []float64 }
	}
	m := regexp.MustCompile(`data-chart="([^"]*)"`).FindStringSubmatch(r.body)
	if m == nil || json.Unmarshal([]byte(html.UnescapeString(m[1])), &chart) != nil ||
		fmt.Sprint(chart.Categories, chart.Series[0].Data) != "[Roads Water] [65.4 46.2]" {
		t.Errorf("score chart data: %v %+v", m, chart)
	}
	week := w.get("/?period=week", w.login(worldtest.Dispatcher))
	has(t, "this week", week, "Overview 2026-11-23 – 2026-11-29")
	custom := w.get("/?period=custom&from=2026-11-23&to=2026-11-23", w.login(worldtest.Dispatcher))
	has(t, "custom", custom, "Overview 2026-11-23 – 2026-11-23")
	for _, bad := range []string{"?period=custom&from=2026-11-23&to=2026-11-01", "?period=custom&from=x", "?month=2030-01", "?period=year"} {
		r := w.get("/"+bad, w.login(worldtest.Dispatcher))
		if r.code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, r.code)
		}
		has(t, bad, r, "Not a period")
	}
	zh := w.get("/?lang=zh", w.login(worldtest.Dispatcher))
	has(t, "in Chinese", zh, "响应率", "解决率", "满意率", "红榜", "黑榜", "综合得分")
}

// TestDepartmentPage: figures, the overdue list most late first, the
// appeals due within a day, and who works on what.
func TestDepartmentPage(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{})
	r := w.get("/dept/roads", w.login(worldtest.Leader))
	if r.code != http.StatusOK {
		t.Fatal(r.code, r.text)
	}
	has(t, "roads", r,
		"1 of 2 Rank",
		fmt.Sprintf("Overdue, most late first 1 of 1 shown # Title Status Deadline Claimed by %d Title of B", w.ids["B"]),
		"late 1m",
		fmt.Sprintf("Due within 24 hours 1 of 1 shown # Title Status Deadline Claimed by %d Title of F", w.ids["F"]),
		"Responders' open work Responder Open Overdue Oldest since Rita Roads 1 0 2026-11-23 16:30 Not claimed yet 2",
	)
	if !strings.Contains(r.body, `data-src="/dept/roads/trend.json?month=2026-11"`) {
		t.Error("the page does not point its charts at the trend data")
	}
}

// TestTrend: per-day counts and the open backlog at each day's end.
func TestTrend(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{})
	r := w.get("/dept/roads/trend.json?period=custom&from=2026-11-22&to=2026-11-23", w.login(worldtest.Leader))
	if r.code != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatal(r.code, r.body)
	}
	var got struct {
		Trend, Backlog struct {
			Categories []string
			Series     []struct {
				Name string
				Data []float64
			}
		}
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatal(err)
	}
	// Everything happened on 11-23 (Shanghai): A B E G F received, A
	// answered, nothing closed, B's claim deadline missed. At the end of
	// 11-22 nothing was open; now B F G are, and A (answered, open until
	// closed).
	if s := fmt.Sprint(got.Trend.Categories, got.Trend.Series); s != "[11-22 11-23] [{Received [0 5]} {Answered [0 1]} {Closed [0 0]} {Overdue [0 1]}]" {
		t.Errorf("trend: %s", s)
	}
	if s := fmt.Sprint(got.Backlog.Series); s != "[{Open [0 4]}]" {
		t.Errorf("backlog: %s", s)
	}
	// A period that ended: its last day's backlog is now's less what
	// came and went since (5 received, E returned).
	r = w.get("/dept/roads/trend.json?period=custom&from=2026-11-21&to=2026-11-22", w.login(worldtest.Leader))
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprint(got.Backlog.Categories, got.Backlog.Series); s != "[11-21 11-22] [{Open [0 0]}]" {
		t.Errorf("backlog of a past period: %s", s)
	}
	bad := w.get("/dept/roads/trend.json?period=custom&from=2026-11-23&to=2026-11-01", w.login(worldtest.Leader))
	if bad.code != http.StatusBadRequest || !strings.Contains(bad.body, `"field":"from"`) {
		t.Errorf("a bad period: %d %s", bad.code, bad.body)
	}
}

// TestTrendMatchesDailyLoad: the trend read at once says per day what
// kpi.Load says of that day alone, and the backlog at the end of the
// last day is what is open now less what came and went since.
func TestTrendMatchesDailyLoad(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{})
	ctx := context.Background()
	// More happens on the days after: G answered, a new appeal.
	w.at(t0.Add(26 * time.Hour))
	w.w.Act(w.ids["G"], worldtest.Resp, appeal.Command{Action: appeal.ActAnswer, Text: "Done."})
	w.at(t0.Add(50 * time.Hour))
	w.w.Intake("roads")
	w.at(t0.Add(52 * time.Hour))
	now := w.clock()
	for _, q := range []string{"period=custom&from=2026-11-20&to=2026-11-30", "period=custom&from=2026-11-20&to=2026-11-24"} {
		r := w.get("/dept/roads/trend.json?"+q, w.login(worldtest.Leader))
		if r.code != http.StatusOK {
			t.Fatal(q, r.code, r.body)
		}
		var got struct {
			Trend, Backlog struct {
				Categories []string
				Series     []struct{ Data []float64 }
			}
		}
		if err := json.Unmarshal([]byte(r.body), &got); err != nil {
			t.Fatal(err)
		}
		var want [4][]float64
		var days []string
		day := time.Date(2026, 11, 20, 0, 0, 0, 0, shanghai)
		last := time.Date(2026, 11, 25, 0, 0, 0, 0, shanghai)
		if strings.HasSuffix(q, "11-30") {
			last = now
		}
		for ; day.Before(last); day = day.AddDate(0, 0, 1) {
			to := day.AddDate(0, 0, 1)
			if to.After(now) {
				to = now
			}
			rep, err := kpi.Load(ctx, w.w.Store, day.UTC(), to.UTC(), now.UTC(), kpi.DefaultWeights, "roads")
			if err != nil {
				t.Fatal(err)
			}
			f := rep.Departments[0]
			days = append(days, day.Format("01-02"))
			for i, x := range []int{f.Received, f.Answered, f.Closed, f.ClaimsDue - f.ClaimsOnTime + f.AnswersDue - f.AnswersOnTime} {
				want[i] = append(want[i], float64(x))
			}
		}
		if fmt.Sprint(got.Trend.Categories) != fmt.Sprint(days) {
			t.Fatalf("%s: days %v, want %v", q, got.Trend.Categories, days)
		}
		for i := range want {
			if fmt.Sprint(got.Trend.Series[i].Data) != fmt.Sprint(want[i]) {
				t.Errorf("%s: series %d is %v, kpi.Load per day says %v", q, i, got.Trend.Series[i].Data, want[i])
			}
		}
		if slices.Max(want[0]) == 0 || slices.Max(want[1]) == 0 {
			t.Errorf("%s: nothing received or answered in the trend: %v", q, want)
		}
		// The backlog at the end of the last day: open now less what
		// moved after it.
		open, err := kpi.Load(ctx, w.w.Store, now.Add(-time.Hour).UTC(), now.UTC(), now.UTC(), kpi.DefaultWeights, "roads")
		if err != nil {
			t.Fatal(err)
		}
		after := 0
		if last.Before(now) {
			rep, err := kpi.Load(ctx, w.w.Store, last.UTC(), now.UTC(), now.UTC(), kpi.DefaultWeights, "roads")
			if err != nil {
				t.Fatal(err)
			}
			f := rep.Departments[0]
			after = f.Received + f.Reopened - f.Closed - f.Returned - f.TransferredOut
		}
		backlog := got.Backlog.Series[0].Data
		if want := float64(open.Departments[0].Open - after); backlog[len(backlog)-1] != want {
			t.Errorf("%s: backlog at the end %v, want %v", q, backlog, want)
		}
	}
}

// TestAppealPage: the appeal, its deadlines, answers, verdicts and
// timeline.
func TestAppealPage(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{})
	r := w.get(fmt.Sprint("/appeal/", w.ids["A"]), w.login(worldtest.Leader))
	if r.code != http.StatusOK {
		t.Fatal(r.code, r.text)
	}
	zh := w.get(fmt.Sprint("/appeal/", w.ids["A"], "?lang=zh"), w.login(worldtest.Leader))
	has(t, "诉求 A", zh, "群众回访 2026-11-23 16:00 · 满意")
	c := w.get(fmt.Sprint("/appeal/", w.ids["C"]), w.login(worldtest.Dispatcher))
	has(t, "appeal C", c, "closed Walt Water water unresolved: Partly.")
	has(t, "appeal A", r, "Title of A", "Body of A", "Department Roads", "Category 路面",
		"Claim by 2026-11-23 16:30", "The pothole is filled. Rita Roads · 2026-11-23 16:00",
		"Citizen's verdicts 2026-11-23 16:00 · satisfied", "citizen's verdict system roads satisfied",
		"2026-11-23 14:30 received", "Rita Roads roads", "answered")
}

// TestDispatchQueue: appeals waiting for a department, the longest
// waiting first, with the returning department.
func TestDispatchQueue(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{})
	r := w.get("/dispatch", w.login(worldtest.Dispatcher))
	if r.code != http.StatusOK {
		t.Fatal(r.code, r.text)
	}
	has(t, "queue", r, "Waiting for a department: 2",
		fmt.Sprintf("%d Title of D", w.ids["D"]),
		fmt.Sprintf("%d Title of E", w.ids["E"]), "Roads 1h 1m", "3h 1m")
	if strings.Index(r.text, "Title of D") > strings.Index(r.text, "Title of E") {
		t.Error("the longest waiting is not first")
	}
}

// TestBulletin: the month's bulletin and its workbook carry the same
// tables.
func TestBulletin(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{})
	cookie := w.login(worldtest.Admin)
	r := w.get("/bulletin?month=2026-11", cookie)
	if r.code != http.StatusOK {
		t.Fatal(r.code, r.text)
	}
	has(t, "bulletin", r, "Bulletin on the handling of appeals, 2026-11",
		"6 appeals received, 2 answered, 1 closed; 1 overdue now.",
		"Top five Roads 65.4", "Bottom five Water 46.2 — Lowest rate: Resolution rate 0%",
		"By category Category Received Share Closed 路面 5 71.4% 0 供水 1 14.3% 1 其他 1 14.3% 0",
		"By source Source Received Share Closed hotline 6 85.7% 1 web 1 14.3% 0")
	if !strings.Contains(r.body, `href="/bulletin.xlsx?month=2026-11"`) {
		t.Error("no link to the workbook")
	}
	zh := w.get("/bulletin?month=2026-11&lang=zh", cookie)
	has(t, "通报", zh, "2026年11月 诉求办理考核通报", "本月共受理诉求 6 件", "失分项")
	if def := w.get("/bulletin", cookie); !strings.Contains(def.text, "Bulletin on the handling of appeals, 2026-10") {
		t.Errorf("the default bulletin is not last month's:\n%s", def.text)
	}

	x := w.get("/bulletin.xlsx?month=2026-11", cookie)
	if x.code != http.StatusOK || !strings.Contains(x.header.Get("Content-Disposition"), "bulletin-2026-11.xlsx") {
		t.Fatalf("xlsx: %d %v", x.code, x.header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := fmt.Sprint(f.GetSheetList()); got != "[All departments Rank By category By source]" {
		t.Errorf("sheets: %s", got)
	}
	rows, err := f.GetRows("Rank")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][1] != "Roads" || rows[1][2] != "65.4" || rows[2][1] != "Water" || rows[2][12] != "Bottom five" ||
		rows[2][13] != "Resolution rate 0%" {
		t.Errorf("ranking sheet: %q", rows)
	}
	if v, _ := f.GetCellValue("Rank", "D2"); v != "25.00%" {
		t.Errorf("roads' response rate cell: %q", v)
	}
	cats, _ := f.GetRows("By category")
	if fmt.Sprint(cats) != "[[Category Received Closed] [路面 5 0] [供水 1 1] [其他 1 0]]" {
		t.Errorf("category sheet: %q", cats)
	}
	tot, _ := f.GetRows("All departments")
	if len(tot) != 2 || tot[1][0] != "6" {
		t.Errorf("totals sheet: %q", tot)
	}
}

// TestPublic: with public mode on, the monthly figures and ranking are
// served without login and without any appeal's text or anyone's name;
// with it off there is no such page.
func TestPublic(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{Public: true})
	if r := w.get("/", ""); r.code != http.StatusSeeOther || r.header.Get("Location") != "/public" {
		t.Errorf("/ without a session: %d %v", r.code, r.header)
	}
	r := w.get("/public?month=2026-11", "")
	if r.code != http.StatusOK {
		t.Fatal(r.code, r.text)
	}
	has(t, "public", r, "Roads 65.4", "Water 46.2", "figures only, no appeal's content or anyone's name")
	hasNot(t, "public", r, "Title of", "Body of", "张三丰", "Rita", "Walt", "Lee", "Signed in")
	if strings.Contains(r.body, "/dept/") || strings.Contains(r.body, "/appeal/") {
		t.Error("the public page links to pages behind login")
	}
	if x := w.get("/public.xlsx?month=2026-11", ""); x.code != http.StatusOK {
		t.Errorf("public xlsx: %d", x.code)
	}
	// Other pages still need a session.
	if r := w.get("/dept/roads", ""); r.code != http.StatusUnauthorized {
		t.Errorf("a department page in public mode: %d", r.code)
	}
}

// TestLogout: logging out ends the session on the server, not only the
// cookie.
func TestLogout(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{})
	cookie := w.login(worldtest.Leader)
	r := w.do("POST", "/logout", cookie, url.Values{}, "")
	if r.code != http.StatusOK || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d %v", r.code, r.header)
	}
	has(t, "logout", r, "You are logged out")
	if r := w.get("/", cookie); r.code != http.StatusUnauthorized {
		t.Errorf("the old cookie after logout: %d", r.code)
	}
}

var (
	inlineScript = regexp.MustCompile(`<script(\s[^>]*)?>`)
	anyTag       = regexp.MustCompile(`<[^>]*>`)
	styleAttr    = regexp.MustCompile(`(?i)\sstyle=|^<style|\son[a-z]+=`)
)

// TestSafePages: every page sends the strict CSP and has no inline
// script, style or event handler; what people typed is escaped.
func TestSafePages(t *testing.T) {
	w := newWorld(t, storage.SQLite, web.Options{Public: true})
	// A title and body that would run if they were not escaped.
	w.w.Intake("roads", func(in *appeal.Intake) {
		in.Title = `<script>alert(1)</script>`
		in.Body = `"><img src=x onerror=alert(2)>`
	})
	cookie := w.login(worldtest.Admin)
	ids := w.get("/dept/roads", cookie)
	m := regexp.MustCompile(`/appeal/(\d+)">\d+</a></td>\s*<td class="name">&lt;script&gt;`).FindStringSubmatch(ids.body)
	if m == nil {
		t.Fatalf("the typed title is not escaped in the lists:\n%s", ids.body)
	}
	for _, p := range []string{"/", "/dept/roads", "/appeal/" + m[1], "/dispatch", "/bulletin?month=2026-11", "/public", "/login/abc", "/nosuch"} {
		r := w.get(p, cookie)
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", p, r.header)
		}
		for _, s := range inlineScript.FindAllString(r.body, -1) {
			if !strings.Contains(s, ` src="/static/`) {
				t.Errorf("%s: inline script %s", p, s)
			}
		}
		for _, tag := range anyTag.FindAllString(r.body, -1) {
			if styleAttr.MatchString(tag) {
				t.Errorf("%s: inline style or handler in %s", p, tag)
			}
		}
		if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
			t.Errorf("%s: typed text not escaped", p)
		}
	}
	if r := w.get("/static/vendor/echarts.min.js", ""); r.code != http.StatusOK || !strings.Contains(r.header.Get("Content-Type"), "javascript") {
		t.Errorf("echarts: %d %v", r.code, r.header)
	}
}

// TestEChartsPinned: the embedded ECharts is the build whose hash
// scripts/fetch-echarts.sh checks.
func TestEChartsPinned(t *testing.T) {
	js, err := os.ReadFile("static/vendor/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile("static/vendor/echarts.min.js.sha256")
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(js)
	if got, want := hex.EncodeToString(h[:]), strings.Fields(string(sum))[0]; got != want {
		t.Errorf("echarts.min.js has SHA-256 %s, the record says %s", got, want)
	}
	for _, f := range []string{"static/vendor/LICENSE-echarts", "static/vendor/NOTICE-echarts"} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
}

func TestMain(m *testing.M) {
	os.Exit(worldtest.Main(m, func(missing func(key, name string)) {
		render.MissingArg = func(k render.Key, name string) { missing(string(k), name) }
	}))
}
