package open311_test

import (
	"reflect"
	"testing"

	"github.com/appealbot/appealbot/storage"
)

// TestServiceList: GET services, field by field, in both formats: one
// service per department, with what the settings add.
func TestServiceList(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	type service struct{ code, name, desc, metadata, typ, keywords, group string }
	want := []service{
		{"roads", "Roads & Bridges", "", "false", "realtime", "", ""},
		{"water", "供水公司", "停水、水压低、管道漏水", "true", "realtime", "停水,漏水,水压", "市政"},
	}
	for _, f := range formats {
		t.Run(f, func(t *testing.T) {
			e.t = t
			r := e.get("/open311/v2/services." + f)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var got []service
			if f == "xml" {
				var x xmlServices
				e.check(r, f, "", &x)
				for _, s := range x.Services {
					got = append(got, service{s.ServiceCode, s.ServiceName, s.Description, s.Metadata, s.Type, s.Keywords, s.Group})
				}
			} else {
				var items []map[string]any
				e.check(r, f, "services", &items)
				for _, m := range items {
					if len(m) != 7 {
						t.Errorf("service has %d fields, want the spec's 7: %v", len(m), m)
					}
					got = append(got, service{text(m["service_code"]), text(m["service_name"]), text(m["description"]),
						text(m["metadata"]), text(m["type"]), text(m["keywords"]), text(m["group"])})
				}
				if items[0]["description"] != nil || items[0]["keywords"] != nil || items[0]["group"] != nil {
					t.Errorf("a department without settings: missing texts should be null: %v", items[0])
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("services:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestServiceDefinition: GET services/{code}, field by field, in both
// formats; a service without questions has none; an unknown code is 404.
func TestServiceDefinition(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	type value struct{ key, name string }
	type attribute struct {
		variable, code, datatype, required, datatypeDescription, order, description string
		values                                                                      []value
	}
	want := []attribute{
		{"true", "kind", "singlevaluelist", "true", "选一项", "1", "问题类型", []value{{"leak", "漏水"}, {"outage", "停水"}}},
		{"true", "since", "datetime", "false", "", "2", "从什么时候开始", nil},
		{"true", "homes", "number", "false", "", "3", "影响户数", nil},
		{"true", "floors", "multivaluelist", "false", "", "4", "楼层", []value{{"1", "一楼"}, {"2", "二楼"}}},
		{"false", "note", "text", "false", "", "5", "抢修电话 96116", nil},
	}
	for _, f := range formats {
		t.Run(f, func(t *testing.T) {
			e.t = t
			read := func(code string) (string, []attribute) {
				r := e.get("/open311/v2/services/" + code + "." + f)
				if r.status != 200 {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				var got []attribute
				if f == "xml" {
					var x xmlDefinition
					e.check(r, f, "", &x)
					for _, a := range x.Attributes {
						at := attribute{a.Variable, a.Code, a.Datatype, a.Required, a.DatatypeDescription, a.Order, a.Description, nil}
						for _, v := range a.Values {
							at.values = append(at.values, value{v.Key, v.Name})
						}
						got = append(got, at)
					}
					return x.ServiceCode, got
				}
				var def struct {
					ServiceCode string           `json:"service_code"`
					Attributes  []map[string]any `json:"attributes"`
				}
				e.check(r, f, "service_definition", &def)
				for _, a := range def.Attributes {
					at := attribute{text(a["variable"]), text(a["code"]), text(a["datatype"]), text(a["required"]),
						text(a["datatype_description"]), text(a["order"]), text(a["description"]), nil}
					for _, v := range a["values"].([]any) {
						m := v.(map[string]any)
						at.values = append(at.values, value{text(m["key"]), text(m["name"])})
					}
					got = append(got, at)
				}
				return def.ServiceCode, got
			}
			code, got := read("water")
			if code != "water" || !reflect.DeepEqual(got, want) {
				t.Errorf("water:\n got %s %+v\nwant %+v", code, got, want)
			}
			if code, got := read("roads"); code != "roads" || len(got) != 0 {
				t.Errorf("roads: %s %+v, want no attributes", code, got)
			}
			// A department's code in other case is the same service.
			if code, _ := read("WATER"); code != "water" {
				t.Errorf("WATER: service_code %q", code)
			}
			desc := e.errorOf(e.get("/open311/v2/services/parks."+f), f, 404)
			t.Logf("unknown service: %s", desc)
		})
	}
}
