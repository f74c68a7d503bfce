package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// t0 is the suite's "now": UTC, whole microseconds, as the service passes it.
var t0 = time.Date(2026, 11, 23, 9, 30, 15, 123456000, time.UTC)

var cst = time.FixedZone("CST", 8*3600)

// office is the default office week in Shanghai's offset, without holidays.
var office = appeal.DefaultCalendar(cst)

// each runs fn against a fresh, migrated store of every backend.
func each(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			s := storagetest.Open(t, b)
			if s.Driver() != b {
				t.Fatalf("Driver() = %q, want %q", s.Driver(), b)
			}
			fn(t, s)
		})
	}
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

func count(t *testing.T, s *storage.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, `SELECT COUNT(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

// counts is the number of rows in every table an appeal write touches.
func counts(t *testing.T, s *storage.Store) string {
	t.Helper()
	return fmt.Sprintf("appeals=%d events=%d outbox=%d answers=%d",
		count(t, s, "appeals"), count(t, s, "appeal_events"), count(t, s, "outbox"), count(t, s, "answers"))
}

func saveDept(t *testing.T, s *storage.Store, code string, approve bool) appeal.Department {
	t.Helper()
	d, err := s.SaveDepartment(context.Background(), appeal.Department{
		Code: code, Name: "部门 " + code, Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy,
		ApproveAnswers: approve, CreatedAt: t0,
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func intake(ext string) appeal.Intake {
	return appeal.Intake{
		Source: "12345", ExternalID: ext, Title: "路灯不亮", Body: "长安街 12 号门口的路灯坏了三天。",
		Priority: appeal.PriorityNormal, ReceivedAt: t0.Add(-time.Hour),
	}
}

// create stores a new appeal built by the domain, in dept (nil: unassigned).
func create(t *testing.T, s *storage.Store, in appeal.Intake, dept *appeal.Department) appeal.Appeal {
	t.Helper()
	a, events, msgs := appeal.NewAppeal(in, dept, in.Department, office, t0)
	stored, created, err := s.CreateAppeal(context.Background(), a, events, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Fatalf("CreateAppeal(%s): created = false", in.ExternalID)
	}
	return stored
}

// act applies cmd through the state machine and returns the stored appeal
// and the change the machine computed.
func act(s *storage.Store, id appeal.ID, cmd appeal.Command, now time.Time) (appeal.Appeal, appeal.Change, error) {
	var c appeal.Change
	a, err := s.UpdateAppeal(context.Background(), id, func(a appeal.Appeal, pending *appeal.Answer) (appeal.Change, error) {
		var err error
		c, err = appeal.Transition(a, pending, cmd, now)
		return c, err
	})
	return a, c, err
}

func mustAct(t *testing.T, s *storage.Store, id appeal.ID, cmd appeal.Command, now time.Time) (appeal.Appeal, appeal.Change) {
	t.Helper()
	a, c, err := act(s, id, cmd, now)
	if err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
	return a, c
}

func norm(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// normAppeal is a as the store gives it back.
func normAppeal(a appeal.Appeal) appeal.Appeal {
	for _, p := range []*time.Time{&a.ReceivedAt, &a.Deadlines.ClaimBy, &a.Deadlines.AnswerBy, &a.Deadlines.ResolveBy,
		&a.AssignedAt, &a.ClaimedAt, &a.AnsweredAt, &a.ClosedAt, &a.NextActionAt, &a.CreatedAt, &a.UpdatedAt,
		&a.Deadlines.DispatchBy, &a.Deadlines.DecideBy, &a.DispatchedAt, &a.AskedAt, &a.ExtendedAt} {
		*p = norm(*p)
	}
	if a.Extension != nil {
		x := *a.Extension
		x.At = norm(x.At)
		a.Extension = &x
	}
	return a
}

func isNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, storage.ErrNotFound) || !errors.Is(err, appeal.ErrNotFound) {
		t.Errorf("%s: err = %v, want ErrNotFound", what, err)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "storage: ") {
		t.Errorf("%s: err = %q, want the prefix \"storage: \"", what, err)
	}
}

func TestMigrate(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			files, err := os.ReadDir("migrations/" + b)
			if err != nil {
				t.Fatal(err)
			}
			cfg := storagetest.Config(t, b)
			// Two instances starting at once on one database. On SQLite
			// the second process is refused (see TestSQLiteDataDirLock),
			// so two migrations race through one handle instead.
			stores := make([]*storage.Store, 2)
			for i := range stores {
				if i > 0 && b == storage.SQLite {
					stores[i] = stores[0]
					continue
				}
				s, err := storage.Open(ctx, cfg, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			errs := make([]error, len(stores))
			var wg sync.WaitGroup
			for i, s := range stores {
				wg.Go(func() { errs[i] = s.Migrate(ctx) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("Migrate %d: %v", i, err)
				}
			}
			s := stores[0]
			versions := func() (n, last int) {
				t.Helper()
				if err := s.DB().QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &last); err != nil {
					t.Fatal(err)
				}
				return n, last
			}
			// Numbers may skip (features reserve theirs), so the last is
			// the last file's, not the count.
			var want int
			if _, err := fmt.Sscanf(files[len(files)-1].Name(), "%d_", &want); err != nil {
				t.Fatal(err)
			}
			if n, last := versions(); n != len(files) || last != want {
				t.Fatalf("schema_migrations: %d rows up to version %d, want %d up to %d", n, last, len(files), want)
			}
			saveDept(t, s, "roads", false)
			// Migrating an up-to-date database is a no-op.
			for _, s := range stores {
				if err := s.Migrate(ctx); err != nil {
					t.Fatalf("Migrate again: %v", err)
				}
			}
			if n, _ := versions(); n != len(files) {
				t.Errorf("schema_migrations: %d rows after migrating again, want %d", n, len(files))
			}
			if _, err := stores[1].Department(ctx, "roads"); err != nil {
				t.Errorf("department lost by migrating again: %v", err)
			}
		})
	}
}

func TestOpenSQLiteCreatesDataDir(t *testing.T) {
	dir := t.TempDir() + "/nested/data"
	s, err := storage.Open(context.Background(), storage.Config{DataDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&0o027 != 0 {
		t.Errorf("data dir mode %v, want at most 0750", perm)
	}
	if _, err := os.Stat(dir + "/" + storage.FileName); err != nil {
		t.Errorf("database file: %v", err)
	}
	var mode, fk, sync, temp string
	db := s.DB()
	if err := db.Get(&mode, `PRAGMA journal_mode`); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if err := db.Get(&fk, `PRAGMA foreign_keys`); err != nil || fk != "1" {
		t.Errorf("foreign_keys = %q, %v; want 1", fk, err)
	}
	if err := db.Get(&sync, `PRAGMA synchronous`); err != nil || sync != "2" {
		t.Errorf("synchronous = %q, %v; want 2 (FULL)", sync, err)
	}
	if err := db.Get(&temp, `PRAGMA temp_store`); err != nil || temp != "2" {
		t.Errorf("temp_store = %q, %v; want 2 (MEMORY)", temp, err)
	}
}

func TestAppealRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		in := appeal.Intake{
			Source: "12345", ExternalID: "ext-ü-1", Title: "路灯不亮 💡",
			Body:     "长安街 12 号门口的路灯已经坏了三天。\nSecond line — «quotes» 'single' \"double\"; DROP TABLE appeals; --",
			Category: "市政", Priority: appeal.PriorityUrgent,
			Citizen:  appeal.Citizen{Name: "王小明", Phone: "+86 138-0000-0000"},
			Location: "北京市东城区", CallbackURL: "https://example.org/cb?id=1&x=%C3%BC",
			// Not UTC and finer than a microsecond: the store normalises.
			ReceivedAt: time.Date(2026, 11, 23, 17, 0, 0, 999999999, cst),
		}
		now := time.Date(2026, 11, 23, 17, 5, 1, 123456789, cst)
		a, events, msgs := appeal.NewAppeal(in, &dept, "roads", office, now)
		stored, created, err := s.CreateAppeal(ctx, a, events, msgs)
		if err != nil || !created {
			t.Fatalf("CreateAppeal: created %v, %v", created, err)
		}
		if stored.ID == 0 {
			t.Fatal("stored appeal has no ID")
		}
		want := normAppeal(a)
		want.ID = stored.ID
		same(t, "CreateAppeal", stored, want)
		got, err := s.Appeal(ctx, stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Appeal", got, want)
		if got.ReceivedAt.Location() != time.UTC || got.Deadlines.ClaimBy.Location() != time.UTC {
			t.Errorf("times not in UTC: %v, %v", got.ReceivedAt.Location(), got.Deadlines.ClaimBy.Location())
		}

		evs, err := s.Events(ctx, stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != len(events) {
			t.Fatalf("Events: %d, want %d", len(evs), len(events))
		}
		for i, e := range evs {
			if e.ID == 0 || (i > 0 && e.ID <= evs[i-1].ID) {
				t.Errorf("event ids not increasing: %+v", evs)
			}
			w := events[i]
			w.ID, w.AppealID, w.At = e.ID, stored.ID, norm(w.At)
			same(t, "event", e, w)
		}

		out, err := s.Outbox(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 1 {
			t.Fatalf("Outbox: %+v, want one card", out)
		}
		same(t, "outbox message", out[0].Message, appeal.Message{
			Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDepartment, Ref: "roads"}, AppealID: stored.ID,
		})
		if !out[0].CreatedAt.Equal(norm(now)) || !out[0].NextAttemptAt.Equal(norm(now)) ||
			out[0].State != appeal.OutboxPending || out[0].Attempts != 0 {
			t.Errorf("outbox row: %+v", out[0])
		}

		// A claimed appeal with a pending extension.
		claimAt := now.Add(10 * time.Minute)
		mustAct(t, s, stored.ID, appeal.Command{Action: appeal.ActClaim, Actor: 7}, claimAt)
		extAt := claimAt.Add(time.Hour)
		got, c := mustAct(t, s, stored.ID, appeal.Command{
			Action: appeal.ActRequestExtension, Actor: 7, Extension: appeal.WorkingDaysSpan(2), Text: "需要协调 другой отдел",
		}, extAt)
		want = normAppeal(c.Appeal)
		same(t, "after extension request", got, want)
		if got.Extension == nil || *got.Extension != (appeal.Extension{By: 7, Span: appeal.WorkingDaysSpan(2), Reason: "需要协调 другой отдел", At: norm(extAt)}) {
			t.Errorf("Extension = %+v", got.Extension)
		}
		if got.Assignee != 7 || got.Status != appeal.StatusClaimed || !got.ClaimedAt.Equal(norm(claimAt)) {
			t.Errorf("claim not stored: %+v", got)
		}
		reread, err := s.Appeal(ctx, stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "re-read", reread, want)

		// Approving it clears every extension column.
		moved := appeal.Deadlines{
			AnswerBy:  office.Add(want.Deadlines.AnswerBy, appeal.WorkingDaysSpan(2)),
			ResolveBy: office.Add(want.Deadlines.ResolveBy, appeal.WorkingDaysSpan(2)),
		}
		got, _ = mustAct(t, s, stored.ID, appeal.Command{Action: appeal.ActApproveExtension, Actor: 9, Deadlines: moved}, extAt.Add(time.Minute))
		if got.Extension != nil || !got.Deadlines.AnswerBy.Equal(moved.AnswerBy) || !got.Deadlines.ResolveBy.Equal(moved.ResolveBy) {
			t.Errorf("after approval: %+v", got)
		}
	})
}

func TestZeroValuesAreNULL(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		in := intake("unassigned")
		in.Department = "nope"
		a := create(t, s, in, nil)
		if a.Department != "" || a.Assignee != 0 || a.Extension != nil || a.Deadlines != (appeal.Deadlines{}) ||
			!a.AssignedAt.IsZero() || !a.ClaimedAt.IsZero() || !a.NextActionAt.IsZero() || a.Answers != nil {
			t.Errorf("unassigned appeal: %+v", a)
		}
		var n int
		if err := s.DB().Get(&n, s.DB().Rebind(`SELECT COUNT(*) FROM appeals WHERE id = ?
			AND department_code IS NULL AND assignee_id IS NULL
			AND claim_by IS NULL AND answer_by IS NULL AND resolve_by IS NULL
			AND ext_by IS NULL AND ext_duration_s IS NULL AND ext_reason IS NULL AND ext_at IS NULL
			AND assigned_at IS NULL AND claimed_at IS NULL AND answered_at IS NULL AND closed_at IS NULL
			AND next_action_at IS NULL
			AND received_at IS NOT NULL AND created_at IS NOT NULL AND updated_at IS NOT NULL`), int64(a.ID)); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Error("zero values of the unassigned appeal are not stored as NULL")
		}
		evs, err := s.Events(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0].Actor != 0 || evs[0].Note != "unknown department: nope" {
			t.Errorf("Events: %+v", evs)
		}
		if err := s.DB().Get(&n, s.DB().Rebind(`SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND actor_id IS NULL`), int64(a.ID)); err != nil || n != 1 {
			t.Errorf("actor 0 not stored as NULL: %d, %v", n, err)
		}
		out, err := s.Outbox(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 1 || out[0].To != (appeal.Recipient{Kind: appeal.ToDispatch}) || out[0].Args != nil {
			t.Errorf("Outbox: %+v", out)
		}
	})
}

// TestTimeOrder checks that stored times come back exactly and that the
// database compares and sorts them as times, which matters on SQLite where
// they are text.
func TestTimeOrder(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		times := []time.Time{
			t0.Add(time.Microsecond),
			t0.Add(100 * time.Millisecond),
			t0,
			t0.Add(time.Second),
			t0.Add(-time.Hour).In(cst),
			t0.Add(999 * time.Nanosecond), // truncates to t0
			time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2001, 1, 1, 0, 0, 0, 1000, time.UTC),
		}
		ids := make([]appeal.ID, len(times))
		for i, tt := range times {
			a := create(t, s, intake(fmt.Sprintf("t%d", i)), &dept)
			ids[i] = a.ID
			got, err := s.UpdateAppeal(ctx, a.ID, func(a appeal.Appeal, _ *appeal.Answer) (appeal.Change, error) {
				a.NextActionAt = tt
				return appeal.Change{Appeal: a}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !got.NextActionAt.Equal(norm(tt)) || got.NextActionAt != norm(tt) {
				t.Errorf("NextActionAt = %v, want %v", got.NextActionAt, norm(tt))
			}
		}
		cutoff := t0.Add(time.Microsecond)
		var got []int64
		if err := s.DB().Select(&got, s.DB().Rebind(`SELECT id FROM appeals
			WHERE next_action_at IS NOT NULL AND next_action_at <= ? ORDER BY next_action_at, id`), storage.TimeArg(cutoff)); err != nil {
			t.Fatal(err)
		}
		want := []int64{int64(ids[7]), int64(ids[4]), int64(ids[2]), int64(ids[5]), int64(ids[0])}
		same(t, "due appeals in time order", got, want)
	})
}

func TestCreateAppealIdempotent(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		first := create(t, s, intake("dup"), &dept)
		before := counts(t, s)

		again := intake("dup")
		again.Title = "another title"
		a, events, msgs := appeal.NewAppeal(again, nil, "", office, t0.Add(time.Hour))
		stored, created, err := s.CreateAppeal(ctx, a, events, msgs)
		if err != nil {
			t.Fatal(err)
		}
		if created {
			t.Error("second CreateAppeal: created = true")
		}
		same(t, "second CreateAppeal returns the stored appeal", stored, first)
		if after := counts(t, s); after != before {
			t.Errorf("second CreateAppeal wrote rows: %s, before %s", after, before)
		}

		// Concurrent duplicates: one row, one creator, every caller the same appeal.
		const n = 8
		results := make([]appeal.Appeal, n)
		createdBy := make([]bool, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				a, events, msgs := appeal.NewAppeal(intake("race"), &dept, "roads", office, t0)
				results[i], createdBy[i], errs[i] = s.CreateAppeal(ctx, a, events, msgs)
			})
		}
		wg.Wait()
		creators := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("concurrent CreateAppeal %d: %v", i, errs[i])
			}
			if createdBy[i] {
				creators++
			}
			same(t, "concurrent CreateAppeal result", results[i], results[0])
		}
		if creators != 1 {
			t.Errorf("%d callers created the appeal, want 1", creators)
		}
		var rows, evs, msgsN int
		db := s.DB()
		if err := db.Get(&rows, db.Rebind(`SELECT COUNT(*) FROM appeals WHERE source = ? AND external_id = ?`), "12345", "race"); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&evs, db.Rebind(`SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ?`), int64(results[0].ID)); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&msgsN, db.Rebind(`SELECT COUNT(*) FROM outbox WHERE appeal_id = ?`), int64(results[0].ID)); err != nil {
			t.Fatal(err)
		}
		if rows != 1 || evs != 2 || msgsN != 1 {
			t.Errorf("after concurrent duplicates: %d appeals, %d events, %d messages; want 1, 2, 1", rows, evs, msgsN)
		}
	})
}

func TestUpdateAppealAtomic(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		a := create(t, s, intake("u1"), &dept)
		before := counts(t, s)

		// A transition writes the state, its event and its messages.
		now := t0.Add(time.Minute)
		got, c := mustAct(t, s, a.ID, appeal.Command{Action: appeal.ActClaim, Actor: 7}, now)
		same(t, "claimed appeal", got, normAppeal(c.Appeal))
		if got.Status != appeal.StatusClaimed || got.Assignee != 7 || !got.NextActionAt.Equal(appeal.NextAction(got, appeal.Done{}, appeal.DefaultReminders, appeal.Clocks{})) {
			t.Errorf("claimed appeal: %+v", got)
		}
		evs, err := s.Events(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if len(evs) != 3 || last.Kind != appeal.EventClaimed || last.Actor != 7 || last.AppealID != a.ID ||
			last.FromStatus != appeal.StatusAssigned || last.ToStatus != appeal.StatusClaimed || !last.At.Equal(now) {
			t.Errorf("Events: %+v", evs)
		}
		out, err := s.Outbox(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 3 {
			t.Fatalf("Outbox: %+v, want 3 messages", out)
		}
		contact := out[2]
		if contact.Kind != appeal.MsgContact || contact.To != (appeal.Recipient{Kind: appeal.ToMember, Ref: "7"}) ||
			contact.AppealID != a.ID || !contact.CreatedAt.Equal(now) || out[1].ID >= contact.ID {
			t.Errorf("contact message: %+v", contact)
		}
		afterClaim := counts(t, s)
		if before == afterClaim {
			t.Fatal("claim wrote nothing")
		}
		stored, err := s.Appeal(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}

		unchanged := func(what string) {
			t.Helper()
			if now := counts(t, s); now != afterClaim {
				t.Errorf("%s left partial writes: %s, before %s", what, now, afterClaim)
			}
			a, err := s.Appeal(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, what+": appeal", a, stored)
		}

		// An error from fn is returned as it is, and nothing is written.
		errBoom := errors.New("boom")
		_, err = s.UpdateAppeal(ctx, a.ID, func(a appeal.Appeal, _ *appeal.Answer) (appeal.Change, error) {
			return appeal.Change{}, errBoom
		})
		if err != errBoom {
			t.Errorf("UpdateAppeal returned %v, want fn's error unchanged", err)
		}
		unchanged("fn error")

		// A refused transition is a fn error too.
		_, _, err = act(s, a.ID, appeal.Command{Action: appeal.ActClose, Actor: 7, Text: "x"}, now)
		if !errors.Is(err, appeal.ErrIllegalTransition) {
			t.Errorf("close a claimed appeal: %v, want ErrIllegalTransition", err)
		}
		unchanged("illegal transition")

		// A failure after the events and messages went in rolls them back.
		_, err = s.UpdateAppeal(ctx, a.ID, func(a appeal.Appeal, p *appeal.Answer) (appeal.Change, error) {
			c, err := appeal.Transition(a, p, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "done"}, now)
			c.Appeal.Status = "bogus" // violates the CHECK on status
			return c, err
		})
		if err == nil || errors.Is(err, storage.ErrNotFound) || !strings.HasPrefix(err.Error(), "storage: update appeal") {
			t.Errorf("invalid status: err = %v", err)
		}
		unchanged("invalid status")

		// So does a decision on an answer that is not there.
		_, err = s.UpdateAppeal(ctx, a.ID, func(a appeal.Appeal, p *appeal.Answer) (appeal.Change, error) {
			c, err := appeal.Transition(a, p, appeal.Command{Action: appeal.ActUnclaim, Actor: 7}, now)
			c.Answer = &appeal.Answer{ID: 424242, State: appeal.AnswerAccepted, DecidedBy: 9, DecidedAt: now}
			return c, err
		})
		isNotFound(t, "decision on a missing answer", err)
		unchanged("missing answer")

		// And a panic in fn.
		func() {
			defer func() {
				if recover() == nil {
					t.Error("panic in fn not passed on")
				}
			}()
			s.UpdateAppeal(ctx, a.ID, func(appeal.Appeal, *appeal.Answer) (appeal.Change, error) { panic("boom") })
		}()
		unchanged("panic")
		// The write lock was released: the store still writes.
		mustAct(t, s, a.ID, appeal.Command{Action: appeal.ActUnclaim, Actor: 7}, now)

		called := false
		_, err = s.UpdateAppeal(ctx, 999999, func(a appeal.Appeal, _ *appeal.Answer) (appeal.Change, error) {
			called = true
			return appeal.Change{Appeal: a}, nil
		})
		isNotFound(t, "UpdateAppeal of a missing appeal", err)
		if called {
			t.Error("fn called for a missing appeal")
		}
	})
}

func TestConcurrentClaims(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		a := create(t, s, intake("claim-race"), &dept)
		const n = 10
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, _, errs[i] = act(s, a.ID, appeal.Command{Action: appeal.ActClaim, Actor: appeal.MemberID(i + 1)}, t0.Add(time.Minute))
			})
		}
		wg.Wait()
		winner := appeal.MemberID(0)
		for i, err := range errs {
			switch {
			case err == nil:
				if winner != 0 {
					t.Errorf("members %d and %d both claimed", winner, i+1)
				}
				winner = appeal.MemberID(i + 1)
			case !errors.Is(err, appeal.ErrAlreadyClaimed):
				t.Errorf("member %d: %v, want ErrAlreadyClaimed", i+1, err)
			}
		}
		got, err := s.Appeal(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if winner == 0 || got.Assignee != winner || got.Status != appeal.StatusClaimed {
			t.Errorf("winner %d, stored %+v", winner, got)
		}
		evs, err := s.Events(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		claims := 0
		for _, e := range evs {
			if e.Kind == appeal.EventClaimed {
				claims++
			}
		}
		if claims != 1 {
			t.Errorf("%d claim events, want 1", claims)
		}
	})
}

func TestAnswers(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", true)
		a := create(t, s, intake("ans"), &dept)
		t1, t2, t3, t4 := t0.Add(time.Minute), t0.Add(2*time.Minute), t0.Add(3*time.Minute), t0.Add(4*time.Minute)

		got, _ := mustAct(t, s, a.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "已修复", RequireApproval: true}, t1)
		if got.Status != appeal.StatusPendingApproval || len(got.Answers) != 1 {
			t.Fatalf("after answer: %+v", got)
		}
		first := got.Answers[0]
		same(t, "pending answer", first, appeal.Answer{ID: first.ID, AppealID: a.ID, Author: 7, Text: "已修复", State: appeal.AnswerPending, At: t1})

		// fn sees the pending answer; the rejection updates it.
		var seen *appeal.Answer
		got, err := s.UpdateAppeal(ctx, a.ID, func(a appeal.Appeal, p *appeal.Answer) (appeal.Change, error) {
			seen = p
			return appeal.Transition(a, p, appeal.Command{Action: appeal.ActRejectAnswer, Actor: 9, Text: "请补充照片"}, t2)
		})
		if err != nil {
			t.Fatal(err)
		}
		if seen == nil || !reflect.DeepEqual(*seen, first) {
			t.Errorf("fn saw pending %+v, want %+v", seen, first)
		}
		first.State, first.DecidedBy, first.DecidedAt = appeal.AnswerRejected, 9, t2
		same(t, "answers after rejection", got.Answers, []appeal.Answer{first})
		if got.Status != appeal.StatusClaimed {
			t.Errorf("status after rejection: %s", got.Status)
		}

		// No pending answer now; a second one goes through approval.
		var seenAgain *appeal.Answer
		got, err = s.UpdateAppeal(ctx, a.ID, func(a appeal.Appeal, p *appeal.Answer) (appeal.Change, error) {
			seenAgain = p
			return appeal.Transition(a, p, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "已修复，附照片", RequireApproval: true}, t3)
		})
		if err != nil {
			t.Fatal(err)
		}
		if seenAgain != nil {
			t.Errorf("fn saw pending %+v after the rejection", seenAgain)
		}
		got, _ = mustAct(t, s, a.ID, appeal.Command{Action: appeal.ActApproveAnswer, Actor: 9}, t4)
		if len(got.Answers) != 2 {
			t.Fatalf("answers: %+v", got.Answers)
		}
		second := appeal.Answer{ID: got.Answers[1].ID, AppealID: a.ID, Author: 7, Text: "已修复，附照片",
			State: appeal.AnswerAccepted, At: t3, DecidedBy: 9, DecidedAt: t4}
		same(t, "answers after approval", got.Answers, []appeal.Answer{first, second})
		if second.ID <= first.ID || got.Status != appeal.StatusAnswered || !got.AnsweredAt.Equal(t4) {
			t.Errorf("after approval: %+v", got)
		}
		reread, err := s.Appeal(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "re-read answers", reread.Answers, got.Answers)

		// Without approval an answer is accepted at once.
		plain := saveDept(t, s, "water", false)
		b := create(t, s, intake("ans2"), &plain)
		got, _ = mustAct(t, s, b.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 8, Text: "ok"}, t1)
		if len(got.Answers) != 1 || got.Answers[0].State != appeal.AnswerAccepted || got.Answers[0].DecidedBy != 0 ||
			!got.Answers[0].DecidedAt.IsZero() || got.Status != appeal.StatusAnswered {
			t.Errorf("plain answer: %+v", got)
		}
	})
}

func TestAppealsListing(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		roads := saveDept(t, s, "roads", false)
		water := saveDept(t, s, "water", false)
		depts := []*appeal.Department{&roads, &water, nil}
		var all []appeal.Appeal // oldest first
		for i := range 7 {
			all = append(all, create(t, s, intake(fmt.Sprintf("l%d", i)), depts[i%3]))
		}
		// Answers are not read for listings, so make one have some.
		mustAct(t, s, all[0].ID, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "ok"}, t0)
		ids := func(as []appeal.Appeal) []appeal.ID {
			out := []appeal.ID{}
			for _, a := range as {
				out = append(out, a.ID)
			}
			return out
		}
		pick := func(is ...int) []appeal.ID {
			out := []appeal.ID{}
			for _, i := range is {
				out = append(out, all[i].ID)
			}
			return out
		}
		list := func(f appeal.Filter) []appeal.Appeal {
			t.Helper()
			as, err := s.Appeals(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return as
		}

		everything := list(appeal.Filter{})
		same(t, "all, newest first", ids(everything), pick(6, 5, 4, 3, 2, 1, 0))
		if everything[6].Answers != nil || everything[6].Status != appeal.StatusAnswered {
			t.Errorf("listed appeal: %+v", everything[6])
		}
		withoutAnswers := all[5]
		same(t, "listed appeal", everything[1], withoutAnswers)

		var pages [][]appeal.ID
		for f := (appeal.Filter{Limit: 3}); ; {
			page := list(f)
			if len(page) == 0 {
				break
			}
			pages = append(pages, ids(page))
			f.Before = page[len(page)-1].ID
		}
		same(t, "pages", pages, [][]appeal.ID{pick(6, 5, 4), pick(3, 2, 1), pick(0)})

		same(t, "roads", ids(list(appeal.Filter{Department: "roads"})), pick(6, 3, 0))
		same(t, "unassigned", ids(list(appeal.Filter{Status: appeal.StatusUnassigned})), pick(5, 2))
		same(t, "assigned water before 4", ids(list(appeal.Filter{Status: appeal.StatusAssigned, Department: "water", Before: all[4].ID})), pick(1))
		same(t, "no match", ids(list(appeal.Filter{Department: "nope"})), pick())
	})
}

func TestDepartments(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		water, err := s.SaveDepartment(ctx, appeal.Department{Code: "water", Name: "供水 💧", Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy})
		if err != nil {
			t.Fatal(err)
		}
		if water.CreatedAt.IsZero() {
			t.Error("a department saved without a creation time got none")
		}
		roads := saveDept(t, s, "roads", false)
		same(t, "saved", roads, appeal.Department{Code: "roads", Name: "部门 roads", Timezone: "Asia/Shanghai",
			SLA: appeal.DefaultPolicy, CreatedAt: t0})

		got, err := s.Department(ctx, "roads")
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Department", got, roads)

		sla := appeal.Policy{
			Normal: appeal.Tier{Claim: appeal.WorkingHoursSpan(90 * time.Minute), Answer: appeal.WorkingDaysSpan(2), Resolve: appeal.CalendarSpan(240 * time.Hour)},
			Urgent: appeal.Tier{Claim: appeal.CalendarSpan(15 * time.Minute), Answer: appeal.CalendarSpan(90 * time.Minute), Resolve: appeal.CalendarSpan(12 * time.Hour)},
		}
		updated, err := s.SaveDepartment(ctx, appeal.Department{Code: "roads", Name: "道路", Timezone: "Europe/Berlin",
			SLA: sla, ApproveAnswers: true, CreatedAt: t0.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		want := appeal.Department{Code: "roads", Name: "道路", Timezone: "Europe/Berlin", SLA: sla, ApproveAnswers: true, CreatedAt: t0}
		same(t, "upserted", updated, want)

		list, err := s.Departments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Departments", list, []appeal.Department{want, water})

		_, err = s.Department(ctx, "nope")
		isNotFound(t, "Department(nope)", err)
	})
}

func TestMembers(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		alice, err := s.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: "1001", Username: "@Alice_W",
			DisplayName: "爱丽丝", Language: "zh", CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		same(t, "saved", alice, appeal.Member{ID: alice.ID, Network: "telegram", ExternalID: "1001", Username: "Alice_W",
			DisplayName: "爱丽丝", Language: "zh", CreatedAt: t0})
		if alice.ID == 0 {
			t.Fatal("no ID")
		}

		// Saving again updates the names and language, keeps ID and creation.
		alice2, err := s.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: "1001", Username: "alice_new",
			DisplayName: "Alice", Language: "en", CreatedAt: t0.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		same(t, "updated", alice2, appeal.Member{ID: alice.ID, Network: "telegram", ExternalID: "1001", Username: "alice_new",
			DisplayName: "Alice", Language: "en", CreatedAt: t0})

		for _, name := range []string{"alice_new", "@ALICE_NEW", "Alice_New"} {
			got, err := s.MemberByUsername(ctx, "telegram", name)
			if err != nil {
				t.Fatalf("MemberByUsername(%q): %v", name, err)
			}
			same(t, "by username "+name, got, alice2)
		}
		_, err = s.MemberByUsername(ctx, "telegram", "Alice_W")
		isNotFound(t, "old username", err)
		_, err = s.MemberByUsername(ctx, "matrix", "alice_new")
		isNotFound(t, "username on another network", err)
		_, err = s.MemberByUsername(ctx, "telegram", "@")
		isNotFound(t, "empty username", err)

		got, err := s.Member(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Member", got, alice2)
		got, err = s.MemberByExternal(ctx, "telegram", "1001")
		if err != nil {
			t.Fatal(err)
		}
		same(t, "MemberByExternal", got, alice2)

		// Another account takes the username: alice no longer holds it.
		bob, err := s.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: "1002", Username: "ALICE_new"})
		if err != nil {
			t.Fatal(err)
		}
		if bob.ID == alice.ID || bob.CreatedAt.IsZero() {
			t.Errorf("bob: %+v", bob)
		}
		got, err = s.MemberByUsername(ctx, "telegram", "alice_new")
		if err != nil || got.ID != bob.ID {
			t.Errorf("username now: %+v, %v; want bob", got, err)
		}
		if got, err := s.Member(ctx, alice.ID); err != nil || got.Username != "" {
			t.Errorf("alice after losing her username: %+v, %v", got, err)
		}

		// The same external id on another network is another member.
		m, err := s.SaveMember(ctx, appeal.Member{Network: "matrix", ExternalID: "1001", CreatedAt: t0})
		if err != nil || m.ID == alice.ID {
			t.Errorf("matrix member: %+v, %v", m, err)
		}

		_, err = s.Member(ctx, 999999)
		isNotFound(t, "Member(999999)", err)
		_, err = s.MemberByExternal(ctx, "telegram", "nope")
		isNotFound(t, "MemberByExternal(nope)", err)
	})
}

func TestGrants(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		saveDept(t, s, "roads", false)
		m, err := s.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: "1", Username: "lead", CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		leader := appeal.Grant{Member: m.ID, Role: appeal.RoleLeader, Department: "roads"}
		for range 2 {
			if err := s.Grant(ctx, leader); err != nil {
				t.Fatalf("Grant: %v", err)
			}
		}
		// A global role ignores the department it is given.
		if err := s.Grant(ctx, appeal.Grant{Member: m.ID, Role: appeal.RoleAdmin, Department: "roads"}); err != nil {
			t.Fatal(err)
		}
		admin := appeal.Grant{Member: m.ID, Role: appeal.RoleAdmin}
		grants, err := s.Grants(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Grants", grants, []appeal.Grant{admin, leader})

		for _, g := range []appeal.Grant{
			{Member: m.ID, Role: appeal.RoleResponder, Department: "nope"},
			{Member: m.ID, Role: appeal.RoleResponder},
			{Member: 999999, Role: appeal.RoleResponder, Department: "roads"},
			{Member: 999999, Role: appeal.RoleDispatcher},
		} {
			isNotFound(t, fmt.Sprintf("Grant(%+v)", g), s.Grant(ctx, g))
		}
		if err := s.Grant(ctx, appeal.Grant{Member: m.ID, Role: "boss"}); err == nil {
			t.Error("Grant of an unknown role succeeded")
		}

		members, err := s.DepartmentMembers(ctx, "roads", appeal.RoleLeader)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "leaders", members, []appeal.Member{m})
		members, err = s.DepartmentMembers(ctx, "roads", appeal.RoleResponder)
		if err != nil || len(members) != 0 {
			t.Errorf("responders: %+v, %v", members, err)
		}
		members, err = s.DepartmentMembers(ctx, "", appeal.RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "admins", members, []appeal.Member{m})

		if err := s.Revoke(ctx, leader); err != nil {
			t.Fatal(err)
		}
		isNotFound(t, "Revoke again", s.Revoke(ctx, leader))
		grants, err = s.Grants(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Grants after revoke", grants, []appeal.Grant{admin})
	})
}

// TestGrantTimes: a grant keeps when it was made (granting it again keeps
// the first time), and DepartmentGrants lists a department's holders of a
// role with those times; a grant made without a time reads as zero.
func TestGrantTimes(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		saveDept(t, s, "roads", false)
		saveDept(t, s, "water", false)
		var ms []appeal.Member
		for _, id := range []string{"1", "2", "3"} {
			m, err := s.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: id, CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		at := t0.Add(90 * time.Minute)
		for _, g := range []appeal.Grant{
			{Member: ms[0].ID, Role: appeal.RoleLeader, Department: "roads", Since: at},
			{Member: ms[0].ID, Role: appeal.RoleLeader, Department: "roads", Since: at.Add(time.Hour)}, // again
			{Member: ms[1].ID, Role: appeal.RoleLeader, Department: "roads"},
			{Member: ms[2].ID, Role: appeal.RoleLeader, Department: "water", Since: at},
			{Member: ms[2].ID, Role: appeal.RoleResponder, Department: "roads", Since: at},
		} {
			if err := s.Grant(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		gs, err := s.DepartmentGrants(ctx, "roads", appeal.RoleLeader)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "roads leaders", gs, []appeal.Grant{
			{Member: ms[0].ID, Role: appeal.RoleLeader, Department: "roads", Since: at.UTC()},
			{Member: ms[1].ID, Role: appeal.RoleLeader, Department: "roads"},
		})
		mine, err := s.Grants(ctx, ms[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "grants of member 3", mine, []appeal.Grant{
			{Member: ms[2].ID, Role: appeal.RoleResponder, Department: "roads", Since: at.UTC()},
			{Member: ms[2].ID, Role: appeal.RoleLeader, Department: "water", Since: at.UTC()},
		})
	})
}

func TestChatBindings(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		saveDept(t, s, "roads", false)
		saveDept(t, s, "water", false)
		bind := func(b appeal.ChatBinding) {
			t.Helper()
			if err := s.BindChat(ctx, b); err != nil {
				t.Fatalf("BindChat(%+v): %v", b, err)
			}
		}
		bindings := func(p appeal.ChatPurpose, dept string) []appeal.ChatBinding {
			t.Helper()
			bs, err := s.ChatBindings(ctx, p, dept)
			if err != nil {
				t.Fatal(err)
			}
			return bs
		}
		roads := appeal.ChatBinding{Purpose: appeal.ChatDepartment, Department: "roads", Network: "telegram", ChatID: "-100"}
		waterTopic := appeal.ChatBinding{Purpose: appeal.ChatDepartment, Department: "water", Network: "telegram", ChatID: "-100", TopicID: "5"}
		dispatch := appeal.ChatBinding{Purpose: appeal.ChatDispatch, Network: "telegram", ChatID: "-100"}
		bind(roads)
		bind(roads) // idempotent
		bind(waterTopic)
		bind(dispatch) // one chat, another purpose

		stolen := roads
		stolen.Department = "water"
		if err := s.BindChat(ctx, stolen); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("binding a bound chat to another department: %v, want ErrConflict", err)
		}
		isNotFound(t, "bind to a missing department", s.BindChat(ctx, appeal.ChatBinding{
			Purpose: appeal.ChatDepartment, Department: "nope", Network: "telegram", ChatID: "-1"}))
		isNotFound(t, "department chat without department", s.BindChat(ctx, appeal.ChatBinding{
			Purpose: appeal.ChatDepartment, Network: "telegram", ChatID: "-1"}))

		same(t, "roads chats", bindings(appeal.ChatDepartment, "roads"), []appeal.ChatBinding{roads})
		same(t, "water chats", bindings(appeal.ChatDepartment, "water"), []appeal.ChatBinding{waterTopic})
		same(t, "dispatch chats", bindings(appeal.ChatDispatch, ""), []appeal.ChatBinding{dispatch})

		// The group became a supergroup.
		if err := s.MigrateChat(ctx, "telegram", "-100", "-1001"); err != nil {
			t.Fatal(err)
		}
		for _, b := range []*appeal.ChatBinding{&roads, &waterTopic, &dispatch} {
			b.ChatID = "-1001"
		}
		same(t, "roads chats after migration", bindings(appeal.ChatDepartment, "roads"), []appeal.ChatBinding{roads})
		same(t, "water chats after migration", bindings(appeal.ChatDepartment, "water"), []appeal.ChatBinding{waterTopic})
		same(t, "dispatch chats after migration", bindings(appeal.ChatDispatch, ""), []appeal.ChatBinding{dispatch})
		// Reported twice, or for a chat without bindings: nothing changes.
		for _, ids := range [][2]string{{"-100", "-1001"}, {"-1001", "-1001"}, {"-7", "-8"}} {
			if err := s.MigrateChat(ctx, "telegram", ids[0], ids[1]); err != nil {
				t.Fatal(err)
			}
		}
		same(t, "dispatch chats after repeats", bindings(appeal.ChatDispatch, ""), []appeal.ChatBinding{dispatch})
		// Where the new chat is bound already, that binding stays.
		old := appeal.ChatBinding{Purpose: appeal.ChatDispatch, Network: "telegram", ChatID: "-300"}
		bind(old)
		if err := s.MigrateChat(ctx, "telegram", "-300", "-1001"); err != nil {
			t.Fatal(err)
		}
		same(t, "dispatch chats after a colliding migration", bindings(appeal.ChatDispatch, ""), []appeal.ChatBinding{dispatch})

		if err := s.UnbindChat(ctx, roads); err != nil {
			t.Fatal(err)
		}
		isNotFound(t, "UnbindChat again", s.UnbindChat(ctx, roads))
		same(t, "roads chats after unbind", bindings(appeal.ChatDepartment, "roads"), []appeal.ChatBinding{})
	})
}

func TestNotFound(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		_, err := s.Appeal(ctx, 424242)
		isNotFound(t, "Appeal", err)
		_, err = s.Events(ctx, 424242)
		isNotFound(t, "Events", err)
		_, err = s.Department(ctx, "nope")
		isNotFound(t, "Department", err)
		_, err = s.Member(ctx, 424242)
		isNotFound(t, "Member", err)
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})
}

func TestOpenPostgresUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := storage.Open(ctx, storage.Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"}, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "storage: ") {
		t.Errorf("Open of an unreachable server: %v", err)
	}
}

// The 12345 loop's fields survive a round trip on both stores: a review
// waiting, the last handoff, the counts and an extension's cost and
// leader's approval.
func TestProcessFieldsRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
		if _, err := s.SaveDepartment(ctx, appeal.Department{Code: "roads", Name: "Roads", Timezone: "UTC", SLA: appeal.DefaultPolicy,
			DirectTransfer: true, DispatchExtensions: true}); err != nil {
			t.Fatal(err)
		}
		d, err := s.Department(ctx, "roads")
		if err != nil || !d.DirectTransfer || !d.DispatchExtensions {
			t.Fatalf("department settings not stored: %+v %v", d, err)
		}
		stored, _, err := s.CreateAppeal(ctx, appeal.Appeal{Source: "t", ExternalID: "1", Title: "x", Priority: appeal.PriorityNormal,
			Status: appeal.StatusAssigned, Department: "roads", ReceivedAt: now, CreatedAt: now, UpdatedAt: now}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		review := &appeal.Handoff{Kind: appeal.HandoffTransfer, By: 7, From: "roads", To: "water", Reason: "一条主管道", At: now, Supervision: true}
		done := &appeal.Handoff{Kind: appeal.HandoffReturn, By: 8, From: "water", Reason: "not ours", At: now.Add(-time.Hour),
			DecidedBy: 9, DecidedAt: now.Add(-time.Minute)}
		x := &appeal.Extension{By: 7, Span: appeal.WorkingDaysSpan(2), Reason: "r", At: now, Cost: 15 * time.Hour,
			LeaderBy: 9, LeaderAt: now.Add(time.Minute)}
		got, err := s.UpdateAppeal(ctx, stored.ID, func(a appeal.Appeal, _ *appeal.Answer) (appeal.Change, error) {
			a.Review, a.Handoff, a.Bounces, a.Reopens, a.ExtendedWork, a.Extension = review, done, 2, 1, 30*time.Hour, x
			return appeal.Change{Appeal: a}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Review == nil || *got.Review != *review || got.Handoff == nil || *got.Handoff != *done {
			t.Errorf("handoffs: review %+v, done %+v", got.Review, got.Handoff)
		}
		if got.Bounces != 2 || got.Reopens != 1 || got.ExtendedWork != 30*time.Hour {
			t.Errorf("counts %d %d %v", got.Bounces, got.Reopens, got.ExtendedWork)
		}
		if got.Extension == nil || *got.Extension != *x {
			t.Errorf("extension %+v, want %+v", got.Extension, x)
		}
		// Cleared, they read back as nothing.
		got, err = s.UpdateAppeal(ctx, stored.ID, func(a appeal.Appeal, _ *appeal.Answer) (appeal.Change, error) {
			a.Review, a.Extension = nil, nil
			return appeal.Change{Appeal: a}, nil
		})
		if err != nil || got.Review != nil || got.Extension != nil || got.Handoff == nil {
			t.Errorf("after clearing: %+v %v", got, err)
		}
	})
}
