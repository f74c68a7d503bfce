// Package open311 serves the Open311 GeoReport v2 API under /open311/v2/,
// in XML (which the spec requires) and JSON, so that civic reporting apps
// and 311 systems (FixMyStreet among them) can hand appeals in and follow
// them without an integration of their own: the service list, service
// definitions, POST and GET of requests, request ids from client tokens,
// and FixMyStreet's servicerequestupdates feed. Requests become appeals
// through the same intake as the JSON API. Errors have the spec's shape in
// the format asked for; appealbot's own error shape never appears here.
package open311

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Prefix is where the API is mounted.
const Prefix = "/open311/v2/"

// Store is what the API reads and writes besides intake (storage.Store).
type Store interface {
	DepartmentLister
	SaveReport(ctx context.Context, r appeal.Report) error
	Reports(ctx context.Context, f appeal.ReportFilter) ([]appeal.ReportedAppeal, error)
	ReportEvents(ctx context.Context, ids []appeal.ID, kinds []appeal.EventKind) ([]appeal.Event, error)
	ReportUpdates(ctx context.Context, from, to time.Time, kinds []appeal.EventKind, limit int) ([]appeal.Event, error)
}

// Intaker takes appeals in (appeal.Service).
type Intaker interface {
	Intake(ctx context.Context, in appeal.Intake) (appeal.Appeal, bool, error)
}

// Options configure the handler.
type Options struct {
	// Keys are the clients' API keys; POST requests needs one of them.
	Keys []Key
	// Services are the services on offer; nil offers the departments
	// (Departments over the store, without settings).
	Services Services
	// Location is the zone of the times of appeals without a department
	// or whose department's zone is unknown; nil is UTC.
	Location *time.Location
	Now      func() time.Time
	Log      *slog.Logger
}

type handler struct {
	intake   Intaker
	store    Store
	keys     []Key
	services Services
	loc      *time.Location
	now      func() time.Time
	log      *slog.Logger
}

// New returns the handler of everything under Prefix.
func New(intake Intaker, store Store, opts Options) http.Handler {
	h := &handler{intake: intake, store: store, keys: opts.Keys, services: opts.Services,
		loc: opts.Location, now: opts.Now, log: opts.Log}
	if h.services == nil {
		h.services = Departments{List: store}
	}
	if h.loc == nil {
		h.loc = time.UTC
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h
}

// route is one resource: the methods it takes and its handler.
type route struct {
	methods []string
	serve   func(w http.ResponseWriter, r *http.Request, f format, arg string)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// XML until the extension says otherwise: it is the format every
	// client must read.
	f := formatXML
	written := false
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			ref := newRef()
			h.log.Error("open311: panic", "ref", ref, "panic", p, "method", r.Method, "path", r.URL.Path)
			if !written {
				writeError(w, f, &apiError{http.StatusInternalServerError, "internal error, reference " + ref})
			}
		}
	}()
	w = &trackingWriter{ResponseWriter: w, written: &written}

	rest := strings.TrimPrefix(r.URL.Path, Prefix)
	name, ext := rest, ""
	if i := strings.LastIndexByte(rest, '.'); i > strings.LastIndexByte(rest, '/') {
		name, ext = rest[:i], rest[i+1:]
	}
	switch format(ext) {
	case formatXML, formatJSON:
		f = format(ext)
	default:
		writeError(w, f, &apiError{http.StatusNotFound, "no such resource: " + cut(r.URL.Path, 200) +
			"; resources end in .xml or .json, e.g. " + Prefix + "services.xml"})
		return
	}
	rt, arg, ok := h.route(name)
	if !ok {
		writeError(w, f, &apiError{http.StatusNotFound, "no such resource: " + cut(r.URL.Path, 200)})
		return
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	for _, m := range rt.methods {
		if m == method {
			rt.serve(w, r, f, arg)
			return
		}
	}
	allow := strings.Join(rt.methods, ", ")
	w.Header().Set("Allow", allow)
	writeError(w, f, &apiError{http.StatusMethodNotAllowed, r.Method + " is not allowed here; allowed: " + allow})
}

// route finds the resource of a path without its prefix and extension.
func (h *handler) route(name string) (route, string, bool) {
	get := []string{http.MethodGet}
	parts := strings.Split(name, "/")
	switch {
	case name == "services":
		return route{get, h.getServices}, "", true
	case name == "requests":
		return route{[]string{http.MethodGet, http.MethodPost}, func(w http.ResponseWriter, r *http.Request, f format, _ string) {
			if r.Method == http.MethodPost {
				h.postRequest(w, r, f)
				return
			}
			h.getRequests(w, r, f, "")
		}}, "", true
	case name == "servicerequestupdates":
		return route{get, h.getUpdates}, "", true
	case len(parts) == 2 && parts[1] != "":
		switch parts[0] {
		case "services":
			return route{get, h.getService}, parts[1], true
		case "requests":
			return route{get, h.getRequest}, parts[1], true
		case "tokens":
			return route{get, h.getToken}, parts[1], true
		}
	}
	return route{}, "", false
}

type trackingWriter struct {
	http.ResponseWriter
	written *bool
}

func (t *trackingWriter) WriteHeader(code int) {
	*t.written = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	*t.written = true
	return t.ResponseWriter.Write(b)
}

// failed answers an unexpected error. A database that does not answer is
// the spec's "general service error" (400; the client tries again later,
// and Retry-After says when); anything else is a bug, logged with a short
// reference that the client is told.
func (h *handler) failed(w http.ResponseWriter, r *http.Request, f format, err error) {
	if errors.Is(err, appeal.ErrUnavailable) {
		h.log.Warn("open311: database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		writeError(w, f, badRequest("the service is unavailable for a moment; try again shortly (nothing was stored)"))
		return
	}
	ref := newRef()
	h.log.Error("open311: internal error", "ref", ref, "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, f, &apiError{http.StatusInternalServerError, "internal error, reference " + ref})
}

func newRef() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (h *handler) serviceList(ctx context.Context) ([]Service, error) {
	return h.services.Services(ctx)
}

// postRequest takes a service request in: POST requests.{fmt}.
func (h *handler) postRequest(w http.ResponseWriter, r *http.Request, f format) {
	form, aerr := readForm(w, r)
	if aerr != nil {
		writeError(w, f, aerr)
		return
	}
	client, ok := client(h.keys, form.Get("api_key"))
	if !ok || len(form["api_key"]) != 1 {
		writeError(w, f, &apiError{http.StatusForbidden, "api_key is missing or not valid: ask the operator for this client's key"})
		return
	}
	services, err := h.serviceList(r.Context())
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	now := h.now().UTC().Truncate(time.Microsecond)
	req, aerr := decodeRequest(form, client, services, now)
	if aerr != nil {
		writeError(w, f, aerr)
		return
	}
	// The report goes first, under the appeal's key: a crash between the
	// two leaves a report nobody sees, never an appeal without its report.
	if err := h.store.SaveReport(r.Context(), req.report); err != nil {
		h.failed(w, r, f, err)
		return
	}
	a, created, err := h.intake.Intake(r.Context(), req.intake)
	if err != nil {
		var fe *appeal.FieldError
		if errors.As(err, &fe) {
			writeError(w, f, intakeError(err))
			return
		}
		h.failed(w, r, f, err)
		return
	}
	if created {
		h.log.Info("open311: request received", "appeal", a.ID, "source", a.Source, "service_code", req.report.ServiceCode,
			"department", a.Department, "status", a.Status)
	}
	depts, err := h.departments(r.Context())
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	write(w, http.StatusOK, f, lst("service_requests", obj("request",
		val("service_request_id", idString(a.ID)),
		opt("service_notice", serviceNotice(a, depts, h.loc)),
		opt("account_id", req.report.AccountID),
	)))
}

// readForm reads a POST's form body: application/x-www-form-urlencoded
// in UTF-8, as the spec sends it, at most MaxFormBytes. Fields in the URL's
// query count too, after those of the body.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, *apiError) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, badRequest("the body must be application/x-www-form-urlencoded")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxFormBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, badRequest("the body is larger than 1 MiB")
		}
		return nil, badRequest("the body could not be read")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, badRequest("the body is not a well-formed form: " + cut(err.Error(), 200))
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("the query string is not well formed")
	}
	for k, vs := range query {
		form[k] = append(form[k], vs...)
	}
	return form, nil
}
