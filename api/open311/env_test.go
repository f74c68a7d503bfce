package open311_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/api/open311"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// t0 is the tests' start: a Monday, 10:00 in Shanghai.
var t0 = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

const (
	fmsKey    = "fms-key-0123456789abcdef"
	portalKey = "portal-key-0123456789ab"
)

var formats = []string{"xml", "json"}

type env struct {
	t     *testing.T
	store *storage.Store
	svc   *appeal.Service
	srv   *httptest.Server

	mu  sync.Mutex
	now time.Time
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// advance moves the clock on by d.
func (e *env) advance(d time.Duration) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
	return e.now
}

// settings are the services' settings the tests run with: the water
// service asks what is wrong (a required list), since when (a datetime)
// and how many homes (a number), and tells something (not variable).
var settings = map[string]open311.ServiceSettings{
	"water": {
		Description: "停水、水压低、管道漏水", Keywords: "停水,漏水,水压", Group: "市政", Category: "供水",
		Attributes: []open311.Attribute{
			{Variable: true, Code: "kind", Datatype: "singlevaluelist", Required: true, Order: 1, Description: "问题类型",
				DatatypeDescription: "选一项", Values: []open311.Value{{Key: "leak", Name: "漏水"}, {Key: "outage", Name: "停水"}}},
			{Variable: true, Code: "since", Datatype: "datetime", Order: 2, Description: "从什么时候开始"},
			{Variable: true, Code: "homes", Datatype: "number", Order: 3, Description: "影响户数"},
			{Variable: true, Code: "floors", Datatype: "multivaluelist", Order: 4, Description: "楼层",
				Values: []open311.Value{{Key: "1", Name: "一楼"}, {Key: "2", Name: "二楼"}}},
			{Variable: false, Code: "note", Datatype: "text", Order: 5, Description: "抢修电话 96116"},
		},
	},
}

// newEnv serves the API, Open311 included, over a fresh store with the
// departments water (Shanghai) and roads (New York).
func newEnv(t *testing.T, backend string) *env {
	t.Helper()
	e := &env{t: t, store: storagetest.Open(t, backend), now: t0}
	e.svc = appeal.NewService(e.store, e.clock, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: e.store}))
	for _, d := range []appeal.Department{{Code: "water", Name: "供水公司"}, {Code: "roads", Name: "Roads & Bridges", Timezone: "America/New_York"}} {
		if _, err := e.svc.SaveDepartment(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	geo := open311.New(e.svc, e.store, open311.Options{
		Keys:     []open311.Key{{Client: "fms", Secret: fmsKey}, {Client: "portal", Secret: portalKey}},
		Services: open311.Departments{List: e.store, Settings: settings},
		Location: shanghai, Now: e.clock,
	})
	e.srv = httptest.NewServer(api.New(e.svc, e.store, api.Options{Tokens: []string{"api-token-0123456789"}, Now: e.clock, Open311: geo}))
	t.Cleanup(e.srv.Close)
	return e
}

func forEachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) { fn(t, b) })
	}
}

// response is an answer as the client gets it.
type response struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
}

func (e *env) do(method, path, contentType, body string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), header: resp.Header, body: b}
}

func (e *env) get(path string) response { return e.do("GET", path, "", "") }

const formType = "application/x-www-form-urlencoded; charset=utf-8"

func (e *env) post(format string, form url.Values) response {
	return e.do("POST", "/open311/v2/requests."+format, formType, form.Encode())
}

// validRequest is a request a civic app might send for the water service.
func validRequest() url.Values {
	return url.Values{
		"api_key": {fmsKey}, "jurisdiction_id": {"city.gov"}, "service_code": {"water"},
		"lat": {"31.230416"}, "long": {"121.473701"}, "address_string": {"人民路 1 号"},
		"email": {"zhang.san@example.org"}, "device_id": {"dev-1"}, "account_id": {"acct-9"},
		"first_name": {"三"}, "last_name": {"张"}, "phone": {"13812345678"},
		"description": {"小区门口水管爆裂\n水流到马路上"}, "media_url": {"https://img.example.org/leak.jpg"},
		"attribute[kind]": {"leak"}, "attribute[since]": {"2026-11-23T08:00:00+08:00"}, "attribute[homes]": {"12"},
		"attribute[floors][]": {"1", "2"},
	}
}

// check reads a response in format f: the Content-Type the spec names,
// XML that starts with the declaration and parses into into (by the spec's
// element names), JSON valid against the schema named and decoded into
// into. It returns the JSON as generic values (nil for XML).
func (e *env) check(r response, f string, schema string, into any) any {
	e.t.Helper()
	switch f {
	case "xml":
		if r.contentType != "text/xml; charset=utf-8" {
			e.t.Fatalf("Content-Type %q, want text/xml; charset=utf-8; body %s", r.contentType, r.body)
		}
		if !bytes.HasPrefix(r.body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
			e.t.Fatalf("XML without its declaration:\n%s", r.body)
		}
		if err := xml.Unmarshal(r.body, into); err != nil {
			e.t.Fatalf("XML does not parse: %v\n%s", err, r.body)
		}
		return nil
	default:
		if r.contentType != "application/json; charset=utf-8" {
			e.t.Fatalf("Content-Type %q, want application/json; charset=utf-8; body %s", r.contentType, r.body)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
		if err != nil {
			e.t.Fatalf("JSON does not parse: %v\n%s", err, r.body)
		}
		if err := schemas(e.t, schema).Validate(inst); err != nil {
			e.t.Fatalf("JSON does not satisfy %s: %v\n%s", schema, err, r.body)
		}
		if into != nil {
			if err := json.Unmarshal(r.body, into); err != nil {
				e.t.Fatalf("JSON into %T: %v\n%s", into, err, r.body)
			}
		}
		return inst
	}
}

var (
	schemaOnce sync.Once
	compiled   map[string]*jsonschema.Schema
	schemaErr  error
)

// schemas compiles testdata/schemas once and returns the one named.
func schemas(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		files, err := filepath.Glob("testdata/schemas/*.json")
		if err != nil || len(files) == 0 {
			schemaErr = err
			return
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				schemaErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				schemaErr = err
				return
			}
			if err := c.AddResource(schemaBase+filepath.Base(f), doc); err != nil {
				schemaErr = err
				return
			}
		}
		compiled = map[string]*jsonschema.Schema{}
		for _, f := range files {
			s, err := c.Compile(schemaBase + filepath.Base(f))
			if err != nil {
				schemaErr = err
				return
			}
			compiled[strings.TrimSuffix(filepath.Base(f), ".json")] = s
		}
	})
	if schemaErr != nil {
		t.Fatalf("schemas: %v", schemaErr)
	}
	s := compiled[name]
	if s == nil {
		t.Fatalf("no schema %q", name)
	}
	return s
}

const schemaBase = "https://appealbot.example/open311/"

// The spec's elements, for encoding/xml.

type xmlErrors struct {
	XMLName xml.Name `xml:"errors"`
	Errors  []struct {
		Code        int    `xml:"code"`
		Description string `xml:"description"`
	} `xml:"error"`
}

type xmlServices struct {
	XMLName  xml.Name `xml:"services"`
	Services []struct {
		ServiceCode string `xml:"service_code"`
		ServiceName string `xml:"service_name"`
		Description string `xml:"description"`
		Metadata    string `xml:"metadata"`
		Type        string `xml:"type"`
		Keywords    string `xml:"keywords"`
		Group       string `xml:"group"`
	} `xml:"service"`
}

type xmlDefinition struct {
	XMLName     xml.Name `xml:"service_definition"`
	ServiceCode string   `xml:"service_code"`
	Attributes  []struct {
		Variable            string `xml:"variable"`
		Code                string `xml:"code"`
		Datatype            string `xml:"datatype"`
		Required            string `xml:"required"`
		DatatypeDescription string `xml:"datatype_description"`
		Order               string `xml:"order"`
		Description         string `xml:"description"`
		Values              []struct {
			Key  string `xml:"key"`
			Name string `xml:"name"`
		} `xml:"values>value"`
	} `xml:"attributes>attribute"`
}

type xmlPosted struct {
	XMLName  xml.Name `xml:"service_requests"`
	Requests []struct {
		ServiceRequestID string  `xml:"service_request_id"`
		Token            *string `xml:"token"`
		ServiceNotice    string  `xml:"service_notice"`
		AccountID        string  `xml:"account_id"`
	} `xml:"request"`
}

type xmlTokens struct {
	XMLName  xml.Name `xml:"service_requests"`
	Requests []struct {
		ServiceRequestID string `xml:"service_request_id"`
		Token            string `xml:"token"`
	} `xml:"request"`
}

// xmlRequest has every element GET requests returns, in the spec's names.
type xmlRequest struct {
	ServiceRequestID  string `xml:"service_request_id"`
	Status            string `xml:"status"`
	StatusNotes       string `xml:"status_notes"`
	ServiceName       string `xml:"service_name"`
	ServiceCode       string `xml:"service_code"`
	Description       string `xml:"description"`
	AgencyResponsible string `xml:"agency_responsible"`
	ServiceNotice     string `xml:"service_notice"`
	RequestedDatetime string `xml:"requested_datetime"`
	UpdatedDatetime   string `xml:"updated_datetime"`
	ExpectedDatetime  string `xml:"expected_datetime"`
	Address           string `xml:"address"`
	AddressID         string `xml:"address_id"`
	Zipcode           string `xml:"zipcode"`
	Lat               string `xml:"lat"`
	Long              string `xml:"long"`
	MediaURL          string `xml:"media_url"`
}

type xmlRequests struct {
	XMLName  xml.Name     `xml:"service_requests"`
	Requests []xmlRequest `xml:"request"`
}

type xmlUpdate struct {
	UpdateID         string `xml:"update_id"`
	ServiceRequestID string `xml:"service_request_id"`
	Status           string `xml:"status"`
	UpdatedDatetime  string `xml:"updated_datetime"`
	Description      string `xml:"description"`
	MediaURL         string `xml:"media_url"`
}

type xmlUpdates struct {
	XMLName xml.Name    `xml:"service_request_updates"`
	Updates []xmlUpdate `xml:"request_update"`
}

// requests reads a GET requests answer in either format as the XML
// elements' text, so that one assertion serves both formats; JSON null
// reads as "".
func (e *env) requests(r response, f string) []xmlRequest {
	e.t.Helper()
	if r.status != 200 {
		e.t.Fatalf("status %d: %s", r.status, r.body)
	}
	if f == "xml" {
		var x xmlRequests
		e.check(r, f, "", &x)
		return x.Requests
	}
	var items []map[string]any
	e.check(r, f, "requests", &items)
	out := make([]xmlRequest, 0, len(items))
	for _, m := range items {
		s := func(k string) string { return text(m[k]) }
		out = append(out, xmlRequest{
			ServiceRequestID: s("service_request_id"), Status: s("status"), StatusNotes: s("status_notes"),
			ServiceName: s("service_name"), ServiceCode: s("service_code"), Description: s("description"),
			AgencyResponsible: s("agency_responsible"), ServiceNotice: s("service_notice"),
			RequestedDatetime: s("requested_datetime"), UpdatedDatetime: s("updated_datetime"),
			ExpectedDatetime: s("expected_datetime"), Address: s("address"), AddressID: s("address_id"),
			Zipcode: s("zipcode"), Lat: s("lat"), Long: s("long"), MediaURL: s("media_url"),
		})
	}
	return out
}

// updates reads a servicerequestupdates answer in either format.
func (e *env) updates(r response, f string) []xmlUpdate {
	e.t.Helper()
	if r.status != 200 {
		e.t.Fatalf("status %d: %s", r.status, r.body)
	}
	if f == "xml" {
		var x xmlUpdates
		e.check(r, f, "", &x)
		return x.Updates
	}
	var items []map[string]any
	e.check(r, f, "updates", &items)
	out := make([]xmlUpdate, 0, len(items))
	for _, m := range items {
		out = append(out, xmlUpdate{UpdateID: text(m["update_id"]), ServiceRequestID: text(m["service_request_id"]),
			Status: text(m["status"]), UpdatedDatetime: text(m["updated_datetime"]), Description: text(m["description"]),
			MediaURL: text(m["media_url"])})
	}
	return out
}

// text is a JSON value as the XML element's text would be.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		if v {
			return "true"
		}
		return "false"
	case float64:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return "?"
}

// errorOf checks that r is the spec's error document with status and code
// status, and returns its description.
func (e *env) errorOf(r response, f string, status int) string {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if f == "xml" {
		var x xmlErrors
		e.check(r, f, "", &x)
		if len(x.Errors) != 1 || x.Errors[0].Code != status || x.Errors[0].Description == "" {
			e.t.Fatalf("errors: %+v", x)
		}
		return x.Errors[0].Description
	}
	var errs []struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	}
	e.check(r, f, "errors", &errs)
	if len(errs) != 1 || errs[0].Code != status {
		e.t.Fatalf("errors: %+v", errs)
	}
	return errs[0].Description
}

// act changes appeal id as chat would.
func (e *env) act(id appeal.ID, cmd appeal.Command) appeal.Appeal {
	e.t.Helper()
	a, err := e.svc.Act(context.Background(), id, cmd)
	if err != nil {
		e.t.Fatalf("%s: %v", cmd.Action, err)
	}
	return a
}

// postOK posts form and returns the new request's id.
func (e *env) postOK(form url.Values) appeal.ID {
	e.t.Helper()
	r := e.post("json", form)
	var out []struct {
		ID string `json:"service_request_id"`
	}
	if r.status != 200 {
		e.t.Fatalf("POST: %d %s", r.status, r.body)
	}
	e.check(r, "json", "post_response", &out)
	id, err := appealID(out[0].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func appealID(s string) (appeal.ID, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	return appeal.ID(id), err
}
