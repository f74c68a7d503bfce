package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

const (
	defaultPageSize = 50
	maxPageSize     = 200
)

func (s *server) createAppeal(w http.ResponseWriter, r *http.Request) {
	if rerr := checkContentType(r); rerr != nil {
		rerr.write(w)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	in, rerr := decodeIntake(r.Body, s.now(), s.maxAttachments)
	if rerr != nil {
		rerr.write(w)
		return
	}
	a, created, err := s.svc.Intake(r.Context(), in)
	if err != nil {
		if rerr := fieldError(err); rerr != nil {
			rerr.write(w)
			return
		}
		s.internal(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/appeals/"+strconv.FormatInt(int64(a.ID), 10))
		s.log.Info("api: appeal received", "appeal", a.ID, "source", a.Source, "external_id", a.ExternalID,
			"department", a.Department, "status", a.Status)
	}
	writeJSON(w, status, toAppealJSON(a))
}

func (s *server) getAppeal(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "invalid", "the appeal id must be a positive whole number", "id")
		return
	}
	a, events, err := s.svc.Appeal(r.Context(), appeal.ID(id))
	if errors.Is(err, appeal.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", "no appeal with id "+strconv.FormatInt(id, 10), "id")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	j := toAppealJSON(a)
	j.withDetails(a, events)
	if s.callbacks != nil {
		rows, err := s.callbacks.OutboxFor(r.Context(), a.ID, appeal.ToUpstream)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		cbs := make([]callbackJSON, 0, len(rows))
		for _, c := range rows {
			event := c.Args[appeal.ArgEvent]
			if event == "" {
				event = appeal.CallbackAnswered // queued before events were told
			}
			cbs = append(cbs, callbackJSON{ID: c.ID, Event: "appeal." + event, State: c.State, Attempts: c.Attempts, LastError: c.LastError,
				QueuedAt: c.CreatedAt, NextAttemptAt: timePtr(c.NextAttemptAt), SentAt: timePtr(c.SentAt)})
		}
		j.Callbacks = &cbs
	}
	writeJSON(w, http.StatusOK, j)
}

type pageJSON struct {
	Appeals    []appealJSON `json:"appeals"`
	NextCursor *string      `json:"next_cursor"`
	// HasMore, listing by change (updated_since), says whether another
	// page is ready now; next_cursor is then where to go on from, now or
	// at the next poll.
	HasMore *bool `json:"has_more,omitempty"`
}

// pollSettle is how far behind the clock listing by change stays: an
// appeal's updated_at is taken before its transaction commits, so a change
// made just now may commit after a later one, and a poller that had moved
// past its time would never see it.
const pollSettle = 5 * time.Second

func (s *server) listAppeals(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := appeal.Filter{Limit: defaultPageSize}
	if v := q.Get("status"); v != "" {
		f.Status = appeal.Status(v)
		if !f.Status.Valid() {
			writeError(w, http.StatusBadRequest, "invalid", "unknown status "+strconv.Quote(v), "status")
			return
		}
	}
	if v := q.Get("department"); v != "" {
		code, ok := appeal.NormalizeCode(v)
		if !ok {
			writeError(w, http.StatusBadRequest, "invalid", "malformed department code", "department")
			return
		}
		f.Department = code
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			writeError(w, http.StatusBadRequest, "invalid", "limit must be a whole number from 1 to "+strconv.Itoa(maxPageSize), "limit")
			return
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		before, ok := decodeCursor(v)
		if !ok {
			writeError(w, http.StatusBadRequest, "invalid", "the cursor is not one this API returned", "cursor")
			return
		}
		f.Before = before
	}
	if v := q.Get("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid", "updated_since must be an RFC 3339 time such as 2026-12-07T09:30:00+08:00", "updated_since")
			return
		}
		f.UpdatedSince = t
	}
	if v := q.Get("after"); v != "" {
		p, ok := decodePosition(v)
		if !ok {
			writeError(w, http.StatusBadRequest, "invalid", "after must be a next_cursor returned by a listing with updated_since", "after")
			return
		}
		f.After = p
	}
	if f.Changed() {
		if f.Before != 0 {
			writeError(w, http.StatusBadRequest, "invalid",
				"cursor pages the newest-first listing; with updated_since page with after instead", "cursor")
			return
		}
		s.listChanged(w, r, f)
		return
	}
	want := f.Limit
	f.Limit++ // one more tells whether another page exists
	list, err := s.svc.Appeals(r.Context(), f)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	page := pageJSON{Appeals: make([]appealJSON, 0, min(len(list), want))}
	if len(list) > want {
		list = list[:want]
		c := encodeCursor(list[len(list)-1].ID)
		page.NextCursor = &c
	}
	for _, a := range list {
		page.Appeals = append(page.Appeals, toAppealJSON(a))
	}
	writeJSON(w, http.StatusOK, page)
}

// listChanged answers a listing by change: the appeals changed since
// f.UpdatedSince or after f.After, oldest change first, up to pollSettle
// ago.
func (s *server) listChanged(w http.ResponseWriter, r *http.Request, f appeal.Filter) {
	f.UpdatedBefore = s.now().Add(-pollSettle)
	want := f.Limit
	f.Limit++
	list, err := s.svc.Appeals(r.Context(), f)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	more := len(list) > want
	if more {
		list = list[:want]
	}
	page := pageJSON{Appeals: make([]appealJSON, 0, len(list)), HasMore: &more}
	for _, a := range list {
		page.Appeals = append(page.Appeals, toAppealJSON(a))
	}
	if n := len(list); n > 0 {
		c := encodePosition(appeal.Position{At: list[n-1].UpdatedAt, ID: list[n-1].ID})
		page.NextCursor = &c
	} else if !f.After.At.IsZero() {
		c := encodePosition(f.After)
		page.NextCursor = &c
	}
	writeJSON(w, http.StatusOK, page)
}

// encodePosition is the after cursor of a listing by change: the time (in
// microseconds, as stored) and id of the last appeal listed.
func encodePosition(p appeal.Position) string {
	return base64.RawURLEncoding.EncodeToString([]byte("u" + strconv.FormatInt(p.At.UnixMicro(), 10) +
		"." + strconv.FormatInt(int64(p.ID), 10)))
}

func decodePosition(s string) (appeal.Position, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 4 || b[0] != 'u' {
		return appeal.Position{}, false
	}
	at, id, ok := strings.Cut(string(b[1:]), ".")
	us, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || us <= 0 || n <= 0 {
		return appeal.Position{}, false
	}
	return appeal.Position{At: time.UnixMicro(us).UTC(), ID: appeal.ID(n)}, true
}

func encodeCursor(id appeal.ID) string {
	return base64.RawURLEncoding.EncodeToString([]byte("a" + strconv.FormatInt(int64(id), 10)))
}

func decodeCursor(s string) (appeal.ID, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || b[0] != 'a' {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b[1:]), 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return appeal.ID(id), true
}

func (s *server) listDepartments(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Departments(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := departmentsJSON{Departments: make([]listedDepartmentJSON, 0, len(list))}
	var setup appeal.Setup
	if s.setup != nil {
		if setup, err = s.setup(r.Context()); err != nil {
			s.internal(w, r, err)
			return
		}
		out.Gaps = []string{}
		for _, g := range setup.Gaps() {
			if g.Department == "" {
				out.Gaps = append(out.Gaps, gapCode(g))
			}
		}
		out.Reach = map[string]string{
			"dispatch":    levelCode(setup.Reach(appeal.Recipient{Kind: appeal.ToDispatch})),
			"supervision": levelCode(setup.Reach(appeal.Recipient{Kind: appeal.ToSupervision})),
		}
	}
	for _, d := range list {
		ld := listedDepartmentJSON{departmentJSON: toDepartmentJSON(d)}
		if s.setup != nil {
			ld.Chats, ld.Leaders = new(int), new(int)
			for _, ds := range setup.Departments {
				if ds.Code == d.Code {
					*ld.Chats, *ld.Leaders = ds.Chats, ds.Leaders
				}
			}
			ld.Gaps = []string{}
			for _, g := range setup.Gaps() {
				if g.Department == d.Code {
					ld.Gaps = append(ld.Gaps, gapCode(g))
				}
			}
			ld.Reach = map[string]string{
				"appeals": levelCode(setup.Reach(appeal.Recipient{Kind: appeal.ToDepartment, Ref: d.Code})),
				"leaders": levelCode(setup.Reach(appeal.Recipient{Kind: appeal.ToLeaders, Ref: d.Code})),
			}
		}
		out.Departments = append(out.Departments, ld)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) putDepartment(w http.ResponseWriter, r *http.Request) {
	if rerr := checkContentType(r); rerr != nil {
		rerr.write(w)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	var in departmentInJSON
	if rerr := decodeJSON(r.Body, &in); rerr != nil {
		rerr.write(w)
		return
	}
	// Fields left out keep the department's values, so that syncing a
	// directory never resets what was set in chat (SLA, approval).
	code := r.PathValue("code")
	cur := appeal.Department{Code: code}
	if norm, ok := appeal.NormalizeCode(code); ok {
		list, err := s.svc.Departments(r.Context())
		if err != nil {
			s.internal(w, r, err)
			return
		}
		for _, d := range list {
			if d.Code == norm {
				cur = d
			}
		}
	}
	d, rerr := mergeDepartment(cur, in)
	if rerr != nil {
		rerr.write(w)
		return
	}
	saved, err := s.svc.SaveDepartment(r.Context(), d)
	if err != nil {
		if rerr := fieldError(err); rerr != nil {
			rerr.write(w)
			return
		}
		s.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDepartmentJSON(saved))
}
