package storage_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestAppealsVacuumedOften: on PostgreSQL the appeals are vacuumed after a
// small share of new or changed rows (migration 0022), so that their pages
// are marked all-visible and the open appeals' count of /metrics reads the
// partial index alone.
func TestAppealsVacuumedOften(t *testing.T) {
	if os.Getenv("APPEALBOT_TEST_DATABASE_URL") == "" {
		t.Skip("APPEALBOT_TEST_DATABASE_URL not set")
	}
	s := storagetest.Open(t, storage.Postgres)
	var opts []string
	if err := s.DB().SelectContext(context.Background(), &opts,
		`SELECT unnest(reloptions) FROM pg_class WHERE oid = 'appeals'::regclass`); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(opts, " ")
	for _, want := range []string{"autovacuum_vacuum_insert_scale_factor=0.005", "autovacuum_vacuum_scale_factor=0.005"} {
		if !strings.Contains(got, want) {
			t.Errorf("appeals options %q lack %s", got, want)
		}
	}
}

// TestWaitingDispatch: the appeals waiting for dispatch are counted and
// the first n listed, the longest waiting first; assigned ones are not.
func TestWaitingDispatch(t *testing.T) {
	for _, backend := range storagetest.Backends {
		if backend == storage.Postgres && os.Getenv("APPEALBOT_TEST_DATABASE_URL") == "" {
			continue
		}
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			s := storagetest.Open(t, backend)
			clock := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
			svc := appeal.NewService(s, func() time.Time { return clock }, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: s}))
			if _, err := svc.SaveDepartment(ctx, appeal.Department{Code: "roads", Name: "Roads"}); err != nil {
				t.Fatal(err)
			}
			var waiting []appeal.ID
			for i, dept := range []string{"", "roads", "", "", "roads"} {
				clock = clock.Add(-time.Duration(i) * time.Hour) // each older than the one before
				a, _, err := svc.Intake(ctx, appeal.Intake{Source: "web", ExternalID: fmt.Sprint(i), Title: "t", Body: "b",
					Category: "c", Department: dept, Priority: appeal.PriorityNormal})
				if err != nil {
					t.Fatal(err)
				}
				if dept == "" {
					waiting = append(waiting, a.ID)
				}
			}
			got, total, err := s.WaitingDispatch(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			ids := []appeal.ID{}
			for _, a := range got {
				ids = append(ids, a.ID)
			}
			// The last received waits longest (the clock went back).
			if total != 3 || fmt.Sprint(ids) != fmt.Sprint([]appeal.ID{waiting[2], waiting[1]}) {
				t.Errorf("waiting %d %v, want 3 %v", total, ids, []appeal.ID{waiting[2], waiting[1]})
			}
		})
	}
}
