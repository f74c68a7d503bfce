package open311

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// The spec's default window and size of a listing: the most recent 90
// days, at most 1000 requests.
const (
	Window   = 90 * 24 * time.Hour
	MaxItems = 1000
)

func (h *handler) getServices(w http.ResponseWriter, r *http.Request, f format, _ string) {
	services, err := h.serviceList(r.Context())
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	items := make([]node, 0, len(services))
	for _, s := range services {
		items = append(items, obj("service",
			val("service_code", s.Code),
			val("service_name", s.Name),
			opt("description", s.Description),
			val("metadata", len(s.Attributes) > 0),
			val("type", "realtime"),
			opt("keywords", s.Keywords),
			opt("group", s.Group),
		))
	}
	write(w, http.StatusOK, f, lst("services", items...))
}

func (h *handler) getService(w http.ResponseWriter, r *http.Request, f format, code string) {
	services, err := h.serviceList(r.Context())
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	s, ok := findService(services, code)
	if !ok {
		writeError(w, f, &apiError{http.StatusNotFound, "service_code " + strconv.Quote(cut(code, 64)) + " is not a service here"})
		return
	}
	attrs := make([]node, 0, len(s.Attributes))
	for _, a := range s.Attributes {
		values := make([]node, 0, len(a.Values))
		for _, v := range a.Values {
			values = append(values, obj("value", val("key", v.Key), val("name", v.Name)))
		}
		attrs = append(attrs, obj("attribute",
			val("variable", a.Variable),
			val("code", a.Code),
			val("datatype", a.Datatype),
			val("required", a.Required),
			opt("datatype_description", a.DatatypeDescription),
			val("order", a.Order),
			opt("description", a.Description),
			lst("values", values...),
		))
	}
	write(w, http.StatusOK, f, obj("service_definition", val("service_code", s.Code), lst("attributes", attrs...)))
}

// getRequests lists requests: GET requests.{fmt}.
func (h *handler) getRequests(w http.ResponseWriter, r *http.Request, f format, _ string) {
	q := r.URL.Query()
	filter := appeal.ReportFilter{Limit: MaxItems}
	if ids := listParam(q, "service_request_id"); len(ids) > 0 {
		// It overrides every other argument.
		for _, s := range ids {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 && len(filter.IDs) < MaxItems {
				filter.IDs = append(filter.IDs, appeal.ID(id))
			}
		}
		if len(filter.IDs) == 0 {
			write(w, http.StatusOK, f, lst("service_requests"))
			return
		}
	} else {
		filter.ServiceCodes = listParam(q, "service_code")
		for _, s := range listParam(q, "status") {
			switch s {
			case "open":
				filter.Open = true
			case "closed":
				filter.Closed = true
			default:
				writeError(w, f, badRequest("status must be open or closed, or both comma-separated"))
				return
			}
		}
		from, to, aerr := window(q, h.now())
		if aerr != nil {
			writeError(w, f, aerr)
			return
		}
		filter.From, filter.To = from, to
	}
	h.writeRequests(w, r, f, filter, "")
}

// getRequest shows one request: GET requests/{id}.{fmt}.
func (h *handler) getRequest(w http.ResponseWriter, r *http.Request, f format, arg string) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		writeError(w, f, &apiError{http.StatusNotFound, "no service request " + strconv.Quote(cut(arg, 64))})
		return
	}
	h.writeRequests(w, r, f, appeal.ReportFilter{IDs: []appeal.ID{appeal.ID(id)}, Limit: 1}, "no service request "+arg)
}

// getToken finds the requests sent with a client's token: GET
// tokens/{token}.{fmt}.
func (h *handler) getToken(w http.ResponseWriter, r *http.Request, f format, token string) {
	notFound := &apiError{http.StatusNotFound, "no service request was sent with token " + strconv.Quote(cut(token, 64))}
	if !tokenPattern.MatchString(token) {
		writeError(w, f, notFound)
		return
	}
	list, err := h.store.Reports(r.Context(), appeal.ReportFilter{Token: token, Limit: MaxItems})
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	if len(list) == 0 {
		writeError(w, f, notFound)
		return
	}
	items := make([]node, 0, len(list))
	for _, ra := range list {
		items = append(items, obj("request", val("service_request_id", idString(ra.Appeal.ID)), val("token", token)))
	}
	write(w, http.StatusOK, f, lst("service_requests", items...))
}

// writeRequests answers with the requests f selects; with notFound set,
// none is a 404 with that description rather than an empty list.
func (h *handler) writeRequests(w http.ResponseWriter, r *http.Request, f format, filter appeal.ReportFilter, notFound string) {
	ctx := r.Context()
	list, err := h.store.Reports(ctx, filter)
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	if len(list) == 0 && notFound != "" {
		writeError(w, f, &apiError{http.StatusNotFound, notFound})
		return
	}
	ids := make([]appeal.ID, 0, len(list))
	for _, ra := range list {
		ids = append(ids, ra.Appeal.ID)
	}
	events, err := h.store.ReportEvents(ctx, ids, appeal.PublicEvents)
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	byAppeal := map[appeal.ID][]appeal.Event{}
	for _, e := range events {
		byAppeal[e.AppealID] = append(byAppeal[e.AppealID], e)
	}
	depts, err := h.departments(ctx)
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	services, err := h.serviceList(ctx)
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	items := make([]node, 0, len(list))
	for _, ra := range list {
		items = append(items, h.requestNode(ra, byAppeal[ra.Appeal.ID], depts, services))
	}
	write(w, http.StatusOK, f, lst("service_requests", items...))
}

// requestNode is a request as GET requests shows it, in the spec's order.
func (h *handler) requestNode(ra appeal.ReportedAppeal, events []appeal.Event, depts departments, services []Service) node {
	a, rep := ra.Appeal, ra.Report
	loc := depts.zone(a.Department, h.loc)
	status := "open"
	if a.Status == appeal.StatusClosed {
		status = "closed"
	}
	updated := a.ReceivedAt
	if a.CreatedAt.After(updated) {
		updated = a.CreatedAt
	}
	for _, e := range events {
		if e.At.After(updated) {
			updated = e.At
		}
	}
	name := rep.ServiceCode
	if s, ok := findService(services, rep.ServiceCode); ok {
		name = s.Name
	}
	// Only a department that holds the appeal has a deadline to keep.
	expected := node{name: "expected_datetime"}
	if !a.Deadlines.ResolveBy.IsZero() && depts.responsible(a) != "" {
		expected.value = w3c(a.Deadlines.ResolveBy, loc)
	}
	lat, long := node{name: "lat"}, node{name: "long"}
	if rep.HasPoint {
		lat.value, long.value = rep.Lat, rep.Long
	}
	media := ""
	if len(rep.MediaURLs) > 0 {
		media = rep.MediaURLs[0]
	}
	return obj("request",
		val("service_request_id", idString(a.ID)),
		val("status", status),
		opt("status_notes", statusNotes(events)),
		val("service_name", name),
		val("service_code", rep.ServiceCode),
		opt("description", rep.Description),
		opt("agency_responsible", depts.responsible(a)),
		opt("service_notice", serviceNotice(a, depts, h.loc)),
		val("requested_datetime", w3c(a.ReceivedAt, loc)),
		val("updated_datetime", w3c(updated, loc)),
		expected,
		opt("address", rep.AddressString),
		opt("address_id", rep.AddressID),
		node{name: "zipcode"},
		lat, long,
		opt("media_url", media),
	)
}

// getUpdates lists the changes of requests in a time range, each once
// (FixMyStreet's extension): GET servicerequestupdates.{fmt}.
func (h *handler) getUpdates(w http.ResponseWriter, r *http.Request, f format, _ string) {
	from, to, aerr := window(r.URL.Query(), h.now())
	if aerr != nil {
		writeError(w, f, aerr)
		return
	}
	events, err := h.store.ReportUpdates(r.Context(), from, to, appeal.PublicEvents, MaxItems)
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	depts, err := h.departments(r.Context())
	if err != nil {
		h.failed(w, r, f, err)
		return
	}
	items := make([]node, 0, len(events))
	for _, e := range events {
		status := "open"
		if e.ToStatus == appeal.StatusClosed {
			status = "closed"
		}
		items = append(items, obj("request_update",
			val("update_id", strconv.FormatInt(e.ID, 10)),
			val("service_request_id", idString(e.AppealID)),
			val("status", status),
			val("updated_datetime", w3c(e.At, depts.zone(e.Department, h.loc))),
			opt("description", updateText(e, depts)),
			node{name: "media_url"},
		))
	}
	write(w, http.StatusOK, f, lst("service_request_updates", items...))
}

// listParam gathers a parameter that may be given several times and
// comma-separated, without empty entries.
func listParam(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// window reads start_date and end_date: both included, at most 90 days
// apart; without either, the 90 days that end at the other (or now).
func window(q url.Values, now time.Time) (from, to time.Time, err *apiError) {
	var haveFrom, haveTo bool
	for _, p := range []struct {
		name string
		dst  *time.Time
		have *bool
	}{{"start_date", &from, &haveFrom}, {"end_date", &to, &haveTo}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			continue
		}
		t, perr := parseW3C(v)
		if perr != nil {
			return time.Time{}, time.Time{}, badRequest(p.name + " must be a W3C date and time with a zone, e.g. 2010-01-01T00:00:00Z")
		}
		*p.dst, *p.have = t, true
	}
	switch {
	case haveFrom && haveTo:
		if to.Before(from) {
			return time.Time{}, time.Time{}, badRequest("end_date is before start_date")
		}
		if to.Sub(from) > Window {
			return time.Time{}, time.Time{}, badRequest("start_date and end_date may not span more than 90 days")
		}
	case haveFrom:
		to = from.Add(Window)
	case haveTo:
		from = to.Add(-Window)
	default:
		to = now
		from = now.Add(-Window)
	}
	return from, to, nil
}

func idString(id appeal.ID) string { return strconv.FormatInt(int64(id), 10) }

// w3c writes t as the spec's dates are written: to the second, with the
// zone's offset.
func w3c(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02T15:04:05Z07:00")
}

// departments are the departments by code, for names and zones.
type departments map[string]appeal.Department

func (h *handler) departments(ctx context.Context) (departments, error) {
	list, err := h.store.Departments(ctx)
	if err != nil {
		return nil, err
	}
	out := make(departments, len(list))
	for _, d := range list {
		out[d.Code] = d
	}
	return out, nil
}

// zone is the time zone of department code, def when it has none.
func (d departments) zone(code string, def *time.Location) *time.Location {
	if dep, ok := d[code]; ok {
		if loc, err := appeal.Zone(dep.Timezone); err == nil {
			return loc
		}
	}
	return def
}

func (d departments) name(code string) string {
	if dep, ok := d[code]; ok && dep.Name != "" {
		return dep.Name
	}
	return code
}

// responsible is the name of the department that holds a: "" while it
// waits for dispatch, and when dispatch closed it unanswered (a returned
// appeal keeps the code of the department that sent it back).
func (d departments) responsible(a appeal.Appeal) string {
	switch {
	case a.Department == "", a.Status == appeal.StatusUnassigned, a.Status == appeal.StatusReturned,
		a.Status == appeal.StatusClosed && a.AnsweredAt.IsZero():
		return ""
	}
	return d.name(a.Department)
}

// statusNotes explains the current status from the public events: the
// latest answer, or the reason of a return or of a close without answer
// that came after it; a reopen starts afresh.
func statusNotes(events []appeal.Event) string {
	note := ""
	for _, e := range events {
		switch e.Kind {
		case appeal.EventAnswered, appeal.EventReturned:
			note = e.Note
		case appeal.EventClosed:
			if e.FromStatus != appeal.StatusAnswered {
				note = e.Note
			}
		case appeal.EventReopened:
			note = ""
		}
	}
	return note
}

// serviceNotice says, in Chinese and English, what happens next.
func serviceNotice(a appeal.Appeal, depts departments, def *time.Location) string {
	dept := depts.name(a.Department)
	switch a.Status {
	case appeal.StatusClosed:
		return "已办结。/ Closed."
	case appeal.StatusAnswered:
		return dept + "已答复。/ " + dept + " has answered."
	case appeal.StatusUnassigned, appeal.StatusReturned:
		return "正在分派给负责的部门。/ Being passed to the department responsible."
	}
	if a.Deadlines.ResolveBy.IsZero() {
		return "由" + dept + "办理。/ " + dept + " handles it."
	}
	by := a.Deadlines.ResolveBy.In(depts.zone(a.Department, def)).Format("2006-01-02 15:04")
	return "由" + dept + "办理，预计 " + by + " 前办结。/ " + dept + " handles it; expected to be resolved by " + by + "."
}

// updateText is what an update says: the answer or the reason given, or
// what happened, in Chinese and English.
func updateText(e appeal.Event, depts departments) string {
	dept := depts.name(e.Department)
	switch e.Kind {
	case appeal.EventAssigned:
		return "已交" + dept + "办理。/ Passed to " + dept + "."
	case appeal.EventClaimed:
		return dept + "已受理。/ " + dept + " is working on it."
	case appeal.EventTransferred:
		return "已转交" + dept + "办理。/ Transferred to " + dept + "."
	case appeal.EventReopened:
		return "已重新办理。/ Reopened."
	case appeal.EventClosed:
		if e.Note == "" {
			return "已办结。/ Closed."
		}
	}
	return e.Note
}
