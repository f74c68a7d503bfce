package open311

import (
	"encoding/json"
	"encoding/xml"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

var fuzzServices = []Service{
	{Code: "water", Name: "供水公司", Department: "water", Category: "供水", Attributes: []Attribute{
		{Variable: true, Code: "kind", Datatype: "singlevaluelist", Required: true, Order: 1, Values: []Value{{Key: "leak", Name: "漏水"}}},
		{Variable: true, Code: "homes", Datatype: "number", Order: 2},
		{Variable: true, Code: "since", Datatype: "datetime", Order: 3},
		{Variable: true, Code: "floors", Datatype: "multivaluelist", Order: 4, Values: []Value{{Key: "1", Name: "一楼"}, {Key: "2", Name: "二楼"}}},
		{Variable: true, Code: "name", Datatype: "string", Order: 5},
	}},
	{Code: "roads", Name: "Roads", Department: "roads"},
}

// FuzzDecodeRequest: whatever body and content type a client sends, the
// form decoder gives a 4xx that both formats can carry, or a request that
// intake accepts, for a known service and with a location; never a panic.
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		"api_key=k&service_code=water&lat=31.2&long=121.4&description=漏水&attribute[kind]=leak",
		"service_code=roads&address_string=Main+St&first_name=三&last_name=张&email=z%40example.org&phone=138",
		"service_code=roads&address_id=1&media_url=https://x.example/a.jpg&media_url=http://y.example/b&token=t-1&device_id=d",
		"service_code=WATER&lat=-90&long=180&attribute[kind]=leak&attribute[floors][]=1&attribute[floors][]=2&attribute[since]=2026-11-23T08:00:00%2B08:00",
		"service_code=water&lat=91&long=0", "service_code=water&lat=1e400&long=0", "service_code=water&lat=NaN&long=0",
		"service_code=roads&address_string=%ff%fe", "service_code=roads&address_string=a%00b", "%zz", "a=1&a=2&service_code=roads",
		"service_code=roads&address_string=x&attribute[=1", "service_code=roads&address_string=x&attribute[a]b]=1",
		"service_code=roads&address_string=x&description=" + strings.Repeat("长", 4001),
		"service_code=roads&address_string=x&phone=call+me", "service_code=roads&address_string=x&email=@",
		"service_code=roads&address_string=x&first_name=" + strings.Repeat("a", 50) + "&last_name=" + strings.Repeat("b", 50),
		"",
	} {
		f.Add("application/x-www-form-urlencoded", seed)
	}
	f.Add("application/json", `{"service_code":"water"}`)
	f.Add("", "service_code=roads&address_string=x")
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, contentType, body string) {
		r := httptest.NewRequest("POST", Prefix+"requests.xml", strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		w := httptest.NewRecorder()
		form, aerr := readForm(w, r)
		var req request
		if aerr == nil {
			req, aerr = decodeRequest(form, "fms", fuzzServices, now)
		}
		if aerr != nil {
			if aerr.status < 400 || aerr.status > 499 || aerr.desc == "" {
				t.Fatalf("error %d %q for %q", aerr.status, aerr.desc, body)
			}
			for _, fm := range []format{formatXML, formatJSON} {
				rec := httptest.NewRecorder()
				writeError(rec, fm, aerr)
				if rec.Code != aerr.status {
					t.Fatalf("status %d, want %d", rec.Code, aerr.status)
				}
				checkErrorDocument(t, fm, rec, aerr)
			}
			return
		}
		in := req.intake
		if err := in.Validate(now); err != nil {
			t.Fatalf("a decoded request that intake refuses: %v\n%q", err, body)
		}
		if !reflect.DeepEqual(in.Normalize(now), in) {
			t.Fatalf("a decoded request intake would change: %+v", in)
		}
		rep := req.report
		if !strings.HasPrefix(in.Source, "open311.fms") || in.ExternalID == "" || rep.Source != in.Source || rep.ExternalID != in.ExternalID {
			t.Fatalf("keys: %+v %+v", in, rep)
		}
		if _, ok := findService(fuzzServices, rep.ServiceCode); !ok || in.Department != req.service.Department {
			t.Fatalf("service %q", rep.ServiceCode)
		}
		if !rep.HasPoint && rep.AddressString == "" && rep.AddressID == "" {
			t.Fatalf("a request without a location: %q", body)
		}
		// The same fields decode to the same request: a retry is one appeal.
		again, aerr := decodeRequest(form, "fms", fuzzServices, now.Add(time.Hour))
		if aerr != nil || again.intake.ExternalID != in.ExternalID {
			t.Fatalf("a retry decodes differently: %v", aerr)
		}
	})
}

func checkErrorDocument(t *testing.T, fm format, rec *httptest.ResponseRecorder, aerr *apiError) {
	t.Helper()
	if fm == formatXML {
		var x struct {
			XMLName xml.Name `xml:"errors"`
			Errors  []struct {
				Code        int    `xml:"code"`
				Description string `xml:"description"`
			} `xml:"error"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &x); err != nil || len(x.Errors) != 1 || x.Errors[0].Code != aerr.status {
			t.Fatalf("XML error document %v: %s", err, rec.Body)
		}
		return
	}
	var errs []struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &errs); err != nil || len(errs) != 1 || errs[0].Code != aerr.status {
		t.Fatalf("JSON error document %v: %s", err, rec.Body)
	}
	if rec.Header().Get("Content-Type") != fm.contentType() {
		t.Fatalf("Content-Type %q", rec.Header().Get("Content-Type"))
	}
}
