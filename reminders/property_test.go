package reminders_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/reminders"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// The ladder's promise, as a property of random histories: whatever
// happens to appeals and however the clock jumps (across nights, weekends,
// holidays and quiet hours), after every step (an action, then one scan):
//
//   - every open appeal has a next_action_at after now, a closed one none;
//   - no stage of its ladder is due and unsaid, unless quiet hours hold it;
//   - every deadline of its status that passed was escalated (or chased
//     by a repeat) since, quiet hours aside;
//   - each stage said is one event and one line of one message to the
//     recipient of its rung, and nothing is said twice;
//   - every message is delivered where someone can read it, or waits
//     counted as undeliverable until someone can (see
//     delivery_property_test.go for what is bound, granted or refusing).
//
// The histories run the real appeal.Service, the real scan and the real
// delivery worker (through the console transport) against a real store:
// SQLite always, PostgreSQL too when APPEALBOT_TEST_DATABASE_URL is set.
// rapid prints the seed of a failure; -rapid.checks sets how many
// histories run (the defaults below keep the test within about a minute
// and a half on two cores). Under the race detector it runs two on each
// store: the histories are sequential, and the detector makes the pure-Go
// SQLite some 25 times slower; scripts/test.sh runs it once more without
// it.
func TestLadderProperty(t *testing.T) {
	// Histories per run: a PostgreSQL one costs ten times a SQLite one
	// (its round trips). (rapid's number of checks is one global flag, so
	// the two run one after the other.)
	backends := map[string]int{storage.SQLite: 800}
	if os.Getenv("APPEALBOT_TEST_DATABASE_URL") != "" {
		backends[storage.Postgres] = 40
	}
	if raceDetector {
		for b := range backends {
			backends[b] = 2
		}
	}
	for _, b := range []string{storage.SQLite, storage.Postgres} {
		checks, ok := backends[b]
		if !ok {
			continue
		}
		t.Run(b, func(t *testing.T) {
			defaultChecks(t, checks)
			w := newWorld(t, b)
			rapid.Check(t, w.history)
			t.Logf("%d histories, %d steps (%d refused by the state machine), %d scans, %d appeals; %d stages said, %d skipped by catch-ups, %d scans held by quiet hours; said: %v",
				w.histories, w.steps, w.refused, w.scans, w.appeals, w.sent, w.skipped, w.held, w.said)
			t.Logf("delivery: %d reconfigurations (%d of them the bot removed from a chat or let back); deliveries by kind %v, %d of them down a fallback chain; messages waited for someone after %d steps (at most %d at once, %d still waiting when their history ended); at most %d rounds of delivery in one step",
				w.reconfigured, w.kicks, w.deliveredBy, w.detours, w.waitSteps, w.waitedMax, w.leftWaiting, w.rounds)
		})
	}
}

// defaultChecks makes rapid run n histories unless -rapid.checks or
// RAPID_CHECKS says otherwise.
func defaultChecks(t *testing.T, n int) {
	set := os.Getenv("RAPID_CHECKS") != ""
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	f := flag.Lookup("rapid.checks")
	if set || f == nil {
		return
	}
	old := f.Value.String()
	if err := f.Value.Set(strconv.Itoa(n)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Value.Set(old) })
}

// world is the store every history of a run shares, and what they did.
type world struct {
	t     *testing.T
	store *storage.Store
	// outboxEnd is the last outbox id of the histories before.
	outboxEnd int64
	shanghai  *time.Location

	histories, steps, refused, scans, appeals int
	sent, skipped, held                       int
	said                                      map[appeal.Stage]int

	// console is the transport every history delivers through.
	console *recording
	// What delivery did: reconfigure actions, deliveries by kind, those
	// that went down a fallback chain, steps after which messages waited
	// for someone, the most that waited at once, and those still waiting
	// when their history ended.
	reconfigured, kicks, detours, waitSteps, waitedMax, leftWaiting int
	// rounds is the most rounds of the delivery worker one step took.
	rounds      int
	deliveredBy map[appeal.MessageKind]int
}

func newWorld(t *testing.T, backend string) *world {
	ctx := context.Background()
	var cfg storage.Config
	switch backend {
	case storage.SQLite:
		// A memory file system when there is one: the property is about
		// the ladder, not the disk, and it needs thousands of commits.
		dir := t.TempDir()
		if d, err := os.MkdirTemp("/dev/shm", "appealbot-ladder-"); err == nil {
			dir = d
			t.Cleanup(func() { os.RemoveAll(d) })
		}
		cfg = storage.Config{DataDir: dir}
	default:
		u, err := url.Parse(storagetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		// Durability of each commit is not what is tested here.
		q := u.Query()
		q.Set("options", "-c synchronous_commit=off")
		u.RawQuery = q.Encode()
		cfg = storage.Config{DatabaseURL: u.String()}
	}
	s, err := storage.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// A holiday and a make-up Saturday inside the weeks the histories
	// live in.
	if err := s.AddHoliday(ctx, appeal.Holiday{From: appeal.Date{Year: 2026, Month: 11, Day: 11},
		To: appeal.Date{Year: 2026, Month: 11, Day: 12}, Name: "假日"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddWorkday(ctx, appeal.Workday{Date: appeal.Date{Year: 2026, Month: 11, Day: 14}, Name: "补班"}); err != nil {
		t.Fatal(err)
	}
	return &world{t: t, store: s, shanghai: shanghai(t), said: map[appeal.Stage]int{},
		deliveredBy: map[appeal.MessageKind]int{}}
}

// history is one random history: its departments, appeals, clock and
// policy, and what it has seen of the outbox.
type history struct {
	w       *world
	ctx     context.Context
	clock   *clock
	policy  appeal.ReminderPolicy
	svc     *appeal.Service
	scanner *reminders.Scanner
	depts   []string
	appeals []appeal.ID
	// seen is each appeal as the last check read it; a closed one is read
	// again only after an action on it.
	seen map[appeal.ID]appeal.Appeal
	// msgs are the messages queued since the history began, as the last
	// look found them.
	msgs []appeal.OutboxMessage

	// reach is who can receive messages; deliverer delivers through rec,
	// of which recSeen entries were checked; delivered are the messages
	// whose deliveries were checked.
	reach     *reach
	deliverer *bot.Deliverer
	rec       *recording
	recSeen   int
	delivered map[int64]bool
}

func (w *world) history(rt *rapid.T) {
	w.histories++
	h := &history{w: w, ctx: context.Background(), seen: map[appeal.ID]appeal.Appeal{}, delivered: map[int64]bool{}}
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, w.shanghai).
		Add(time.Duration(rapid.IntRange(0, 7*24*60-1).Draw(rt, "start_minute")) * time.Minute)
	h.clock = &clock{t: start.UTC()}
	h.policy = appeal.ReminderPolicy{
		NudgeShare:       rapid.SampledFrom([]float64{0.5, 0.25}).Draw(rt, "nudge_share"),
		SupervisionAfter: rapid.SampledFrom([]time.Duration{time.Hour, 24 * time.Hour}).Draw(rt, "supervision_after"),
		DispatchSLA:      rapid.SampledFrom([]appeal.Span{appeal.WorkingHoursSpan(2 * time.Hour), appeal.CalendarSpan(30 * time.Minute)}).Draw(rt, "dispatch_sla"),
		DecisionSLA:      rapid.SampledFrom([]appeal.Span{appeal.WorkingDaysSpan(1), appeal.CalendarSpan(2 * time.Hour)}).Draw(rt, "decision_sla"),
		Repeat: rapid.SampledFrom([]appeal.Repeat{{}, {At: appeal.Clock{Hour: 14, Minute: 0}},
			{Every: appeal.CalendarSpan(3 * time.Hour)}, {Every: appeal.WorkingHoursSpan(2 * time.Hour)}}).Draw(rt, "repeat"),
	}
	if rapid.Bool().Draw(rt, "quiet_hours") {
		h.policy.Quiet = appeal.QuietHours{From: 22 * time.Hour, To: 8 * time.Hour}
	}
	h.svc = appeal.NewService(w.store, h.clock.Now, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: w.store}))
	h.svc.SetReminders(h.policy)
	h.restart(rt)
	slas := []appeal.Policy{
		appeal.DefaultPolicy,
		{Normal: appeal.Tier{Claim: appeal.CalendarSpan(30 * time.Minute), Answer: appeal.CalendarSpan(2 * time.Hour), Resolve: appeal.CalendarSpan(4 * time.Hour)},
			Urgent: appeal.DefaultPolicy.Urgent},
		{Normal: appeal.Tier{Claim: appeal.WorkingHoursSpan(time.Hour), Answer: appeal.WorkingHoursSpan(4 * time.Hour), Resolve: appeal.WorkingDaysSpan(1)},
			Urgent: appeal.DefaultPolicy.Urgent},
	}
	for i := range rapid.IntRange(1, 3).Draw(rt, "departments") {
		code := fmt.Sprintf("h%d-%c", w.histories, 'a'+i)
		if _, err := h.svc.SaveDepartment(h.ctx, appeal.Department{Code: code, Name: "部门 " + code, Timezone: "Asia/Shanghai",
			SLA: rapid.SampledFrom(slas).Draw(rt, "sla"), ApproveAnswers: rapid.Bool().Draw(rt, "approve_answers")}); err != nil {
			rt.Fatal(err)
		}
		h.depts = append(h.depts, code)
	}
	defer h.retire()
	h.setUp(rt)
	rt.Repeat(h.timed(map[string]func(*rapid.T){
		"":                h.check,
		"intake":          h.intake,
		"assign":          h.assign,
		"claim":           h.simple(appeal.ActClaim, appeal.StatusAssigned),
		"unclaim":         h.simple(appeal.ActUnclaim, appeal.StatusClaimed),
		"answer":          h.simple(appeal.ActAnswer, appeal.StatusAssigned, appeal.StatusClaimed),
		"approve_answer":  h.simple(appeal.ActApproveAnswer, appeal.StatusPendingApproval),
		"reject_answer":   h.simple(appeal.ActRejectAnswer, appeal.StatusPendingApproval),
		"return":          h.simple(appeal.ActReturn, appeal.StatusAssigned, appeal.StatusClaimed),
		"transfer":        h.transfer,
		"extend":          h.simple(appeal.ActRequestExtension, appeal.StatusAssigned, appeal.StatusClaimed),
		"decide_extend":   h.decideExtension,
		"close":           h.simple(appeal.ActClose, appeal.StatusAnswered, appeal.StatusUnassigned, appeal.StatusReturned),
		"reopen":          h.simple(appeal.ActReopen, appeal.StatusAnswered, appeal.StatusClosed),
		"unsatisfied":     h.unsatisfied,
		"wait":            h.wait,
		"wait_for_a_time": h.waitFor,
		"restart":         h.restartAction,
		"reconfigure":     h.reconfigure,
	}))
}

// timed makes every action take a second. A stage is recorded once per
// round, the moment its clock started, so two clocks of one appeal must not
// start at the same moment; in a store they never do, since every change is
// a transaction of its own and times are kept to the microsecond, but a
// test clock that stands still would start them together.
func (h *history) timed(actions map[string]func(*rapid.T)) map[string]func(*rapid.T) {
	for name, act := range actions {
		if name == "" {
			continue
		}
		actions[name] = func(rt *rapid.T) {
			h.clock.Set(h.clock.Now().Add(time.Second))
			act(rt)
		}
	}
	return actions
}

// restart gives the history a new scanner, as a new process would have.
func (h *history) restart(rt *rapid.T) {
	sc, err := reminders.New(h.w.store, reminders.Options{Policy: h.policy, Schedule: "@every 1m",
		Batch: rapid.SampledFrom([]int{2, 500}).Draw(rt, "batch"), Timezone: "Asia/Shanghai",
		Calendars: appeal.Calendars{Days: h.w.store}}, h.clock.Now, nil)
	if err != nil {
		rt.Fatal(err)
	}
	h.scanner = sc
}

func (h *history) restartAction(rt *rapid.T) {
	h.restart(rt)
	h.newDeliverer()
	h.step(rt)
}

// step ends every action: one scan at the history's now.
func (h *history) step(rt *rapid.T) {
	h.w.steps++
	h.w.scans++
	if _, err := h.scanner.Scan(h.ctx, h.clock.Now()); err != nil {
		rt.Fatalf("scan at %v: %v", h.clock.Now(), err)
	}
	h.deliver(rt)
}

// lastOutboxID reads the messages queued since the history began, as they
// are now, and returns the last id.
func (h *history) lastOutboxID(rt *rapid.T) int64 {
	id, err := h.readOutbox()
	if err != nil {
		rt.Fatal(err)
	}
	return id
}

func (h *history) readOutbox() (int64, error) {
	after := h.w.outboxEnd
	var all []appeal.OutboxMessage
	for {
		ms, err := h.w.store.OutboxAfter(h.ctx, after, 500)
		if err != nil {
			return after, err
		}
		if len(ms) == 0 {
			h.msgs = all
			return after, nil
		}
		all = append(all, ms...)
		after = ms[len(ms)-1].ID
	}
}

// messagesTo is every message of the history by recipient: what a check
// of delivery reads.
func (h *history) messagesTo() map[appeal.Recipient][]appeal.OutboxMessage {
	out := map[appeal.Recipient][]appeal.OutboxMessage{}
	for _, m := range h.msgs {
		out[m.To] = append(out[m.To], m)
	}
	return out
}

// pick draws an appeal of the history in one of statuses; none skips the
// action.
func (h *history) pick(rt *rapid.T, statuses ...appeal.Status) appeal.Appeal {
	var in []appeal.Appeal
	for _, id := range h.appeals {
		if a := h.seen[id]; slices.Contains(statuses, a.Status) {
			in = append(in, a)
		}
	}
	if len(in) == 0 {
		h.w.refused++
		rt.Skip("no appeal in", statuses)
	}
	return rapid.SampledFrom(in).Draw(rt, "appeal")
}

// act applies cmd; what the state machine refuses is part of a random
// history, anything else fails it.
func (h *history) act(rt *rapid.T, id appeal.ID, cmd appeal.Command) {
	delete(h.seen, id)
	_, err := h.svc.Act(h.ctx, id, cmd)
	for _, ok := range []error{appeal.ErrIllegalTransition, appeal.ErrSameDepartment, appeal.ErrAlreadyClaimed,
		appeal.ErrNotAssignee, appeal.ErrExtensionPending, appeal.ErrNoExtensionPending} {
		if errors.Is(err, ok) {
			h.w.refused++
			err = nil
		}
	}
	if err != nil {
		rt.Fatalf("%s #%d: %v", cmd.Action, id, err)
	}
	h.step(rt)
}

func (h *history) intake(rt *rapid.T) {
	dept := rapid.SampledFrom(append([]string{"", "nosuch"}, h.depts...)).Draw(rt, "intake_department")
	pr := appeal.PriorityNormal
	if rapid.IntRange(0, 4).Draw(rt, "urgent") == 0 {
		pr = appeal.PriorityUrgent
	}
	a, _, err := h.svc.Intake(h.ctx, appeal.Intake{Source: "12345", ExternalID: fmt.Sprintf("p%d-%d", h.w.histories, len(h.appeals)),
		Title: "路灯不亮", Body: "长安街的路灯坏了。", Department: dept, Priority: pr})
	if err != nil {
		rt.Fatal(err)
	}
	h.appeals = append(h.appeals, a.ID)
	h.w.appeals++
	h.step(rt)
}

func (h *history) assign(rt *rapid.T) {
	a := h.pick(rt, appeal.StatusUnassigned, appeal.StatusReturned)
	h.act(rt, a.ID, appeal.Command{Action: appeal.ActAssign, Actor: 1,
		Department: rapid.SampledFrom(h.depts).Draw(rt, "assign_to")})
}

func (h *history) transfer(rt *rapid.T) {
	a := h.pick(rt, appeal.StatusAssigned, appeal.StatusClaimed)
	h.act(rt, a.ID, appeal.Command{Action: appeal.ActTransfer, Actor: 9, Force: true, Text: "转办",
		Department: rapid.SampledFrom(h.depts).Draw(rt, "transfer_to")})
}

// simple is an action on an appeal in one of statuses, by its assignee or
// by a leader who overrides.
func (h *history) simple(act appeal.Action, statuses ...appeal.Status) func(*rapid.T) {
	return func(rt *rapid.T) {
		a := h.pick(rt, statuses...)
		cmd := appeal.Command{Action: act, Actor: a.Assignee, Text: "理由", Force: rapid.Bool().Draw(rt, "force")}
		if cmd.Actor == 0 {
			cmd.Actor = appeal.MemberID(rapid.IntRange(100, 102).Draw(rt, "actor"))
		}
		if act == appeal.ActRequestExtension {
			cmd.Extension = rapid.SampledFrom([]appeal.Span{appeal.WorkingDaysSpan(1), appeal.CalendarSpan(4 * time.Hour),
				appeal.WorkingHoursSpan(8 * time.Hour)}).Draw(rt, "extension")
		}
		h.act(rt, a.ID, cmd)
	}
}

func (h *history) decideExtension(rt *rapid.T) {
	a := h.pick(rt, appeal.StatusAssigned, appeal.StatusClaimed)
	if a.Extension == nil {
		h.w.refused++
		rt.Skip("no extension waits")
	}
	act := appeal.ActRejectExtension
	if rapid.Bool().Draw(rt, "approve") {
		act = appeal.ActApproveExtension
	}
	h.act(rt, a.ID, appeal.Command{Action: act, Actor: 9, Text: "决定"})
}

func (h *history) unsatisfied(rt *rapid.T) {
	a := h.pick(rt, appeal.StatusAnswered, appeal.StatusClosed)
	delete(h.seen, a.ID)
	if _, err := h.svc.Feedback(h.ctx, a.ID, appeal.Feedback{Result: appeal.FeedbackUnsatisfied,
		Comment: fmt.Sprintf("不满意 %d", h.w.steps)}); err != nil {
		rt.Fatal(err)
	}
	h.step(rt)
}

// wait moves the clock on by minutes, hours or days.
func (h *history) wait(rt *rapid.T) {
	unit := rapid.SampledFrom([]time.Duration{time.Minute, time.Hour, 24 * time.Hour}).Draw(rt, "wait_unit")
	n := rapid.IntRange(1, map[time.Duration]int{time.Minute: 90, time.Hour: 30, 24 * time.Hour: 9}[unit]).Draw(rt, "wait")
	h.clock.Set(h.clock.Now().Add(time.Duration(n) * unit))
	h.step(rt)
}

// waitFor moves the clock to just before, at or just after the next
// moment a day turns on in Shanghai: opening, lunch, closing, the quiet
// hours' ends.
func (h *history) waitFor(rt *rapid.T) {
	at := rapid.SampledFrom([]int{8 * 60, 9 * 60, 12 * 60, 13*60 + 30, 14 * 60, 18 * 60, 22 * 60}).Draw(rt, "time_of_day")
	off := time.Duration(rapid.IntRange(-2, 2).Draw(rt, "off_by")) * time.Minute
	now := h.clock.Now().In(h.w.shanghai)
	t := time.Date(now.Year(), now.Month(), now.Day(), at/60, at%60, 0, 0, h.w.shanghai).Add(off)
	for !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	h.clock.Set(t.UTC())
	h.step(rt)
}

// retire counts what the history's scans recorded and closes every open
// appeal of the history, so that the histories after it scan only their
// own.
func (h *history) retire() {
	for _, id := range h.appeals {
		records, _ := h.w.store.ReminderStages(h.ctx, id)
		for _, r := range records {
			if r.Sent {
				h.w.sent++
				h.w.said[r.Stage]++
			} else {
				h.w.skipped++
			}
		}
	}
	for _, id := range h.appeals {
		for range 5 {
			a, err := h.w.store.Appeal(h.ctx, id)
			if err != nil || a.Status == appeal.StatusClosed {
				break
			}
			cmd := appeal.Command{Actor: 9, Force: true, Text: "结束"}
			switch a.Status {
			case appeal.StatusAssigned, appeal.StatusClaimed:
				cmd.Action = appeal.ActAnswer
			case appeal.StatusPendingApproval:
				cmd.Action = appeal.ActApproveAnswer
			default:
				cmd.Action = appeal.ActClose
			}
			_, _ = h.svc.Act(h.ctx, id, cmd)
		}
	}
	h.tearDown()
	if end, err := h.readOutbox(); err == nil {
		h.settleLeftovers()
		h.w.outboxEnd = end
	}
}

// told reports whether the history's records hold a sent stage of
// stages (with a round from start on) or a repeat, made at or after by.
func told(records []storage.ReminderStage, stages []appeal.Stage, start, by time.Time) bool {
	for _, r := range records {
		if !r.Sent || r.At.Before(by) {
			continue
		}
		if r.Stage == appeal.StageRepeat && !r.Round.Before(by) && !r.Round.Before(start) ||
			slices.Contains(stages, r.Stage) && !r.Round.Before(start) {
			return true
		}
	}
	return false
}

// rung is the ladder's rung of stage s.
func rung(s appeal.Stage) appeal.Rung {
	for _, r := range appeal.Ladder {
		if r.Stage == s {
			return r
		}
	}
	return appeal.Rung{}
}

// check is the property, after every step.
func (h *history) check(rt *rapid.T) {
	now := h.clock.Now()
	h.lastOutboxID(rt)
	// Who each stage was said to, by appeal and stage.
	said := map[string]int{}
	recent := map[string]appeal.Recipient{}
	for _, m := range h.msgs {
		switch m.Kind {
		case appeal.MsgReminder, appeal.MsgEscalation, appeal.MsgSupervision:
		default:
			continue
		}
		items, err := appeal.DecodeItems(m.Args[appeal.ArgItems])
		if err != nil {
			rt.Fatal(err)
		}
		for _, it := range items {
			k := fmt.Sprintf("%d %s", it.Appeal, it.Stage)
			said[k]++
			if r := rung(it.Stage); r.To != "" && r.To != m.To.Kind {
				rt.Fatalf("#%d %s said to %s, its rung says %s", it.Appeal, it.Stage, m.To.Kind, r.To)
			}
			// Only a scan says these, and each step's scan has a
			// moment of its own.
			if m.CreatedAt.Equal(now) {
				recent[k] = m.To
			}
		}
	}
	quiet := func(a appeal.Appeal) bool {
		_, q := h.policy.Quiet.End(now, h.w.shanghai)
		return q && a.Priority != appeal.PriorityUrgent
	}
	for _, id := range h.appeals {
		if a, ok := h.seen[id]; ok && a.Status == appeal.StatusClosed {
			continue // closed, and nothing happened to it since
		}
		a, err := h.w.store.Appeal(h.ctx, id)
		if err != nil {
			rt.Fatal(err)
		}
		h.seen[id] = a
		records, err := h.w.store.ReminderStages(h.ctx, id)
		if err != nil {
			rt.Fatal(err)
		}
		events, err := h.w.store.Events(h.ctx, id)
		if err != nil {
			rt.Fatal(err)
		}
		var done appeal.Done
		for _, r := range records {
			done.Add(r.Round, r.Stage)
		}
		what := fmt.Sprintf("#%d (%s, %s) at %v", id, a.Status, a.Priority, now.In(h.w.shanghai))

		// A next deadline for every open appeal, after the scan.
		switch {
		case !a.Status.Open() && !a.NextActionAt.IsZero():
			rt.Fatalf("%s: closed with a next action %v", what, a.NextActionAt)
		case a.Status.Open() && !a.NextActionAt.After(now):
			rt.Fatalf("%s: next action %v, not after the scan", what, a.NextActionAt)
		}

		// No stage due and unsaid, quiet hours aside.
		if a.Status.Open() && quiet(a) && slices.ContainsFunc(appeal.Stages(a, h.policy), func(s appeal.StageAt) bool {
			return !s.At.After(now) && !done.Has(s.Round, s.Stage)
		}) {
			h.w.held++
		}
		if a.Status.Open() && !quiet(a) {
			stages := appeal.Stages(a, h.policy)
			for _, s := range stages {
				if !s.At.After(now) && !done.Has(s.Round, s.Stage) {
					rt.Fatalf("%s: %s due at %v (round %v) is unsaid", what, s.Stage, s.At, s.Round)
				}
			}
			if next := appeal.NextAction(a, done, h.policy, appeal.Clocks{}); next.IsZero() {
				rt.Fatalf("%s: no next action", what)
			}

			// Every deadline of the status that passed was escalated, or
			// chased by a repeat, since it passed.
			type deadline struct {
				name      string
				by, start time.Time
				stages    []appeal.Stage
			}
			var ds []deadline
			answerStart := a.AssignedAt
			if a.ExtendedAt.After(answerStart) {
				answerStart = a.ExtendedAt
			}
			switch a.Status {
			case appeal.StatusUnassigned, appeal.StatusReturned:
				ds = append(ds, deadline{"dispatch", a.Deadlines.DispatchBy, a.DispatchedAt, []appeal.Stage{appeal.StageDispatchOverdue}})
			case appeal.StatusAnswered:
				ds = append(ds, deadline{"resolve", a.Deadlines.ResolveBy, a.AnsweredAt, []appeal.Stage{appeal.StageResolveOverdue, appeal.StageResolveSupervision}})
			default:
				if a.Status == appeal.StatusAssigned {
					ds = append(ds, deadline{"claim", a.Deadlines.ClaimBy, a.AssignedAt,
						[]appeal.Stage{appeal.StageClaimOverdue, appeal.StageAnswerOverdue, appeal.StageSupervision}})
				}
				ds = append(ds, deadline{"answer", a.Deadlines.AnswerBy, answerStart, []appeal.Stage{appeal.StageAnswerOverdue, appeal.StageSupervision}})
				if !a.AskedAt.IsZero() {
					ds = append(ds, deadline{"decision", a.Deadlines.DecideBy, a.AskedAt, []appeal.Stage{appeal.StageDecisionOverdue, appeal.StageDecisionSupervision}})
				}
			}
			for _, d := range ds {
				if d.by.IsZero() {
					rt.Fatalf("%s: no %s deadline", what, d.name)
				}
				if !d.by.After(now) && !told(records, d.stages, d.start, d.by) {
					rt.Fatalf("%s: the %s deadline %v passed and nobody was told\nappeal %+v\nrecords %+v\nladder %+v\npolicy %+v",
						what, d.name, d.by, a, records, appeal.Stages(a, h.policy), h.policy)
				}
			}
		}

		// Each stage said once: a record, an event and a line of a
		// message; each skipped one a record and an event.
		sent, skipped := map[appeal.Stage]int{}, map[appeal.Stage]int{}
		for _, r := range records {
			if r.Sent {
				sent[r.Stage]++
			} else {
				skipped[r.Stage]++
			}
		}
		evSent, evSkipped := map[appeal.Stage]int{}, map[appeal.Stage]int{}
		for _, e := range events {
			st := appeal.Stage(e.Note)
			switch e.Kind {
			case appeal.EventReminded, appeal.EventEscalated:
				evSent[st]++
				if (e.Kind == appeal.EventEscalated) != st.Escalates() {
					rt.Fatalf("%s: %s logged as %s", what, st, e.Kind)
				}
			case appeal.EventReminderSkipped:
				evSkipped[st]++
			}
		}
		for _, r := range appeal.Ladder {
			st := r.Stage
			k := fmt.Sprintf("%d %s", id, st)
			if sent[st] != evSent[st] || sent[st] != said[k] || skipped[st] != evSkipped[st] {
				rt.Fatalf("%s: %s recorded sent %d, skipped %d; events %d and %d; said %d times",
					what, st, sent[st], skipped[st], evSent[st], evSkipped[st], said[k])
			}
		}

		// What the last scan said went to the recipient of its rung, of
		// the appeal's department; a repeat to that of the last stage.
		for _, r := range appeal.Ladder {
			to, ok := recent[fmt.Sprintf("%d %s", id, r.Stage)]
			if !ok {
				continue
			}
			want := r.To
			if r.Stage == appeal.StageRepeat {
				want = appeal.ToSupervision
				if stages := appeal.Stages(a, h.policy); len(stages) > 0 {
					want = stages[len(stages)-1].To
				}
			}
			ref := ""
			if want == appeal.ToDepartment || want == appeal.ToLeaders {
				ref = a.Department
			}
			if to != (appeal.Recipient{Kind: want, Ref: ref}) {
				rt.Fatalf("%s: %s said to %+v, want %s %q", what, r.Stage, to, want, ref)
			}
		}
	}
	h.checkDelivery(rt)
}
