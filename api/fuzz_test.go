package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// FuzzIntake sends arbitrary bytes to POST /api/v1/appeals backed by a real
// SQLite store: the answer must be a 4xx with an error object or a stored,
// valid appeal; never a panic or a 5xx. What succeeds was valid UTF-8
// throughout: invalid bytes are refused, not replaced.
func FuzzIntake(f *testing.F) {
	for _, seed := range []string{
		`{"source":"12345","external_id":"1","title":"t","body":"b"}`,
		`{"source":"web","external_id":"x-9","title":"路灯不亮","body":"小区门口 <b>&amp;","department":"water","priority":"urgent","citizen":{"name":"张三","phone":"+86 138-1234-5678"},"location":"人民路","received_at":"2026-11-02T09:30:00+08:00","callback_url":"https://cb.example/x"}`,
		`{"source":"a","external_id":"b","title":"c","body":"d","citizen":null}`,
		`{"source":"a","external_id":"b","title":"c","body":"d","received_at":"2026-11-02T09:30:00.123456789Z"}`,
		`{"source":"a","external_id":"\u0000","title":"c","body":"d"}`,
		`{"source":1}`, `[]`, `null`, `{}`, `{"a":1}`, `{"source":"a"} {}`, "\xff\xfe", `{"title":"\ud800"}`,
		"{\"source\":\"a\",\"external_id\":\"b\",\"title\":\"\xe8\xb7\",\"body\":\"d\"}",
		`{"source":"a","external_id":"b","title":"c","body":"d","Body":"e"}`,
		`{"source":"a","external_id":"b","title":"\ud83d\ude00","body":"\\u0041"}`,
	} {
		f.Add([]byte(seed))
	}
	store := storagetest.Open(f, "sqlite")
	now := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
	svc := appeal.NewService(store, func() time.Time { return now }, "Asia/Shanghai")
	if _, err := svc.SaveDepartment(f.Context(), appeal.Department{Code: "water", Name: "供水"}); err != nil {
		f.Fatal(err)
	}
	h := New(svc, store, Options{Now: func() time.Time { return now }})

	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/api/v1/appeals", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch {
		case rec.Code == http.StatusCreated || rec.Code == http.StatusOK:
			var a appealJSON
			if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
				t.Fatalf("success without an appeal: %s", rec.Body)
			}
			if !utf8.Valid(body) {
				t.Fatalf("invalid UTF-8 accepted: %q", body)
			}
			if a.ID <= 0 || a.Title == "" || a.Body == "" || !utf8.ValidString(a.Title+a.Body) ||
				(a.Status != string(appeal.StatusAssigned) && a.Status != string(appeal.StatusUnassigned)) {
				t.Fatalf("stored appeal is not valid: %+v", a)
			}
		case rec.Code >= 400 && rec.Code < 500:
			var e errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%d without an error object: %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
