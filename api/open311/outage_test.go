package open311_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/api/open311"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestDatabaseAway: while PostgreSQL does not answer, a POST gets the
// spec's general service error (400, in the format asked, with
// Retry-After) and nothing is stored; sent again once it answers, the
// request becomes one appeal.
func TestDatabaseAway(t *testing.T) {
	outage, through, _ := storagetest.PostgresOutage(t)
	store, err := storage.Open(t.Context(), storage.Config{DatabaseURL: through}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: store, now: t0}
	e.svc = appeal.NewService(store, e.clock, "Asia/Shanghai")
	if _, err := e.svc.SaveDepartment(context.Background(), appeal.Department{Code: "water", Name: "供水公司"}); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(open311.New(e.svc, store, open311.Options{
		Keys:     []open311.Key{{Client: "fms", Secret: fmsKey}},
		Services: open311.Departments{List: store, Settings: settings}, Location: shanghai, Now: e.clock,
	}))
	t.Cleanup(e.srv.Close)

	outage.Cut()
	for _, f := range formats {
		r := e.post(f, validRequest())
		if desc := e.errorOf(r, f, 400); !strings.Contains(desc, "unavailable") || r.header.Get("Retry-After") != "5" {
			t.Errorf("%s: %q, Retry-After %q", f, desc, r.header.Get("Retry-After"))
		}
		e.errorOf(e.get("/open311/v2/requests."+f), f, 400)
	}
	outage.Restore()
	id := e.postOK(validRequest())
	if again := e.postOK(validRequest()); again != id || countAppeals(t, e) != 1 {
		t.Errorf("after the outage: %d and %d, %d appeals", id, again, countAppeals(t, e))
	}
}
