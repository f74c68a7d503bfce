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
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/kpi"
)

// Store is what the scrape reads.
type Store interface {
	MetricCounts(ctx context.Context, now time.Time) (appeal.MetricCounts, error)
	// FactTotals are the kept facts of the kinds, per department, since
	// the first appeal (storage keeps them summed per month).
	FactTotals(ctx context.Context, kinds []kpi.FactKind) ([]kpi.Sums, error)
}

// ScrapeTimeout bounds the database reads of one scrape; a scrape that
// runs out reports appealbot_store_scrape_ok 0 and no store metrics.
const ScrapeTimeout = 5 * time.Second

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

// factMetrics are the kept facts the scrape counts, and the counter each
// goes to. An appeal reaches a department by assignment (at intake or by
// dispatch) or by transfer.
var factMetrics = []struct {
	kind kpi.FactKind
	desc *prometheus.Desc
}{
	{kpi.FactIntake, descIntake},
	{kpi.FactReceived, descReceived},
	{kpi.FactClaimed, descClaimed},
	{kpi.FactAnswered, descAnswered},
}

var factKinds = func() []kpi.FactKind {
	var ks []kpi.FactKind
	for _, m := range factMetrics {
		ks = append(ks, m.kind)
	}
	return ks
}()

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

// storeCollector reads the database at every scrape: the counters from
// the sums storage keeps per department and month (their cost follows the
// departments and months, not the events ever logged, so the first scrape
// costs what any other does), the gauges from the open appeals and the
// pending outbox.
type storeCollector struct {
	store Store
	now   func() time.Time
	log   *slog.Logger
}

func newStoreCollector(store Store, now func() time.Time, log *slog.Logger) *storeCollector {
	return &storeCollector{store: store, now: now, log: log}
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descIntake, descReceived, descClaimed, descAnswered, descOpen, descOverdue,
		descPending, descOldest, descUndeliverable, descScrapeOK, descScrapeSeconds} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), ScrapeTimeout)
	defer cancel()
	now := c.now()
	totals, err := c.store.FactTotals(ctx, factKinds)
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

	var intake int64
	for _, t := range totals {
		intake += t.N[kpi.FactIntake]
		for _, m := range factMetrics {
			// A department has a series once it has something to count.
			if n := t.N[m.kind]; m.kind != kpi.FactIntake && t.Dept != "" && n > 0 {
				ch <- prometheus.MustNewConstMetric(m.desc, prometheus.CounterValue, float64(n), t.Dept)
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(descIntake, prometheus.CounterValue, float64(intake))

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
