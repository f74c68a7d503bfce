package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
)

func intakeWith(extID string, attachments any) string {
	m := map[string]any{"source": "12345", "external_id": extID, "title": "路面塌陷", "body": "人民路 1 号", "department": "roads",
		"attachments": attachments}
	b, _ := json.Marshal(m)
	return string(b)
}

// Intake takes links (http, https) up to the limit, and names the one at
// fault otherwise.
func TestIntakeAttachments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend)
		e.putDept("roads", `{"name":"道路"}`)
		st, m := e.post(intakeWith("A-1", []string{"https://files.example/a/1.jpg", "http://files.example/b.pdf"}))
		if st != http.StatusCreated {
			t.Fatalf("intake: %d %v", st, m)
		}
		files := m["attachments"].([]any)
		if len(files) != 2 {
			t.Fatalf("attachments: %v", files)
		}
		f := files[0].(map[string]any)
		if f["n"] != 1.0 || f["kind"] != "intake" || f["name"] != "1.jpg" || f["url"] != "https://files.example/a/1.jpg" ||
			f["path"] != "/api/v1/appeals/1/attachments/1" {
			t.Errorf("attachment 1: %v", f)
		}

		eleven := make([]string, 11)
		for i := range eleven {
			eleven[i] = "https://files.example/" + string(rune('a'+i))
		}
		for _, tc := range []struct {
			name        string
			attachments any
			field, code string
		}{
			{"too many", eleven, "attachments", "too_many"},
			{"bad scheme", []string{"https://files.example/1", "javascript:alert(1)"}, "attachments[1]", "invalid"},
			{"file scheme", []string{"file:///etc/passwd"}, "attachments[0]", "invalid"},
			{"too long", []string{"https://files.example/" + strings.Repeat("x", 2048)}, "attachments[0]", "too_long"},
			{"empty", []string{" "}, "attachments[0]", "required"},
			{"not a list", "https://files.example/1", "attachments", ""},
			{"objects", []map[string]string{{"url": "https://files.example/1"}}, "attachments", "wrong_type"},
		} {
			st, m := e.post(intakeWith("B-"+tc.name, tc.attachments))
			errObj, _ := m["error"].(map[string]any)
			if st != http.StatusBadRequest || errObj == nil || errObj["field"] != tc.field || (tc.code != "" && errObj["code"] != tc.code) {
				t.Errorf("%s: %d %v, want 400 on %s (%s)", tc.name, st, m, tc.field, tc.code)
			}
		}
		// Nothing of the refused intakes was stored.
		if _, m := e.do("GET", "/api/v1/appeals", "", ""); len(m["appeals"].([]any)) != 1 {
			t.Errorf("appeals after refused intakes: %v", m["appeals"])
		}
	})
}

// GET /api/v1/appeals/{id}/attachments/{n}: a photo's bytes with safe
// headers, a link as a redirect, JSON errors otherwise.
func TestGetAttachment(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		e := newEnv(t, backend, "tok-0123456789abcdef")
		e.putDept("roads", `{"name":"道路"}`)
		if st, m := e.post(intakeWith("A-1", []string{"https://files.example/a/1.jpg"})); st != http.StatusCreated {
			t.Fatalf("intake: %d %v", st, m)
		}
		photo := append([]byte{0xff, 0xd8, 0xff}, bytes.Repeat([]byte("<html>"), 50)...)
		if _, err := e.store.UpdateAppeal(t.Context(), 1, func(a appeal.Appeal, p *appeal.Answer) (appeal.Change, error) {
			return appeal.Transition(a, p, appeal.Command{Action: appeal.ActAnswer, Actor: 1, Text: "修好了", Attachments: []appeal.Attachment{
				{Name: `..\..\evil"name` + "\n.jpg", MIME: "image/jpeg", Data: photo},
				{Name: "page.html", MIME: "text/html", Data: []byte("<script>alert(1)</script>")}}}, testNow)
		}); err != nil {
			t.Fatal(err)
		}
		get := func(path string, auth bool) (*http.Response, []byte) {
			t.Helper()
			req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
			if auth {
				req.Header.Set("Authorization", "Bearer "+e.token)
			}
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp, body
		}

		resp, body := get("/api/v1/appeals/1/attachments/2", true)
		h := resp.Header
		if resp.StatusCode != 200 || !bytes.Equal(body, photo) || h.Get("Content-Type") != "image/jpeg" ||
			h.Get("Content-Length") != "303" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Content-Disposition") != `inline; filename=evilname.jpg` {
			t.Errorf("photo: %d, %d bytes, %v", resp.StatusCode, len(body), h)
		}
		// What claims to be HTML is served as bytes no browser runs.
		if resp, _ := get("/api/v1/appeals/1/attachments/3", true); resp.Header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("html attachment: Content-Type %q", resp.Header.Get("Content-Type"))
		}
		if resp, _ := get("/api/v1/appeals/1/attachments/1", true); resp.StatusCode != http.StatusSeeOther ||
			resp.Header.Get("Location") != "https://files.example/a/1.jpg" {
			t.Errorf("link: %d %v", resp.StatusCode, resp.Header)
		}
		for path, want := range map[string]struct {
			status int
			field  string
		}{
			"/api/v1/appeals/1/attachments/4":   {404, "n"},
			"/api/v1/appeals/9/attachments/1":   {404, "id"},
			"/api/v1/appeals/1/attachments/0":   {400, "n"},
			"/api/v1/appeals/1/attachments/x":   {400, "n"},
			"/api/v1/appeals/-1/attachments/1":  {400, "id"},
			"/api/v1/appeals/1/attachments/1.5": {400, "n"},
		} {
			resp, body := get(path, true)
			var m struct {
				Error struct{ Field string } `json:"error"`
			}
			if resp.StatusCode != want.status || json.Unmarshal(body, &m) != nil || m.Error.Field != want.field {
				t.Errorf("%s: %d %s, want %d naming %s", path, resp.StatusCode, body, want.status, want.field)
			}
		}
		if resp, _ := get("/api/v1/appeals/1/attachments/2", false); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("without a token: %d", resp.StatusCode)
		}

		// The appeal lists them, and its answer the numbers of its photos.
		_, m := e.do("GET", "/api/v1/appeals/1", "", "")
		if files := m["attachments"].([]any); len(files) != 3 || files[1].(map[string]any)["kind"] != "answer" ||
			files[1].(map[string]any)["size"] != 303.0 {
			t.Errorf("attachments: %v", m["attachments"])
		}
		if ans := m["answers"].([]any)[0].(map[string]any); len(ans["attachments"].([]any)) != 2 {
			t.Errorf("answer: %v", ans)
		}
	})
}
