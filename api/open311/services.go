package open311

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/appealbot/appealbot/appeal"
)

// Service is one kind of request a client may file (GET services).
type Service struct {
	Code        string
	Name        string
	Description string
	// Keywords is a comma-separated list of synonyms.
	Keywords string
	Group    string
	// Department is the code of the department its requests go to; empty
	// sends them to dispatch.
	Department string
	// Category becomes the appeal's category.
	Category   string
	Attributes []Attribute
}

// Attribute is one extra question of a service (GET services/{code}).
type Attribute struct {
	// Variable false means the attribute only informs the user and takes
	// no input.
	Variable            bool   `json:"variable"`
	Code                string `json:"code"`
	Datatype            string `json:"datatype"`
	Required            bool   `json:"required"`
	DatatypeDescription string `json:"datatype_description"`
	Order               int    `json:"order"`
	Description         string `json:"description"`
	Values              []Value
}

// Value is one choice of a list attribute.
type Value struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Datatypes an attribute may have, as the spec names them.
var Datatypes = []string{"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}

func (a Attribute) isList() bool {
	return a.Datatype == "singlevaluelist" || a.Datatype == "multivaluelist"
}

// Services gives the services on offer. It is the seam where a routing
// catalogue's categories can replace or extend the departments.
type Services interface {
	Services(ctx context.Context) ([]Service, error)
}

// DepartmentLister lists departments (appeal.Service, storage.Store).
type DepartmentLister interface {
	Departments(ctx context.Context) ([]appeal.Department, error)
}

// Departments offers one service per department: its code is the
// department's code and its name the department's name, and its requests
// go to that department. Settings add what departments do not know: a
// description, keywords, a group, a category and extra questions.
type Departments struct {
	List     DepartmentLister
	Settings map[string]ServiceSettings
}

// Services implements Services.
func (d Departments) Services(ctx context.Context) ([]Service, error) {
	depts, err := d.List.Departments(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Service, 0, len(depts))
	for _, dep := range depts {
		s := Service{Code: dep.Code, Name: dep.Name, Department: dep.Code}
		if x, ok := d.Settings[dep.Code]; ok {
			if x.Name != "" {
				s.Name = x.Name
			}
			s.Description, s.Keywords, s.Group, s.Category = x.Description, x.Keywords, x.Group, x.Category
			s.Attributes = x.Attributes
		}
		out = append(out, s)
	}
	return out, nil
}

// ServiceSettings are what a service adds to its department (the file of
// APPEALBOT_OPEN311_SERVICES, one object per department code).
type ServiceSettings struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Keywords    string      `json:"keywords"`
	Group       string      `json:"group"`
	Category    string      `json:"category"`
	Attributes  []Attribute `json:"attributes"`
}

// attributeJSON is an attribute as the settings file writes it: variable
// defaults to true and order to its place in the list.
type attributeJSON struct {
	Variable            *bool   `json:"variable"`
	Code                string  `json:"code"`
	Datatype            string  `json:"datatype"`
	Required            bool    `json:"required"`
	DatatypeDescription string  `json:"datatype_description"`
	Order               int     `json:"order"`
	Description         string  `json:"description"`
	Values              []Value `json:"values"`
}

// Limits of what a service's questions may hold.
const (
	maxAttributes     = 50
	maxAttrCodeLen    = 64
	maxValuesPerAttr  = 100
	maxSettingTextLen = 500
)

// ParseServiceSettings reads the services' settings, a JSON object from
// department code to settings, and reports every problem it finds.
func ParseServiceSettings(data []byte) (map[string]ServiceSettings, error) {
	var raw map[string]struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Keywords    string          `json:"keywords"`
		Group       string          `json:"group"`
		Category    string          `json:"category"`
		Attributes  []attributeJSON `json:"attributes"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not a JSON object of services: %w", err)
	}
	var errs []error
	out := make(map[string]ServiceSettings, len(raw))
	for code, r := range raw {
		norm, ok := appeal.NormalizeCode(code)
		if !ok {
			errs = append(errs, fmt.Errorf("%q is not a department code", code))
			continue
		}
		s := ServiceSettings{Name: r.Name, Description: r.Description, Keywords: r.Keywords, Group: r.Group, Category: r.Category}
		for field, v := range map[string]string{"name": s.Name, "description": s.Description, "keywords": s.Keywords, "group": s.Group} {
			if utf8.RuneCountInString(v) > maxSettingTextLen {
				errs = append(errs, fmt.Errorf("%s: %s is longer than %d characters", code, field, maxSettingTextLen))
			}
		}
		if utf8.RuneCountInString(s.Category) > appeal.MaxCategoryLen {
			errs = append(errs, fmt.Errorf("%s: category is longer than %d characters", code, appeal.MaxCategoryLen))
		}
		if len(r.Attributes) > maxAttributes {
			errs = append(errs, fmt.Errorf("%s: more than %d attributes", code, maxAttributes))
		}
		codes, orders := map[string]bool{}, map[int]bool{}
		for i, a := range r.Attributes {
			at := Attribute{Variable: a.Variable == nil || *a.Variable, Code: a.Code, Datatype: a.Datatype,
				Required: a.Required, DatatypeDescription: a.DatatypeDescription, Order: a.Order,
				Description: a.Description, Values: a.Values}
			if at.Order == 0 {
				at.Order = i + 1
			}
			where := fmt.Sprintf("%s: attribute %d (%q)", code, i+1, a.Code)
			if !validAttrCode(at.Code) {
				errs = append(errs, fmt.Errorf("%s: code must be 1-%d characters without brackets, spaces or '='", where, maxAttrCodeLen))
			}
			if codes[at.Code] {
				errs = append(errs, fmt.Errorf("%s: code repeats", where))
			}
			codes[at.Code] = true
			if at.Order < 1 || orders[at.Order] {
				errs = append(errs, fmt.Errorf("%s: order must be a positive number no other attribute has", where))
			}
			orders[at.Order] = true
			if !slices.Contains(Datatypes, at.Datatype) {
				errs = append(errs, fmt.Errorf("%s: datatype must be one of %s", where, strings.Join(Datatypes, ", ")))
			}
			if at.isList() != (len(at.Values) > 0) {
				errs = append(errs, fmt.Errorf("%s: a singlevaluelist or multivaluelist needs values, and only they have values", where))
			}
			if len(at.Values) > maxValuesPerAttr {
				errs = append(errs, fmt.Errorf("%s: more than %d values", where, maxValuesPerAttr))
			}
			keys := map[string]bool{}
			for _, v := range at.Values {
				if v.Key == "" || keys[v.Key] || v.Name == "" {
					errs = append(errs, fmt.Errorf("%s: every value needs a key of its own and a name", where))
					break
				}
				keys[v.Key] = true
			}
			if at.Required && !at.Variable {
				errs = append(errs, fmt.Errorf("%s: an attribute that takes no input (variable false) cannot be required", where))
			}
			s.Attributes = append(s.Attributes, at)
		}
		slices.SortStableFunc(s.Attributes, func(a, b Attribute) int { return a.Order - b.Order })
		out[norm] = s
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// validAttrCode reports whether c can be an attribute's code: it must
// survive the attribute[code] form syntax.
func validAttrCode(c string) bool {
	return c != "" && utf8.ValidString(c) && utf8.RuneCountInString(c) <= maxAttrCodeLen &&
		!strings.ContainsAny(c, "[]= \t\r\n&\x00")
}
