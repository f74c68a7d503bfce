package open311_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/api/open311"
)

func TestParseKeys(t *testing.T) {
	keys, err := open311.ParseKeys(" fms = fms-key-0123456789abcdef , portal=portal-key-0123456789ab,")
	want := []open311.Key{{Client: "fms", Secret: "fms-key-0123456789abcdef"}, {Client: "portal", Secret: "portal-key-0123456789ab"}}
	if err != nil || !reflect.DeepEqual(keys, want) {
		t.Fatalf("ParseKeys: %+v %v", keys, err)
	}
	if keys, err := open311.ParseKeys(""); err != nil || len(keys) != 0 {
		t.Errorf("empty: %+v %v", keys, err)
	}
	for in, says := range map[string]string{
		"fms":                          "NAME=KEY",
		"FMS=fms-key-0123456789abcdef": "lower-case",
		"fms=short":                    "at least 16",
		"fms=fms key 0123456789abcdef": "without spaces",
		"a=fms-key-0123456789abcdef,a=x-0123456789abcdefgh":     "named twice",
		"a=fms-key-0123456789abcdef,b=fms-key-0123456789abcdef": "another client's",
	} {
		if _, err := open311.ParseKeys(in); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseKeys(%q) = %v, want an error saying %q", in, err, says)
		}
	}
}

func TestParseServiceSettings(t *testing.T) {
	got, err := open311.ParseServiceSettings([]byte(`{"Water": {"description": "停水", "keywords": "停水,漏水", "group": "市政",
		"category": "供水", "attributes": [
			{"code": "kind", "datatype": "singlevaluelist", "required": true, "description": "问题类型",
			 "values": [{"key": "leak", "name": "漏水"}]},
			{"code": "note", "datatype": "text", "variable": false, "order": 9},
			{"code": "homes", "datatype": "number", "order": 3}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]open311.ServiceSettings{"water": {Description: "停水", Keywords: "停水,漏水", Group: "市政", Category: "供水",
		Attributes: []open311.Attribute{
			{Variable: true, Code: "kind", Datatype: "singlevaluelist", Required: true, Order: 1, Description: "问题类型",
				Values: []open311.Value{{Key: "leak", Name: "漏水"}}},
			{Variable: true, Code: "homes", Datatype: "number", Order: 3},
			{Variable: false, Code: "note", Datatype: "text", Order: 9},
		}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("settings:\n got %+v\nwant %+v", got, want)
	}
	_, err = open311.ParseServiceSettings([]byte(`{"bad code!": {}, "water": {"attributes": [
		{"code": "a b", "datatype": "string"},
		{"code": "x", "datatype": "colour"},
		{"code": "x", "datatype": "singlevaluelist"},
		{"code": "y", "datatype": "string", "values": [{"key": "1", "name": "one"}]},
		{"code": "z", "datatype": "singlevaluelist", "values": [{"key": "1", "name": "one"}, {"key": "1", "name": "uno"}]},
		{"code": "w", "datatype": "text", "variable": false, "required": true, "order": 1}]}}`))
	for _, says := range []string{`"bad code!" is not a department code`, "without brackets, spaces", "datatype must be one of",
		"code repeats", "needs values, and only they have values", "a key of its own", "cannot be required", "order must be"} {
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("errors do not say %q: %v", says, err)
		}
	}
	if _, err := open311.ParseServiceSettings([]byte(`{"water": {"colour": "blue"}}`)); err == nil {
		t.Error("an unknown field is refused")
	}
}
