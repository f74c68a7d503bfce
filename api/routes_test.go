package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/dispatch"
)

// TestRoutesRoundTrip: PUT replaces the whole catalogue and GET reads it
// back in order; a bad catalogue is refused whole with the field at fault
// named, and the stored one is kept; a matching rule assigns at intake.
func TestRoutesRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		e.putDept("water", `{"name":"供水公司"}`)
		e.putDept("roads", `{"name":"道路"}`)
		st, m := e.do("GET", "/api/v1/routes", "", "")
		if st != http.StatusOK || len(m["routes"].([]any)) != 0 {
			t.Fatalf("empty catalogue: %d %v", st, m)
		}
		good := `{"routes":[
			{"name":"lights","keywords":["路灯"],"department":"ROADS"},
			{"keywords":["漏水","停水"],"location":"*人民路*","department":"water"},
			{"category":"供水","department":"water"}]}`
		st, m = e.do("PUT", "/api/v1/routes", "application/json", good)
		if st != http.StatusOK {
			t.Fatalf("PUT: %d %v", st, m)
		}
		st, m = e.do("GET", "/api/v1/routes", "", "")
		routes := m["routes"].([]any)
		if st != http.StatusOK || len(routes) != 3 {
			t.Fatalf("GET: %d %v", st, m)
		}
		want := []string{"lights/roads", "r1/water", "r2/water"}
		for i, r := range routes {
			rr := r.(map[string]any)
			if got := rr["name"].(string) + "/" + rr["department"].(string); got != want[i] {
				t.Errorf("rule %d = %s, want %s", i, got, want[i])
			}
		}
		if loc := routes[1].(map[string]any)["location"]; loc != "*人民路*" {
			t.Errorf("location %v", loc)
		}

		for _, tc := range []struct{ body, field, code string }{
			{`{"routes":[{"keywords":["x"],"department":"water"},{"keywords":["y"],"department":"nowhere"}]}`, "routes[1].department", "unknown"},
			{`{"routes":[{"department":"water"}]}`, "routes[0].keywords", "required"},
			{`{"routes":[{"name":"a","category":"c","department":"water"},{"name":"a","category":"d","department":"water"}]}`, "routes[1].name", "duplicate"},
			{`{"routes":[{"keywords":["x",""," "],"department":"water"},{"keywords":"x","department":"water"}]}`, "routes.keywords", ""},
			{`{}`, "routes", "required"},
			{`{"routes":[{"keywords":["x"],"dept":"water"}]}`, "dept", "unknown_field"},
		} {
			st, m := e.do("PUT", "/api/v1/routes", "application/json", tc.body)
			errObj, _ := m["error"].(map[string]any)
			if st != http.StatusBadRequest || errObj["field"] != tc.field || (tc.code != "" && errObj["code"] != tc.code) {
				t.Errorf("%s: %d %v, want 400 on %s", tc.body, st, m, tc.field)
			}
		}
		if st, m := e.do("GET", "/api/v1/routes", "", ""); len(m["routes"].([]any)) != 3 {
			t.Errorf("a refused PUT changed the catalogue: %d %v", st, m)
		}

		st, m = e.post(`{"source":"12345","external_id":"R-1","title":"人民路漏水","body":"楼道水管漏水","location":"上海市人民路 1 号"}`)
		if st != http.StatusCreated || m["department"] != "water" || m["status"] != "assigned" {
			t.Fatalf("intake: %d %v", st, m)
		}
		st, m = e.do("GET", "/api/v1/appeals/1", "", "")
		events := m["events"].([]any)
		if last := events[len(events)-1].(map[string]any); last["kind"] != "assigned" || last["via"] != "rule:r1" {
			t.Errorf("assigned event %v", last)
		}
	})
}

// importer binds the router's import to the store's departments, as serve
// does.
type importer struct {
	r     *dispatch.Router
	depts dispatch.Departments
}

func (i importer) Import(ctx context.Context, ex []appeal.RoutingExample) (int, error) {
	return i.r.Import(ctx, i.depts, ex)
}

// TestRoutingExamplesImport: past appeals come in as CSV or JSON lines;
// a bad line or an unknown department refuses the whole import, naming
// the line and field.
func TestRoutingExamplesImport(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		e.putDept("water", `{"name":"供水公司"}`)
		e.putDept("roads", `{"name":"道路"}`)
		stored := func() int {
			ex, err := e.store.RoutingExamples(t.Context(), 1000)
			if err != nil {
				t.Fatal(err)
			}
			return len(ex)
		}
		st, m := e.do("POST", "/api/v1/routing/examples", "text/csv",
			"\ufeffid,title,body,label,location\n1,水管漏水,楼道水管漏水,water,人民路\n2,路灯不亮,\"长安街路灯,坏了\",Roads,\n")
		if st != http.StatusOK || m["imported"] != 2.0 {
			t.Fatalf("CSV: %d %v", st, m)
		}
		st, m = e.do("POST", "/api/v1/routing/examples", "application/x-ndjson",
			`{"title":"停水","body":"三天没水","department":"water"}`+"\n\n"+`{"title":"井盖","body":"井盖丢了","department":"roads","category":"市政"}`+"\n")
		if st != http.StatusOK || m["imported"] != 2.0 {
			t.Fatalf("JSON lines: %d %v", st, m)
		}
		for _, tc := range []struct{ ct, body, field, code, msg string }{
			{"text/csv", "title,body\n漏水,漏水\n", "header", "invalid", "no department"},
			{"text/csv", "title,body,department\n漏水,漏水,water\n路灯,坏了,\n", "department", "invalid", "line 3"},
			{"text/csv", "title,body,department\n漏水,漏水,sewers\n", "department", "unknown", `"sewers"`},
			{"application/x-ndjson", `{"title":"a","department":"water"}` + "\n" + `{"title":"b","dept":"water"}`, "", "invalid", "line 2"},
			{"application/x-ndjson", `{"title":"","body":"","department":"water"}`, "title", "invalid", "line 1"},
			{"application/x-ndjson", "\n\n", "body", "invalid", "no examples"},
		} {
			st, m := e.do("POST", "/api/v1/routing/examples", tc.ct, tc.body)
			errObj, _ := m["error"].(map[string]any)
			msg, _ := errObj["message"].(string)
			if st != http.StatusBadRequest || errObj["field"] != tc.field && tc.field != "" || errObj["code"] != tc.code || !strings.Contains(msg, tc.msg) {
				t.Errorf("%q: %d %v, want 400 %s on %q holding %q", tc.body, st, m, tc.code, tc.field, tc.msg)
			}
		}
		if st, m := e.do("POST", "/api/v1/routing/examples", "text/plain", "x"); st != http.StatusUnsupportedMediaType {
			t.Errorf("text/plain: %d %v", st, m)
		}
		if n := stored(); n != 4 {
			t.Errorf("%d examples stored, want the 4 of the good imports", n)
		}
	})
}
