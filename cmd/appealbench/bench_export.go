package main

import (
	"bufio"
	"bytes"
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
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/cmd/internal/app"
	"github.com/appealbot/appealbot/storage"
)

// benchExportOptions are the flags of `appealbench bench-export`.
type benchExportOptions struct {
	appeals     int
	departments int
	databaseURL string
	batch       int
	cpuProfile  string
}

// benchExportResult is the one JSON object bench-export prints as the last
// line of stdout.
type benchExportResult struct {
	Store       string  `json:"store"`
	Appeals     int     `json:"appeals"`
	SeedS       float64 `json:"seed_s"`
	Rows        int     `json:"rows"`
	MB          float64 `json:"mb"`
	ElapsedS    float64 `json:"elapsed_s"`
	RowsPerS    float64 `json:"rows_per_s"`
	FirstByteMS float64 `json:"first_byte_ms"`
	// HeapBeforeMB is the live heap just before the export; PeakHeapMB
	// the highest heap (live and not yet collected objects) sampled
	// during it.
	HeapBeforeMB float64 `json:"heap_before_mb"`
	PeakHeapMB   float64 `json:"peak_heap_mb"`
	// PeakRSSMB is the process's peak resident set during the export
	// (VmHWM, reset just before it where the kernel allows).
	PeakRSSMB float64 `json:"peak_rss_mb"`
	RSSReset  bool    `json:"rss_reset"`
}

func parseBenchExportFlags(args []string, stderr io.Writer) (benchExportOptions, error) {
	fs := flag.NewFlagSet("appealbench bench-export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: appealbench bench-export [flags]

Loads --appeals appeals (received over one year, most of them answered and
closed) into a fresh store with the bulk loader, then downloads
GET /api/v1/export/appeals.csv for that year over HTTP from the real API
handler in this process, and measures the time, the rows per second and
the memory of the whole process during the download. Progress goes to
stderr; the last line of stdout is one JSON object with the results.

flags:
`)
		fs.PrintDefaults()
	}
	var o benchExportOptions
	fs.IntVar(&o.appeals, "appeals", 1000000, "appeals to load and export")
	fs.IntVar(&o.departments, "departments", 20, "departments the appeals are spread over")
	fs.StringVar(&o.databaseURL, "database-url", "", "PostgreSQL server `URL`: a scratch database appealbot_bench_<hex> is created there and dropped at the end; empty uses a fresh SQLite file in a temporary directory")
	fs.IntVar(&o.batch, "batch", 10000, "appeals per bulk-load transaction")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the download (for go tool pprof) to this file")
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
	if o.departments < 1 || o.departments > 999 {
		errs = append(errs, errors.New("--departments must be 1 to 999"))
	}
	if o.batch < 1 {
		errs = append(errs, errors.New("--batch must be at least 1"))
	}
	errs = append(errs, checkDatabaseURL(o.databaseURL))
	return o, errors.Join(errs...)
}

func runBenchExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseBenchExportFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return app.UsageError{Err: fmt.Errorf("bench-export:\n%w", err)}
	}
	e, err := benchStart(ctx, "bench-export", o.databaseURL, stderr)
	if err != nil {
		return err
	}
	defer e.close()
	ctx, progress := e.ctx, e.progress
	cfg := storage.Config{DataDir: e.dir, DatabaseURL: e.database}
	res := benchExportResult{Store: storage.SQLite, Appeals: o.appeals}
	if e.database != "" {
		res.Store = storage.Postgres
	}
	store, err := storage.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return fmt.Errorf("bench-export: %w", err)
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return fmt.Errorf("bench-export: %w", err)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return fmt.Errorf("bench-export: %w", err)
	}
	svc := appeal.NewService(store, time.Now, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: store}))
	var depts []appeal.Department
	for i := range o.departments {
		d, err := svc.SaveDepartment(ctx, appeal.Department{Code: fmt.Sprintf("d%03d", i+1), Name: fmt.Sprintf("第%d办事处", i+1)})
		if err != nil {
			return fmt.Errorf("bench-export: %w", err)
		}
		depts = append(depts, d)
	}
	var cals []appeal.Calendar
	for _, d := range depts {
		c, err := svc.Calendar(ctx, d)
		if err != nil {
			return fmt.Errorf("bench-export: %w", err)
		}
		cals = append(cals, c)
	}

	year := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	progress("loading %d appeals over %d departments on %s", o.appeals, o.departments, res.Store)
	seedStart := time.Now()
	step := year.AddDate(1, 0, 0).Sub(year) / time.Duration(o.appeals)
	batch := make([]appeal.Appeal, 0, o.batch)
	for i := 0; i < o.appeals; i++ {
		batch = append(batch, benchExportAppeal(i, year.Add(time.Duration(i)*step), depts, cals))
		if len(batch) == o.batch || i == o.appeals-1 {
			if err := store.InsertAppeals(ctx, batch); err != nil {
				return fmt.Errorf("bench-export: %w", err)
			}
			batch = batch[:0]
			if (i+1)%(o.batch*10) == 0 {
				progress("loaded %d", i+1)
			}
		}
	}
	if err := store.Analyze(ctx); err != nil {
		return fmt.Errorf("bench-export: %w", err)
	}
	res.SeedS = benchRound(time.Since(seedStart).Seconds())
	progress("loaded in %.1f s", res.SeedS)
	batch = nil

	handler := api.New(svc, store, api.Options{Export: store, Calendars: svc, Location: loc})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("bench-export: %w", err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	runtime.GC()
	res.HeapBeforeMB = benchMB(benchHeap())
	res.RSSReset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return fmt.Errorf("bench-export: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench-export: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	sampler := newHeapSampler()
	url := "http://" + ln.Addr().String() + "/api/v1/export/appeals.csv?from=2025-01-01&to=2025-12-31"
	progress("GET %s", url)
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return fmt.Errorf("bench-export: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		sampler.stop()
		return fmt.Errorf("bench-export: %w", err)
	}
	cw := &benchLineCounter{}
	var first time.Time
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	if _, err := br.Peek(1); err == nil {
		first = time.Now()
	}
	_, err = io.Copy(cw, br)
	resp.Body.Close()
	elapsed := time.Since(start)
	peak := sampler.stop()
	if err != nil {
		return fmt.Errorf("bench-export: download: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("bench-export: status %s", resp.Status)
	}
	res.Rows = cw.lines - 1 // the header
	res.MB = benchMB(cw.bytes)
	res.ElapsedS = benchRound(elapsed.Seconds())
	res.RowsPerS = math.Round(float64(res.Rows) / elapsed.Seconds())
	if !first.IsZero() {
		res.FirstByteMS = benchRound(float64(first.Sub(start).Microseconds()) / 1000)
	}
	res.PeakHeapMB = benchMB(peak)
	res.PeakRSSMB = benchPeakRSS()
	if res.Rows != o.appeals {
		progress("exported %d rows of %d appeals", res.Rows, o.appeals)
	}
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("bench-export: %w", err)
	}
	fmt.Fprintln(stdout, string(b))
	return nil
}

// benchExportAppeal is appeal i of the fixture, received at received: most
// are claimed, answered and closed within working days, some are still
// open, a few wait for dispatch; titles are Chinese, some with commas and
// quotes that the CSV must quote.
func benchExportAppeal(i int, received time.Time, depts []appeal.Department, cals []appeal.Calendar) appeal.Appeal {
	a := appeal.Appeal{
		Source: "12345", ExternalID: fmt.Sprintf("2025-%07d", i+1),
		Title:    fmt.Sprintf("小区门口路灯不亮，已经%d天", i%9+1),
		Body:     "人民路 1 号门口路灯坏了三天，晚上很危险。",
		Category: "市政设施", Priority: appeal.PriorityNormal,
		Citizen:  appeal.Citizen{Name: "张先生", Phone: "13812345678"},
		Location: "人民路 1 号", ReceivedAt: received, CreatedAt: received, UpdatedAt: received,
		Status: appeal.StatusUnassigned,
	}
	if i%7 == 0 {
		a.Title = fmt.Sprintf(`噪音扰民, "夜间施工" 第%d号`, i)
	}
	if i%50 == 49 {
		return a // waits for dispatch
	}
	k := i % len(depts)
	d, cal := depts[k], cals[k]
	a.Department, a.Status, a.AssignedAt = d.Code, appeal.StatusAssigned, received
	a.Deadlines = d.SLA.Deadlines(a.Priority, received, cal)
	if i%10 == 9 {
		return a
	}
	a.Status, a.Assignee = appeal.StatusClaimed, appeal.MemberID(k+1)
	a.ClaimedAt = cal.Add(received, appeal.WorkingHoursSpan(time.Duration(i%120+5)*time.Minute))
	if i%10 == 8 {
		return a
	}
	a.Status = appeal.StatusAnswered
	a.AnsweredAt = cal.Add(a.ClaimedAt, appeal.WorkingHoursSpan(time.Duration(i%30+1)*time.Hour))
	if i%10 == 7 {
		return a
	}
	a.Status = appeal.StatusClosed
	a.ClosedAt = a.AnsweredAt.Add(time.Duration(i%72+1) * time.Hour)
	a.UpdatedAt = a.ClosedAt
	return a
}

// heapSampler records the highest heap size while it runs.
type heapSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func newHeapSampler() *heapSampler {
	h := &heapSampler{done: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			h.peak = max(h.peak, benchHeap())
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) stop() uint64 {
	close(h.done)
	h.wg.Wait()
	return max(h.peak, benchHeap())
}

// benchHeap is the heap in bytes: objects live or not yet swept, as the
// runtime counts them.
func benchHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func benchMB(b uint64) float64 { return math.Round(float64(b)/(1<<20)*10) / 10 }

func benchRound(f float64) float64 { return math.Round(f*100) / 100 }

// benchLineCounter counts the bytes and lines written to it.
type benchLineCounter struct {
	bytes uint64
	lines int
}

func (c *benchLineCounter) Write(p []byte) (int, error) {
	c.bytes += uint64(len(p))
	c.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}
