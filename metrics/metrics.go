// Package metrics exposes appealbot's Prometheus metrics. Totals of appeals
// and the outbox backlog are read from the database at scrape time, so they
// are the same on every instance and survive restarts; what only one
// process sees (failed sends, reminder scans, HTTP requests) is counted in
// that process. The domain, storage and chat packages know nothing of
// Prometheus: they report through small hooks that this package fills.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
)

// Store is what the scrape reads.
type Store interface {
	MetricCounts(ctx context.Context, now time.Time) (appeal.MetricCounts, error)
	EventCounts(ctx context.Context, kinds []appeal.EventKind, after, upTo int64) ([]appeal.EventCount, error)
	SettledEventID(ctx context.Context, after int64, before time.Time) (int64, error)
}

// ScrapeTimeout bounds the database reads of one scrape; a scrape that
// runs out reports appealbot_store_scrape_ok 0 and no store metrics.
// The first scrape of a process counts the whole event log and may take
// FirstScrapeTimeout.
const (
	ScrapeTimeout      = 5 * time.Second
	FirstScrapeTimeout = time.Minute
)

// SettleAfter is how old an event must be before the scrape counts it
// once and for all: no transaction that logs events stays open this long,
// so no event with a smaller id can still appear.
const SettleAfter = 5 * time.Minute

// Metrics holds the registry and the process's own counters.
type Metrics struct {
	reg        *prometheus.Registry
	sendErrors *prometheus.CounterVec
	retryAfter *prometheus.CounterVec
	scans      prometheus.Histogram
	scanErrors prometheus.Counter
	requests   *prometheus.HistogramVec
}

// New registers every metric; store is read at each scrape, with clock now.
func New(store Store, now func() time.Time, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		sendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "appealbot_delivery_send_errors_total",
			Help: "Chat messages (sends and edits) that failed, by network and kind: temporary (retried with backoff), rate_limited (the network answered 429), permanent.",
		}, []string{"network", "kind"}),
		retryAfter: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "appealbot_delivery_retry_after_seconds_total",
			Help: "Seconds that rate-limited networks asked delivery to wait (the retry_after of each 429), by network.",
		}, []string{"network"}),
		scans: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "appealbot_reminder_scan_duration_seconds",
			Help:    "Duration of the reminder scans this instance ran.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}),
		scanErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "appealbot_reminder_scan_errors_total",
			Help: "Reminder scans that failed.",
		}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "appealbot_http_request_duration_seconds",
			Help:    "Duration of HTTP API requests, by method, route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route", "status"}),
	}
	m.reg.MustRegister(m.sendErrors, m.retryAfter, m.scans, m.scanErrors, m.requests,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newStoreCollector(store, now, log))
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the registry behind Handler, for tests and for adding more.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

var _ bot.DeliveryObserver = (*Metrics)(nil)

// SendFailed counts a failed call to a chat network (bot.DeliveryObserver).
func (m *Metrics) SendFailed(network string, kind bot.ErrorKind, retryAfter time.Duration) {
	m.sendErrors.WithLabelValues(network, kindName(kind)).Inc()
	if kind == bot.RateLimited && retryAfter > 0 {
		m.retryAfter.WithLabelValues(network).Add(retryAfter.Seconds())
	}
}

func kindName(k bot.ErrorKind) string {
	switch k {
	case bot.Temporary:
		return "temporary"
	case bot.RateLimited:
		return "rate_limited"
	case bot.Permanent:
		return "permanent"
	}
	return "unknown"
}

// ScanDone records one reminder scan (the reminders Observe hook).
func (m *Metrics) ScanDone(took time.Duration, _ int, err error) {
	m.scans.Observe(took.Seconds())
	if err != nil {
		m.scanErrors.Inc()
	}
}

// Request records one answered HTTP request (the api ObserveRequest hook).
func (m *Metrics) Request(method, route string, status int, took time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Observe(took.Seconds())
}

// eventMetrics are the appeal log's event kinds the scrape counts, and the
// counter each goes to. An appeal reaches a department by assignment
// (at intake or by dispatch) or by transfer.
var eventMetrics = []struct {
	kind appeal.EventKind
	desc *prometheus.Desc
}{
	{appeal.EventAssigned, descReceived},
	{appeal.EventTransferred, descReceived},
	{appeal.EventClaimed, descClaimed},
	{appeal.EventAnswered, descAnswered},
}

var (
	descIntake = prometheus.NewDesc("appealbot_appeals_intake_total",
		"Appeals handed in by upstream systems (whether or not they named a department).", nil, nil)
	descReceived = prometheus.NewDesc("appealbot_appeals_received_total",
		"Appeals that reached a department: assigned at intake or by dispatch, or transferred to it.", []string{"department"}, nil)
	descClaimed = prometheus.NewDesc("appealbot_appeals_claimed_total",
		"Appeals claimed by a responder, by department.", []string{"department"}, nil)
	descAnswered = prometheus.NewDesc("appealbot_appeals_answered_total",
		"Appeals answered (after approval where the department requires it), by department.", []string{"department"}, nil)
	descOpen = prometheus.NewDesc("appealbot_appeals_open",
		"Appeals not closed, by department (empty while waiting for dispatch) and status.", []string{"department", "status"}, nil)
	descOverdue = prometheus.NewDesc("appealbot_appeals_overdue",
		"Open appeals past the deadline they must meet next (claim, answer or resolve), by department.", []string{"department"}, nil)
	descPending = prometheus.NewDesc("appealbot_outbox_pending",
		"Outbox messages waiting for delivery, by recipient kind.", []string{"recipient"}, nil)
	descOldest = prometheus.NewDesc("appealbot_outbox_oldest_pending_age_seconds",
		"Age of the oldest outbox message waiting for delivery, by recipient kind.", []string{"recipient"}, nil)
	descUndeliverable = prometheus.NewDesc("appealbot_undeliverable_messages",
		"Outbox messages that no chat, leader or admin could receive when delivery last tried them; they wait until a chat is bound or a role granted.", nil, nil)
	descScrapeOK = prometheus.NewDesc("appealbot_store_scrape_ok",
		"1 when the store's counts were read for this scrape, 0 when the database failed or was too slow.", nil, nil)
	descScrapeSeconds = prometheus.NewDesc("appealbot_store_scrape_duration_seconds",
		"How long reading the store's counts took in this scrape.", nil, nil)
)

// storeCollector reads the database at every scrape. The event counts
// would take a scan of the whole log each time, so the collector keeps the
// counts of the settled part of the log (ids up to settled) and reads only
// what came after at each scrape: after the first scrape, the cost follows
// the events of the last minutes, not all events ever logged.
type storeCollector struct {
	store Store
	now   func() time.Time
	log   *slog.Logger

	mu      sync.Mutex // one scrape at a time updates the cache
	loaded  bool
	settled int64
	counts  map[eventKey]int64
}

type eventKey struct {
	kind appeal.EventKind
	dept string
}

func newStoreCollector(store Store, now func() time.Time, log *slog.Logger) *storeCollector {
	return &storeCollector{store: store, now: now, log: log, counts: map[eventKey]int64{}}
}

// eventKinds are the kinds the scrape counts.
var eventKinds = func() []appeal.EventKind {
	ks := []appeal.EventKind{appeal.EventReceived}
	for _, e := range eventMetrics {
		ks = append(ks, e.kind)
	}
	return ks
}()

// eventCounts returns the counts of the whole log as of now.
func (c *storeCollector) eventCounts(ctx context.Context, now time.Time) (map[eventKey]int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	upTo, err := c.store.SettledEventID(ctx, c.settled, now.Add(-SettleAfter))
	if err != nil {
		return nil, err
	}
	if upTo > c.settled {
		add, err := c.store.EventCounts(ctx, eventKinds, c.settled, upTo)
		if err != nil {
			return nil, err
		}
		for _, e := range add {
			c.counts[eventKey{e.Kind, e.Department}] += e.N
		}
		c.settled = upTo
	}
	c.loaded = true
	recent, err := c.store.EventCounts(ctx, eventKinds, c.settled, 0)
	if err != nil {
		return nil, err
	}
	out := make(map[eventKey]int64, len(c.counts)+len(recent))
	for k, n := range c.counts {
		out[k] = n
	}
	for _, e := range recent {
		out[eventKey{e.Kind, e.Department}] += e.N
	}
	return out, nil
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descIntake, descReceived, descClaimed, descAnswered, descOpen, descOverdue,
		descPending, descOldest, descUndeliverable, descScrapeOK, descScrapeSeconds} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	timeout := ScrapeTimeout
	c.mu.Lock()
	if !c.loaded {
		timeout = FirstScrapeTimeout
	}
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	now := c.now()
	events, err := c.eventCounts(ctx, now)
	var counts appeal.MetricCounts
	if err == nil {
		counts, err = c.store.MetricCounts(ctx, now)
	}
	ch <- prometheus.MustNewConstMetric(descScrapeSeconds, prometheus.GaugeValue, c.now().Sub(now).Seconds())
	if err != nil {
		c.log.Warn("metrics: reading the store's counts", "err", err)
		ch <- prometheus.MustNewConstMetric(descScrapeOK, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descScrapeOK, prometheus.GaugeValue, 1)

	// Several kinds go to one counter, and a department must appear once
	// per counter.
	type key struct {
		desc *prometheus.Desc
		dept string
	}
	sums := map[key]int64{}
	var intake int64
	for e, n := range events {
		if e.kind == appeal.EventReceived {
			intake += n
			continue
		}
		for _, m := range eventMetrics {
			if m.kind == e.kind {
				sums[key{m.desc, e.dept}] += n
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(descIntake, prometheus.CounterValue, float64(intake))
	for k, n := range sums {
		ch <- prometheus.MustNewConstMetric(k.desc, prometheus.CounterValue, float64(n), k.dept)
	}

	overdue := map[string]int64{}
	var depts []string
	for _, o := range counts.Open {
		ch <- prometheus.MustNewConstMetric(descOpen, prometheus.GaugeValue, float64(o.N), o.Department, string(o.Status))
		if _, ok := overdue[o.Department]; !ok {
			depts = append(depts, o.Department)
		}
		overdue[o.Department] += o.Overdue
	}
	for _, d := range depts {
		if d == "" {
			continue // no deadlines while waiting for dispatch
		}
		ch <- prometheus.MustNewConstMetric(descOverdue, prometheus.GaugeValue, float64(overdue[d]), d)
	}
	for _, o := range counts.Outbox {
		ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(o.Pending), string(o.Recipient))
		age := 0.0
		if !o.Oldest.IsZero() && now.After(o.Oldest) {
			age = now.Sub(o.Oldest).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, age, string(o.Recipient))
	}
	ch <- prometheus.MustNewConstMetric(descUndeliverable, prometheus.GaugeValue, float64(counts.Undeliverable))
}
