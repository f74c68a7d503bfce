package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/lib/pq" // the scratch database is created through database/sql

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/cmd/internal/app"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
)

// benchOptions are the flags of `appealbench bench`.
type benchOptions struct {
	appeals            int
	departments        int
	databaseURL        string
	trickleAppeals     int
	trickleRate        float64
	trickleDepartments int
	burstWindow        time.Duration
	hot                int
	concurrency        int
	drainTimeout       time.Duration
	serveLog           string
	cpuProfile         string
	trace              string
	chatTolerance      time.Duration
}

// benchResult is the one JSON object bench prints as the last line of
// stdout. Times are milliseconds unless the name says otherwise.
type benchResult struct {
	Store               string  `json:"store"`
	Appeals             int     `json:"appeals"`
	Departments         int     `json:"departments"`
	MessagesSent        int     `json:"messages_sent"`
	Delivered           int     `json:"delivered"`
	Lost                int     `json:"lost"`
	Duplicates          int     `json:"duplicates"`
	HTTP429             int     `json:"http_429"`
	ElapsedS            float64 `json:"elapsed_s"`
	IntakeP50ms         float64 `json:"intake_p50_ms"`
	IntakeP99ms         float64 `json:"intake_p99_ms"`
	IntakeErrors        int     `json:"intake_errors"`
	VisibleP50ms        float64 `json:"visible_p50_ms"`
	VisibleP99ms        float64 `json:"visible_p99_ms"`
	VisibleMaxms        float64 `json:"visible_max_ms"`
	TrickleAppeals      int     `json:"trickle_appeals"`
	TrickleLost         int     `json:"trickle_lost"`
	TrickleVisibleP50ms float64 `json:"trickle_visible_p50_ms"`
	TrickleVisibleP99ms float64 `json:"trickle_visible_p99_ms"`
	TrickleIntakeErrors int     `json:"trickle_intake_errors"`
	PeakRSSMB           float64 `json:"peak_rss_mb"`
}

func parseBenchFlags(args []string, stderr io.Writer) (benchOptions, error) {
	fs := flag.NewFlagSet("appealbench bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: appealbench bench [flags]

Runs the whole bot in this process (HTTP intake, storage, the delivery
worker and the Telegram client) against a built-in Bot API server that
enforces Telegram's flood limits, hands appeals in over HTTP like an
upstream system would and measures when each becomes visible in its
department's group. Progress goes to stderr; the last line of stdout is
one JSON object with the results.

Phases: a trickle (appeals at a steady rate within every budget, for the
latency of a calm bot), then a burst (--appeals over --departments within
--burst-window, half of them to the --hot first departments), then a wait
until every appeal is visible or --drain-timeout passes.

flags:
`)
		fs.PrintDefaults()
	}
	var o benchOptions
	fs.IntVar(&o.appeals, "appeals", 10000, "appeals in the burst")
	fs.IntVar(&o.departments, "departments", 50, "departments (each with its own group chat) the burst goes to")
	fs.StringVar(&o.databaseURL, "database-url", "", "PostgreSQL server `URL`: bench creates a scratch database appealbot_bench_<hex> there and drops it at the end; empty uses a fresh SQLite file in a temporary directory")
	fs.IntVar(&o.trickleAppeals, "trickle-appeals", 200, "appeals in the trickle before the burst (0 skips it)")
	fs.Float64Var(&o.trickleRate, "trickle-rate", 10, "trickle appeals per second, round-robin over the trickle departments")
	fs.IntVar(&o.trickleDepartments, "trickle-departments", 10, "departments (and chats) of the trickle, separate from the burst's")
	fs.DurationVar(&o.burstWindow, "burst-window", 60*time.Second, "the burst's appeals arrive evenly spread over this time")
	fs.IntVar(&o.hot, "hot", 3, "this many first departments get half of the burst (0: spread evenly)")
	fs.IntVar(&o.concurrency, "concurrency", 64, "HTTP clients handing appeals in at once")
	fs.DurationVar(&o.drainTimeout, "drain-timeout", 120*time.Second, "how long to wait after the last intake for every appeal to become visible")
	fs.DurationVar(&o.chatTolerance, "chat-tolerance", bot.TelegramLimits().PerChatTolerance, "how far ahead of its slot a message to a chat may come, for the test server and the bot alike (0: a strict second between any two)")
	fs.StringVar(&o.serveLog, "serve-log", "", "keep the bot's log (level warn) in this file; empty discards it at the end")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run (for go tool pprof) to this file")
	fs.StringVar(&o.trace, "trace", "", "write an execution trace of the burst (for go tool trace) to this file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var errs []error
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " ")))
	}
	if o.appeals < 1 {
		errs = append(errs, errors.New("--appeals must be at least 1"))
	}
	if o.departments < 1 || o.departments > 9999 {
		errs = append(errs, errors.New("--departments must be 1 to 9999"))
	}
	if o.hot < 0 || o.hot > o.departments {
		errs = append(errs, errors.New("--hot must be between 0 and --departments"))
	}
	if o.chatTolerance < 0 || o.chatTolerance >= time.Second {
		errs = append(errs, errors.New("--chat-tolerance must be from 0 to less than 1s"))
	}
	if o.trickleAppeals < 0 {
		errs = append(errs, errors.New("--trickle-appeals must not be negative"))
	}
	if !(o.trickleRate > 0) || math.IsInf(o.trickleRate, 0) {
		errs = append(errs, errors.New("--trickle-rate must be positive"))
	}
	if o.trickleDepartments < 1 || o.trickleDepartments > 99 {
		errs = append(errs, errors.New("--trickle-departments must be 1 to 99"))
	}
	if o.burstWindow < 0 {
		errs = append(errs, errors.New("--burst-window must not be negative"))
	}
	if o.concurrency < 1 {
		errs = append(errs, errors.New("--concurrency must be at least 1"))
	}
	if o.drainTimeout <= 0 {
		errs = append(errs, errors.New("--drain-timeout must be positive"))
	}
	errs = append(errs, checkDatabaseURL(o.databaseURL))
	return o, errors.Join(errs...)
}

// benchDept is a department of the run and its group chat.
type benchDept struct {
	code string
	chat int64
}

// benchAppeal is one appeal handed in, as the bench saw it.
type benchAppeal struct {
	dept   benchDept
	id     int64 // 0 when intake failed
	t0     time.Time
	intake time.Duration
}

// runBench is `appealbench bench`.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseBenchFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return app.UsageError{Err: fmt.Errorf("bench:\n%w", err)}
	}
	e, err := benchStart(ctx, "bench", o.databaseURL, stderr)
	if err != nil {
		return err
	}
	defer e.close()
	ctx, progress, dir := e.ctx, e.progress, e.dir

	res := benchResult{Store: storage.SQLite, Appeals: o.appeals, Departments: o.departments, TrickleAppeals: o.trickleAppeals}
	env := map[string]string{
		"APPEALBOT_TELEGRAM_TOKEN": botapitest.Token,
		"APPEALBOT_LOG_LEVEL":      "warn",
		"APPEALBOT_DATA_DIR":       filepath.Join(dir, "data"),
	}
	if e.database != "" {
		res.Store = storage.Postgres
		env["APPEALBOT_DATABASE_URL"] = e.database
	}

	// Departments and their chats: the trickle's, the burst's and one to
	// see that the bot is up, each its own group so that no phase spends
	// another's budget.
	warm := benchDept{code: "warmup", chat: -300001}
	trickle := make([]benchDept, o.trickleDepartments)
	for i := range trickle {
		trickle[i] = benchDept{code: fmt.Sprintf("tr%02d", i+1), chat: -200001 - int64(i)}
	}
	burst := make([]benchDept, o.departments)
	for i := range burst {
		burst[i] = benchDept{code: fmt.Sprintf("b%03d", i+1), chat: -100001 - int64(i)}
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	progress("setting up %d departments on %s", len(trickle)+len(burst)+1, res.Store)
	if err := benchSetup(ctx, storage.Config{DatabaseURL: env["APPEALBOT_DATABASE_URL"], DataDir: env["APPEALBOT_DATA_DIR"]},
		append(append([]benchDept{warm}, trickle...), burst...)); err != nil {
		return err
	}

	tr := newBenchTracker()
	limits := botapitest.TelegramLimits()
	limits.PerChatTolerance = o.chatTolerance
	env["APPEALBOT_TELEGRAM_CHAT_TOLERANCE"] = o.chatTolerance.String()
	tg, err := botapitest.NewServer(botapitest.WithLimits(limits), botapitest.WithOnSend(tr.observe))
	if err != nil {
		return fmt.Errorf("bench: bot api server: %w", err)
	}
	defer tg.Close()
	env["APPEALBOT_TELEGRAM_API_URL"] = tg.URL()

	addr, err := benchFreeAddr()
	if err != nil {
		return err
	}
	env["APPEALBOT_HTTP_ADDR"] = addr
	logPath := o.serveLog
	if logPath == "" {
		logPath = filepath.Join(dir, "serve.log")
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer logFile.Close()
	serveCtx, stopServe := context.WithCancel(context.WithoutCancel(ctx))
	defer stopServe()
	serveDone := make(chan error, 1)
	go func() {
		serveDone <- app.Run(serveCtx, "serve", version, nil, func(k string) string { return env[k] }, io.Discard, logFile)
	}()
	served := false
	shutdown := func() error {
		if served {
			return nil
		}
		served = true
		stopServe()
		select {
		case err := <-serveDone:
			return err
		case <-time.After(60 * time.Second):
			return errors.New("bench: serve did not stop within 60 s")
		}
	}
	defer func() { _ = shutdown() }()

	base := "http://" + addr
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: o.concurrency + 4, MaxIdleConnsPerHost: o.concurrency + 4, IdleConnTimeout: time.Minute},
	}
	defer client.CloseIdleConnections()
	if exited, err := benchWaitHealthy(ctx, client, base, serveDone, logPath); err != nil {
		served = served || exited
		return err
	}

	// One appeal to a department of its own shows that the whole path,
	// down to the delivery worker, is up before anything is measured.
	w := benchAppeal{dept: warm}
	benchPost(ctx, client, base, "warmup-1", &w)
	if w.id == 0 {
		return fmt.Errorf("bench: warm-up intake failed; serve log: %s", benchTail(logPath, 20))
	}
	tr.expect(w.id, w.dept.chat)
	if !tr.waitVisible(ctx, []*benchAppeal{&w}, 30*time.Second) {
		return fmt.Errorf("bench: the warm-up appeal did not reach its chat in 30 s; serve log: %s", benchTail(logPath, 20))
	}
	progress("bot is up (warm-up appeal visible in %v)", tr.firstSeen(w.id, w.dept.chat).Sub(w.t0).Round(time.Millisecond))

	// Trickle: one appeal a second per department, within every budget.
	var trickled []*benchAppeal
	if o.trickleAppeals > 0 {
		trickled = make([]*benchAppeal, o.trickleAppeals)
		for i := range trickled {
			trickled[i] = &benchAppeal{dept: trickle[i%len(trickle)]}
		}
		every := time.Duration(float64(time.Second) / o.trickleRate)
		progress("trickle: %d appeals at %g/s over %d departments", len(trickled), o.trickleRate, len(trickle))
		benchHandIn(ctx, client, base, "t", trickled, every, min(o.concurrency, 8), tr)
		if !tr.waitVisible(ctx, trickled, o.drainTimeout) {
			progress("trickle: not every appeal became visible within %v", o.drainTimeout)
		}
	}

	// Burst: half to the hot departments, the rest evenly over the others,
	// interleaved so that both halves arrive over the whole window.
	hot, cold := burst[:o.hot], burst[o.hot:]
	appeals := make([]*benchAppeal, o.appeals)
	for i := range appeals {
		var d benchDept
		switch {
		case len(hot) == 0:
			d = cold[i%len(cold)]
		case len(cold) == 0:
			d = hot[i%len(hot)]
		case i%2 == 0:
			d = hot[(i/2)%len(hot)]
		default:
			d = cold[(i/2)%len(cold)]
		}
		appeals[i] = &benchAppeal{dept: d}
	}
	every := o.burstWindow / time.Duration(o.appeals)
	progress("burst: %d appeals over %d departments (%d hot) within %v by %d clients", o.appeals, o.departments, len(hot), o.burstWindow, o.concurrency)
	if o.trace != "" {
		f, err := os.Create(o.trace)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer trace.Stop()
	}
	handed0, visible0 := tr.counts()
	tick := time.NewTicker(5 * time.Second)
	stopTick := make(chan struct{})
	var tickWG sync.WaitGroup
	tickWG.Add(1)
	go func() {
		defer tickWG.Done()
		defer tick.Stop()
		for {
			select {
			case <-stopTick:
				return
			case <-tick.C:
				handed, visible := tr.counts()
				progress("burst: %d handed in, %d visible, %d messages sent", handed-handed0, visible-visible0, tr.messagesTo(burst))
			}
		}
	}()
	benchHandIn(ctx, client, base, "b", appeals, every, o.concurrency, tr)
	progress("burst: handed in; waiting up to %v for every appeal to become visible", o.drainTimeout)
	if !tr.waitVisible(ctx, appeals, o.drainTimeout) {
		progress("burst: not every appeal became visible within %v", o.drainTimeout)
	}
	close(stopTick)
	tickWG.Wait()

	progress("shutting down")
	if err := shutdown(); err != nil {
		progress("serve: %v", err)
	}
	res.HTTP429 = tg.Count429()
	tr.burstStats(appeals, burst, &res)
	tr.trickleStats(trickled, &res)
	res.PeakRSSMB = benchPeakRSS()
	if tail := benchTail(logPath, 10); tail != "" {
		progress("serve log (last lines):\n%s", tail)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("bench: interrupted: %w", ctx.Err())
	}
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	fmt.Fprintln(stdout, string(b))
	return nil
}

// benchEnv is what both benchmark commands start from.
type benchEnv struct {
	// ctx ends on SIGINT or SIGTERM.
	ctx context.Context
	// progress writes a line to standard error, after the command's name.
	progress func(format string, args ...any)
	// dir is a scratch directory.
	dir string
	// database is a scratch PostgreSQL database's URL, empty for SQLite.
	database string
	close    func()
	// keep leaves the scratch database in place at close.
	keep bool
}

// checkDatabaseURL refuses a --database-url that is not PostgreSQL's; nil
// for none (the benchmark then runs on SQLite).
func checkDatabaseURL(s string) error {
	if s == "" {
		return nil
	}
	if u, err := url.Parse(s); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return errors.New("--database-url must be a postgres:// or postgresql:// URL")
	}
	return nil
}

// benchStart makes a benchmark's scratch directory and, given a PostgreSQL
// server's URL, its scratch database; close removes both.
func benchStart(ctx context.Context, name, databaseURL string, stderr io.Writer) (*benchEnv, error) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	// The burst's ticker reports from a goroutine of its own, so lines are
	// written one at a time.
	var mu sync.Mutex
	e := &benchEnv{ctx: ctx, progress: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stderr, name+": "+format+"\n", args...)
	}}
	dir, err := os.MkdirTemp("", "appealbot-"+name+"-")
	if err != nil {
		stop()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	e.dir = dir
	drop := func() error { return nil }
	if databaseURL != "" {
		if e.database, drop, err = benchScratchDB(ctx, databaseURL); err != nil {
			os.RemoveAll(dir)
			stop()
			return nil, err
		}
	}
	e.close = func() {
		if e.keep && e.database != "" {
			e.progress("kept the scratch database %s", e.database)
		} else if err := drop(); err != nil {
			e.progress("%v", err)
		}
		os.RemoveAll(dir)
		stop()
	}
	return e, nil
}

// benchScratchDB creates a database of its own on the server base names
// and returns its URL and a function that drops it.
func benchScratchDB(ctx context.Context, base string) (string, func() error, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("bench: database url: %w", err)
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", nil, fmt.Errorf("bench: postgres: %w", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "appealbot_bench_" + hex.EncodeToString(b)
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(cctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("bench: postgres: create database %s: %w", name, err)
	}
	drop := func() error {
		defer admin.Close()
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(dctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			return fmt.Errorf("bench: postgres: drop database %s: %w", name, err)
		}
		return nil
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// benchSetup creates the departments and binds each to its group chat.
// The store is closed again before serve opens it: SQLite wants one
// process, and one handle in it is plenty.
func benchSetup(ctx context.Context, cfg storage.Config, depts []benchDept) error {
	store, err := storage.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	svc := appeal.NewService(store, time.Now, "Asia/Shanghai")
	for _, d := range depts {
		if _, err := svc.SaveDepartment(ctx, appeal.Department{Code: d.code, Name: "部门 " + d.code}); err != nil {
			return fmt.Errorf("bench: department %s: %w", d.code, err)
		}
		if err := store.BindChat(ctx, appeal.ChatBinding{Purpose: appeal.ChatDepartment, Department: d.code,
			Network: "telegram", ChatID: strconv.FormatInt(d.chat, 10)}); err != nil {
			return fmt.Errorf("bench: bind %s: %w", d.code, err)
		}
	}
	if err := store.Close(); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

func benchFreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// benchWaitHealthy waits for serve's /healthz; exited reports that serve
// returned instead.
func benchWaitHealthy(ctx context.Context, client *http.Client, base string, done <-chan error, logPath string) (exited bool, err error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/healthz", nil)
		if resp, err := client.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return false, nil
			}
		}
		select {
		case err := <-done:
			return true, fmt.Errorf("bench: serve stopped at start: %v; serve log: %s", err, benchTail(logPath, 20))
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return false, fmt.Errorf("bench: serve did not become healthy in 60 s; serve log: %s", benchTail(logPath, 20))
		}
	}
}

// benchHandIn posts appeals[i] at start + i*every, with at most clients
// requests in flight (a late one goes as soon as a client is free), and
// tells tr each appeal's id as its answer arrives.
func benchHandIn(ctx context.Context, client *http.Client, base, prefix string, appeals []*benchAppeal, every time.Duration, clients int, tr *benchTracker) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(clients, len(appeals)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				a := appeals[i]
				benchPost(ctx, client, base, fmt.Sprintf("%s-%d", prefix, i+1), a)
				if a.id != 0 {
					tr.expect(a.id, a.dept.chat)
				}
				tr.posted()
			}
		}()
	}
	start := time.Now()
	timer := time.NewTimer(0)
	<-timer.C
feed:
	for i := range appeals {
		if d := time.Until(start.Add(time.Duration(i) * every)); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				break feed
			}
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
}

var benchTitles = []string{"路灯不亮", "噪音扰民", "道路破损", "垃圾未清运", "停水", "井盖缺失", "违章停车", "油烟扰民"}

// benchPost hands one appeal in and records when it started, how long it
// took and its id (0 unless the answer was 201).
func benchPost(ctx context.Context, client *http.Client, base, externalID string, a *benchAppeal) {
	body, _ := json.Marshal(map[string]string{
		"source": "bench", "external_id": externalID, "department": a.dept.code,
		"title": benchTitles[len(externalID)%len(benchTitles)] + " " + externalID,
		"body":  "压力测试诉求：人民路 1 号门口路灯坏了三天，晚上很危险，请尽快处理。",
	})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/appeals", bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	a.t0 = time.Now()
	resp, err := client.Do(req)
	if err != nil {
		a.intake = time.Since(a.t0)
		return
	}
	var out struct {
		ID int64 `json:"id"`
	}
	derr := json.NewDecoder(resp.Body).Decode(&out)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	a.intake = time.Since(a.t0)
	if resp.StatusCode == http.StatusCreated && derr == nil {
		a.id = out.ID
	}
}

// benchTracker watches every message the Bot API server accepts and
// remembers, per appeal and chat, when it first appeared and in how many
// messages.
type benchTracker struct {
	mu      sync.Mutex
	seen    map[benchSight]*benchSeen
	perChat map[int64]int
	want    map[int64]int64 // appeal id → its department's chat
	visible int             // ids of want seen in their chat
	handed  int
	changed chan struct{} // closed and replaced when visible grows
}

type benchSight struct{ id, chat int64 }

type benchSeen struct {
	first time.Time
	n     int
}

func newBenchTracker() *benchTracker {
	return &benchTracker{seen: map[benchSight]*benchSeen{}, perChat: map[int64]int{},
		want: map[int64]int64{}, changed: make(chan struct{})}
}

var benchIDPattern = regexp.MustCompile(`#(\d+)`)

// observe runs under the Bot API server's lock for every new message.
func (t *benchTracker) observe(m botapitest.Message) {
	at := m.At
	if at.IsZero() {
		at = time.Now()
	}
	ids := map[int64]bool{}
	for _, sm := range benchIDPattern.FindAllStringSubmatch(render.WithoutMentions(m.Plain), -1) {
		if id, err := strconv.ParseInt(sm[1], 10, 64); err == nil {
			ids[id] = true
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.perChat[m.ChatID]++
	grew := false
	for id := range ids {
		k := benchSight{id, m.ChatID}
		s := t.seen[k]
		if s == nil {
			s = &benchSeen{first: at}
			t.seen[k] = s
			if t.want[id] == m.ChatID {
				t.visible++
				grew = true
			}
		}
		s.n++
	}
	if grew {
		close(t.changed)
		t.changed = make(chan struct{})
	}
}

// expect names the chat appeal id should appear in; it may have already.
func (t *benchTracker) expect(id, chat int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.want[id]; ok {
		return
	}
	t.want[id] = chat
	if t.seen[benchSight{id, chat}] != nil {
		t.visible++
		close(t.changed)
		t.changed = make(chan struct{})
	}
}

func (t *benchTracker) posted() {
	t.mu.Lock()
	t.handed++
	t.mu.Unlock()
}

func (t *benchTracker) firstSeen(id, chat int64) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := t.seen[benchSight{id, chat}]; s != nil {
		return s.first
	}
	return time.Time{}
}

// waitVisible waits until every appeal of as that was handed in has
// appeared in its chat, for at most limit; it reports whether they did.
func (t *benchTracker) waitVisible(ctx context.Context, as []*benchAppeal, limit time.Duration) bool {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		missing := 0
		for _, a := range as {
			if a.id != 0 && t.seen[benchSight{a.id, a.dept.chat}] == nil {
				missing++
			}
		}
		changed := t.changed
		t.mu.Unlock()
		if missing == 0 {
			return true
		}
		select {
		case <-changed:
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// counts returns how many appeals were handed in so far and how many of
// them became visible, over all phases.
func (t *benchTracker) counts() (handed, visible int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.handed, t.visible
}

func (t *benchTracker) messagesTo(depts []benchDept) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, d := range depts {
		n += t.perChat[d.chat]
	}
	return n
}

// visibility returns each visible appeal's latency from the start of its
// intake, the appeals not visible, the appeals seen in more than one
// message of their chat and the latest time one became visible.
func (t *benchTracker) visibility(as []*benchAppeal) (lat []time.Duration, lost, dups int, last time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, a := range as {
		s := t.seen[benchSight{a.id, a.dept.chat}]
		if a.id == 0 || s == nil {
			lost++
			continue
		}
		lat = append(lat, s.first.Sub(a.t0))
		if s.n > 1 {
			dups++
		}
		if s.first.After(last) {
			last = s.first
		}
	}
	return lat, lost, dups, last
}

func (t *benchTracker) burstStats(as []*benchAppeal, depts []benchDept, res *benchResult) {
	res.MessagesSent = t.messagesTo(depts)
	var intake []time.Duration
	var first time.Time
	for _, a := range as {
		if a.t0.IsZero() {
			continue
		}
		if first.IsZero() || a.t0.Before(first) {
			first = a.t0
		}
		intake = append(intake, a.intake)
		if a.id == 0 {
			res.IntakeErrors++
		}
	}
	res.IntakeErrors += len(as) - len(intake) // never handed in (interrupted)
	lat, lost, dups, last := t.visibility(as)
	res.Delivered, res.Lost, res.Duplicates = len(lat), lost, dups
	if !first.IsZero() && !last.IsZero() {
		res.ElapsedS = math.Round(last.Sub(first).Seconds()*100) / 100
	}
	res.IntakeP50ms, res.IntakeP99ms = benchPercentile(intake, 0.50), benchPercentile(intake, 0.99)
	res.VisibleP50ms, res.VisibleP99ms, res.VisibleMaxms = benchPercentile(lat, 0.50), benchPercentile(lat, 0.99), benchPercentile(lat, 1)
}

func (t *benchTracker) trickleStats(as []*benchAppeal, res *benchResult) {
	for _, a := range as {
		if a.id == 0 {
			res.TrickleIntakeErrors++
		}
	}
	lat, lost, _, _ := t.visibility(as)
	res.TrickleLost = lost
	res.TrickleVisibleP50ms, res.TrickleVisibleP99ms = benchPercentile(lat, 0.50), benchPercentile(lat, 0.99)
}

// benchPercentile is the nearest-rank percentile p (0 < p <= 1) of ds in
// milliseconds, to a tenth; 0 for none.
func benchPercentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	i = max(0, min(i, len(s)-1))
	return math.Round(float64(s[i])/float64(time.Millisecond)*10) / 10
}

// benchPeakRSS is this process's peak resident set in MB (VmHWM), 0 where
// /proc is missing.
func benchPeakRSS() float64 { return benchProcStatus("VmHWM:") }

// benchRSS is this process's resident set now in MB (VmRSS).
func benchRSS() float64 { return benchProcStatus("VmRSS:") }

// benchProcStatus is the field of /proc/self/status in MB.
func benchProcStatus(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				return 0
			}
			return math.Round(kb/1024*10) / 10
		}
	}
	return 0
}

// benchTail returns the last n lines of the file at path.
func benchTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
