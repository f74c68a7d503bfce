package dispatch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/appealbot/appealbot/appeal"
)

// MaxExamples bounds one import.
const MaxExamples = 100000

// ExampleError says which line of an import is wrong and why.
type ExampleError struct {
	Line  int
	Field string
	Msg   string
}

func (e *ExampleError) Error() string {
	if e.Line == 0 {
		return e.Field + ": " + e.Msg
	}
	return fmt.Sprintf("line %d: %s %s", e.Line, e.Field, e.Msg)
}

// exampleJSON is one line of a JSON-lines import.
type exampleJSON struct {
	Title      string `json:"title"`
	Body       string `json:"body"`
	Category   string `json:"category"`
	Location   string `json:"location"`
	Department string `json:"department"`
}

// ReadExamples reads past appeals to learn from: JSON lines of objects with
// title, body, department and optionally category and location; or, with
// csvFormat, an RFC 4180 CSV whose header names those columns ("label" is
// taken for "department"; other columns are ignored). A UTF-8 BOM is
// skipped. Every example needs a department and a title or body.
func ReadExamples(r io.Reader, csvFormat bool) ([]appeal.RoutingExample, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	var out []appeal.RoutingExample
	add := func(line int, e appeal.RoutingExample) error {
		e.Title, e.Body = strings.TrimSpace(e.Title), strings.TrimSpace(e.Body)
		e.Category, e.Location = strings.TrimSpace(e.Category), strings.TrimSpace(e.Location)
		code, ok := appeal.NormalizeCode(e.Department)
		switch {
		case strings.TrimSpace(e.Department) == "":
			return &ExampleError{line, "department", "is required"}
		case !ok:
			return &ExampleError{line, "department", fmt.Sprintf("%q is not a department code", e.Department)}
		case e.Title == "" && e.Body == "":
			return &ExampleError{line, "title", "and body are both empty"}
		case len(out) >= MaxExamples:
			return &ExampleError{line, "", fmt.Sprintf("more than %d examples in one import", MaxExamples)}
		}
		e.Department = code
		for _, f := range []struct {
			name string
			v    *string
			max  int
		}{{"title", &e.Title, appeal.MaxTitleLen}, {"body", &e.Body, appeal.MaxBodyLen},
			{"category", &e.Category, appeal.MaxCategoryLen}, {"location", &e.Location, appeal.MaxLocationLen}} {
			if r := []rune(*f.v); len(r) > f.max {
				*f.v = string(r[:f.max])
			}
		}
		out = append(out, e)
		return nil
	}
	if csvFormat {
		return out, readCSV(br, add)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		var j exampleJSON
		if err := dec.Decode(&j); err != nil {
			return nil, &ExampleError{line, "", "is not a JSON object of title, body, category, location and department: " + err.Error()}
		}
		if err := add(line, appeal.RoutingExample(j)); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ExampleError{0, "body", "could not be read: " + err.Error()}
	}
	if len(out) == 0 {
		return nil, &ExampleError{0, "body", "holds no examples"}
	}
	return out, nil
}

func readCSV(r io.Reader, add func(int, appeal.RoutingExample) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return &ExampleError{1, "header", "is missing: the first row names the columns title, body and department"}
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "label" {
			h = "department"
		}
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	if _, ok := col["department"]; !ok {
		return &ExampleError{1, "header", "has no department (or label) column"}
	}
	if _, ok := col["title"]; !ok {
		if _, ok := col["body"]; !ok {
			return &ExampleError{1, "header", "has neither a title nor a body column"}
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	n := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return &ExampleError{line, "", "is not valid CSV: " + err.Error()}
		}
		if err := add(line, appeal.RoutingExample{Title: get(rec, "title"), Body: get(rec, "body"),
			Category: get(rec, "category"), Location: get(rec, "location"), Department: get(rec, "department")}); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return &ExampleError{0, "body", "holds no examples"}
	}
	return nil
}

// Departments tells whether a department exists (appeal.Service's Department
// lookups through the store).
type Departments interface {
	Department(ctx context.Context, code string) (appeal.Department, error)
}

// Import stores examples after checking that every department they name
// exists, and wakes the trainer. It returns how many it stored.
func (r *Router) Import(ctx context.Context, depts Departments, ex []appeal.RoutingExample) (int, error) {
	known := map[string]bool{}
	for i, e := range ex {
		if known[e.Department] {
			continue
		}
		if _, err := depts.Department(ctx, e.Department); err != nil {
			if errors.Is(err, appeal.ErrNotFound) {
				return 0, &ExampleError{0, "department", fmt.Sprintf("%q (example %d) does not exist; create it first", e.Department, i+1)}
			}
			return 0, err
		}
		known[e.Department] = true
	}
	if err := r.store.AddRoutingExamples(ctx, ex, r.now().UTC()); err != nil {
		return 0, err
	}
	r.Wake()
	return len(ex), nil
}

// Code is a stable machine-readable reason for the API: "unknown" for a
// department that does not exist, "invalid" otherwise.
func (e *ExampleError) Code() string {
	if strings.HasSuffix(e.Msg, "create it first") {
		return "unknown"
	}
	return "invalid"
}
