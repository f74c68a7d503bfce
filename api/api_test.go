package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/dispatch"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

var testNow = time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)

type env struct {
	t     *testing.T
	store *storage.Store
	srv   *httptest.Server
	token string
}

func newEnv(t *testing.T, backend string, tokens ...string) *env {
	t.Helper()
	store := storagetest.Open(t, backend)
	svc := appeal.NewService(store, func() time.Time { return testNow }, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: store}))
	srv := httptest.NewServer(api.New(svc, store, api.Options{Tokens: tokens, Callbacks: store, Calendar: store, Now: func() time.Time { return testNow },
		Setup: store.Setup, Waiting: store, Routes: svc, Examples: importer{dispatch.New(store, dispatch.Config{}, time.Now, nil), store},
		Attachments: store}))
	t.Cleanup(srv.Close)
	e := &env{t: t, store: store, srv: srv}
	if len(tokens) > 0 {
		e.token = tokens[0]
	}
	return e
}

// do sends a request and decodes the JSON response into a map.
func (e *env) do(method, path, contentType, body string) (int, map[string]any) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Fatalf("%s %s: Content-Type %q, body %s", method, path, ct, raw)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		e.t.Fatalf("%s %s: body is not a JSON object: %s", method, path, raw)
	}
	return resp.StatusCode, m
}

func (e *env) post(body string) (int, map[string]any) {
	return e.do("POST", "/api/v1/appeals", "application/json", body)
}

func (e *env) putDept(code, body string) {
	e.t.Helper()
	if st, m := e.do("PUT", "/api/v1/departments/"+code, "application/json", body); st != 200 {
		e.t.Fatalf("PUT department: %d %v", st, m)
	}
}

func intakeBody(extID, dept string) string {
	m := map[string]any{
		"source": "12345", "external_id": extID, "title": "路灯不亮 <b>&", "body": "小区门口路灯坏了三天",
		"category": "市政", "priority": "urgent", "citizen": map[string]string{"name": "张三", "phone": "13812345678", "email": "zhang@example.org"},
		"location": "人民路 1 号", "received_at": "2026-11-02T09:30:00+08:00", "callback_url": "https://hotline.example/cb",
	}
	if dept != "" {
		m["department"] = dept
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func forEachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) { fn(t, b) })
	}
}

func TestIntakeCreatesDurableAssignedAppeal(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		e.putDept("water", `{"name":"供水公司","sla":{"normal":{"claim":"2h","answer":"3d","resolve":"7d"},"urgent":{"claim":"30m","answer":"2h","resolve":"1d"}}}`)

		st, m := e.post(intakeBody("A-1", "WATER"))
		if st != http.StatusCreated {
			t.Fatalf("status %d, body %v", st, m)
		}
		if m["status"] != "assigned" || m["department"] != "water" || m["title"] != "路灯不亮 <b>&" {
			t.Fatalf("unexpected appeal: %v", m)
		}
		id := int64(m["id"].(float64))
		dl := m["deadlines"].(map[string]any)
		if dl["claim_by"] != "2026-11-02T02:30:00Z" || dl["answer_by"] != "2026-11-02T04:00:00Z" || dl["resolve_by"] != "2026-11-03T02:00:00Z" {
			t.Fatalf("deadlines from the urgent tier starting at intake: %v", dl)
		}
		if m["received_at"] != "2026-11-02T01:30:00Z" {
			t.Fatalf("received_at kept in UTC: %v", m["received_at"])
		}

		// Durable: the store has it, with its log and its card in the outbox.
		a, err := e.store.Appeal(t.Context(), appeal.ID(id))
		if err != nil || a.Status != appeal.StatusAssigned || a.Citizen.Phone != "13812345678" || a.Citizen.Email != "zhang@example.org" {
			t.Fatalf("stored appeal %+v, err %v", a, err)
		}
		events, _ := e.store.Events(t.Context(), a.ID)
		if len(events) != 2 || events[0].Kind != appeal.EventReceived || events[1].Kind != appeal.EventAssigned {
			t.Fatalf("events %+v", events)
		}
		out, _ := e.store.Outbox(t.Context(), 100)
		if len(out) != 1 || out[0].Kind != appeal.MsgCard || out[0].To != (appeal.Recipient{Kind: appeal.ToDepartment, Ref: "water"}) || out[0].AppealID != a.ID {
			t.Fatalf("outbox %+v", out)
		}

		// The same appeal again: 200, same appeal, nothing new written.
		st, m2 := e.post(intakeBody("A-1", "water"))
		if st != http.StatusOK || int64(m2["id"].(float64)) != id {
			t.Fatalf("repeat: %d %v", st, m2)
		}
		events, _ = e.store.Events(t.Context(), a.ID)
		out, _ = e.store.Outbox(t.Context(), 100)
		if len(events) != 2 || len(out) != 1 {
			t.Fatalf("repeat wrote something: %d events, %d outbox rows", len(events), len(out))
		}
	})
}

func TestIntakeWithoutKnownDepartmentWaitsForDispatch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		for _, tc := range []struct{ ext, dept, note string }{
			{"B-1", "", ""},
			{"B-2", "nosuch", "unknown department: nosuch"},
			{"B-3", "名字不对 !", "unknown department: 名字不对 !"},
		} {
			st, m := e.post(intakeBody(tc.ext, tc.dept))
			if st != http.StatusCreated || m["status"] != "unassigned" || m["department"] != nil {
				t.Fatalf("%s: %d %v", tc.ext, st, m)
			}
			// Dispatch's clock runs from intake: a dispatch deadline and
			// a next action, no department's deadlines.
			d, _ := m["deadlines"].(map[string]any)
			if d == nil || d["dispatch_by"] == nil || d["claim_by"] != nil || d["answer_by"] != nil || d["decide_by"] != nil ||
				m["next_action_at"] == nil {
				t.Fatalf("%s: deadlines %v, next action %v", tc.ext, m["deadlines"], m["next_action_at"])
			}
			st, g := e.do("GET", "/api/v1/appeals/"+jsonNum(m["id"]), "", "")
			evs := g["events"].([]any)
			if st != 200 || len(evs) != 1 || evs[0].(map[string]any)["note"] != nilIfEmpty(tc.note) {
				t.Fatalf("%s: events %v", tc.ext, evs)
			}
		}
		out, _ := e.store.Outbox(t.Context(), 100)
		for _, o := range out {
			if o.To.Kind != appeal.ToDispatch {
				t.Fatalf("unassigned appeal's card must go to dispatch: %+v", o)
			}
		}
	})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestConcurrentDuplicateIntakeCreatesOne(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		const n = 8
		var wg sync.WaitGroup
		codes := make([]int, n)
		ids := make([]string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/appeals", strings.NewReader(intakeBody("C-1", "")))
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				defer resp.Body.Close()
				var m map[string]any
				_ = json.NewDecoder(resp.Body).Decode(&m)
				codes[i], ids[i] = resp.StatusCode, jsonNum(m["id"])
			}()
		}
		wg.Wait()
		created := 0
		for i := range n {
			if codes[i] == 201 {
				created++
			} else if codes[i] != 200 {
				t.Fatalf("request %d: status %d", i, codes[i])
			}
			if ids[i] != ids[0] {
				t.Fatalf("different ids: %v", ids)
			}
		}
		if created != 1 {
			t.Fatalf("%d requests created the appeal, want 1 (codes %v)", created, codes)
		}
	})
}

func TestIntakeRejectsBadInput(t *testing.T) {
	e := newEnv(t, "sqlite")
	valid := intakeBody("D-1", "")
	with := func(k string, v any) string {
		var m map[string]any
		_ = json.Unmarshal([]byte(valid), &m)
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	for _, tc := range []struct {
		name, ctype, body string
		status            int
		code, field       string
	}{
		{"wrong content type", "text/plain", valid, 415, "unsupported_media_type", ""},
		{"no content type", "", valid, 415, "unsupported_media_type", ""},
		{"empty body", "application/json", "", 400, "empty_body", ""},
		{"malformed", "application/json", `{"source":`, 400, "malformed_json", ""},
		{"not an object", "application/json", `[1,2]`, 400, "malformed_json", ""},
		{"trailing data", "application/json", valid + `{}`, 400, "malformed_json", ""},
		{"unknown field", "application/json", with("colour", "red"), 400, "unknown_field", "colour"},
		{"wrong type", "application/json", with("title", 5), 400, "wrong_type", "title"},
		{"wrong nested type", "application/json", with("citizen", map[string]any{"name": 1}), 400, "wrong_type", "citizen.name"},
		{"missing source", "application/json", with("source", nil), 400, "required", "source"},
		{"missing title", "application/json", with("title", "   "), 400, "required", "title"},
		{"missing body", "application/json", with("body", nil), 400, "required", "body"},
		{"bad source", "application/json", with("source", "a b"), 400, "invalid", "source"},
		{"long title", "application/json", with("title", strings.Repeat("长", 201)), 400, "too_long", "title"},
		{"NUL in body", "application/json", with("body", "a\x00b"), 400, "invalid", "body"},
		{"bad priority", "application/json", with("priority", "high"), 400, "invalid", "priority"},
		{"bad time", "application/json", with("received_at", "yesterday"), 400, "invalid", "received_at"},
		{"future time", "application/json", with("received_at", "2027-01-01T00:00:00Z"), 400, "in_future", "received_at"},
		{"bad phone", "application/json", with("citizen", map[string]any{"phone": "call me"}), 400, "invalid", "citizen.phone"},
		{"bad email", "application/json", with("citizen", map[string]any{"email": "zhang at example.org"}), 400, "invalid", "citizen.email"},
		{"bad callback", "application/json", with("callback_url", "ftp://x/y"), 400, "invalid", "callback_url"},
		{"too large", "application/json", with("body", strings.Repeat("x", api.MaxBodyBytes)), 413, "body_too_large", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, m := e.do("POST", "/api/v1/appeals", tc.ctype, tc.body)
			errObj, _ := m["error"].(map[string]any)
			if st != tc.status || errObj == nil || errObj["code"] != tc.code || errObj["message"] == "" {
				t.Fatalf("got %d %v, want %d code %s", st, m, tc.status, tc.code)
			}
			if f, _ := errObj["field"].(string); f != tc.field {
				t.Fatalf("field %q, want %q (%v)", f, tc.field, errObj)
			}
		})
	}
	if list, _ := e.store.Appeals(t.Context(), appeal.Filter{}); len(list) != 0 {
		t.Fatalf("rejected input was stored: %d appeals", len(list))
	}
}

func TestGetAndListAppeals(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		e.putDept("roads", `{"name":"道路"}`)
		for i := range 5 {
			dept := ""
			if i%2 == 0 {
				dept = "roads"
			}
			if st, m := e.post(intakeBody("L-"+string(rune('a'+i)), dept)); st != 201 {
				t.Fatalf("%d %v", st, m)
			}
		}
		// Page through all five, two at a time, newest first.
		var seen []string
		cursor := ""
		for page := 0; page < 5; page++ {
			path := "/api/v1/appeals?limit=2"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			st, m := e.do("GET", path, "", "")
			if st != 200 {
				t.Fatalf("%d %v", st, m)
			}
			for _, a := range m["appeals"].([]any) {
				seen = append(seen, a.(map[string]any)["external_id"].(string))
			}
			if m["next_cursor"] == nil {
				break
			}
			cursor = m["next_cursor"].(string)
		}
		if strings.Join(seen, ",") != "L-e,L-d,L-c,L-b,L-a" {
			t.Fatalf("pages: %v", seen)
		}
		st, m := e.do("GET", "/api/v1/appeals?status=assigned&department=roads", "", "")
		if st != 200 || len(m["appeals"].([]any)) != 3 {
			t.Fatalf("filter: %d %v", st, m)
		}
		st, m = e.do("GET", "/api/v1/appeals?status=unassigned", "", "")
		if st != 200 || len(m["appeals"].([]any)) != 2 {
			t.Fatalf("filter: %d %v", st, m)
		}
		for _, tc := range []struct{ q, field string }{
			{"status=lost", "status"}, {"limit=0", "limit"}, {"limit=201", "limit"}, {"limit=x", "limit"},
			{"cursor=zzz", "cursor"}, {"department=a%20b", "department"},
		} {
			st, m := e.do("GET", "/api/v1/appeals?"+tc.q, "", "")
			if st != 400 || m["error"].(map[string]any)["field"] != tc.field {
				t.Fatalf("%s: %d %v", tc.q, st, m)
			}
		}

		st, m = e.do("GET", "/api/v1/appeals/1", "", "")
		if st != 200 || len(m["events"].([]any)) != 2 || m["answers"] == nil {
			t.Fatalf("get: %d %v", st, m)
		}
		if st, m = e.do("GET", "/api/v1/appeals/999", "", ""); st != 404 || m["error"].(map[string]any)["code"] != "not_found" {
			t.Fatalf("missing: %d %v", st, m)
		}
		if st, m = e.do("GET", "/api/v1/appeals/abc", "", ""); st != 400 || m["error"].(map[string]any)["field"] != "id" {
			t.Fatalf("bad id: %d %v", st, m)
		}
	})
}

func TestGetShowsAnswersAndLifecycleEvents(t *testing.T) {
	e := newEnv(t, "postgres")
	e.putDept("water", `{"name":"供水"}`)
	_, m := e.post(intakeBody("G-1", "water"))
	id := appeal.ID(m["id"].(float64))
	svc := appeal.NewService(e.store, func() time.Time { return testNow.Add(time.Minute) }, "Asia/Shanghai")
	if _, err := svc.Act(t.Context(), id, appeal.Command{Action: appeal.ActClaim, Actor: 7}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Act(t.Context(), id, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "已修复"}); err != nil {
		t.Fatal(err)
	}
	st, g := e.do("GET", "/api/v1/appeals/"+jsonNum(m["id"]), "", "")
	answers := g["answers"].([]any)
	events := g["events"].([]any)
	if st != 200 || g["status"] != "answered" || jsonNum(g["assignee"]) != "7" || len(answers) != 1 || len(events) != 4 {
		t.Fatalf("%d %v", st, g)
	}
	if a := answers[0].(map[string]any); a["text"] != "已修复" || a["state"] != "accepted" {
		t.Fatalf("answer %v", a)
	}
	// The answer is queued for the callback URL; its delivery state shows.
	cbs := g["callbacks"].([]any)
	if len(cbs) != 1 || cbs[0].(map[string]any)["state"] != "pending" || cbs[0].(map[string]any)["attempts"] != 0.0 ||
		cbs[0].(map[string]any)["event"] != "appeal.answered" {
		t.Fatalf("callbacks %v", cbs)
	}
	var kinds []string
	for _, ev := range events {
		kinds = append(kinds, ev.(map[string]any)["kind"].(string))
	}
	if strings.Join(kinds, ",") != "received,assigned,claimed,answered" {
		t.Fatalf("events %v", kinds)
	}
}

func TestDepartments(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.putDept("Water", `{"name":"供水公司","approve_answers":true}`)
	e.putDept("water", `{"name":"市供水公司","timezone":"Europe/Berlin","sla":{"normal":{"claim":"1h","answer":"2d","resolve":"5d"},"urgent":{"claim":"15m","answer":"90m","resolve":"12h"}}}`)
	st, m := e.do("GET", "/api/v1/departments", "", "")
	ds := m["departments"].([]any)
	if st != 200 || len(ds) != 1 {
		t.Fatalf("%d %v", st, m)
	}
	d := ds[0].(map[string]any)
	sla := d["sla"].(map[string]any)
	if d["code"] != "water" || d["name"] != "市供水公司" || d["timezone"] != "Europe/Berlin" ||
		jsonNum(sla["normal"]) != `{"answer":"2d","claim":"1h","resolve":"5d"}` ||
		jsonNum(sla["urgent"]) != `{"answer":"1h30m","claim":"15m","resolve":"12h"}` {
		t.Fatalf("department %v", d)
	}
	if jsonNum(d["gaps"]) != `["no_chat","no_leader"]` || d["chats"] != 0.0 || d["leaders"] != 0.0 ||
		jsonNum(d["reach"]) != `{"appeals":"none","leaders":"none"}` ||
		jsonNum(m["gaps"]) != `["no_dispatch_chat","no_supervision_chat","no_admin"]` ||
		jsonNum(m["reach"]) != `{"dispatch":"none","supervision":"none"}` {
		t.Fatalf("gaps of a bare setup: %v", m)
	}
	ctx := t.Context()
	if err := e.store.BindChat(ctx, appeal.ChatBinding{Purpose: appeal.ChatDispatch, Network: "telegram", ChatID: "-1"}); err != nil {
		t.Fatal(err)
	}
	for _, b := range []appeal.ChatBinding{{Purpose: appeal.ChatDepartment, Department: "water", Network: "telegram", ChatID: "-2"},
		{Purpose: appeal.ChatSupervision, Network: "telegram", ChatID: "-3"}} {
		if err := e.store.BindChat(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	boss, err := e.store.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: "1"})
	if err == nil {
		err = e.store.Grant(ctx, appeal.Grant{Member: boss.ID, Role: appeal.RoleAdmin})
	}
	if err != nil {
		t.Fatal(err)
	}
	_, m = e.do("GET", "/api/v1/departments", "", "")
	d = m["departments"].([]any)[0].(map[string]any)
	if jsonNum(d["gaps"]) != `["no_leader"]` || d["chats"] != 1.0 || jsonNum(d["reach"]) != `{"appeals":"department","leaders":"dispatch"}` ||
		jsonNum(m["gaps"]) != `[]` || jsonNum(m["reach"]) != `{"dispatch":"dispatch","supervision":"supervision"}` {
		t.Fatalf("gaps once bound: %v", m)
	}
	for _, tc := range []struct{ code, body, field string }{
		{"a b", `{"name":"x"}`, "code"},
		{"ok", `{"name":""}`, "name"},
		{"ok", `{"name":"x","timezone":"Mars/Base"}`, "timezone"},
		{"ok", `{"name":"x","sla":{"normal":{"claim":"soon","answer":"1h","resolve":"2h"},"urgent":{"claim":"1m","answer":"1h","resolve":"2h"}}}`, "sla.normal.claim"},
		{"ok", `{"name":"x","sla":{"normal":{"claim":"3h","answer":"1h","resolve":"2h"},"urgent":{"claim":"1m","answer":"1h","resolve":"2h"}}}`, "sla.normal"},
		{"ok", `{"name":"x","boss":"y"}`, "boss"},
	} {
		st, m := e.do("PUT", "/api/v1/departments/"+strings.ReplaceAll(tc.code, " ", "%20"), "application/json", tc.body)
		if st != 400 || m["error"].(map[string]any)["field"] != tc.field {
			t.Fatalf("%s %s: %d %v", tc.code, tc.body, st, m)
		}
	}
}

// TestDepartmentSyncKeepsWhatItLeavesOut: a directory sync that sends only
// some fields cannot wipe what was set otherwise (in chat: the SLA,
// answer approval); partial SLA tiers merge with the current ones; a
// mistake names its field and the rule once, in plain words.
func TestDepartmentSyncKeepsWhatItLeavesOut(t *testing.T) {
	e := newEnv(t, "sqlite")
	get := func(code string) map[string]any {
		t.Helper()
		_, m := e.do("GET", "/api/v1/departments", "", "")
		for _, d := range m["departments"].([]any) {
			if d := d.(map[string]any); d["code"] == code {
				return d
			}
		}
		t.Fatalf("no department %s in %v", code, m)
		return nil
	}
	sla := func(d map[string]any) string { return jsonNum(d["sla"]) }

	// A new department given part of an SLA takes the defaults for the rest.
	e.putDept("water", `{"name":"供水公司","sla":{"normal":{"answer":"5wd"}}}`)
	if got := sla(get("water")); got != `{"normal":{"answer":"5wd","claim":"2wh","resolve":"7wd"},"urgent":{"answer":"2h","claim":"30m","resolve":"1d"}}` {
		t.Fatalf("new department with a partial SLA: %s", got)
	}
	// Settings made elsewhere (here as /dept sla and /dept set would).
	ds, err := e.store.Departments(t.Context())
	if err != nil || len(ds) != 1 {
		t.Fatal(ds, err)
	}
	d := ds[0]
	d.ApproveAnswers, d.Timezone = true, "Asia/Urumqi"
	d.SLA.Urgent.Claim = appeal.CalendarSpan(20 * time.Minute)
	if _, err := e.store.SaveDepartment(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	// The directory renames it: nothing else changes.
	e.putDept("water", `{"name":"市供水公司"}`)
	w := get("water")
	if w["name"] != "市供水公司" || w["approve_answers"] != true || w["timezone"] != "Asia/Urumqi" ||
		sla(w) != `{"normal":{"answer":"5wd","claim":"2wh","resolve":"7wd"},"urgent":{"answer":"2h","claim":"20m","resolve":"1d"}}` {
		t.Fatalf("after a PUT with the name only: %v", w)
	}
	// One limit of one tier: the rest of both tiers stays.
	e.putDept("water", `{"sla":{"normal":{"claim":"1wh"}},"approve_answers":null}`)
	w = get("water")
	if w["name"] != "市供水公司" || w["approve_answers"] != true ||
		sla(w) != `{"normal":{"answer":"5wd","claim":"1wh","resolve":"7wd"},"urgent":{"answer":"2h","claim":"20m","resolve":"1d"}}` {
		t.Fatalf("after a PUT of sla.normal.claim: %v", w)
	}
	e.putDept("water", `{"approve_answers":false,"timezone":"Asia/Shanghai"}`)
	if w = get("water"); w["approve_answers"] != false || w["timezone"] != "Asia/Shanghai" || w["name"] != "市供水公司" {
		t.Fatalf("after a PUT of approval and timezone: %v", w)
	}
	// The loop's settings: a trusted unit, extensions dispatch approves.
	if w["direct_transfer"] != false || w["dispatch_extensions"] != false {
		t.Fatalf("loop settings by default: %v", w)
	}
	e.putDept("water", `{"direct_transfer":true,"dispatch_extensions":true}`)
	if w = get("water"); w["direct_transfer"] != true || w["dispatch_extensions"] != true || w["approve_answers"] != false {
		t.Fatalf("after a PUT of the loop's settings: %v", w)
	}
	if d, err := e.store.Department(t.Context(), "water"); err != nil || !d.DirectTransfer || !d.DispatchExtensions {
		t.Fatalf("stored: %+v %v", d, err)
	}

	for _, c := range []struct{ code, body, field, msg string }{
		{"water", `{"sla":{"normal":{"answer":"999wd"}}}`, "sla.normal.answer", "sla.normal.answer is too long: at most 365 working days"},
		{"water", `{"sla":{"urgent":{"claim":"3x"}}}`, "sla.urgent.claim", `sla.urgent.claim has an unknown unit "x": use m, h, d, wh or wd`},
		{"water", `{"sla":{"normal":{"claim":""}}}`, "sla.normal.claim", "sla.normal.claim is empty: give a span such as 30m, 2h, 3d, 8wh (working hours) or 5wd (working days)"},
		{"water", `{"sla":{"normal":{"claim":"8wd"}}}`, "sla.normal",
			"sla.normal must not shrink from claim to answer to resolve, but it would be claim 8wd, answer 5wd, resolve 7wd"},
		{"water", `{"name":""}`, "name", ""},
		{"sewers", `{"sla":{"normal":{"claim":"1h"}}}`, "name", ""},
	} {
		st, m := e.do("PUT", "/api/v1/departments/"+c.code, "application/json", c.body)
		got, _ := m["error"].(map[string]any)
		msg, _ := got["message"].(string)
		if st != 400 || got["field"] != c.field || (c.msg != "" && msg != c.msg) || strings.Count(msg, c.field) != 1 || strings.Contains(msg, ";") {
			t.Errorf("PUT %s %s: %d %v; want 400 on %s: %q", c.code, c.body, st, m, c.field, c.msg)
		}
	}
	// A refused PUT changed nothing.
	if w = get("water"); sla(w) != `{"normal":{"answer":"5wd","claim":"1wh","resolve":"7wd"},"urgent":{"answer":"2h","claim":"20m","resolve":"1d"}}` {
		t.Errorf("after refused PUTs: %v", w)
	}
}

func TestAuthAndHealth(t *testing.T) {
	token := "s3cret-token-0123456789"
	e := newEnv(t, "sqlite", token, "second-token-abcdefgh")
	if st, _ := e.do("GET", "/api/v1/departments", "", ""); st != 200 {
		t.Fatalf("with token: %d", st)
	}
	e.token = "second-token-abcdefgh"
	if st, _ := e.do("GET", "/api/v1/departments", "", ""); st != 200 {
		t.Fatalf("with second token: %d", st)
	}
	for _, tok := range []string{"", "wrong", token + "x"} {
		e.token = tok
		st, m := e.do("GET", "/api/v1/departments", "", "")
		if st != 401 || m["error"].(map[string]any)["code"] != "unauthorized" {
			t.Fatalf("token %q: %d %v", tok, st, m)
		}
		if st, _ := e.do("POST", "/api/v1/appeals", "application/json", intakeBody("X", "")); st != 401 {
			t.Fatalf("intake without valid token: %d", st)
		}
	}
	e.token = ""
	if st, m := e.do("GET", "/healthz", "", ""); st != 200 || m["status"] != "ok" || m["undeliverable"] != 0.0 {
		t.Fatalf("healthz: %d %v", st, m)
	}
	// A message no one could receive: the instance still works (200, so
	// that no load balancer takes it out), but the setup is degraded.
	e.token = token
	if st, _ := e.do("POST", "/api/v1/appeals", "application/json", intakeBody("X", "")); st != 201 {
		t.Fatalf("intake: %d", st)
	}
	e.token = "" // /healthz needs none
	rows, err := e.store.ClaimOutbox(t.Context(), appeal.ChatRecipients, testNow, 10, time.Minute)
	if err != nil || len(rows) != 1 {
		t.Fatalf("claim: %v %v", rows, err)
	}
	if err := e.store.MarkUndeliverable(t.Context(), rows[0].ID, testNow, testNow.Add(time.Minute), "no one"); err != nil {
		t.Fatal(err)
	}
	if st, m := e.do("GET", "/healthz", "", ""); st != 200 || m["status"] != "degraded" || m["undeliverable"] != 1.0 {
		t.Fatalf("healthz with a message waiting: %d %v", st, m)
	}
	if st, m := e.do("GET", "/nope", "", ""); st != 404 || m["error"].(map[string]any)["code"] != "not_found" {
		t.Fatalf("unknown path: %d %v", st, m)
	}
	_ = e.store.Close()
	if st, m := e.do("GET", "/healthz", "", ""); st != 503 {
		t.Fatalf("healthz with the database gone: %d %v", st, m)
	}
}

// TestWrongMethodOnKnownPath: a path the API serves, asked with a method
// it does not take, answers 405 with Allow, not 404.
func TestWrongMethodOnKnownPath(t *testing.T) {
	e := newEnv(t, "sqlite", "s3cret-token-0123456789")
	for _, c := range []struct{ method, path, allow string }{
		{"DELETE", "/api/v1/appeals", "GET, HEAD, POST"},
		{"POST", "/api/v1/appeals/17", "GET, HEAD"},
		{"GET", "/api/v1/departments/water", "PUT"},
		{"POST", "/healthz", "GET, HEAD"},
		{"PATCH", "/api/v1/calendar", "GET, HEAD, PUT"},
	} {
		req, err := http.NewRequest(c.method, e.srv.URL+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]map[string]any
		err = json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != c.allow || err != nil ||
			m["error"]["code"] != "method_not_allowed" {
			t.Errorf("%s %s: %d, Allow %q, body %v (%v); want 405 with Allow %q", c.method, c.path, resp.StatusCode,
				resp.Header.Get("Allow"), m, err, c.allow)
		}
	}
	if st, m := e.do("GET", "/api/v1/nope", "", ""); st != 404 || m["error"].(map[string]any)["code"] != "not_found" {
		t.Errorf("unknown path: %d %v", st, m)
	}
}

func TestOversizedBodyIsRefusedBeforeReading(t *testing.T) {
	e := newEnv(t, "sqlite")
	big := bytes.Repeat([]byte("a"), 3<<20)
	resp, err := http.Post(e.srv.URL+"/api/v1/appeals", "application/json", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}
