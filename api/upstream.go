package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Urger records citizens' urges (appeal.Service).
type Urger interface {
	Urge(ctx context.Context, id appeal.ID, note string) (appeal.Appeal, error)
}

// Members reads who works in a department (the store).
type Members interface {
	Department(ctx context.Context, code string) (appeal.Department, error)
	DepartmentMembers(ctx context.Context, code string, role appeal.Role) ([]appeal.Member, error)
	DepartmentGrants(ctx context.Context, code string, role appeal.Role) ([]appeal.Grant, error)
}

type urgeJSON struct {
	Note string `json:"note"`
}

// postUrge records a citizen's urge (催办): the department is told at
// once. 404 for an unknown appeal, 409 for a closed one, 429 with
// Retry-After for one urged less than the configured interval ago.
func (s *server) postUrge(w http.ResponseWriter, r *http.Request) {
	var in urgeJSON
	id, ok := decodeAppealPost(w, r, &in)
	if !ok {
		return
	}
	a, err := s.urges.Urge(r.Context(), appeal.ID(id), in.Note)
	var soon *appeal.UrgeTooSoonError
	switch {
	case err == nil:
	case fieldError(err) != nil:
		fieldError(err).write(w)
		return
	case errors.Is(err, appeal.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no appeal with id "+strconv.FormatInt(id, 10), "id")
		return
	case errors.Is(err, appeal.ErrClosed):
		writeError(w, http.StatusConflict, "closed", "the appeal is closed: there is nothing left to urge", "")
		return
	case errors.As(err, &soon):
		wait := max(1, int64(math.Ceil(soon.Next.Sub(s.now()).Seconds())))
		w.Header().Set("Retry-After", strconv.FormatInt(wait, 10))
		writeError(w, http.StatusTooManyRequests, "urged_recently",
			"the appeal was urged a moment ago and its department told; it may be urged again from "+
				soon.Next.UTC().Format(time.RFC3339), "")
		return
	default:
		s.internal(w, r, err)
		return
	}
	s.log.Info("api: appeal urged", "appeal", id, "urges", a.Urges)
	writeJSON(w, http.StatusOK, toAppealJSON(a))
}

// decodeAppealPost reads the appeal id of a POST to /api/v1/appeals/{id}/…
// and its JSON body into v; on bad input it writes the error and returns
// false.
func decodeAppealPost(w http.ResponseWriter, r *http.Request, v any) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "invalid", "the appeal id must be a positive whole number", "id")
		return 0, false
	}
	if rerr := checkContentType(r); rerr != nil {
		rerr.write(w)
		return 0, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if rerr := decodeJSON(r.Body, v); rerr != nil {
		rerr.write(w)
		return 0, false
	}
	return id, true
}

// memberJSON is one person of a department with the roles they hold
// there.
type memberJSON struct {
	ID          int64      `json:"id"`
	Network     string     `json:"network"`
	ExternalID  string     `json:"external_id"`
	Username    string     `json:"username,omitempty"`
	DisplayName string     `json:"display_name,omitempty"`
	Roles       []roleJSON `json:"roles"`
}

type roleJSON struct {
	Role string `json:"role"`
	// Since is when the role was granted; null when not known.
	Since *time.Time `json:"since"`
}

type membersJSON struct {
	Department string       `json:"department"`
	Members    []memberJSON `json:"members"`
}

// getMembers lists the leaders and responders of a department, by member
// id. 404 with a JSON body for a department that does not exist.
func (s *server) getMembers(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("code")
	code, ok := appeal.NormalizeCode(raw)
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid", "malformed department code "+strconv.Quote(raw)+
			": 1–32 letters, digits, '_' or '-'", "code")
		return
	}
	if _, err := s.members.Department(r.Context(), code); errors.Is(err, appeal.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", "no department with code "+strconv.Quote(code), "code")
		return
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	out := membersJSON{Department: code, Members: []memberJSON{}}
	index := map[appeal.MemberID]int{}
	for _, role := range []appeal.Role{appeal.RoleLeader, appeal.RoleResponder} {
		ms, err := s.members.DepartmentMembers(r.Context(), code, role)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		gs, err := s.members.DepartmentGrants(r.Context(), code, role)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		since := map[appeal.MemberID]time.Time{}
		for _, g := range gs {
			since[g.Member] = g.Since
		}
		for _, m := range ms {
			i, seen := index[m.ID]
			if !seen {
				i = len(out.Members)
				index[m.ID] = i
				out.Members = append(out.Members, memberJSON{ID: int64(m.ID), Network: m.Network, ExternalID: m.ExternalID,
					Username: m.Username, DisplayName: m.DisplayName})
			}
			out.Members[i].Roles = append(out.Members[i].Roles, roleJSON{Role: string(role), Since: timePtr(since[m.ID])})
		}
	}
	slices.SortFunc(out.Members, func(a, b memberJSON) int { return int(a.ID - b.ID) })
	writeJSON(w, http.StatusOK, out)
}
