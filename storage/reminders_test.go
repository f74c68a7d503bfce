package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
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

// What the scan recorded comes back as appeal.Done: every stage by its
// round, and of the repeats the latest alone.
func TestStagesDone(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		a := create(t, s, intake("d1"), &dept)
		other := create(t, s, intake("d2"), &dept)
		round := a.AssignedAt
		rec := func(id appeal.ID, round time.Time, st appeal.Stage) {
			t.Helper()
			if _, err := s.DB().Exec(s.DB().Rebind(`INSERT INTO reminder_stages (appeal_id, round, stage, sent, at) VALUES (?, ?, ?, ?, ?)`),
				int64(id), storage.TimeArg(round), string(st), true, storage.TimeArg(round)); err != nil {
				t.Fatal(err)
			}
		}
		rec(a.ID, round, appeal.StageClaimNudge)
		rec(a.ID, round.Add(-time.Hour), appeal.StageClaimOverdue) // an earlier round
		for d := 1; d <= 3; d++ {
			rec(a.ID, round.AddDate(0, 0, d), appeal.StageRepeat)
		}
		rec(other.ID, round, appeal.StageSupervision)
		done, err := s.StagesDone(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !done.Has(round, appeal.StageClaimNudge) || done.Has(round, appeal.StageClaimOverdue) ||
			!done.Has(round.Add(-time.Hour), appeal.StageClaimOverdue) || done.Has(round, appeal.StageSupervision) {
			t.Errorf("stages done: %+v", done)
		}
		if got := done.LastRepeat(); !got.Equal(round.AddDate(0, 0, 3)) {
			t.Errorf("last repeat %v, want %v", got, round.AddDate(0, 0, 3))
		}
		if done, err := s.StagesDone(ctx, 999); err != nil || done.LastRepeat() != (time.Time{}) {
			t.Errorf("unknown appeal: %+v, %v", done, err)
		}
		// The scan reads the same.
		if _, err := s.DB().Exec(s.DB().Rebind(`UPDATE appeals SET next_action_at = ? WHERE id = ?`),
			storage.TimeArg(round), int64(a.ID)); err != nil {
			t.Fatal(err)
		}
		_, err = s.ScanReminders(ctx, round, 10, func(batch []appeal.Due) appeal.ReminderPlan {
			for _, d := range batch {
				if d.Appeal.ID == a.ID && (!d.Done.Has(round, appeal.StageClaimNudge) || !d.Done.LastRepeat().Equal(round.AddDate(0, 0, 3))) {
					t.Errorf("scan's record of #%d: %+v", a.ID, d.Done)
				}
			}
			return appeal.ReminderPlan{Next: map[appeal.ID]time.Time{a.ID: round.Add(time.Hour), other.ID: round.Add(time.Hour)}}
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Appeals stored before dispatch and decisions had clocks get them when
// the store is migrated, and every open appeal without a next action gets
// one, so that the first scan puts it on its ladder.
func TestMigrateGivesOpenAppealsClocks(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, err := storage.Open(ctx, storagetest.Config(t, b), nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.MigrateTo(ctx, 10); err != nil {
				t.Fatal(err)
			}
			db := s.DB()
			at := storage.TimeArg(t0)
			insert := func(ext, status string, extAt any) int64 {
				t.Helper()
				var id int64
				if err := db.QueryRow(db.Rebind(`INSERT INTO appeals (source, external_id, title, body, priority, received_at,
					status, ext_duration_s, ext_at, created_at, updated_at)
					VALUES ('12345', ?, 't', 'b', 'normal', ?, ?, ?, ?, ?, ?) RETURNING id`),
					ext, at, status, map[bool]any{true: 3600, false: nil}[extAt != nil], extAt, at, at).Scan(&id); err != nil {
					t.Fatal(err)
				}
				return id
			}
			waiting := insert("m1", "unassigned", nil)
			answered := insert("m2", "answered", nil)
			extended := insert("m3", "claimed", storage.TimeArg(t0.Add(time.Hour)))
			pending := insert("m4", "pending_approval", nil)
			closed := insert("m5", "closed", nil)
			if _, err := db.Exec(db.Rebind(`INSERT INTO answers (appeal_id, author_id, text, state, created_at) VALUES (?, NULL, 'a', 'pending', ?)`),
				pending, storage.TimeArg(t0.Add(2*time.Hour))); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			get := func(id int64) appeal.Appeal {
				t.Helper()
				a, err := s.Appeal(ctx, appeal.ID(id))
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			if a := get(waiting); !a.DispatchedAt.Equal(t0) || !a.Deadlines.DispatchBy.Equal(t0.Add(2*time.Hour)) || !a.NextActionAt.Equal(t0) {
				t.Errorf("unassigned: dispatched %v by %v, next %v", a.DispatchedAt, a.Deadlines.DispatchBy, a.NextActionAt)
			}
			if a := get(answered); !a.NextActionAt.Equal(t0) {
				t.Errorf("answered: next %v", a.NextActionAt)
			}
			if a := get(extended); !a.AskedAt.Equal(t0.Add(time.Hour)) || !a.Deadlines.DecideBy.Equal(t0.Add(25*time.Hour)) {
				t.Errorf("extension: asked %v, decide by %v", a.AskedAt, a.Deadlines.DecideBy)
			}
			if a := get(pending); !a.AskedAt.Equal(t0.Add(2*time.Hour)) || !a.Deadlines.DecideBy.Equal(t0.Add(26*time.Hour)) {
				t.Errorf("pending approval: asked %v, decide by %v", a.AskedAt, a.Deadlines.DecideBy)
			}
			if a := get(closed); !a.NextActionAt.IsZero() || !a.DispatchedAt.IsZero() {
				t.Errorf("closed: %+v", a)
			}
			// The migrated times compare as the store's own: the due query
			// finds the unassigned one at t0 and not a microsecond before.
			var n int
			if err := db.QueryRow(db.Rebind(`SELECT COUNT(*) FROM appeals WHERE dispatch_by <= ?`), storage.TimeArg(t0.Add(2*time.Hour-time.Microsecond))).Scan(&n); err != nil || n != 0 {
				t.Errorf("dispatch_by compares early: %d, %v", n, err)
			}
		})
	}
}
