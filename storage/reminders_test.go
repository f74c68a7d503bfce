package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// awake is the default reminder policy without quiet hours: the appeals
// here are created at 17:30 in Shanghai, so their first reminder, half-way
// to a claim deadline in working time, falls in the night.
var awake = func() appeal.ReminderPolicy {
	p := appeal.DefaultReminders
	p.Quiet = appeal.QuietHours{}
	return p
}()

func TestScanReminders(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		due := create(t, s, intake("r1"), &dept)
		later := create(t, s, intake("r2"), &dept)
		unassigned := create(t, s, intake("r3"), nil)
		now := due.NextActionAt
		// Move the second one's moment past now.
		if _, err := s.DB().Exec(s.DB().Rebind(`UPDATE appeals SET next_action_at = ? WHERE id = ?`),
			storage.TimeArg(now.Add(time.Hour)), int64(later.ID)); err != nil {
			t.Fatal(err)
		}
		before := counts(t, s)

		var seen []appeal.ID
		plan := func(batch []appeal.Due) appeal.ReminderPlan {
			for _, d := range batch {
				seen = append(seen, d.Appeal.ID)
				if d.Location.String() != "Asia/Shanghai" {
					t.Errorf("location %v, want the department's", d.Location)
				}
			}
			return appeal.PlanReminders(batch, awake, now)
		}
		n, err := s.ScanReminders(ctx, now, 10, plan)
		if err != nil || n != 1 {
			t.Fatalf("scan: %d, %v", n, err)
		}
		same(t, "due appeals", seen, []appeal.ID{due.ID})
		if got := counts(t, s); got == before {
			t.Errorf("scan wrote nothing: %s", got)
		}
		stages, err := s.ReminderStages(ctx, due.ID)
		if err != nil || len(stages) != 1 || stages[0].Stage != appeal.StageClaimNudge || !stages[0].Sent ||
			!stages[0].Round.Equal(due.AssignedAt) {
			t.Fatalf("stages: %+v, %v", stages, err)
		}
		a, _ := s.Appeal(ctx, due.ID)
		if !a.NextActionAt.Equal(due.Deadlines.ClaimBy) {
			t.Errorf("next_action_at = %v, want the claim deadline %v", a.NextActionAt, due.Deadlines.ClaimBy)
		}
		if u, _ := s.Appeal(ctx, unassigned.ID); !u.NextActionAt.IsZero() {
			t.Errorf("unassigned appeal has next_action_at %v", u.NextActionAt)
		}

		// Nothing is due any more at the same moment.
		seen = nil
		if n, err := s.ScanReminders(ctx, now, 10, plan); err != nil || n != 0 || seen != nil {
			t.Fatalf("second scan: %d, %v, %v", n, err, seen)
		}

		// A stage recorded already rolls the whole batch back: no second
		// message, no event, next_action_at unchanged.
		if _, err := s.DB().Exec(s.DB().Rebind(`UPDATE appeals SET next_action_at = ? WHERE id = ?`),
			storage.TimeArg(now), int64(due.ID)); err != nil {
			t.Fatal(err)
		}
		before = counts(t, s)
		_, err = s.ScanReminders(ctx, now, 10, func(batch []appeal.Due) appeal.ReminderPlan {
			p := appeal.PlanReminders(batch, appeal.DefaultReminders, now.Add(time.Hour))
			p.Stages = append(p.Stages, appeal.StageRecord{Appeal: due.ID, Round: due.AssignedAt, Stage: appeal.StageClaimNudge, Sent: true})
			return p
		})
		if !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("duplicate stage: %v, want ErrConflict", err)
		}
		same(t, "rows after the rolled-back batch", counts(t, s), before)
		if a, _ := s.Appeal(ctx, due.ID); !a.NextActionAt.Equal(now) {
			t.Errorf("next_action_at changed by a rolled-back batch: %v", a.NextActionAt)
		}

		plan2, err := s.ExplainDue(ctx, now, 10, true)
		if err != nil || plan2 == "" {
			t.Errorf("explain: %q, %v", plan2, err)
		}
	})
}
