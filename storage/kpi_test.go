package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/storage"
)

// answered creates an appeal in water and answers it at t0+1h.
func answered(t *testing.T, s *storage.Store, ext string) appeal.Appeal {
	t.Helper()
	d := saveDept(t, s, "water", false)
	a := create(t, s, intake(ext), &d)
	a, _ = mustAct(t, s, a.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 1, Text: "已修复"}, t0.Add(time.Hour))
	return a
}

func feedback(s *storage.Store, id appeal.ID, f appeal.Feedback, cmd appeal.Command, now time.Time) (appeal.Appeal, error) {
	return s.UpdateAppeal(context.Background(), id, func(a appeal.Appeal, _ *appeal.Answer) (appeal.Change, error) {
		return appeal.ApplyFeedback(a, f, cmd, now)
	})
}

func TestFeedbackStored(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := answered(t, s, "F-1")
		at := t0.Add(2 * time.Hour)
		cmd := appeal.Command{Deadlines: appeal.DefaultPolicy.Deadlines(appeal.PriorityNormal, at, office)}
		got, err := feedback(s, a.ID, appeal.Feedback{Result: appeal.FeedbackUnsatisfied, Comment: "还是不亮", ExternalID: "cb-1"}, cmd, at)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != appeal.StatusAssigned || !got.AssignedAt.Equal(at) {
			t.Errorf("after unsatisfied: status %s assigned %v", got.Status, got.AssignedAt)
		}
		fs, err := s.Feedback(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []appeal.Feedback{{ID: fs[0].ID, AppealID: a.ID, ExternalID: "cb-1", Result: appeal.FeedbackUnsatisfied,
			Comment: "还是不亮", Department: "water", AnsweredAt: norm(a.AnsweredAt), Reopened: true, At: at}}
		same(t, "feedback", fs, want)
		evs, err := s.Events(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		fb, re := evs[len(evs)-2], evs[len(evs)-1]
		if fb.Kind != appeal.EventFeedback || fb.Outcome != "unsatisfied" || re.Kind != appeal.EventReopened || re.Note != "还是不亮" {
			t.Errorf("events %+v, %+v", fb, re)
		}

		// A second verdict with the same key is refused by the unique key,
		// and nothing of it is written.
		b := answered(t, s, "F-2")
		sat := appeal.Feedback{Result: appeal.FeedbackSatisfied, Comment: "好"}
		if _, err := feedback(s, b.ID, sat, appeal.Command{}, at); err != nil {
			t.Fatal(err)
		}
		before := counts(t, s)
		if _, err := feedback(s, b.ID, sat, appeal.Command{}, at.Add(time.Minute)); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("same verdict again: err %v, want ErrConflict", err)
		}
		if after := counts(t, s); after != before || count(t, s, "feedback") != 2 {
			t.Errorf("a refused verdict wrote: %s → %s, %d verdicts", before, after, count(t, s, "feedback"))
		}
		if fs, _ := s.Feedback(ctx, 999); len(fs) != 0 {
			t.Errorf("verdicts of a missing appeal: %v", fs)
		}
	})
}

// TestFeedbackRetriesReopenOnce: an upstream posting the same
// "unsatisfied" several times at once, and again later, reopens the appeal
// once.
func TestFeedbackRetriesReopenOnce(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		a := answered(t, s, "R-1")
		clock := t0.Add(3 * time.Hour)
		svc := appeal.NewService(s, func() time.Time { return clock }, "Asia/Shanghai")
		in := appeal.Feedback{Result: appeal.FeedbackUnsatisfied, Comment: "没修好"}
		var wg sync.WaitGroup
		dups := make(chan bool, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := svc.Feedback(context.Background(), a.ID, in)
				if err != nil {
					t.Errorf("Feedback: %v", err)
				}
				dups <- r.Duplicate
			}()
		}
		wg.Wait()
		close(dups)
		fresh := 0
		for d := range dups {
			if !d {
				fresh++
			}
		}
		if fresh != 1 {
			t.Errorf("%d of 4 posts recorded, want 1", fresh)
		}
		r, err := svc.Feedback(context.Background(), a.ID, in)
		if err != nil || !r.Duplicate || r.Feedback.Comment != "没修好" {
			t.Errorf("later retry: %+v, %v", r, err)
		}
		evs, _ := s.Events(context.Background(), a.ID)
		reopens := 0
		for _, e := range evs {
			if e.Kind == appeal.EventReopened {
				reopens++
			}
		}
		if reopens != 1 || count(t, s, "feedback") != 1 {
			t.Errorf("%d reopens, %d verdicts; want 1 and 1", reopens, count(t, s, "feedback"))
		}
	})
}

func TestKPIEvents(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		d := saveDept(t, s, "water", false)
		// old: answered and closed before since.
		old := create(t, s, intake("K-1"), &d)
		mustAct(t, s, old.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 1, Text: "ok"}, t0.Add(time.Minute))
		mustAct(t, s, old.ID, appeal.Command{Action: appeal.ActClose, Actor: 1, Text: "ok", Resolution: appeal.Unresolved}, t0.Add(2*time.Minute))
		// quiet: assigned before since and untouched, still open.
		quiet := create(t, s, intake("K-2"), &d)
		// spam: unassigned, closed before since.
		spam := create(t, s, intake("K-3"), nil)
		mustAct(t, s, spam.ID, appeal.Command{Action: appeal.ActClose, Actor: 1, Text: "spam"}, t0.Add(time.Minute))
		// late: assigned before since, claimed after.
		late := create(t, s, intake("K-4"), &d)
		since := t0.Add(time.Hour)
		mustAct(t, s, late.ID, appeal.Command{Action: appeal.ActClaim, Actor: 1}, since)

		as, es, err := s.KPIEvents(ctx, since, "")
		if err != nil {
			t.Fatal(err)
		}
		var ids []appeal.ID
		for _, a := range as {
			ids = append(ids, a.ID)
		}
		same(t, "appeals", ids, []appeal.ID{quiet.ID, late.ID})
		var kinds []string
		for _, e := range es {
			kinds = append(kinds, fmt.Sprintf("%d %s", e.AppealID, e.Kind))
		}
		q, l := fmt.Sprintf("%d ", quiet.ID), fmt.Sprintf("%d ", late.ID)
		same(t, "events", kinds, []string{q + "received", q + "assigned", l + "received", l + "assigned", l + "claimed"})

		// The close's outcome survives the round trip.
		as, es, err = s.KPIEvents(ctx, t0, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 4 {
			t.Errorf("since t0: %d appeals, want 4", len(as))
		}
		outcomes := map[string]string{}
		for _, e := range es {
			if e.Kind == appeal.EventClosed {
				outcomes[string(e.FromStatus)] = e.Outcome
			}
		}
		same(t, "close outcomes", outcomes, map[string]string{"answered": "unresolved", "unassigned": ""})

		// One department: what has an event of it since, a transfer since
		// (it may have left it), or is open in it.
		r := saveDept(t, s, "roads", false)
		other := create(t, s, intake("K-5"), &r) // open in roads only
		moved := create(t, s, intake("K-6"), &d) // leaves water after since
		mustAct(t, s, moved.ID, appeal.Command{Action: appeal.ActTransfer, Actor: 1, Department: "roads", Text: "道路",
			Deadlines: appeal.DefaultPolicy.Deadlines(appeal.PriorityNormal, since, office)}, since.Add(time.Minute))
		for dept, want := range map[string][]appeal.ID{
			"water": {quiet.ID, late.ID, moved.ID},
			"roads": {other.ID, moved.ID},
			// Transfers are read for every department: cheap, and the
			// figures ignore the appeals that were never there.
			"parks": {moved.ID},
		} {
			as, es, err := s.KPIEvents(ctx, since, dept)
			if err != nil {
				t.Fatal(err)
			}
			var ids []appeal.ID
			for _, a := range as {
				ids = append(ids, a.ID)
			}
			same(t, dept+" appeals", ids, want)
			for _, e := range es {
				if e.AppealID == moved.ID && e.Kind == appeal.EventAssigned && e.Department != "water" {
					t.Errorf("%s: the moved appeal's log is not whole: %+v", dept, e)
				}
			}
		}
	})
}

// TestKPILoadOneDepartment: the figures of one department read alone are
// those it has among all departments.
func TestKPILoadOneDepartment(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		clock := t0
		svc := appeal.NewService(s, func() time.Time { return clock }, "Asia/Shanghai")
		for _, code := range []string{"water", "roads"} {
			saveDept(t, s, code, false)
		}
		step := func(d time.Duration) { clock = clock.Add(d) }
		act := func(id appeal.ID, cmd appeal.Command) {
			t.Helper()
			step(37 * time.Minute)
			if _, err := svc.Act(ctx, id, cmd); err != nil {
				t.Fatal(err)
			}
		}
		var ids []appeal.ID
		for i, dept := range []string{"water", "roads", "water", "roads", "water"} {
			step(11 * time.Minute)
			in := intake(fmt.Sprint("L-", i))
			in.Department, in.ReceivedAt = dept, clock
			a, _, err := svc.Intake(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		act(ids[0], appeal.Command{Action: appeal.ActClaim, Actor: 1})
		act(ids[0], appeal.Command{Action: appeal.ActTransfer, Actor: 1, Department: "roads", Text: "道路"})
		act(ids[1], appeal.Command{Action: appeal.ActAnswer, Actor: 2, Text: "好"})
		act(ids[2], appeal.Command{Action: appeal.ActReturn, Actor: 1, Text: "不归我们"})
		act(ids[4], appeal.Command{Action: appeal.ActAnswer, Actor: 1, Text: "好"})
		if _, err := svc.Feedback(ctx, ids[4], appeal.Feedback{Result: appeal.FeedbackUnsatisfied}); err != nil {
			t.Fatal(err)
		}
		step(time.Hour)

		all, err := kpi.Load(ctx, s, t0, clock, clock, kpi.DefaultWeights, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"water", "roads"} {
			one, err := kpi.Load(ctx, s, t0, clock, clock, kpi.DefaultWeights, code)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := all.Department(code)
			same(t, code, one.Departments, []kpi.Figures{want})
			if want.Received == 0 {
				t.Errorf("%s received nothing: the scenario is wrong", code)
			}
		}
		if _, err := kpi.Load(ctx, s, t0, clock, clock, kpi.DefaultWeights, "parks"); !errors.Is(err, appeal.ErrNotFound) {
			t.Errorf("unknown department: %v", err)
		}
	})
}
