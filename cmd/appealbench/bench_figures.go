package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/cmd/internal/app"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/metrics"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/web"
)

// benchFiguresOptions are the flags of `appealbench bench-figures`.
type benchFiguresOptions struct {
	appeals, departments, months int
	databaseURL                  string
	batch                        int
	runs                         int
	keep                         bool
}

// benchFiguresResult is the one JSON object bench-figures prints as the
// last line of stdout. Request times are the best and the worst of the
// runs; RSS growth is the peak resident set during the request over the
// resident set before it.
type benchFiguresResult struct {
	Store        string             `json:"store"`
	Appeals      int                `json:"appeals"`
	Events       int                `json:"events"`
	Departments  int                `json:"departments"`
	LoadS        float64            `json:"load_s"`
	BuildS       float64            `json:"build_s"`
	Requests     []benchFiguresCall `json:"requests"`
	Pages        []benchFiguresCall `json:"pages"`
	FirstScrape  float64            `json:"first_metrics_scrape_ms"`
	LaterScrape  float64            `json:"best_later_scrape_ms"`
	RSSResetable bool               `json:"rss_reset"`
}

type benchFiguresCall struct {
	What        string  `json:"what"`
	BestMS      float64 `json:"best_ms"`
	WorstMS     float64 `json:"worst_ms"`
	RSSGrowthMB float64 `json:"rss_growth_mb"`
	Received    int     `json:"received"`
}

func parseBenchFiguresFlags(args []string, stderr io.Writer) (benchFiguresOptions, error) {
	fs := flag.NewFlagSet("appealbench bench-figures", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: appealbench bench-figures [flags]

Bulk-loads --appeals realistic histories (received, assigned, claimed,
answered, closed, verdicts; some transferred, returned, extended,
reopened, still open) spread over --months months and --departments
departments into a fresh store, builds the kept figures from the log (the
build migration 0013 runs), then times GET /api/v1/stats for the whole
period, its last month, an old month and the default 7 days through the
real API handler over HTTP, with the process's RSS growth during each,
the leaders' web pages (overview, department, trend, bulletin, dispatch)
through the web handler with a dispatcher's session, and the first
/metrics scrape of a new collector. Progress goes to
stderr; the last line of stdout is one JSON object with the results.

flags:
`)
		fs.PrintDefaults()
	}
	var o benchFiguresOptions
	fs.IntVar(&o.appeals, "appeals", 1000000, "appeals to load")
	fs.IntVar(&o.departments, "departments", 100, "departments the appeals are spread over")
	fs.IntVar(&o.months, "months", 12, "months the appeals are received over, ending with the last full month")
	fs.StringVar(&o.databaseURL, "database-url", "", "PostgreSQL server `URL`: a scratch database appealbot_bench_<hex> is created there and dropped at the end; empty uses a fresh SQLite file in a temporary directory")
	fs.IntVar(&o.batch, "batch", 20000, "appeals per bulk-load transaction")
	fs.IntVar(&o.runs, "runs", 5, "times each request is made")
	fs.BoolVar(&o.keep, "keep", false, "keep the PostgreSQL scratch database at the end (to look at its plans); drop it yourself")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var errs []error
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " ")))
	}
	if o.appeals < 1 || o.batch < 1 || o.runs < 1 {
		errs = append(errs, errors.New("--appeals, --batch and --runs must be at least 1"))
	}
	if o.departments < 1 || o.departments > 999 {
		errs = append(errs, errors.New("--departments must be 1 to 999"))
	}
	if o.months < 1 || o.months > 120 {
		errs = append(errs, errors.New("--months must be 1 to 120"))
	}
	errs = append(errs, checkDatabaseURL(o.databaseURL))
	return o, errors.Join(errs...)
}

func runBenchFigures(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseBenchFiguresFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return app.UsageError{Err: fmt.Errorf("bench-figures:\n%w", err)}
	}
	e, err := benchStart(ctx, "bench-figures", o.databaseURL, stderr)
	if err != nil {
		return err
	}
	e.keep = o.keep
	defer e.close()
	ctx, progress := e.ctx, e.progress
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return fmt.Errorf("bench-figures: %w", err)
	}
	cfg := storage.Config{DataDir: e.dir, DatabaseURL: e.database, Figures: storage.FiguresConfig{Zone: loc}}
	res := benchFiguresResult{Store: storage.SQLite, Appeals: o.appeals, Departments: o.departments}
	if e.database != "" {
		res.Store = storage.Postgres
	}
	store, err := storage.Open(ctx, cfg, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return fmt.Errorf("bench-figures: %w", err)
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return fmt.Errorf("bench-figures: %w", err)
	}
	svc := appeal.NewService(store, time.Now, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: store}))
	var depts []appeal.Department
	var cals []appeal.Calendar
	for i := range o.departments {
		d, err := svc.SaveDepartment(ctx, appeal.Department{Code: fmt.Sprintf("d%03d", i+1), Name: fmt.Sprintf("第%d办事处", i+1),
			Timezone: "Asia/Shanghai"})
		if err != nil {
			return fmt.Errorf("bench-figures: %w", err)
		}
		c, err := svc.Calendar(ctx, d)
		if err != nil {
			return fmt.Errorf("bench-figures: %w", err)
		}
		depts, cals = append(depts, d), append(cals, c)
	}

	// The months end with the last full one before now.
	now := time.Now().In(loc)
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	start := end.AddDate(0, -o.months, 0)
	progress("loading %d histories over %d departments, %s to %s, on %s", o.appeals, o.departments,
		start.Format("2006-01"), end.AddDate(0, -1, 0).Format("2006-01"), res.Store)
	loadStart := time.Now()
	step := end.Sub(start) / time.Duration(o.appeals)
	as := make([]appeal.Appeal, 0, o.batch)
	var evs []appeal.Event
	for i := 0; i < o.appeals; i++ {
		at := start.Add(time.Duration(i) * step)
		a, es := benchHistory(i, at, end.Sub(at) < 14*24*time.Hour, depts, cals)
		as, evs = append(as, a), append(evs, es...)
		res.Events += len(es)
		if len(as) == o.batch || i == o.appeals-1 {
			if err := store.InsertHistories(ctx, as, evs); err != nil {
				return fmt.Errorf("bench-figures: %w", err)
			}
			as, evs = as[:0], evs[:0]
			if (i+1)%(o.batch*5) == 0 {
				progress("loaded %d", i+1)
			}
		}
	}
	as, evs = nil, nil
	if err := store.Analyze(ctx); err != nil {
		return fmt.Errorf("bench-figures: %w", err)
	}
	res.LoadS = benchRound(time.Since(loadStart).Seconds())
	progress("loaded %d appeals, %d events in %.1f s; building the figures", o.appeals, res.Events, res.LoadS)
	buildStart := time.Now()
	if err := store.RebuildFigures(ctx); err != nil {
		return fmt.Errorf("bench-figures: %w", err)
	}
	if err := store.Analyze(ctx); err != nil {
		return fmt.Errorf("bench-figures: %w", err)
	}
	res.BuildS = benchRound(time.Since(buildStart).Seconds())
	progress("built in %.1f s", res.BuildS)

	handler := api.New(svc, store, api.Options{Stats: &api.Stats{Source: store, Weights: kpi.DefaultWeights, Location: loc}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("bench-figures: %w", err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String() + "/api/v1/stats"
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	for _, q := range []struct{ what, query string }{
		{fmt.Sprintf("all %d months", o.months), "?from=" + day(start) + "&to=" + day(end.AddDate(0, 0, -1))},
		{"last month", "?from=" + day(end.AddDate(0, -1, 0)) + "&to=" + day(end.AddDate(0, 0, -1))},
		{"first month", "?from=" + day(start) + "&to=" + day(start.AddDate(0, 1, -1))},
		{"7 days up to now", ""},
		{"one department, all months", "?department=d001&from=" + day(start) + "&to=" + day(end.AddDate(0, 0, -1))},
	} {
		call := benchFiguresCall{What: q.what, BestMS: math.Inf(1)}
		for range o.runs {
			runtime.GC()
			res.RSSResetable = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
			before := benchRSS()
			t0 := time.Now()
			resp, err := http.Get(base + q.query)
			if err != nil {
				return fmt.Errorf("bench-figures: %w", err)
			}
			var body struct {
				Overall     *struct{ Received int }  `json:"overall"`
				Departments []struct{ Received int } `json:"departments"`
			}
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			ms := float64(time.Since(t0).Microseconds()) / 1000
			if err != nil || resp.StatusCode != http.StatusOK {
				return fmt.Errorf("bench-figures: %s: status %d, %v", q.what, resp.StatusCode, err)
			}
			call.BestMS, call.WorstMS = math.Min(call.BestMS, ms), math.Max(call.WorstMS, ms)
			call.RSSGrowthMB = math.Max(call.RSSGrowthMB, math.Round((benchPeakRSS()-before)*10)/10)
			if body.Overall != nil {
				call.Received = body.Overall.Received
			} else if len(body.Departments) > 0 {
				call.Received = body.Departments[0].Received
			}
		}
		call.BestMS, call.WorstMS = benchRound(call.BestMS), benchRound(call.WorstMS)
		progress("%s: best %.1f ms, worst %.1f ms, RSS +%.1f MB, %d received", call.What, call.BestMS, call.WorstMS, call.RSSGrowthMB, call.Received)
		res.Requests = append(res.Requests, call)
	}

	pages, err := benchPages(ctx, store, loc, day(end.AddDate(0, -1, 0))[:7], o.runs)
	if err != nil {
		return fmt.Errorf("bench-figures: %w", err)
	}
	for _, p := range pages {
		progress("page %s: best %.1f ms, worst %.1f ms, RSS +%.1f MB", p.What, p.BestMS, p.WorstMS, p.RSSGrowthMB)
	}
	res.Pages = pages

	m := metrics.New(store, time.Now, nil)
	res.LaterScrape = math.Inf(1)
	for i := range o.runs + 1 {
		t0 := time.Now()
		if _, err := m.Registry().Gather(); err != nil {
			return fmt.Errorf("bench-figures: metrics: %w", err)
		}
		ms := benchRound(float64(time.Since(t0).Microseconds()) / 1000)
		if i == 0 {
			res.FirstScrape = ms
		} else {
			res.LaterScrape = math.Min(res.LaterScrape, ms)
		}
	}
	progress("first /metrics scrape: %.1f ms, best later one: %.1f ms", res.FirstScrape, res.LaterScrape)
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("bench-figures: %w", err)
	}
	fmt.Fprintln(stdout, string(b))
	return nil
}

// benchHistory is appeal i of the fixture, id i+1, received at received,
// and its log: most are claimed, answered and closed within working
// hours or days and get a verdict; some are transferred first, returned
// to dispatch, extended or reopened after an unsatisfied verdict; of the
// recent ones (the last two weeks) some are still open; a few wait for
// dispatch.
func benchHistory(i int, received time.Time, recent bool, depts []appeal.Department, cals []appeal.Calendar) (appeal.Appeal, []appeal.Event) {
	id := appeal.ID(i + 1)
	a := appeal.Appeal{
		ID: id, Source: "12345", ExternalID: fmt.Sprintf("F-%08d", i+1),
		Title: "小区门口路灯不亮", Body: "人民路 1 号门口路灯坏了三天，晚上很危险。",
		Category: "市政设施", Priority: appeal.PriorityNormal,
		Citizen:  appeal.Citizen{Name: "张先生", Phone: "13812345678"},
		Location: "人民路 1 号", ReceivedAt: received, CreatedAt: received, UpdatedAt: received,
		Status: appeal.StatusUnassigned,
	}
	ev := func(at time.Time, kind appeal.EventKind, from, to appeal.Status, dept string) appeal.Event {
		return appeal.Event{AppealID: id, At: at, Kind: kind, FromStatus: from, ToStatus: to, Department: dept}
	}
	es := []appeal.Event{ev(received, appeal.EventReceived, "", appeal.StatusUnassigned, "")}
	if i%97 == 96 {
		return a, es // waits for dispatch
	}
	k := i % len(depts)
	assign := func(at time.Time, k int) {
		a.Department, a.Status, a.AssignedAt = depts[k].Code, appeal.StatusAssigned, at
		a.Deadlines = depts[k].SLA.Deadlines(a.Priority, at, cals[k])
	}
	assign(received, k)
	es = append(es, ev(received, appeal.EventAssigned, appeal.StatusUnassigned, appeal.StatusAssigned, a.Department))
	cal := cals[k]
	t := received
	switch {
	case i%50 == 7: // sent back to dispatch
		t = cal.Add(t, appeal.WorkingHoursSpan(40*time.Minute))
		es = append(es, ev(t, appeal.EventReturned, appeal.StatusAssigned, appeal.StatusReturned, a.Department))
		a.Status, a.UpdatedAt = appeal.StatusReturned, t
		return a, es
	case i%20 == 3: // transferred to the next department
		t = cal.Add(t, appeal.WorkingHoursSpan(30*time.Minute))
		k = (k + 1) % len(depts)
		assign(t, k)
		cal = cals[k]
		es = append(es, ev(t, appeal.EventTransferred, appeal.StatusAssigned, appeal.StatusAssigned, a.Department))
	}
	if recent && i%13 == 5 {
		return a, es // not claimed (yet)
	}
	t = cal.Add(t, appeal.WorkingHoursSpan(time.Duration(i%150+5)*time.Minute))
	a.Status, a.Assignee, a.ClaimedAt = appeal.StatusClaimed, appeal.MemberID(k+1), t
	es = append(es, ev(t, appeal.EventClaimed, appeal.StatusAssigned, appeal.StatusClaimed, a.Department))
	if i%33 == 4 { // extended by two working days
		t = t.Add(time.Hour)
		sp := appeal.WorkingDaysSpan(2)
		a.Deadlines.AnswerBy = cal.Add(a.Deadlines.AnswerBy, sp)
		e := ev(t, appeal.EventExtensionApproved, appeal.StatusClaimed, appeal.StatusClaimed, a.Department)
		e.Note = sp.String()
		es = append(es, e)
	}
	if recent && i%11 == 2 {
		return a, es // claimed, not answered
	}
	t = cal.Add(t, appeal.WorkingHoursSpan(time.Duration(i%40+1)*time.Hour))
	a.Status, a.AnsweredAt = appeal.StatusAnswered, t
	es = append(es, ev(t, appeal.EventAnswered, appeal.StatusClaimed, appeal.StatusAnswered, a.Department))
	if recent && i%17 == 6 {
		return a, es // answered, not closed
	}
	t = t.Add(time.Duration(i%72+1) * time.Hour)
	closed := ev(t, appeal.EventClosed, appeal.StatusAnswered, appeal.StatusClosed, a.Department)
	closed.Outcome = string(appeal.Resolved)
	if i%10 == 1 {
		closed.Outcome = string(appeal.Unresolved)
	}
	a.Status, a.ClosedAt, a.UpdatedAt = appeal.StatusClosed, t, t
	es = append(es, closed)
	verdict := appeal.FeedbackSatisfied
	switch i % 20 {
	case 9:
		verdict = appeal.FeedbackNoAnswer
	case 11, 15:
		verdict = appeal.FeedbackUnsatisfied
	}
	t = t.Add(3 * time.Hour)
	fb := ev(t, appeal.EventFeedback, appeal.StatusClosed, appeal.StatusClosed, a.Department)
	fb.Outcome = string(verdict)
	es = append(es, fb)
	if verdict == appeal.FeedbackUnsatisfied && i%40 == 15 && recent { // reopened to the department, claimed again
		es = append(es, ev(t, appeal.EventReopened, appeal.StatusClosed, appeal.StatusAssigned, a.Department))
		assign(t, k)
		a.ClaimedAt, a.AnsweredAt, a.ClosedAt = time.Time{}, time.Time{}, time.Time{}
		t = cal.Add(t, appeal.WorkingHoursSpan(time.Duration(i%90+10)*time.Minute))
		a.Status, a.ClaimedAt, a.UpdatedAt = appeal.StatusClaimed, t, t
		es = append(es, ev(t, appeal.EventClaimed, appeal.StatusAssigned, appeal.StatusClaimed, a.Department))
	}
	return a, es
}

// benchPages times the web view's pages for month (YYYY-MM) through its
// own handler, logged in as a dispatcher (who sees every page), runs
// times each.
func benchPages(ctx context.Context, store *storage.Store, loc *time.Location, month string, runs int) ([]benchFiguresCall, error) {
	m, err := store.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: "bench-web", DisplayName: "调度员"})
	if err != nil {
		return nil, err
	}
	if err := store.Grant(ctx, appeal.Grant{Member: m.ID, Role: appeal.RoleDispatcher}); err != nil {
		return nil, err
	}
	srv, err := web.New(store, web.Options{Location: loc, Now: time.Now, URL: "http://127.0.0.1"})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if err := store.CreateWebLink(ctx, appeal.WebLink{Token: "bench-web", Member: m.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		return nil, err
	}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"token": {"bench-web"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) == 0 {
		return nil, fmt.Errorf("web login: status %d", rec.Code)
	}
	var out []benchFiguresCall
	for _, p := range []struct{ what, path string }{
		{"overview", "/?month=" + month},
		{"department", "/dept/d001?month=" + month},
		{"department trend", "/dept/d001/trend.json?month=" + month},
		{"bulletin", "/bulletin?month=" + month},
		{"dispatch", "/dispatch"},
	} {
		call := benchFiguresCall{What: p.what + " " + p.path, BestMS: math.Inf(1)}
		for range runs {
			runtime.GC()
			_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
			before := benchRSS()
			req := httptest.NewRequest("GET", p.path, nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			rec := httptest.NewRecorder()
			t0 := time.Now()
			srv.ServeHTTP(rec, req)
			ms := float64(time.Since(t0).Microseconds()) / 1000
			if rec.Code != http.StatusOK {
				return nil, fmt.Errorf("web %s: status %d: %.200s", p.path, rec.Code, rec.Body.String())
			}
			call.BestMS, call.WorstMS = math.Min(call.BestMS, ms), math.Max(call.WorstMS, ms)
			call.RSSGrowthMB = math.Max(call.RSSGrowthMB, math.Round((benchPeakRSS()-before)*10)/10)
		}
		call.BestMS, call.WorstMS = benchRound(call.BestMS), benchRound(call.WorstMS)
		out = append(out, call)
	}
	return out, nil
}
