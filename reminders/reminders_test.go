package reminders_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/reminders"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// t0 is a Monday 09:00 in Shanghai.
var t0 = time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)

// policy has no quiet hours, so that the life below is about stages only.
var policy = appeal.ReminderPolicy{NudgeShare: 0.5, SupervisionAfter: 2 * time.Hour}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// env is one process: a store on a database, a service and a scanner.
type env struct {
	t     *testing.T
	store *storage.Store
	svc   *appeal.Service
	scan  *reminders.Scanner
	clock *clock
	// seen is how many outbox rows were already looked at.
	seen int
}

func open(t *testing.T, cfg storage.Config, c *clock, batch int) *env {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := appeal.NewService(s, c.Now, "Asia/Shanghai")
	svc.SetReminders(policy)
	sc, err := reminders.New(s, reminders.Options{Policy: policy, Batch: batch, Timezone: "Asia/Shanghai",
		Calendars: appeal.Calendars{Days: s}}, c.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, store: s, svc: svc, scan: sc, clock: c}
}

func (e *env) dept(code string) {
	e.t.Helper()
	if _, err := e.svc.SaveDepartment(context.Background(), appeal.Department{Code: code, Name: "部门 " + code, Timezone: "Asia/Shanghai"}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) intake(ext, dept string) appeal.Appeal {
	e.t.Helper()
	a, _, err := e.svc.Intake(context.Background(), appeal.Intake{Source: "12345", ExternalID: ext, Title: "路灯不亮 " + ext,
		Body: "长安街 12 号门口的路灯坏了。", Department: dept, Priority: appeal.PriorityNormal})
	if err != nil {
		e.t.Fatal(err)
	}
	if a.Status != appeal.StatusAssigned {
		e.t.Fatalf("appeal %s is %s, want assigned", ext, a.Status)
	}
	return a
}

func (e *env) act(id appeal.ID, cmd appeal.Command) appeal.Appeal {
	e.t.Helper()
	a, err := e.svc.Act(context.Background(), id, cmd)
	if err != nil {
		e.t.Fatalf("%s #%d: %v", cmd.Action, id, err)
	}
	return a
}

// get reads appeal id as stored.
func (e *env) get(id appeal.ID) appeal.Appeal {
	e.t.Helper()
	a, err := e.store.Appeal(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// stageAt is when stage s of appeal id falls due, from the stored appeal.
func (e *env) stageAt(id appeal.ID, s appeal.Stage) time.Time {
	e.t.Helper()
	a, err := e.store.Appeal(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, st := range appeal.Stages(a, policy) {
		if st.Stage == s {
			return st.At
		}
	}
	e.t.Fatalf("appeal %d (%s) has no stage %s", id, a.Status, s)
	return time.Time{}
}

// scanAt scans at now and returns the reminder messages it enqueued, as
// "kind recipient:ref items" (cards as "card department:ref #id").
func (e *env) scanAt(now time.Time) []string {
	e.t.Helper()
	e.clock.Set(now)
	if _, err := e.scan.Scan(context.Background(), now); err != nil {
		e.t.Fatal(err)
	}
	return e.newMessages()
}

func (e *env) newMessages() []string {
	e.t.Helper()
	msgs, err := e.store.Outbox(context.Background(), 500)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if int(m.ID) <= e.seen {
			continue
		}
		e.seen = int(m.ID)
		switch m.Kind {
		case appeal.MsgReminder, appeal.MsgEscalation, appeal.MsgSupervision:
			out = append(out, fmt.Sprintf("%s %s:%s %s", m.Kind, m.To.Kind, m.To.Ref, m.Args[appeal.ArgItems]))
		case appeal.MsgCard:
			out = append(out, fmt.Sprintf("card %s:%s #%d", m.To.Kind, m.To.Ref, m.AppealID))
		}
	}
	return out
}

func expect(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// A test clock drives the scan through two appeals' whole lives; every
// stage is said once, at its moment, and never again; past the last stage
// the chase repeats every working day until the appeals move.
func TestLifecycle(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			c := &clock{t: t0}
			e := open(t, storagetest.Config(t, b), c, 0)
			e.dept("roads")
			one := e.intake("A-1", "roads")
			two := e.intake("A-2", "roads")
			e.newMessages() // the intake cards

			expect(t, "before the nudge", e.scanAt(e.stageAt(one.ID, appeal.StageClaimNudge).Add(-time.Second)))
			nudge := e.stageAt(one.ID, appeal.StageClaimNudge)
			expect(t, "nudge, merged for the department", e.scanAt(nudge),
				"reminder department:roads 1:claim_nudge,2:claim_nudge")
			expect(t, "same moment again", e.scanAt(nudge))

			c.Set(nudge.Add(time.Minute))
			e.act(one.ID, appeal.Command{Action: appeal.ActClaim, Actor: 7})
			e.newMessages()

			expect(t, "claim deadline: only the unclaimed one", e.scanAt(e.stageAt(two.ID, appeal.StageClaimOverdue)),
				"escalation leaders:roads 2:claim_overdue")
			expect(t, "50%", e.scanAt(e.stageAt(one.ID, appeal.StageAnswer50)),
				"reminder department:roads 1:answer_50")
			expect(t, "80%", e.scanAt(e.stageAt(one.ID, appeal.StageAnswer80)),
				"reminder department:roads 1:answer_80")
			overdue := e.stageAt(one.ID, appeal.StageAnswerOverdue)
			// The unclaimed one is past its answer deadline too.
			expect(t, "answer deadline", e.scanAt(overdue),
				"card department:roads #1", "card department:roads #2",
				"escalation leaders:roads 1:answer_overdue,2:answer_overdue")
			expect(t, "between", e.scanAt(overdue.Add(time.Hour)))
			sup := e.stageAt(one.ID, appeal.StageSupervision)
			expect(t, "supervision", e.scanAt(sup), "supervision supervision: 1:supervision,2:supervision")

			// Supervision was Thursday evening; the chase repeats at the
			// start of the next working day, Friday 09:00 in Shanghai.
			friday := time.Date(2026, 11, 6, 9, 0, 0, 0, shanghai(t))
			if a := e.get(one.ID); !a.NextActionAt.Equal(friday) {
				t.Errorf("next_action_at after supervision = %v, want the repeat at %v", a.NextActionAt, friday)
			}
			expect(t, "before the repeat", e.scanAt(friday.Add(-time.Minute)))
			expect(t, "the first repeat", e.scanAt(friday), "supervision supervision: 1:repeat,2:repeat")
			expect(t, "same moment again", e.scanAt(friday))
			// A month without a scan: one repeat each, for the latest
			// working day's opening (Friday 12-04), not thirty.
			month := sup.Add(30 * 24 * time.Hour)
			expect(t, "a month later", e.scanAt(month), "supervision supervision: 1:repeat,2:repeat")
			expect(t, "and not again", e.scanAt(month))

			a, events, err := e.svc.Appeal(context.Background(), one.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2026, 12, 7, 9, 0, 0, 0, shanghai(t)); !a.NextActionAt.Equal(want) {
				t.Errorf("next_action_at = %v after the repeats, want the next working day's %v", a.NextActionAt, want)
			}
			stages, err := e.store.ReminderStages(context.Background(), one.ID)
			if err != nil {
				t.Fatal(err)
			}
			var repeats []string
			for _, st := range stages {
				if st.Stage == appeal.StageRepeat {
					repeats = append(repeats, st.Round.In(shanghai(t)).Format("01-02 15:04"))
				}
			}
			expect(t, "repeats of #1, each its own round", repeats, "11-06 09:00", "12-04 09:00")
			var got []string
			for _, ev := range events {
				if ev.Kind == appeal.EventReminded || ev.Kind == appeal.EventEscalated {
					got = append(got, string(ev.Kind)+" "+ev.Note)
				}
			}
			expect(t, "events of #1", got, "reminded claim_nudge", "reminded answer_50", "reminded answer_80",
				"escalated answer_overdue", "escalated supervision", "escalated repeat", "escalated repeat")
		})
	}
}

// A new process on the same database mid-life repeats nothing and skips
// nothing that still applies; an appeal answered during the outage gets no
// "answer due" reminder; stages passed over are recorded as skipped.
func TestRestart(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			cfg := storagetest.Config(t, b)
			c := &clock{t: t0}
			e := open(t, cfg, c, 0)
			e.dept("roads")
			one := e.intake("A-1", "roads")
			two := e.intake("A-2", "roads")
			c.Set(t0.Add(time.Minute))
			e.act(one.ID, appeal.Command{Action: appeal.ActClaim, Actor: 7})
			e.act(two.ID, appeal.Command{Action: appeal.ActClaim, Actor: 8})
			e.newMessages()
			half := e.stageAt(one.ID, appeal.StageAnswer50)
			expect(t, "50%", e.scanAt(half), "reminder department:roads 1:answer_50,2:answer_50")
			if err := e.store.Close(); err != nil {
				t.Fatal(err)
			}

			// The bot is down; meanwhile the first appeal is answered (by
			// another instance, say) and both deadlines pass.
			c.Set(half.Add(time.Hour))
			e2 := open(t, cfg, c, 0)
			e2.seen = e.seen
			e2.act(one.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "已修好"})
			e2.newMessages()
			late := e2.stageAt(two.ID, appeal.StageAnswerOverdue).Add(10 * time.Minute)
			expect(t, "catch-up on start", e2.scanAt(late),
				"card department:roads #2", "escalation leaders:roads 2:answer_overdue")
			expect(t, "nothing twice", e2.scanAt(late))

			// A third process scans the same moment again (after the
			// second, on SQLite, which serves one process at a time).
			if b == storage.SQLite {
				if err := e2.store.Close(); err != nil {
					t.Fatal(err)
				}
			}
			e3 := open(t, cfg, c, 0)
			e3.seen = e2.seen
			expect(t, "third process", e3.scanAt(late))
			expect(t, "supervision still applies", e3.scanAt(e3.stageAt(two.ID, appeal.StageSupervision)),
				"supervision supervision: 2:supervision")

			stages, err := e3.store.ReminderStages(context.Background(), two.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range stages {
				got = append(got, fmt.Sprintf("%s sent=%v", s.Stage, s.Sent))
			}
			sort.Strings(got)
			expect(t, "stages of #2", got, "answer_50 sent=true", "answer_80 sent=false",
				"answer_overdue sent=true", "supervision sent=true")
			if stages, _ := e3.store.ReminderStages(context.Background(), one.ID); len(stages) != 1 {
				t.Errorf("answered appeal has stages %+v, want only answer_50", stages)
			}
		})
	}
}

// Quiet hours hold a normal appeal's reminder until the morning in the
// department's timezone, and the morning scan sends it once.
func TestQuietHours(t *testing.T) {
	quiet := policy
	quiet.Quiet = appeal.QuietHours{From: 22 * time.Hour, To: 8 * time.Hour}
	c := &clock{t: time.Date(2026, 11, 2, 13, 0, 0, 0, time.UTC)} // 21:00 in Shanghai
	s := storagetest.Open(t, storage.SQLite)
	svc := appeal.NewService(s, c.Now, "Asia/Shanghai")
	svc.SetReminders(quiet)
	sc, err := reminders.New(s, reminders.Options{Policy: quiet}, c.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: s, svc: svc, scan: sc, clock: c}
	e.dept("roads")
	a := e.intake("A-1", "roads")
	e.newMessages()
	nudge := e.stageAt(a.ID, appeal.StageClaimNudge)
	if h := nudge.In(shanghai(t)).Hour(); h < 22 && h >= 8 {
		t.Fatalf("nudge at %v is not in quiet hours; fix the test's clock", nudge)
	}
	expect(t, "held", e.scanAt(nudge))
	got, _ := s.Appeal(context.Background(), a.ID)
	morning := time.Date(2026, 11, 3, 8, 0, 0, 0, shanghai(t))
	if !got.NextActionAt.Equal(morning) && got.NextActionAt.Before(morning) {
		t.Errorf("held until %v, want the morning %v", got.NextActionAt, morning)
	}
	// By the morning the claim deadline has passed as well: only the
	// escalation is sent.
	msgs := e.scanAt(got.NextActionAt)
	if len(msgs) != 1 || !strings.Contains(msgs[0], ":claim_") {
		t.Errorf("morning: %q", msgs)
	}
}

func shanghai(t *testing.T) *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Two scanners with their own connections to one PostgreSQL scan at the
// same moments at once: every stage of every appeal is recorded and said
// exactly once.
func TestConcurrentScannersPostgres(t *testing.T) {
	cfg := storagetest.Config(t, storage.Postgres)
	c := &clock{t: t0}
	e1 := open(t, cfg, c, 10)
	e2 := open(t, cfg, c, 10)
	e1.dept("roads")
	e1.dept("water")
	e1.dept("parks")
	depts := []string{"roads", "water", "parks"}
	const n = 90 // all of the outbox fits in one Outbox read
	var ids []appeal.ID
	for i := range n {
		a := e1.intake(fmt.Sprintf("A-%d", i), depts[i%3])
		ids = append(ids, a.ID)
	}
	scanBoth := func(now time.Time) {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, e := range []*env{e1, e2} {
			wg.Go(func() { _, errs[i] = e.scan.Scan(context.Background(), now) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	nudge := e1.stageAt(ids[0], appeal.StageClaimNudge)
	scanBoth(nudge)
	c.Set(nudge.Add(time.Minute))
	for _, id := range ids[:n/2] {
		e1.act(id, appeal.Command{Action: appeal.ActClaim, Actor: 7})
	}
	moments := []time.Time{e1.stageAt(ids[n-1], appeal.StageClaimOverdue)}
	for _, s := range []appeal.Stage{appeal.StageAnswer50, appeal.StageAnswer80, appeal.StageAnswerOverdue, appeal.StageSupervision} {
		moments = append(moments, e1.stageAt(ids[0], s))
	}
	slices.SortFunc(moments, func(a, b time.Time) int { return a.Compare(b) })
	for _, now := range moments {
		scanBoth(now)
	}
	msgs, err := e1.store.Outbox(context.Background(), 500)
	if err != nil {
		t.Fatal(err)
	}
	said := map[string]int{}
	for _, m := range msgs {
		items, err := appeal.DecodeItems(m.Args[appeal.ArgItems])
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			said[fmt.Sprintf("%d %s", it.Appeal, it.Stage)]++
		}
	}
	if len(msgs) == 500 {
		t.Fatal("the outbox did not fit in one read")
	}
	for k, v := range said {
		if v != 1 {
			t.Errorf("%s said %d times", k, v)
		}
	}
	// Every appeal is nudged; then the claimed ones get 50%, 80%, overdue
	// and supervision, the unclaimed ones the claim escalation, and then
	// the answer's escalations as well.
	if want := n + n/2*4 + n/2*3; len(said) != want {
		t.Errorf("%d stages said, want %d", len(said), want)
	}
}

// Run scans once at start, before its first scheduled run, so that what
// fell due while no scanner ran goes out at once; it ends with its context.
func TestRunCatchesUpAtStart(t *testing.T) {
	c := &clock{t: t0}
	e := open(t, storagetest.Config(t, storage.SQLite), c, 0)
	e.dept("roads")
	a := e.intake("A-1", "roads")
	e.newMessages()
	c.Set(e.stageAt(a.ID, appeal.StageClaimNudge))
	// A schedule that would not fire during the test.
	sc, err := reminders.New(e.store, reminders.Options{Policy: policy, Schedule: "0 0 1 1 *"}, c.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sc.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	var got []string
	for len(got) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		got = e.newMessages()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	expect(t, "catch-up scan", got, "reminder department:roads 1:claim_nudge")
}

func TestNewRefusesBadSettings(t *testing.T) {
	if _, err := reminders.New(nil, reminders.Options{Schedule: "every minute"}, time.Now, nil); err == nil {
		t.Error("bad schedule accepted")
	}
	if _, err := reminders.New(nil, reminders.Options{Policy: appeal.ReminderPolicy{NudgeShare: 2}}, time.Now, nil); err == nil {
		t.Error("nudge share 2 accepted")
	}
}
