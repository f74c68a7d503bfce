package open311_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// ids lists the service_request_id of GET requests in either format.
func (e *env) ids(path, f string) []string {
	e.t.Helper()
	var out []string
	for _, r := range e.requests(e.get(path), f) {
		out = append(out, r.ServiceRequestID)
	}
	return out
}

// TestListRequests: GET requests keeps the spec's default window of 90
// days, filters by service, status and dates, and a service_request_id
// list overrides everything else; appeals that came another way are never
// shown.
func TestListRequests(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		old := e.postOK(validRequest()) // received at t0
		e.advance(100 * 24 * time.Hour)
		roads := url.Values{"api_key": {fmsKey}, "service_code": {"roads"}, "address_string": {"Main St 5"}}
		r2 := e.postOK(roads)
		e.advance(time.Hour)
		closed := validRequest()
		closed.Set("description", "已经修好了")
		r3 := e.postOK(closed)
		e.act(r3, appeal.Command{Action: appeal.ActReturn, Text: "不归我们管"})
		e.act(r3, appeal.Command{Action: appeal.ActClose, Text: "重复工单"})
		// An appeal from the JSON API is not an Open311 request.
		if _, _, err := e.svc.Intake(context.Background(), appeal.Intake{Source: "12345", ExternalID: "x", Title: "t", Body: "b", Department: "water"}); err != nil {
			t.Fatal(err)
		}
		e.advance(time.Minute)

		s := func(ids ...appeal.ID) []string {
			var out []string
			for _, id := range ids {
				out = append(out, idString(id))
			}
			return out
		}
		start := url.QueryEscape(t0.Add(-time.Hour).Format(time.RFC3339))
		for _, f := range formats {
			e.t = t
			for _, c := range []struct {
				query string
				want  []string
			}{
				{"", s(r2, r3)},
				{"?service_code=roads", s(r2)},
				{"?service_code=parks,water", s(r3)},
				{"?status=closed", s(r3)},
				{"?status=open", s(r2)},
				{"?status=open,closed", s(r2, r3)},
				{"?status=open&status=closed", s(r2, r3)},
				{"?start_date=" + start, s(old)},
				{"?start_date=2026-11-23T09:00:00%2B08:00&end_date=2026-11-23T10:00:00%2B08:00", s(old)},
				// A '+' left unescaped reads as a space; it is taken as '+'.
				{"?start_date=2026-11-23T09:00:00+08:00&end_date=2026-11-23T09:59:59+08:00", nil},
				{"?end_date=2026-12-01T00:00:00Z", s(old)},
				{"?service_request_id=" + idString(old) + "," + idString(r3) + ",999,abc&status=open&service_code=roads", s(old, r3)},
				{"?service_request_id=abc", nil},
				{"?jurisdiction_id=city.gov", s(r2, r3)},
			} {
				if got := e.ids("/open311/v2/requests."+f+c.query, f); !slices.Equal(got, c.want) {
					t.Errorf("%s %s: %v, want %v", f, c.query, got, c.want)
				}
			}
			got := e.requests(e.get("/open311/v2/requests/"+idString(r3)+"."+f), f)[0]
			if got.Status != "closed" || got.StatusNotes != "重复工单" || got.AgencyResponsible != "" ||
				got.ServiceNotice != "已办结。/ Closed." || got.UpdatedDatetime != "2027-03-03T11:00:00+08:00" || got.ExpectedDatetime != "" {
				t.Errorf("%s: a request closed by dispatch: %+v", f, got)
			}
		}
	})
}

// TestAnsweredShowsClosedOnlyWhenClosed: an answered request is open with
// its answer in status_notes; it is closed only once the appeal is, and
// keeps the answer; a return shows its reason; a reopen starts afresh.
func TestAnsweredShowsClosedOnlyWhenClosed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		id := e.postOK(validRequest())
		read := func() []xmlRequest {
			var out []xmlRequest
			for _, f := range formats {
				out = append(out, e.requests(e.get("/open311/v2/requests/"+idString(id)+"."+f), f)[0])
			}
			if out[0] != out[1] {
				t.Fatalf("XML and JSON differ:\n%+v\n%+v", out[0], out[1])
			}
			return out
		}
		e.advance(time.Hour)
		e.act(id, appeal.Command{Action: appeal.ActReturn, Text: "应由路政处理"})
		got := read()[0]
		if got.Status != "open" || got.StatusNotes != "应由路政处理" || got.AgencyResponsible != "" || got.ExpectedDatetime != "" ||
			got.ServiceNotice != "正在分派给负责的部门。/ Being passed to the department responsible." {
			t.Errorf("returned: %+v", got)
		}
		e.advance(time.Hour)
		e.act(id, appeal.Command{Action: appeal.ActAssign, Department: "roads"})
		e.act(id, appeal.Command{Action: appeal.ActClaim, Actor: 7})
		e.advance(time.Hour)
		e.act(id, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "已派人修复，今晚恢复供水"})
		got = read()[0]
		// New York's zone now: the appeal is the roads department's.
		if got.Status != "open" || got.StatusNotes != "已派人修复，今晚恢复供水" || got.AgencyResponsible != "Roads & Bridges" ||
			got.UpdatedDatetime != "2026-11-23T00:00:00-05:00" || got.ServiceNotice != "Roads & Bridges已答复。/ Roads & Bridges has answered." {
			t.Errorf("answered: %+v", got)
		}
		e.advance(time.Hour)
		e.act(id, appeal.Command{Action: appeal.ActClose, Actor: 7, Text: "ok"})
		got = read()[0]
		if got.Status != "closed" || got.StatusNotes != "已派人修复，今晚恢复供水" || got.UpdatedDatetime != "2026-11-23T01:00:00-05:00" {
			t.Errorf("closed: %+v", got)
		}
		e.advance(time.Hour)
		e.act(id, appeal.Command{Action: appeal.ActReopen, Actor: 7, Text: "again"})
		if got = read()[0]; got.Status != "open" || got.StatusNotes != "" {
			t.Errorf("reopened: %+v", got)
		}
	})
}

// TestUpdateFeed: servicerequestupdates lists every public change of the
// Open311 requests once, oldest first, within the window asked; internal
// steps and other appeals are not in it.
func TestUpdateFeed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		a := e.postOK(validRequest()) // assigned at t0
		tClaim := e.advance(time.Hour)
		e.act(a, appeal.Command{Action: appeal.ActClaim, Actor: 7})
		e.act(a, appeal.Command{Action: appeal.ActRequestExtension, Actor: 7, Extension: appeal.WorkingDaysSpan(1), Text: "等材料"})
		tAnswer := e.advance(time.Hour)
		e.act(a, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "已修复"})
		e.advance(time.Hour)
		e.act(a, appeal.Command{Action: appeal.ActClose, Actor: 7, Text: "修复完毕"})
		roads := url.Values{"api_key": {portalKey}, "service_code": {"roads"}, "address_string": {"Main St 5"}}
		b := e.postOK(roads)
		e.act(b, appeal.Command{Action: appeal.ActReturn, Text: "not ours"})
		other, _, err := e.svc.Intake(context.Background(), appeal.Intake{Source: "12345", ExternalID: "x", Title: "t", Body: "b", Department: "water"})
		if err != nil {
			t.Fatal(err)
		}
		e.act(other.ID, appeal.Command{Action: appeal.ActClaim, Actor: 8})
		e.advance(time.Minute)

		type u struct{ req, status, at, desc string }
		want := []u{
			{idString(a), "open", "2026-11-23T10:00:00+08:00", "已交供水公司办理。/ Passed to 供水公司."},
			{idString(a), "open", "2026-11-23T11:00:00+08:00", "供水公司已受理。/ 供水公司 is working on it."},
			{idString(a), "open", "2026-11-23T12:00:00+08:00", "已修复"},
			{idString(a), "closed", "2026-11-23T13:00:00+08:00", "修复完毕"},
			{idString(b), "open", "2026-11-23T00:00:00-05:00", "已交Roads & Bridges办理。/ Passed to Roads & Bridges."},
			{idString(b), "open", "2026-11-23T00:00:00-05:00", "not ours"},
		}
		for _, f := range formats {
			e.t = t
			read := func(query string) []u {
				var out []u
				seen := map[string]bool{}
				for _, x := range e.updates(e.get("/open311/v2/servicerequestupdates."+f+query), f) {
					if seen[x.UpdateID] || x.UpdateID == "" {
						t.Errorf("%s: update_id %q twice or empty", f, x.UpdateID)
					}
					seen[x.UpdateID] = true
					if x.MediaURL != "" {
						t.Errorf("media_url %q", x.MediaURL)
					}
					out = append(out, u{x.ServiceRequestID, x.Status, x.UpdatedDatetime, x.Description})
				}
				return out
			}
			if got := read(""); !slices.Equal(got, want) {
				t.Errorf("%s: feed:\n got %+v\nwant %+v", f, got, want)
			}
			q := "?start_date=" + url.QueryEscape(tClaim.Format(time.RFC3339)) + "&end_date=" + url.QueryEscape(tAnswer.Format(time.RFC3339)) + "&api_key=" + fmsKey
			if got := read(q); !slices.Equal(got, want[1:3]) {
				t.Errorf("%s: window:\n got %+v\nwant %+v", f, got, want[1:3])
			}
			if got := read("?start_date=2026-11-24T00:00:00Z"); len(got) != 0 {
				t.Errorf("%s: after everything: %+v", f, got)
			}
		}
	})
}

// TestGetErrors: every rejected GET in both formats, in the spec's shape.
func TestGetErrors(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	id := e.postOK(validRequest())
	for _, tc := range []struct {
		path   string
		status int
		says   string
	}{
		{"requests/999.", 404, "no service request 999"},
		{"requests/abc.", 404, "no service request"},
		{"services/parks.", 404, "is not a service"},
		{"tokens/nothing-here.", 404, "no service request was sent with token"},
		{"tokens/" + url.PathEscape("a b") + ".", 404, "no service request was sent with token"},
		{"requests.{f}?status=pending", 400, "status must be open or closed"},
		{"requests.{f}?start_date=yesterday", 400, "start_date must be a W3C date"},
		{"requests.{f}?start_date=2026-11-23", 400, "start_date must be a W3C date"},
		{"requests.{f}?start_date=2026-11-23T10:00:00", 400, "start_date must be a W3C date"},
		{"requests.{f}?start_date=2026-11-23T00:00:00Z&end_date=2026-11-22T00:00:00Z", 400, "end_date is before start_date"},
		{"requests.{f}?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400, "more than 90 days"},
		{"servicerequestupdates.{f}?end_date=soon", 400, "end_date must be a W3C date"},
		{"servicerequestupdates.{f}?start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z", 400, "more than 90 days"},
		{"nothing.", 404, "no such resource"},
		{"requests/" + idString(id) + "/more.", 404, "no such resource"},
	} {
		for _, f := range formats {
			path := tc.path
			if strings.Contains(path, "{f}") {
				path = strings.Replace(path, "{f}", f, 1)
			} else {
				path += f
			}
			t.Run(path, func(t *testing.T) {
				e.t = t
				if desc := e.errorOf(e.get("/open311/v2/"+path), f, tc.status); !strings.Contains(desc, tc.says) {
					t.Errorf("description %q does not say %q", desc, tc.says)
				}
			})
		}
	}
	for _, f := range formats {
		t.Run("method/"+f, func(t *testing.T) {
			e.t = t
			r := e.do("DELETE", "/open311/v2/requests/"+idString(id)+"."+f, "", "")
			e.errorOf(r, f, 405)
			if r.header.Get("Allow") != "GET" {
				t.Errorf("Allow %q", r.header.Get("Allow"))
			}
			r = e.do("PUT", "/open311/v2/requests."+f, formType, "")
			e.errorOf(r, f, 405)
			if r.header.Get("Allow") != "GET, POST" {
				t.Errorf("Allow %q", r.header.Get("Allow"))
			}
		})
	}
	// Without a format the spec's required one answers.
	for _, path := range []string{"/open311/v2/services", "/open311/v2/services.html", "/open311/v2/", "/open311/v2/requests/1"} {
		t.Run(path, func(t *testing.T) {
			e.t = t
			e.errorOf(e.get(path), "xml", 404)
		})
	}
}
