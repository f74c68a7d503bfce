package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"

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
	in, rerr := decodeIntake(r.Body, s.now())
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
			cbs = append(cbs, callbackJSON{ID: c.ID, State: c.State, Attempts: c.Attempts, LastError: c.LastError,
				QueuedAt: c.CreatedAt, NextAttemptAt: timePtr(c.NextAttemptAt), SentAt: timePtr(c.SentAt)})
		}
		j.Callbacks = &cbs
	}
	writeJSON(w, http.StatusOK, j)
}

type pageJSON struct {
	Appeals    []appealJSON `json:"appeals"`
	NextCursor *string      `json:"next_cursor"`
}

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
