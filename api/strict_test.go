package api_test

import (
	"testing"

	"github.com/appealbot/appealbot/appeal"
)

// TestJSONIsTakenAsSent: a body whose text encoding/json would change
// while decoding (invalid UTF-8 or a lone surrogate becomes U+FFFD, the
// last of two equal keys wins) is refused naming the field, on intake and
// on the department directory, and nothing is stored.
func TestJSONIsTakenAsSent(t *testing.T) {
	e := newEnv(t, "sqlite")
	const head = `{"source":"12345","external_id":"U-1",`
	for _, tc := range []struct {
		name, path, body string
		code, field      string
	}{
		{"invalid UTF-8", "/api/v1/appeals", head + "\"title\":\"\xffbad\",\"body\":\"b\"}", "invalid", "title"},
		{"truncated UTF-8", "/api/v1/appeals", head + "\"title\":\"t\",\"body\":\"路\xe7\x81\"}", "invalid", "body"},
		{"nested invalid UTF-8", "/api/v1/appeals", head + "\"title\":\"t\",\"body\":\"b\",\"citizen\":{\"name\":\"\xfe\"}}", "invalid", "citizen.name"},
		{"lone high surrogate", "/api/v1/appeals", head + `"title":"t","body":"a\ud800b"}`, "invalid", "body"},
		{"lone low surrogate", "/api/v1/appeals", head + `"title":"t","body":"a\udc00"}`, "invalid", "body"},
		{"high surrogate at the end", "/api/v1/appeals", head + `"title":"t","body":"\ud83d"}`, "invalid", "body"},
		{"reversed pair", "/api/v1/appeals", head + `"title":"t","body":"\ude00\ud83d"}`, "invalid", "body"},
		{"duplicate key", "/api/v1/appeals", head + `"title":"t","body":"b","title":"other"}`, "duplicate_field", "title"},
		{"duplicate key in another case", "/api/v1/appeals", head + `"title":"t","body":"b","TITLE":"other"}`, "duplicate_field", "TITLE"},
		{"duplicate nested key", "/api/v1/appeals", head + `"title":"t","body":"b","citizen":{"phone":"1","phone":"2"}}`, "duplicate_field", "citizen.phone"},
		{"department: invalid UTF-8", "/api/v1/departments/roads", "{\"name\":\"\xc0\xaf\"}", "invalid", "name"},
		{"department: duplicate key", "/api/v1/departments/roads", `{"name":"道路","timezone":"Asia/Shanghai","name":"Roads"}`, "duplicate_field", "name"},
		{"department: duplicate nested key", "/api/v1/departments/roads",
			`{"name":"道路","sla":{"normal":{"claim":"2h","claim":"1h","answer":"3wd","resolve":"7wd"},"urgent":{"claim":"30m","answer":"2h","resolve":"24h"}}}`,
			"duplicate_field", "sla.normal.claim"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := "POST"
			if tc.path != "/api/v1/appeals" {
				method = "PUT"
			}
			st, m := e.do(method, tc.path, "application/json", tc.body)
			errObj, _ := m["error"].(map[string]any)
			if st != 400 || errObj == nil || errObj["code"] != tc.code || errObj["field"] != tc.field || errObj["message"] == "" {
				t.Fatalf("got %d %v, want 400 %s on %s", st, m, tc.code, tc.field)
			}
		})
	}
	if list, _ := e.store.Appeals(t.Context(), appeal.Filter{}); len(list) != 0 {
		t.Fatalf("refused input was stored: %+v", list)
	}
	if _, err := e.store.Department(t.Context(), "roads"); err == nil {
		t.Fatal("a refused department was stored")
	}

	// What is well-formed passes as it was sent: a surrogate pair, an
	// escaped backslash before a u, the same key in two objects.
	st, m := e.post(head + `"title":"\ud83d\ude00 路灯","body":"C:\\users","citizen":{"name":"张"},"location":"name"}`)
	if st != 201 || m["title"] != "😀 路灯" || m["body"] != `C:\users` {
		t.Fatalf("valid body: %d %v", st, m)
	}
	if st, m := e.do("PUT", "/api/v1/departments/roads", "application/json",
		`{"name":"道路","sla":{"normal":{"claim":"2h","answer":"3wd","resolve":"7wd"},"urgent":{"claim":"30m","answer":"2h","resolve":"24h"}}}`); st != 200 {
		t.Fatalf("valid department: %d %v", st, m)
	}
}
