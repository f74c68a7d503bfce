package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestNumbersHaveNoGaps: intakes from two instances at once, half of them
// duplicates, and one that fails and rolls back, leave the numbers 1..N
// with none missing.
func TestNumbersHaveNoGaps(t *testing.T) {
	eachReopen(t, func(t *testing.T, s *storage.Store, open func() *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		stores := []*storage.Store{s, s}
		if s.Driver() == storage.Postgres {
			stores[1] = open() // a second instance on the same database
		}
		// An intake that fails inside its transaction, after its insert
		// (an event time the store cannot hold), must not spend a number.
		a, events, msgs := appeal.NewAppeal(intake("broken"), &dept, "roads", office, t0)
		events = append(events, appeal.Event{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Kind: "x"})
		if _, _, err := s.CreateAppeal(ctx, a, events, msgs); err == nil {
			t.Fatal("an event in the year 10000 was stored")
		}

		const distinct, repeats = 12, 3
		var wg sync.WaitGroup
		errs := make(chan error, distinct*repeats)
		for i := range distinct {
			for r := range repeats {
				wg.Go(func() {
					in := intake(fmt.Sprintf("n-%d", i))
					a, events, msgs := appeal.NewAppeal(in, &dept, "roads", office, t0.Add(time.Duration(r)*time.Second))
					if _, _, err := stores[(i+r)%2].CreateAppeal(ctx, a, events, msgs); err != nil {
						errs <- err
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var ids []int64
		if err := s.DB().Select(&ids, `SELECT id FROM appeals ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if len(ids) != distinct {
			t.Fatalf("%d appeals stored, want %d", len(ids), distinct)
		}
		for i, id := range ids {
			if id != int64(i+1) {
				t.Fatalf("numbers %v: want 1..%d without gaps", ids, distinct)
			}
		}
		// A bulk load after intakes numbers on from the highest, and
		// intake after it too.
		if err := s.InsertAppeals(ctx, []appeal.Appeal{{Source: "bulk", ExternalID: "b1", Title: "t", Body: "b",
			Priority: appeal.PriorityNormal, Status: appeal.StatusUnassigned, ReceivedAt: t0, CreatedAt: t0, UpdatedAt: t0}}); err != nil {
			t.Fatal(err)
		}
		next := create(t, s, intake("after-bulk"), &dept)
		if next.ID != distinct+2 {
			t.Errorf("intake after a bulk load got #%d, want #%d", next.ID, distinct+2)
		}
	})
}
