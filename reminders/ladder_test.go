package reminders_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// leftAlone hands in an appeal and leaves it in status name: the dispatch
// statuses, every status of a department's work, an answer awaiting
// approval and a request for more time.
func (e *env) leftAlone(name string) appeal.ID {
	e.t.Helper()
	ctx := context.Background()
	dept := "roads"
	switch name {
	case "unassigned", "returned":
		dept = ""
	case "pending_approval":
		dept = "parks"
	}
	a, _, err := e.svc.Intake(ctx, appeal.Intake{Source: "12345", ExternalID: name, Title: "路灯不亮 " + name,
		Body: "长安街 12 号门口的路灯坏了。", Department: dept, Priority: appeal.PriorityNormal})
	if err != nil {
		e.t.Fatal(err)
	}
	switch name {
	case "returned":
		e.act(a.ID, appeal.Command{Action: appeal.ActAssign, Actor: 1, Department: "roads"})
		e.act(a.ID, appeal.Command{Action: appeal.ActReturn, Actor: 7, Text: "不归我们管"})
	case "claimed", "extension", "answered", "pending_approval":
		e.act(a.ID, appeal.Command{Action: appeal.ActClaim, Actor: 7})
	}
	switch name {
	case "extension":
		e.act(a.ID, appeal.Command{Action: appeal.ActRequestExtension, Actor: 7, Extension: appeal.WorkingDaysSpan(2), Text: "等配件"})
	case "answered", "pending_approval":
		e.act(a.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "已修好"})
	}
	return a.ID
}

// leftAloneStatuses name the appeals of leftAlone.
var leftAloneStatuses = []string{"unassigned", "returned", "assigned", "claimed", "extension", "pending_approval", "answered"}

// Appeals left alone in every status climb their whole ladder, repeats
// included, scanned every half hour for a working week: across a restart
// in the middle, and on PostgreSQL by two scanners at once, every stage is
// said exactly once and none is missed.
func TestEveryStatusClimbsItsLadderOnce(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := storagetest.Config(t, b)
			c := &clock{t: t0}
			e := open(t, cfg, c, 3) // small batches, so that a scan spans several
			e.dept("roads")
			if _, err := e.svc.SaveDepartment(ctx, appeal.Department{Code: "parks", Name: "园林", Timezone: "Asia/Shanghai",
				ApproveAnswers: true}); err != nil {
				t.Fatal(err)
			}
			ids := map[string]appeal.ID{}
			for _, name := range leftAloneStatuses {
				ids[name] = e.leftAlone(name)
			}
			scanners := []*env{e}
			if b == storage.Postgres {
				scanners = append(scanners, open(t, cfg, c, 3))
			}
			end := t0.Add(5*24*time.Hour - time.Hour) // Friday 08:00 … to Saturday 08:00
			restart := t0.Add(60 * time.Hour)
			for now := t0; !now.After(end); now = now.Add(30 * time.Minute) {
				if !now.Before(restart) && restart.After(t0) {
					// A restart: the first process goes, a new one on the
					// same database takes its place.
					if err := scanners[0].store.Close(); err != nil {
						t.Fatal(err)
					}
					scanners[0] = open(t, cfg, c, 3)
					restart = t0
				}
				c.Set(now)
				var wg sync.WaitGroup
				errs := make([]error, len(scanners))
				for i, s := range scanners {
					wg.Go(func() { _, errs[i] = s.scan.Scan(ctx, now) })
				}
				wg.Wait()
				for _, err := range errs {
					if err != nil {
						t.Fatal(err)
					}
				}
			}

			s := scanners[0].store
			said := map[string]int{}
			for after := int64(0); ; {
				msgs, err := s.OutboxAfter(ctx, after, 500)
				if err != nil {
					t.Fatal(err)
				}
				if len(msgs) == 0 {
					break
				}
				for _, m := range msgs {
					after = m.ID
					items, err := appeal.DecodeItems(m.Args[appeal.ArgItems])
					if err != nil {
						t.Fatal(err)
					}
					for _, it := range items {
						said[fmt.Sprintf("%d %s", it.Appeal, it.Stage)]++
					}
				}
			}
			for _, name := range leftAloneStatuses {
				id := ids[name]
				a := scanners[0].get(id)
				records, err := s.ReminderStages(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				events, err := s.Events(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				sent, told := map[appeal.Stage]int{}, map[appeal.Stage]int{}
				var repeats []time.Time
				recorded := appeal.Done{}
				for _, r := range records {
					recorded.Add(r.Round, r.Stage)
					if r.Sent {
						sent[r.Stage]++
					}
					if r.Stage == appeal.StageRepeat {
						repeats = append(repeats, r.Round)
					}
				}
				for _, ev := range events {
					if ev.Kind == appeal.EventReminded || ev.Kind == appeal.EventEscalated {
						told[appeal.Stage(ev.Note)]++
					}
				}
				// Every stage of its ladder that fell due is recorded.
				stages := appeal.Stages(a, policy)
				for _, st := range stages {
					if !st.At.After(end) && !recorded.Has(st.Round, st.Stage) {
						t.Errorf("%s: %s due at %v was never said", name, st.Stage, st.At)
					}
				}
				// Said once: each stage sent has one event and one line in
				// one message.
				for st, n := range sent {
					if told[st] != n || said[fmt.Sprintf("%d %s", id, st)] != n {
						t.Errorf("%s: %s sent %d times, %d events, in %d messages", name, st, n, told[st], said[fmt.Sprintf("%d %s", id, st)])
					}
				}
				// The repeats: one each working day from the first opening
				// after the last stage, each its own round.
				var want []time.Time
				cal := appeal.DefaultCalendar(shanghai(t))
				for r := policy.Repeat.Next(stages[len(stages)-1].At, cal); !r.After(end); r = policy.Repeat.Next(r, cal) {
					want = append(want, r)
				}
				sort.Slice(repeats, func(i, j int) bool { return repeats[i].Before(repeats[j]) })
				if fmt.Sprint(repeats) != fmt.Sprint(want) {
					t.Errorf("%s: repeats %v, want %v", name, repeats, want)
				}
				if !a.NextActionAt.After(end) {
					t.Errorf("%s: next action %v, want after the last scan", name, a.NextActionAt)
				}
			}
		})
	}
}
