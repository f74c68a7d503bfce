package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// countingExporter is the real store, with a count of the rows it has
// handed to the handler and a hook after each.
type countingExporter struct {
	store *storage.Store
	mu    sync.Mutex
	rows  int
	err   error
	ended bool
	after func(ctx context.Context, n int)
	// failAt makes the store fail after this many rows (0: never).
	failAt int
}

func (c *countingExporter) ExportAppeals(ctx context.Context, from, to time.Time, fn func(appeal.Appeal) error) error {
	err := c.store.ExportAppeals(ctx, from, to, func(a appeal.Appeal) error {
		c.mu.Lock()
		c.rows++
		n := c.rows
		c.mu.Unlock()
		if n == c.failAt {
			return errors.New("storage: export appeals: connection lost")
		}
		if err := fn(a); err != nil {
			return err
		}
		if c.after != nil {
			c.after(ctx, n)
		}
		return nil
	})
	c.mu.Lock()
	c.err, c.ended = err, true
	c.mu.Unlock()
	return err
}

func (c *countingExporter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rows
}

type exportEnv struct {
	store *storage.Store
	svc   *appeal.Service
	exp   *countingExporter
	h     http.Handler
	now   time.Time
}

func newExportEnv(t *testing.T, backend string, tokens ...string) *exportEnv {
	t.Helper()
	e := &exportEnv{store: storagetest.Open(t, backend), now: testNow}
	e.svc = appeal.NewService(e.store, func() time.Time { return e.now }, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: e.store}))
	e.exp = &countingExporter{store: e.store}
	e.h = api.New(e.svc, e.store, api.Options{Tokens: tokens, Export: e.exp, Calendars: e.svc, Location: shanghai,
		Now: func() time.Time { return testNow }})
	return e
}

func (e *exportEnv) get(t *testing.T, query string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/export/appeals.csv?"+query, nil))
	return rec
}

// readCSV checks the BOM and returns the records after it.
func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\xef\xbb\xbf"))
	if !ok {
		t.Fatalf("no UTF-8 BOM at the start: % x", body[:min(len(body), 8)])
	}
	recs, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, rest)
	}
	return recs
}

// byName maps each record to its header's column names.
func byName(recs [][]string) []map[string]string {
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func TestExportCSV(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			e := newExportEnv(t, b)
			ctx := t.Context()
			if _, err := e.svc.SaveDepartment(ctx, appeal.Department{Code: "water", Name: "供水公司, \"自来水\""}); err != nil {
				t.Fatal(err)
			}
			// Monday 2026-11-02 10:00 in Shanghai.
			e.now = time.Date(2026, 11, 2, 10, 0, 0, 0, shanghai)
			in := func(ext, title, dept string, received time.Time) appeal.Appeal {
				a, _, err := e.svc.Intake(ctx, appeal.Intake{Source: "12345", ExternalID: ext, Title: title, Body: "正文",
					Department: dept, ReceivedAt: received})
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			answered := in("=HYPERLINK(\"x\")", "路灯不亮, 已三天\n\"急\"", "water", e.now)

			// Claimed at 12:00 (2 h, all working time), answered at 15:00
			// (5 h, of which 3 h 30 m working: the lunch break is not).
			e.now = time.Date(2026, 11, 2, 12, 0, 0, 0, shanghai)
			if _, err := e.svc.Act(ctx, answered.ID, appeal.Command{Action: appeal.ActClaim, Actor: 5}); err != nil {
				t.Fatal(err)
			}
			e.now = time.Date(2026, 11, 2, 15, 0, 0, 0, shanghai)
			if _, err := e.svc.Act(ctx, answered.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 5, Text: "已修复"}); err != nil {
				t.Fatal(err)
			}

			e.now = time.Date(2026, 11, 4, 10, 0, 0, 0, shanghai)
			in("-2+3", "+SUM(A1)", "", time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai))
			in("@cmd", "=1+1", "", time.Date(2026, 11, 2, 23, 59, 59, 0, shanghai))
			in("next-day", "明天", "", time.Date(2026, 11, 3, 0, 0, 0, 0, shanghai))
			in("before", "昨天", "", time.Date(2026, 10, 31, 23, 59, 59, 0, shanghai))

			rec := e.get(t, "from=2026-11-01&to=2026-11-02")
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="appeals-2026-11-01-2026-11-02.csv"` {
				t.Errorf("Content-Disposition %q", cd)
			}
			recs := readCSV(t, rec.Body.Bytes())
			rows := byName(recs)
			var ext []string
			for _, r := range rows {
				ext = append(ext, r["external_id"])
			}
			// Both days whole, in Shanghai time, in order of receipt; the
			// cells that a spreadsheet would run as formulas start with '.
			want := []string{"'-2+3", "'=HYPERLINK(\"x\")", "'@cmd"}
			if fmt.Sprint(ext) != fmt.Sprint(want) {
				t.Fatalf("external ids %q, want %q", ext, want)
			}
			r := rows[1]
			for col, v := range map[string]string{
				"title": "路灯不亮, 已三天\n\"急\"", "department": "water", "department_name": "供水公司, \"自来水\"",
				"status": "answered", "priority": "normal",
				"received_at": "2026-11-02 10:00:00", "assigned_at": "2026-11-02 10:00:00",
				"claimed_at": "2026-11-02 12:00:00", "answered_at": "2026-11-02 15:00:00", "closed_at": "",
				"time_to_claim_s": "7200", "working_time_to_claim_s": "7200",
				"time_to_answer_s": "18000", "working_time_to_answer_s": "12600",
				"time_to_close_s": "", "claimed_on_time": "yes", "answered_on_time": "yes",
				// 2wh from 10:00 ends at 12:00; 3wd is Thursday's closing time.
				"claim_by": "2026-11-02 12:00:00", "answer_by": "2026-11-05 18:00:00",
			} {
				if r[col] != v {
					t.Errorf("%s = %q, want %q", col, r[col], v)
				}
			}
			if rows[0]["title"] != "'+SUM(A1)" || rows[2]["title"] != "'=1+1" {
				t.Errorf("titles %q, %q: want the formula guard", rows[0]["title"], rows[2]["title"])
			}
			if rows[0]["department"] != "" || rows[0]["time_to_claim_s"] != "" || rows[0]["claimed_on_time"] != "" {
				t.Errorf("unassigned appeal: %v", rows[0])
			}

			// RFC 3339 bounds: from included, to excluded.
			recs = readCSV(t, e.get(t, "from=2026-11-02T10:00:00%2B08:00&to=2026-11-02T23:59:59%2B08:00").Body.Bytes())
			if len(recs) != 2 || recs[1][0] != fmt.Sprint(answered.ID) {
				t.Errorf("[10:00, 23:59:59): %q", recs)
			}

			// Chinese headers on request.
			recs = readCSV(t, e.get(t, "from=2026-11-02&to=2026-11-02&lang=zh").Body.Bytes())
			if recs[0][0] != "编号" || recs[0][3] != "标题" || recs[1][len(recs[1])-1] != "是" {
				t.Errorf("lang=zh: %q", recs)
			}
			// ... and Chinese values: every enumerated value is translated,
			// as spreadsheet readers in Chinese expect.
			zh := byName(recs)
			for i, want := range []map[string]string{
				{"状态": "已答复", "优先级": "普通", "按时认领": "是", "按时答复": "是"},
				{"状态": "待分派", "优先级": "普通", "按时认领": "", "按时答复": ""},
			} {
				for col, v := range want {
					if zh[i][col] != v {
						t.Errorf("lang=zh row %d: %s = %q, want %q", i, col, zh[i][col], v)
					}
				}
			}
		})
	}
}

func TestExportBadInput(t *testing.T) {
	e := newExportEnv(t, storage.SQLite, "0123456789abcdef0123")
	for _, c := range []struct{ query, field string }{
		{"to=2026-11-02", "from"},
		{"from=2026-11-02", "to"},
		{"from=2026-13-01&to=2026-12-01", "from"},
		{"from=2026-11-01&to=yesterday", "to"},
		{"from=2026-11-02&to=2026-11-01", "to"},
		{"from=2026-11-02T10:00:00Z&to=2026-11-02T10:00:00Z", "to"},
		{"from=2026-11-01&to=2026-11-02&lang=fr", "lang"},
	} {
		req := httptest.NewRequest("GET", "/api/v1/export/appeals.csv?"+c.query, nil)
		req.Header.Set("Authorization", "Bearer 0123456789abcdef0123")
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"field":"`+c.field+`"`) ||
			!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s %s, want 400 naming %s", c.query, rec.Code, rec.Header().Get("Content-Type"), rec.Body, c.field)
		}
	}
	if rec := e.get(t, "from=2026-11-01&to=2026-11-02"); rec.Code != 401 {
		t.Errorf("without a token: %d", rec.Code)
	}
}

// bulk loads n appeals received a minute apart from testNow.
func bulk(t *testing.T, s *storage.Store, n int) {
	t.Helper()
	var as []appeal.Appeal
	for i := range n {
		at := testNow.Add(time.Duration(i) * time.Minute)
		as = append(as, appeal.Appeal{Source: "bulk", ExternalID: fmt.Sprint(i), Title: "标题 " + fmt.Sprint(i), Body: "b",
			Priority: appeal.PriorityNormal, Status: appeal.StatusUnassigned, ReceivedAt: at, CreatedAt: at, UpdatedAt: at})
	}
	if err := s.InsertAppeals(t.Context(), as); err != nil {
		t.Fatal(err)
	}
}

// flushWriter records how many rows the store had handed out when the
// response was first flushed to the client.
type flushWriter struct {
	*httptest.ResponseRecorder
	exp          *countingExporter
	rowsAtFlush  int
	bytesAtFlush int
}

func (w *flushWriter) Flush() {
	if w.rowsAtFlush == 0 {
		w.rowsAtFlush, w.bytesAtFlush = w.exp.count(), w.Body.Len()
	}
	w.ResponseRecorder.Flush()
}

// TestExportStreams: rows reach the client while the store is still being
// read, so a handler that collected the whole result first would fail.
func TestExportStreams(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			e := newExportEnv(t, b)
			const total = 3000
			bulk(t, e.store, total)
			w := &flushWriter{ResponseRecorder: httptest.NewRecorder(), exp: e.exp}
			e.h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/export/appeals.csv?from=2026-11-01&to=2026-11-30", nil))
			if n := len(readCSV(t, w.Body.Bytes())) - 1; n != total {
				t.Fatalf("%d rows, want %d", n, total)
			}
			if w.rowsAtFlush == 0 || w.rowsAtFlush >= total/2 {
				t.Errorf("first flush after %d of %d rows were read", w.rowsAtFlush, total)
			}
			if lines := bytes.Count(w.Body.Bytes()[:w.bytesAtFlush], []byte("\n")); lines < w.rowsAtFlush {
				t.Errorf("first flush sent %d lines after %d rows were read", lines, w.rowsAtFlush)
			}
		})
	}
}

// TestExportStopsWhenClientGoes: a client that hangs up mid-download ends
// the database query instead of leaving it to run to the end.
func TestExportStopsWhenClientGoes(t *testing.T) {
	e := newExportEnv(t, storage.SQLite)
	const total = 3000
	bulk(t, e.store, total)
	// The client hangs up while the export waits after its 1000th row:
	// a point the test controls. Hanging up at a point of the client's
	// (after reading so many bytes) raced the export, which on a busy
	// machine could still be at row 154 and then end on a failed write
	// rather than on the cancel.
	reached, hungUp := make(chan struct{}), make(chan struct{})
	e.exp.after = func(ctx context.Context, n int) {
		if n != 1000 {
			return
		}
		close(reached)
		<-hungUp
		select { // the server notices the closed connection and cancels
		case <-ctx.Done():
		case <-time.After(30 * time.Second):
			t.Error("the request's context did not end after the client hung up")
		}
	}
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/export/appeals.csv?from=2026-11-01&to=2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	// Read on, so that the export never waits for the client to read.
	go func() { _, _ = io.Copy(io.Discard, resp.Body) }()
	select {
	case <-reached:
	case <-time.After(30 * time.Second):
		t.Fatalf("the export did not reach row 1000 (%d rows read)", e.exp.count())
	}
	resp.Body.Close()
	srv.CloseClientConnections()
	close(hungUp)
	deadline := time.After(30 * time.Second)
	for {
		e.exp.mu.Lock()
		err, n, ended := e.exp.err, e.exp.rows, e.exp.ended
		e.exp.mu.Unlock()
		if ended {
			if !errors.Is(err, context.Canceled) || n >= total {
				t.Errorf("export ended with %v after %d of %d rows", err, n, total)
			}
			return
		}
		select {
		case <-deadline:
			t.Fatalf("export still running after the client hung up (%d rows read)", n)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestExportFailureCutsTheDownload: when the store fails after rows have
// gone out, the client sees a broken download, not a short file that
// looks whole.
func TestExportFailureCutsTheDownload(t *testing.T) {
	e := newExportEnv(t, storage.SQLite)
	bulk(t, e.store, 2000)
	e.exp.failAt = 1500
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/export/appeals.csv?from=2026-11-01&to=2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || err == nil {
		t.Fatalf("status %d, read error %v after %d bytes: want 200 and a broken body", resp.StatusCode, err, len(body))
	}
	if n := bytes.Count(body, []byte("\n")); n < 500 {
		t.Errorf("only %d lines arrived before the failure", n)
	}
}
