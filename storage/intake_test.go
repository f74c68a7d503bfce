package storage_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestIntakesShareTransactions: intakes that arrive while another is being
// numbered are stored together, in one transaction, each as it would be
// alone: its own number (no gaps), its own log, card and facts. One that
// cannot be stored fails alone; repeats of one appeal, in the batch or
// stored before, get that appeal and write nothing.
func TestIntakesShareTransactions(t *testing.T) {
	eachReopen(t, func(t *testing.T, s *storage.Store, _ func() *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		before := create(t, s, intake("stored-before"), &dept)

		var mu sync.Mutex
		var batches [][2]int
		s.ObserveIntakes(func(size, txs int) {
			mu.Lock()
			batches = append(batches, [2]int{size, txs})
			mu.Unlock()
		})
		type result struct {
			ext     string
			a       appeal.Appeal
			created bool
			err     error
		}
		// round runs the intakes exts while numbering is held: the first
		// waits for the lock inside its transaction, the others queue
		// behind it and are released together.
		round := func(exts []string) []result {
			t.Helper()
			release, err := s.HoldNumbers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			results := make([]result, len(exts))
			var wg sync.WaitGroup
			start := func(i int) {
				wg.Go(func() {
					in := intake(exts[i])
					a, events, msgs := appeal.NewAppeal(in, &dept, "roads", office, t0)
					if exts[i] == "broken" {
						// An event time the store cannot hold fails the
						// transaction after the appeal's insert.
						events = append(events, appeal.Event{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Kind: "x"})
					}
					stored, created, err := s.CreateAppeal(ctx, a, events, msgs)
					results[i] = result{exts[i], stored, created, err}
				})
			}
			start(0)
			waitFor(t, "the first intake to take the queue", func() bool { return s.QueuedIntakes() == 0 })
			time.Sleep(20 * time.Millisecond) // into its transaction, waiting for the lock
			for i := 1; i < len(exts); i++ {
				start(i)
			}
			waitFor(t, "the others to queue", func() bool { return s.QueuedIntakes() == len(exts)-1 })
			release()
			wg.Wait()
			return results
		}

		exts := []string{"first", "a", "b", "dup", "c", "dup", "stored-before", "d", "e", "f"}
		res := round(exts)
		ids := map[string]appeal.ID{}
		for _, r := range res {
			if r.err != nil {
				t.Fatalf("intake %s: %v", r.ext, r.err)
			}
			if prev, ok := ids[r.ext]; ok && prev != r.a.ID {
				t.Errorf("intake %s: #%d and #%d", r.ext, prev, r.a.ID)
			}
			ids[r.ext] = r.a.ID
			if r.a.ExternalID != r.ext || r.a.Department != "roads" || r.a.Status != appeal.StatusAssigned {
				t.Errorf("intake %s got %+v", r.ext, r.a)
			}
		}
		if ids["stored-before"] != before.ID {
			t.Errorf("repeat of a stored appeal got #%d, want #%d", ids["stored-before"], before.ID)
		}
		created := 0
		for _, r := range res {
			if r.created {
				created++
			}
		}
		if created != 8 { // first, a..f and one of the two dups
			t.Errorf("%d created, want 8", created)
		}
		mu.Lock()
		got := slices.Clone(batches)
		mu.Unlock()
		if !slices.Equal(got, [][2]int{{1, 1}, {9, 1}}) {
			t.Errorf("batches (size, transactions) = %v, want [[1 1] [9 1]]", got)
		}
		checkStored(t, s, 9)

		// A batch with one appeal that cannot be stored: that one fails,
		// the others are stored, still without gaps.
		batches = nil
		res = round([]string{"g", "h", "broken", "i"})
		for _, r := range res {
			if (r.err != nil) != (r.ext == "broken") {
				t.Errorf("intake %s: %v", r.ext, r.err)
			}
		}
		if !slices.Equal(batches, [][2]int{{1, 1}, {3, 4}}) {
			t.Errorf("batches (size, transactions) = %v, want [[1 1] [3 4]]", batches)
		}
		checkStored(t, s, 12)

		// The facts written for a batch are those the log gives.
		facts := factRows(t, s)
		if err := s.RebuildFigures(ctx); err != nil {
			t.Fatal(err)
		}
		if again := factRows(t, s); !slices.Equal(facts, again) {
			t.Errorf("facts kept at intake:\n%v\nfrom the log:\n%v", facts, again)
		}
	})
}

// checkStored checks that n appeals are numbered 1..n, each with its own
// two events, its card and facts.
func checkStored(t *testing.T, s *storage.Store, n int) {
	t.Helper()
	var ids []int64
	if err := s.DB().Select(&ids, `SELECT id FROM appeals ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(ids) != n || ids[0] != 1 || ids[len(ids)-1] != int64(n) {
		t.Fatalf("numbers %v: want 1..%d", ids, n)
	}
	for _, id := range ids {
		var events, cards, facts int
		db := s.DB()
		if err := db.Get(&events, db.Rebind(`SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ?`), id); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&cards, db.Rebind(`SELECT COUNT(*) FROM outbox WHERE appeal_id = ?`), id); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&facts, db.Rebind(`SELECT (SELECT COUNT(*) FROM kpi_facts WHERE appeal_id = ?)
			+ (SELECT COUNT(*) FROM kpi_pending WHERE appeal_id = ?)`), id, id); err != nil {
			t.Fatal(err)
		}
		if events != 2 || cards == 0 || facts == 0 {
			t.Errorf("#%d: %d events, %d outbox rows, %d facts", id, events, cards, facts)
		}
	}
}

func factRows(t *testing.T, s *storage.Store) []string {
	t.Helper()
	var rows []string
	for _, q := range []string{
		`SELECT appeal_id, department_code, kinds, at, wall_bucket, work_bucket, n FROM kpi_facts`,
		`SELECT appeal_id, department_code, kind, at, n FROM kpi_pending`,
		`SELECT * FROM kpi_sums`,
	} {
		r, err := s.DB().Queryx(q)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			v, err := r.SliceScan()
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, fmt.Sprint(v...))
		}
		r.Close()
	}
	slices.Sort(rows)
	return rows
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
