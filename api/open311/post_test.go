package open311_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestPostRequest: a request becomes an appeal through intake; the answer,
// field by field in both formats, carries its number and notice; GET
// gives the request back field by field.
func TestPostRequest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		for _, f := range formats {
			t.Run(f, func(t *testing.T) {
				e.t = t
				form := validRequest()
				form.Set("device_id", "dev-"+f) // one appeal per format
				r := e.post(f, form)
				if r.status != 200 {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				var id, notice, account string
				if f == "xml" {
					var x xmlPosted
					e.check(r, f, "", &x)
					if len(x.Requests) != 1 || x.Requests[0].Token != nil {
						t.Fatalf("one request without a token: %+v", x)
					}
					id, notice, account = x.Requests[0].ServiceRequestID, x.Requests[0].ServiceNotice, x.Requests[0].AccountID
				} else {
					var items []map[string]any
					e.check(r, f, "post_response", &items)
					if len(items) != 1 || len(items[0]) != 3 {
						t.Fatalf("one request of service_request_id, service_notice, account_id: %v", items)
					}
					id, notice, account = text(items[0]["service_request_id"]), text(items[0]["service_notice"]), text(items[0]["account_id"])
				}
				wantNotice := "由供水公司办理，预计 2026-12-02 18:00 前办结。/ 供水公司 handles it; expected to be resolved by 2026-12-02 18:00."
				if notice != wantNotice || account != "acct-9" {
					t.Errorf("notice %q account %q", notice, account)
				}
				aid, err := appealID(id)
				if err != nil {
					t.Fatalf("service_request_id %q: %v", id, err)
				}

				// The appeal, as intake stored it.
				a, events, err := e.svc.Appeal(context.Background(), aid)
				if err != nil {
					t.Fatal(err)
				}
				wantBody := "小区门口水管爆裂\n水流到马路上\n\n问题类型: 漏水\n从什么时候开始: 2026-11-23T08:00:00+08:00\n影响户数: 12\n楼层: 一楼, 二楼\n\n📎 https://img.example.org/leak.jpg"
				if a.Source != "open311.fms" || !strings.HasPrefix(a.ExternalID, "form:") || a.Title != "小区门口水管爆裂" ||
					a.Body != wantBody || a.Category != "供水" || a.Department != "water" || a.Status != appeal.StatusAssigned ||
					a.Citizen != (appeal.Citizen{Name: "张三", Phone: "13812345678", Email: "zhang.san@example.org"}) ||
					a.Location != "人民路 1 号 · 31.230416, 121.473701" || !a.ReceivedAt.Equal(t0) || a.CallbackURL != "" {
					t.Errorf("appeal:\n%+v\nbody %q", a, a.Body)
				}
				if len(events) != 2 || events[1].Kind != appeal.EventAssigned {
					t.Errorf("events: %+v", events)
				}
				if len(a.Attachments) != 1 || a.Attachments[0].Kind != appeal.AttachIntake ||
					a.Attachments[0].URL != "https://img.example.org/leak.jpg" || a.Attachments[0].Name != "leak.jpg" {
					t.Errorf("media_url as an attachment: %+v", a.Attachments)
				}

				// And read back.
				got := e.requests(e.get("/open311/v2/requests/"+id+"."+f), f)
				want := xmlRequest{
					ServiceRequestID: id, Status: "open", StatusNotes: "", ServiceName: "供水公司", ServiceCode: "water",
					Description: "小区门口水管爆裂\n水流到马路上", AgencyResponsible: "供水公司", ServiceNotice: wantNotice,
					RequestedDatetime: "2026-11-23T10:00:00+08:00", UpdatedDatetime: "2026-11-23T10:00:00+08:00",
					ExpectedDatetime: "2026-12-02T18:00:00+08:00", Address: "人民路 1 号", AddressID: "", Zipcode: "",
					Lat: "31.230416", Long: "121.473701", MediaURL: "https://img.example.org/leak.jpg",
				}
				if len(got) != 1 || got[0] != want {
					t.Errorf("GET requests/%s:\n got %+v\nwant %+v", id, got, want)
				}
			})
		}
	})
}

// TestRequestTimesInDepartmentZone: times are written with the offset of
// the department's zone.
func TestRequestTimesInDepartmentZone(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	form := url.Values{"api_key": {fmsKey}, "service_code": {"roads"}, "address_id": {"545483"}}
	id := e.postOK(form)
	for _, f := range formats {
		got := e.requests(e.get("/open311/v2/requests/"+idString(id)+"."+f), f)
		if got[0].RequestedDatetime != "2026-11-22T21:00:00-05:00" || got[0].AddressID != "545483" || got[0].Lat != "" ||
			got[0].Address != "" || got[0].Description != "" || got[0].AgencyResponsible != "Roads & Bridges" {
			t.Errorf("%s: %+v", f, got[0])
		}
	}
	a, _, _ := e.svc.Appeal(context.Background(), id)
	if a.Title != "Roads & Bridges" || a.Body != "Roads & Bridges" || a.Location != "地址编号 address id 545483" {
		t.Errorf("an appeal without description: %+v", a)
	}
}

func idString(id appeal.ID) string { return strconv.FormatInt(int64(id), 10) }

func countAppeals(t *testing.T, e *env) int {
	t.Helper()
	list, err := e.store.Appeals(context.Background(), appeal.Filter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestRepeatedPostIsOneAppeal: the very same request sent again, or a
// retry with the client's token, is the same appeal; anything else is a
// new one.
func TestRepeatedPostIsOneAppeal(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		first := e.postOK(validRequest())
		e.advance(time.Minute)
		if again := e.postOK(validRequest()); again != first {
			t.Errorf("the same request again: %d, want %d", again, first)
		}
		if n := countAppeals(t, e); n != 1 {
			t.Fatalf("%d appeals after a repeated POST, want 1", n)
		}
		changed := validRequest()
		changed.Set("description", "另一处漏水")
		if other := e.postOK(changed); other == first {
			t.Error("another description without a token is another request")
		}
		portal := validRequest()
		portal.Set("api_key", portalKey)
		if other := e.postOK(portal); other == first {
			t.Error("the same request from another client is that client's own")
		}

		// With a token, a retry lands on the first appeal whatever it
		// changed, and the token finds it.
		withToken := validRequest()
		withToken.Set("token", "req-2026-0001")
		tok := e.postOK(withToken)
		retry := validRequest()
		retry.Set("token", "req-2026-0001")
		retry.Set("description", "重发时改了几个字")
		if got := e.postOK(retry); got != tok {
			t.Errorf("a retry with the token: %d, want %d", got, tok)
		}
		a, _, _ := e.svc.Appeal(context.Background(), tok)
		if !strings.HasPrefix(a.ExternalID, "token:") || !strings.HasPrefix(a.Body, "小区门口水管爆裂") {
			t.Errorf("the first attempt's appeal stays: %+v", a)
		}
		// The same token from another device is another request.
		otherDevice := validRequest()
		otherDevice.Set("token", "req-2026-0001")
		otherDevice.Set("device_id", "dev-2")
		dev2 := e.postOK(otherDevice)
		if dev2 == tok {
			t.Error("the same token from another device is another request")
		}
		if n := countAppeals(t, e); n != 5 {
			t.Errorf("%d appeals, want 5", n)
		}

		for _, f := range formats {
			r := e.get("/open311/v2/tokens/req-2026-0001." + f)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", f, r.status, r.body)
			}
			var got []string
			if f == "xml" {
				var x xmlTokens
				e.check(r, f, "", &x)
				for _, q := range x.Requests {
					got = append(got, q.ServiceRequestID+"/"+q.Token)
				}
			} else {
				var items []map[string]any
				e.check(r, f, "tokens", &items)
				for _, m := range items {
					got = append(got, text(m["service_request_id"])+"/"+text(m["token"]))
				}
			}
			want := []string{idString(tok) + "/req-2026-0001", idString(dev2) + "/req-2026-0001"}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s: tokens answer %v, want %v", f, got, want)
			}
		}
	})
}

// TestPostErrors: every rejected POST in both formats, in the spec's
// shape, and nothing stored.
func TestPostErrors(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	with := func(mod func(url.Values)) string {
		f := validRequest()
		mod(f)
		return f.Encode()
	}
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		status      int
		says        string
	}{
		{"no api_key", formType, with(func(f url.Values) { f.Del("api_key") }), 403, "api_key"},
		{"wrong api_key", formType, with(func(f url.Values) { f.Set("api_key", "guess-0123456789abcdef") }), 403, "api_key"},
		{"api_key twice", formType, with(func(f url.Values) { f.Add("api_key", portalKey) }), 403, "api_key"},
		{"no service_code", formType, with(func(f url.Values) { f.Del("service_code") }), 400, "service_code is required"},
		{"unknown service_code", formType, with(func(f url.Values) { f.Set("service_code", "parks") }), 400, `service_code "parks" is not a service`},
		{"no location", formType, with(func(f url.Values) { f.Del("lat"); f.Del("long"); f.Del("address_string") }), 400, "a location is required"},
		{"lat without long", formType, with(func(f url.Values) { f.Del("long"); f.Del("address_string") }), 400, "lat and long"},
		{"lat out of range", formType, with(func(f url.Values) { f.Set("lat", "91") }), 400, "lat must be a number"},
		{"long not a number", formType, with(func(f url.Values) { f.Set("long", "east") }), 400, "long must be a number"},
		{"JSON body", "application/json", `{"service_code":"water"}`, 400, "x-www-form-urlencoded"},
		{"malformed form", formType, "api_key=" + fmsKey + "&service_code=%zz", 400, "well-formed form"},
		{"invalid UTF-8", formType, with(func(f url.Values) { f.Set("description", "坏\xff") }), 400, "UTF-8"},
		{"NUL", formType, with(func(f url.Values) { f.Set("first_name", "a\x00b") }), 400, "NUL"},
		{"description too long", formType, with(func(f url.Values) { f.Set("description", strings.Repeat("水", 4001)) }), 400, "description is longer than 4000"},
		{"bad email", formType, with(func(f url.Values) { f.Set("email", "zhang at example.org") }), 400, "email must be an e-mail address"},
		{"bad phone", formType, with(func(f url.Values) { f.Set("phone", "call me") }), 400, "phone must contain only digits"},
		{"required attribute missing", formType, with(func(f url.Values) { f.Del("attribute[kind]") }), 400, "attribute[kind] is required"},
		{"list value not a key", formType, with(func(f url.Values) { f.Set("attribute[kind]", "flood") }), 400, "attribute[kind] must be one of the keys"},
		{"two values for one", formType, with(func(f url.Values) { f.Add("attribute[kind]", "outage") }), 400, "attribute[kind] takes one value"},
		{"number attribute", formType, with(func(f url.Values) { f.Set("attribute[homes]", "many") }), 400, "attribute[homes] must be a number"},
		{"datetime attribute", formType, with(func(f url.Values) { f.Set("attribute[since]", "yesterday") }), 400, "attribute[since] must be a date"},
		{"malformed attribute", formType, with(func(f url.Values) { f.Set("attribute[kind", "leak") }), 400, "attribute[CODE]"},
		{"field twice", formType, with(func(f url.Values) { f.Add("description", "again") }), 400, "description is given more than once"},
		{"bad media_url", formType, with(func(f url.Values) { f.Set("media_url", "file:///etc/passwd") }), 400, "media_url must be"},
		{"bad token", formType, with(func(f url.Values) { f.Set("token", "a b") }), 400, "token must be"},
		{"too large", formType, with(func(f url.Values) { f.Set("attribute[x]", strings.Repeat("x", 1<<20)) }), 400, "larger than 1 MiB"},
	} {
		for _, f := range formats {
			t.Run(tc.name+"/"+f, func(t *testing.T) {
				e.t = t
				desc := e.errorOf(e.do("POST", "/open311/v2/requests."+f, tc.contentType, tc.body), f, tc.status)
				if !strings.Contains(desc, tc.says) {
					t.Errorf("description %q does not say %q", desc, tc.says)
				}
			})
		}
	}
	e.t = t
	if n := countAppeals(t, e); n != 0 {
		t.Errorf("%d appeals stored by rejected requests", n)
	}
}
