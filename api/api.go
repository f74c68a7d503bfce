// Package api is appealbot's HTTP interface for upstream systems: intake of
// appeals, their status, and the department directory. Every error is a JSON
// object {"error":{"code","message","field"}} with a 4xx or 5xx status.
package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// MaxBodyBytes is the largest request body accepted (1 MiB).
const MaxBodyBytes = 1 << 20

// Service is what the API needs from the appeal service.
type Service interface {
	Intake(ctx context.Context, in appeal.Intake) (appeal.Appeal, bool, error)
	Appeal(ctx context.Context, id appeal.ID) (appeal.Appeal, []appeal.Event, error)
	Appeals(ctx context.Context, f appeal.Filter) ([]appeal.Appeal, error)
	Departments(ctx context.Context) ([]appeal.Department, error)
	SaveDepartment(ctx context.Context, d appeal.Department) (appeal.Department, error)
}

// FeedbackTaker records citizens' verdicts (appeal.Service).
type FeedbackTaker interface {
	Feedback(ctx context.Context, id appeal.ID, f appeal.Feedback) (appeal.FeedbackResponse, error)
}

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Callbacks lists the delivery state of an appeal's answer callbacks.
type Callbacks interface {
	OutboxFor(ctx context.Context, id appeal.ID, kind appeal.RecipientKind) ([]appeal.OutboxMessage, error)
}

// Waiting counts the messages that no one could receive (the store).
type Waiting interface {
	UndeliverableCount(ctx context.Context) (int64, error)
}

// Options configure the handler.
type Options struct {
	// Setup, when set, reads what is configured for messages to reach
	// people, admins of the configuration included: GET
	// /api/v1/departments then marks what is missing.
	Setup func(ctx context.Context) (appeal.Setup, error)
	// Waiting, when set, makes /healthz report "degraded" while messages
	// wait for someone to receive them.
	Waiting Waiting
	// Callbacks, when set, adds each appeal's callback deliveries to
	// GET /api/v1/appeals/{id}.
	Callbacks Callbacks
	// Calendar, when set, serves GET and PUT /api/v1/calendar.
	Calendar CalendarStore
	// Export, when set, serves GET /api/v1/export/appeals.csv.
	Export Exporter
	// Calendars give the export each department's working-time calendar;
	// nil counts working time in the default office week.
	Calendars appeal.CalendarSource
	// Location is the time zone of the export's times and of dates given
	// as its range; nil is UTC.
	Location *time.Location
	// Metrics, when set, serves GET /metrics (with the same bearer
	// tokens as the rest of the API).
	Metrics http.Handler
	// ObserveRequest, when set, is told of every request once it is
	// answered: its method, its route pattern ("/api/v1/appeals/{id}", or
	// "/" when no route matched), the status sent and how long it took.
	ObserveRequest func(method, route string, status int, took time.Duration)
	// Tokens are the accepted bearer tokens. With none, every call is
	// accepted: the caller must only allow that on a loopback address.
	Tokens []string
	Log    *slog.Logger
	// Now is the clock used for request timing.
	Now func() time.Time

	// Feedback, when set, serves POST /api/v1/appeals/{id}/feedback.
	Feedback FeedbackTaker
	// Routes, when set, serves GET and PUT /api/v1/routes.
	Routes Routes
	// Examples, when set, serves POST /api/v1/routing/examples.
	Examples Examples
	// Urges, when set, serves POST /api/v1/appeals/{id}/urge.
	Urges Urger
	// Members, when set, serves GET /api/v1/departments/{code}/members.
	Members Members
	// Stats, when set, serves GET /api/v1/stats.
	Stats *Stats
	// Attachments, when set, serves GET
	// /api/v1/appeals/{id}/attachments/{n}.
	Attachments Attachments
	// MaxAttachments is the most links an intake may name (0: the
	// default); the service keeps to its own limit too.
	MaxAttachments int
	// Open311, when set, serves everything under /open311/v2/ (the
	// GeoReport v2 API, which has its own keys, errors and formats):
	// no bearer token is asked there.
	Open311 http.Handler
}

type server struct {
	svc       Service
	callbacks Callbacks
	calendar  CalendarStore
	export    Exporter
	calendars appeal.CalendarSource
	loc       *time.Location
	observe   func(method, route string, status int, took time.Duration)
	db        Pinger
	tokens    [][]byte
	log       *slog.Logger
	now       func() time.Time
	feedback  FeedbackTaker
	stats     *Stats
	setup     func(ctx context.Context) (appeal.Setup, error)
	waiting   Waiting
	routes    Routes
	examples  Examples
	urges     Urger
	members   Members
	files     Attachments
	// maxAttachments bounds an intake's links.
	maxAttachments int
}

// New returns the API's HTTP handler.
func New(svc Service, db Pinger, opts Options) http.Handler {
	s := &server{svc: svc, callbacks: opts.Callbacks, calendar: opts.Calendar, feedback: opts.Feedback, stats: opts.Stats,
		db: db, log: opts.Log, now: opts.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.export, s.calendars, s.loc, s.observe = opts.Export, opts.Calendars, opts.Location, opts.ObserveRequest
	s.setup, s.waiting = opts.Setup, opts.Waiting
	s.urges, s.members = opts.Urges, opts.Members
	s.routes, s.examples = opts.Routes, opts.Examples
	s.files, s.maxAttachments = opts.Attachments, opts.MaxAttachments
	if s.loc == nil {
		s.loc = time.UTC
	}
	for _, t := range opts.Tokens {
		s.tokens = append(s.tokens, []byte(t))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("POST /api/v1/appeals", s.auth(s.createAppeal))
	mux.Handle("GET /api/v1/appeals", s.auth(s.listAppeals))
	mux.Handle("GET /api/v1/appeals/{id}", s.auth(s.getAppeal))
	mux.Handle("GET /api/v1/departments", s.auth(s.listDepartments))
	mux.Handle("PUT /api/v1/departments/{code}", s.auth(s.putDepartment))
	if s.files != nil {
		mux.Handle("GET /api/v1/appeals/{id}/attachments/{n}", s.auth(s.getAttachment))
	}
	if s.feedback != nil {
		mux.Handle("POST /api/v1/appeals/{id}/feedback", s.auth(s.postFeedback))
	}
	if s.stats != nil {
		mux.Handle("GET /api/v1/stats", s.auth(s.getStats))
	}
	if s.urges != nil {
		mux.Handle("POST /api/v1/appeals/{id}/urge", s.auth(s.postUrge))
	}
	if s.members != nil {
		mux.Handle("GET /api/v1/departments/{code}/members", s.auth(s.getMembers))
	}
	if s.calendar != nil {
		mux.Handle("GET /api/v1/calendar", s.auth(s.getCalendar))
		mux.Handle("PUT /api/v1/calendar", s.auth(s.putCalendar))
	}
	if s.routes != nil {
		mux.Handle("GET /api/v1/routes", s.auth(s.getRoutes))
		mux.Handle("PUT /api/v1/routes", s.auth(s.putRoutes))
	}
	if s.examples != nil {
		mux.Handle("POST /api/v1/routing/examples", s.auth(s.postExamples))
	}
	if s.export != nil {
		mux.Handle("GET /api/v1/export/appeals.csv", s.auth(s.exportAppeals))
	}
	if opts.Metrics != nil {
		mux.Handle("GET /metrics", s.auth(opts.Metrics.ServeHTTP))
	}
	if opts.Open311 != nil {
		mux.Handle("/open311/v2/", opts.Open311)
	}
	return s.logged(s.routed(mux))
}

// routed serves what mux routes; a request no route takes gets a JSON
// error: 405 with the Allow header when the path is known for other
// methods, else 404.
func (s *server) routed(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// The mux's own answer says whether the path is known: a 405
		// with Allow. Only its status and headers are kept.
		probe := &headerProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if allow := probe.header.Get("Allow"); probe.status == http.StatusMethodNotAllowed && allow != "" {
			w.Header().Set("Allow", allow)
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed",
				r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+allow, "")
			return
		}
		s.notFound(w, r)
	})
}

// headerProbe is a ResponseWriter that keeps only the status and headers.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(status int)      { p.status = status }

// auth checks the bearer token in constant time against every configured one.
func (s *server) auth(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(s.tokens) == 0 {
			h(w, r)
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		match := 0
		for _, t := range s.tokens {
			match |= subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), t)
		}
		if !ok || match != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="appealbot"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "a valid bearer token is required", "")
			return
		}
		h(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logged logs one line per request and turns a panic into a 500 with a
// reference that also appears in the log.
func (s *server) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		sw := &statusWriter{ResponseWriter: w}
		done := func(aborted bool) {
			took := s.now().Sub(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK // what the server sends for a handler that wrote nothing
			}
			if s.observe != nil {
				s.observe(r.Method, route(r), status, took)
			}
			attrs := []any{"method", r.Method, "path", r.URL.Path, "status", status,
				"duration_ms", float64(took.Microseconds()) / 1000}
			if aborted {
				attrs = append(attrs, "aborted", true)
			}
			s.log.Info("api: request", attrs...)
		}
		defer func() {
			if p := recover(); p == http.ErrAbortHandler {
				// A response cut off on purpose: the server drops the
				// connection without logging a stack.
				done(true)
				panic(p)
			} else if p != nil {
				ref := newRef()
				s.log.Error("api: panic", "ref", ref, "panic", p, "method", r.Method, "path", r.URL.Path)
				if sw.status == 0 {
					writeError(sw, http.StatusInternalServerError, "internal", "internal error, reference "+ref, "")
				}
			}
			done(false)
		}()
		h.ServeHTTP(sw, r)
	})
}

// route is the pattern that matched r without its method, so that metrics
// count "/api/v1/appeals/{id}" once rather than once per appeal; "/" when
// no route matched.
func route(r *http.Request) string {
	p := r.Pattern
	if i := strings.IndexByte(p, ' '); i >= 0 {
		p = p[i+1:]
	}
	if p == "" {
		return "/"
	}
	return p
}

// healthz answers 503 when the database does not answer: this instance
// cannot work, and a load balancer should send elsewhere. Messages that no
// one can receive are no fault of the instance (every instance sees the
// same setup, and taking them out would stop intake too): that is 200 with
// status "degraded" and their count, for monitoring to alert on.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	unavailable := func(err error) {
		s.log.Warn("api: health check failed", "err", err)
		writeError(w, http.StatusServiceUnavailable, "database_unavailable", "the database does not answer", "")
	}
	if err := s.db.Ping(ctx); err != nil {
		unavailable(err)
		return
	}
	var n int64
	if s.waiting != nil {
		var err error
		if n, err = s.waiting.UndeliverableCount(ctx); err != nil {
			unavailable(err)
			return
		}
	}
	status := "ok"
	if n > 0 {
		status = "degraded"
	}
	writeJSON(w, http.StatusOK, struct {
		Status        string `json:"status"`
		Undeliverable int64  `json:"undeliverable"`
	}{status, n})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "not_found", "no such endpoint: "+r.Method+" "+r.URL.Path, "")
}

// internal logs an unexpected error with a short reference and tells the
// client only the reference. A database that does not answer is not the
// client's fault nor a bug: 503 with Retry-After, so that the upstream
// system hands the appeal in again (the same external id is taken once).
func (s *server) internal(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, appeal.ErrUnavailable) {
		s.log.Warn("api: database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "database_unavailable", "the database does not answer; try again shortly", "")
		return
	}
	ref := newRef()
	s.log.Error("api: internal error", "ref", ref, "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal", "internal error, reference "+ref, "")
}

func newRef() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Unwrap lets http.ResponseController reach the connection's Flush and
// write deadline.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
