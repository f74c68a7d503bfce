package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// exported collects what ExportAppeals yields for [from, to).
func exported(t *testing.T, s *storage.Store, from, to time.Time) []appeal.Appeal {
	t.Helper()
	var out []appeal.Appeal
	if err := s.ExportAppeals(context.Background(), from, to, func(a appeal.Appeal) error {
		out = append(out, a)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExportAppeals(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		water := saveDept(t, s, "water", false)
		// Received out of id order, one on each boundary.
		from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		to := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
		mk := func(ext string, received time.Time, dept *appeal.Department) appeal.Appeal {
			in := intake(ext)
			in.ReceivedAt = received
			in.Category = "市政"
			in.Location = "人民路 1 号"
			in.Citizen = appeal.Citizen{Name: "张三", Phone: "13812345678"}
			return create(t, s, in, dept)
		}
		late := mk("late", to.Add(-time.Microsecond), &water)
		first := mk("first", from, &water)
		mk("before", from.Add(-time.Microsecond), &water)
		mk("at-to", to, nil)
		unassigned := mk("unassigned", from.Add(time.Hour), nil)
		claimed, _ := mustAct(t, s, first.ID, appeal.Command{Action: appeal.ActClaim, Actor: 7}, t0)

		got := exported(t, s, from, to)
		var ids []string
		for _, a := range got {
			ids = append(ids, a.ExternalID)
		}
		same(t, "exported, in order of receipt", ids, []string{"first", "unassigned", "late"})

		want := normAppeal(claimed)
		want.Body, want.Citizen, want.CallbackURL, want.NextActionAt, want.Answers = "", appeal.Citizen{}, "", time.Time{}, nil
		same(t, "the claimed appeal", got[0], want)
		if got[1].ID != unassigned.ID || got[1].Department != "" || got[1].Status != appeal.StatusUnassigned {
			t.Errorf("unassigned appeal: %+v", got[1])
		}
		if got[2].ID != late.ID || got[2].Deadlines.AnswerBy.IsZero() {
			t.Errorf("late appeal: %+v", got[2])
		}
		if n := len(exported(t, s, to, to.Add(time.Hour))); n != 1 {
			t.Errorf("[to, to+1h): %d appeals, want 1", n)
		}
		if n := len(exported(t, s, to, from)); n != 0 {
			t.Errorf("an empty range gave %d appeals", n)
		}
	})
}

func TestExportAppealsStops(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var as []appeal.Appeal
		for i := range 1200 {
			as = append(as, appeal.Appeal{Source: "bulk", ExternalID: fmt.Sprint(i), Title: "t", Body: "b",
				Priority: appeal.PriorityNormal, Status: appeal.StatusUnassigned,
				ReceivedAt: base.Add(time.Duration(i) * time.Minute), CreatedAt: base, UpdatedAt: base})
		}
		if err := s.InsertAppeals(ctx, as); err != nil {
			t.Fatal(err)
		}
		if n := len(exported(t, s, base, base.AddDate(1, 0, 0))); n != len(as) {
			t.Fatalf("exported %d of %d bulk-loaded appeals", n, len(as))
		}

		// An error from fn ends the query at once.
		stop := errors.New("stop")
		seen := 0
		err := s.ExportAppeals(ctx, base, base.AddDate(1, 0, 0), func(appeal.Appeal) error {
			seen++
			if seen == 10 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || seen != 10 {
			t.Errorf("fn's error: err %v after %d rows", err, seen)
		}

		// So does the end of the context: cancelled while the first row
		// is being written, no second row follows, however much of the
		// result the driver holds already.
		cctx, cancel := context.WithCancel(ctx)
		seen = 0
		err = s.ExportAppeals(cctx, base, base.AddDate(1, 0, 0), func(appeal.Appeal) error {
			if seen++; seen == 1 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || seen != 1 {
			t.Errorf("cancelled: err %v after %d of %d rows, want the cancel after the first", err, seen, len(as))
		}

		// The connection went back to the pool in a usable state.
		if n := len(exported(t, s, base, base.Add(time.Hour))); n != 60 {
			t.Errorf("after the stops: %d appeals in the first hour, want 60", n)
		}
	})
}
