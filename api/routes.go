package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/appealbot/appealbot/appeal"
)

// Routes reads and replaces the routing catalogue (appeal.Service).
type Routes interface {
	Routes(ctx context.Context) ([]appeal.Rule, error)
	SetRoutes(ctx context.Context, rules []appeal.Rule) ([]appeal.Rule, error)
}

// ruleJSON is one rule of the catalogue as the API reads and writes it.
type ruleJSON struct {
	Name       string   `json:"name"`
	Category   string   `json:"category"`
	Keywords   []string `json:"keywords"`
	Location   string   `json:"location"`
	Department string   `json:"department"`
}

type routesJSON struct {
	Routes []ruleJSON `json:"routes"`
}

func toRoutesJSON(rules []appeal.Rule) routesJSON {
	out := routesJSON{Routes: make([]ruleJSON, 0, len(rules))}
	for _, r := range rules {
		kw := r.Keywords
		if kw == nil {
			kw = []string{}
		}
		out.Routes = append(out.Routes, ruleJSON{Name: r.Name, Category: r.Category, Keywords: kw,
			Location: r.Location, Department: r.Department})
	}
	return out
}

// getRoutes answers GET /api/v1/routes: the catalogue in order.
func (s *server) getRoutes(w http.ResponseWriter, r *http.Request) {
	rules, err := s.routes.Routes(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toRoutesJSON(rules))
}

// putRoutes answers PUT /api/v1/routes: the whole catalogue replaced in
// one transaction, or nothing changed and a 400 naming the field at fault.
func (s *server) putRoutes(w http.ResponseWriter, r *http.Request) {
	if rerr := checkContentType(r); rerr != nil {
		rerr.write(w)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	var in struct {
		Routes *[]ruleJSON `json:"routes"`
	}
	if rerr := decodeJSON(r.Body, &in); rerr != nil {
		rerr.write(w)
		return
	}
	if in.Routes == nil {
		badRequest("routes", "required", "routes is required: the whole catalogue, [] to empty it").write(w)
		return
	}
	rules := make([]appeal.Rule, 0, len(*in.Routes))
	for _, j := range *in.Routes {
		rules = append(rules, appeal.Rule{Name: j.Name, Category: j.Category, Keywords: j.Keywords,
			Location: j.Location, Department: j.Department})
	}
	stored, err := s.routes.SetRoutes(r.Context(), rules)
	var fe *appeal.FieldError
	if errors.As(err, &fe) {
		fieldError(err).write(w)
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.log.Info("api: routing catalogue replaced", "rules", len(stored))
	writeJSON(w, http.StatusOK, toRoutesJSON(stored))
}
