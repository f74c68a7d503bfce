package storage_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

func TestDigestSchedules(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		saveDept(t, s, "roads", false)
		if err := s.SetDigestSchedule(ctx, appeal.DigestSchedule{Department: "nosuch", Kind: appeal.DigestDaily, Spec: "0 9 * * *"}); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("schedule of a missing department: %v", err)
		}
		for _, ds := range []appeal.DigestSchedule{
			{Department: "roads", Kind: appeal.DigestDaily, Spec: "0 9 * * *", UpdatedAt: t0},
			{Department: "roads", Kind: appeal.DigestWeekly, Spec: "0 17 * * 5", UpdatedAt: t0},
			{Department: "roads", Kind: appeal.DigestDaily, Spec: "30 7 * * 1-5", UpdatedAt: t0.Add(time.Hour)},
		} {
			if err := s.SetDigestSchedule(ctx, ds); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.DigestSchedules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "schedules", got, []appeal.DigestSchedule{
			{Department: "roads", Kind: appeal.DigestDaily, Spec: "30 7 * * 1-5", UpdatedAt: norm(t0.Add(time.Hour))},
			{Department: "roads", Kind: appeal.DigestWeekly, Spec: "0 17 * * 5", UpdatedAt: norm(t0)},
		})
	})
}

// TestClaimDigestOnce: a period's digest and its messages are written once,
// however many writers race for it; a different period or kind is another
// digest.
func TestClaimDigestOnce(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		saveDept(t, s, "roads", false)
		run := appeal.DigestRun{Department: "roads", Kind: appeal.DigestDaily, From: t0.Add(-24 * time.Hour), To: t0, At: t0}
		msgs := []appeal.Message{
			{Kind: appeal.MsgDigest, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}, Args: map[string]string{"k": "v"}},
			{Kind: appeal.MsgDigestChart, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}},
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 8 {
			wg.Go(func() {
				ok, err := s.ClaimDigest(ctx, run, msgs)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if won != 1 || count(t, s, "digests") != 1 || count(t, s, "outbox") != 2 {
			t.Fatalf("%d claims won, %d digests, %d outbox rows", won, count(t, s, "digests"), count(t, s, "outbox"))
		}
		out, err := s.Outbox(ctx, 10)
		if err != nil || len(out) != 2 || out[0].Kind != appeal.MsgDigest || out[0].Args["k"] != "v" || !out[0].NextAttemptAt.Equal(norm(t0)) {
			t.Fatalf("outbox %+v %v", out, err)
		}
		weekly := run
		weekly.Kind = appeal.DigestWeekly
		next := run
		next.From, next.To = t0, t0.Add(24*time.Hour)
		for _, r := range []appeal.DigestRun{weekly, next} {
			if ok, err := s.ClaimDigest(ctx, r, msgs[:1]); !ok || err != nil {
				t.Fatalf("claim %+v: %v %v", r, ok, err)
			}
		}
		runs, err := s.DigestRuns(ctx, "roads", 0)
		if err != nil || len(runs) != 3 || !runs[0].From.Equal(norm(t0)) || runs[2].Kind != appeal.DigestDaily {
			t.Fatalf("runs %+v %v", runs, err)
		}
		if _, err := s.ClaimDigest(ctx, appeal.DigestRun{Department: "nosuch", Kind: appeal.DigestDaily, From: t0, To: t0, At: t0}, msgs); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("digest of a missing department: %v", err)
		}
	})
}

// TestDigestAppeals: the digest reads the department's open appeals and
// those that moved since the period began, and nothing else.
func TestDigestAppeals(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		saveDept(t, s, "roads", false)
		saveDept(t, s, "water", false)
		since := t0.Add(-24 * time.Hour)
		old := since.Add(-30 * 24 * time.Hour)
		mk := func(name, dept string, st appeal.Status, mod func(a *appeal.Appeal)) appeal.ID {
			a := appeal.Appeal{Source: "t", ExternalID: name, Title: name, Body: "b", Priority: appeal.PriorityNormal,
				ReceivedAt: old, Department: dept, Status: st, AssignedAt: old, CreatedAt: old, UpdatedAt: old,
				Deadlines: appeal.Deadlines{ClaimBy: old.Add(time.Hour), AnswerBy: old.Add(3 * 24 * time.Hour), ResolveBy: old.Add(7 * 24 * time.Hour)}}
			if mod != nil {
				mod(&a)
			}
			stored, _, err := s.CreateAppeal(ctx, a, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			return stored.ID
		}
		want := []appeal.ID{
			mk("open", "roads", appeal.StatusClaimed, nil),
			mk("new", "roads", appeal.StatusClosed, func(a *appeal.Appeal) { a.AssignedAt, a.ClosedAt = since.Add(time.Hour), old }),
			mk("claimed", "roads", appeal.StatusClosed, func(a *appeal.Appeal) { a.ClaimedAt, a.ClosedAt = since.Add(time.Hour), old }),
			mk("answered", "roads", appeal.StatusClosed, func(a *appeal.Appeal) { a.AnsweredAt, a.ClosedAt = since.Add(time.Hour), old }),
			mk("closed", "roads", appeal.StatusClosed, func(a *appeal.Appeal) { a.ClosedAt = since }),
			mk("due", "roads", appeal.StatusClosed, func(a *appeal.Appeal) { a.Deadlines.AnswerBy, a.ClosedAt = since.Add(time.Hour), old }),
		}
		mk("old", "roads", appeal.StatusClosed, func(a *appeal.Appeal) { a.ClosedAt = old })
		mk("other", "water", appeal.StatusClaimed, nil)
		mk("dispatch", "", appeal.StatusUnassigned, nil)
		as, err := s.DigestAppeals(ctx, "roads", since)
		if err != nil {
			t.Fatal(err)
		}
		var got []appeal.ID
		for _, a := range as {
			got = append(got, a.ID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("digest appeals %v, want %v", got, want)
		}
		if as[0].Title != "open" || !as[0].Deadlines.AnswerBy.Equal(norm(old.Add(3*24*time.Hour))) {
			t.Fatalf("appeal read back %+v", as[0])
		}
	})
}
