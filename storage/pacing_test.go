package storage_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

func TestCardDigest(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := create(t, s, intake("digest-a"), nil)
		b := create(t, s, intake("digest-b"), nil)
		// One digest message shows both new appeals.
		da := appeal.Card{AppealID: a.ID, Network: "telegram", ChatID: "-100", MessageID: "7", Digest: true}
		db := appeal.Card{AppealID: b.ID, Network: "telegram", ChatID: "-100", MessageID: "7", Digest: true}
		for _, c := range []appeal.Card{da, db} {
			if err := s.SaveCard(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		cs, err := s.Cards(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Cards of a digest", cs, []appeal.Card{da})
		c, err := s.CardByMessage(ctx, "telegram", "-100", "7")
		if err != nil || !c.Digest {
			t.Errorf("CardByMessage of a digest: %+v, %v", c, err)
		}
		// A change to a posts its own card, which replaces the digest as a's.
		da.MessageID, da.Digest = "8", false
		if err := s.SaveCard(ctx, da); err != nil {
			t.Fatal(err)
		}
		cs, err = s.Cards(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "Cards after a proper card", cs, []appeal.Card{da})
		if c, err := s.CardByMessage(ctx, "telegram", "-100", "8"); err != nil || c != da {
			t.Errorf("CardByMessage of the proper card: %+v, %v", c, err)
		}
		if c, err := s.CardByMessage(ctx, "telegram", "-100", "7"); err != nil || c != db {
			t.Errorf("CardByMessage of the digest, still b's: %+v, %v", c, err)
		}
	})
}

func TestEnqueueMessages(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var calls atomic.Int32
		s.OnOutbox(func() { calls.Add(1) })
		a := create(t, s, intake("enqueue"), nil)
		calls.Store(0)
		before := count(t, s, "outbox")

		if err := s.EnqueueMessages(ctx, t0, nil); err != nil || calls.Load() != 0 {
			t.Fatalf("EnqueueMessages of nothing: %v, %d calls", err, calls.Load())
		}
		reply := appeal.Message{Kind: appeal.MsgReply, To: appeal.Recipient{Kind: appeal.ToChat},
			Args: map[string]string{appeal.ArgNetwork: "telegram", appeal.ArgChat: "-100", appeal.ArgHTML: "<b>好</b>"}}
		about := appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDispatch}, AppealID: a.ID}
		if err := s.EnqueueMessages(ctx, t0, []appeal.Message{reply, about}); err != nil {
			t.Fatal(err)
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("OnOutbox called %d times for one EnqueueMessages, want 1", n)
		}
		out, err := s.Outbox(ctx, 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != before+2 {
			t.Fatalf("outbox holds %d rows, want %d", len(out), before+2)
		}
		got := out[len(out)-2:]
		for i, want := range []appeal.Message{reply, about} {
			same(t, "enqueued message", got[i].Message, want)
			if !got[i].CreatedAt.Equal(t0) || !got[i].NextAttemptAt.Equal(t0) || got[i].State != appeal.OutboxPending {
				t.Errorf("enqueued row %d: created %v, due %v, %s; want %v, pending", i, got[i].CreatedAt, got[i].NextAttemptAt, got[i].State, t0)
			}
		}

		// No time: the database's clock.
		if err := s.EnqueueMessages(ctx, time.Time{}, []appeal.Message{reply}); err != nil {
			t.Fatal(err)
		}
		out, err = s.Outbox(ctx, 500)
		if err != nil {
			t.Fatal(err)
		}
		if m := out[len(out)-1]; m.CreatedAt.IsZero() || !m.NextAttemptAt.Equal(m.CreatedAt) || m.AppealID != 0 {
			t.Errorf("enqueued without a time: %+v", m)
		}

		// All or nothing: one message about a missing appeal writes none.
		calls.Store(0)
		n := count(t, s, "outbox")
		missing := about
		missing.AppealID = 424242
		isNotFound(t, "EnqueueMessages about a missing appeal", s.EnqueueMessages(ctx, t0, []appeal.Message{reply, missing}))
		if got := count(t, s, "outbox"); got != n || calls.Load() != 0 {
			t.Errorf("a failed EnqueueMessages left %d rows (had %d) and %d calls", got, n, calls.Load())
		}
	})
}

// wake is an fn for ListenOutbox that never blocks.
func wake(ch chan struct{}) func() {
	return func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func TestListenOutbox(t *testing.T) {
	eachReopen(t, func(t *testing.T, s *storage.Store, open func() *storage.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if s.Driver() == storage.SQLite {
			// One process owns the file: OnOutbox wakes it, there is
			// nothing to listen to, and ListenOutbox returns at once.
			if err := s.ListenOutbox(ctx, func() { t.Error("fn called on SQLite") }); err != nil {
				t.Fatal(err)
			}
			return
		}
		a, b := s, open() // two instances on one database
		woke := make(chan struct{}, 1)
		ended := make(chan error, 1)
		go func() { ended <- a.ListenOutbox(ctx, wake(woke)) }()
		waitWake := func(what string) {
			t.Helper()
			select {
			case <-woke:
			case err := <-ended:
				t.Fatalf("%s: ListenOutbox returned %v", what, err)
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: listener not called", what)
			}
		}
		noWake := func(what string) {
			t.Helper()
			select {
			case <-woke:
				t.Errorf("%s: listener called", what)
			case <-time.After(300 * time.Millisecond):
			}
		}
		waitWake("listening started")
		noWake("nothing written")

		stored := enqueue(t, b, "listen", t0, appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDispatch}})
		waitWake("CreateAppeal on another instance")
		reply := appeal.Message{Kind: appeal.MsgReply, To: appeal.Recipient{Kind: appeal.ToChat}}
		if err := b.EnqueueMessages(ctx, t0, []appeal.Message{reply, reply}); err != nil {
			t.Fatal(err)
		}
		waitWake("EnqueueMessages on another instance")
		noWake("one commit") // two rows, one notification

		// fn refuses: nothing is written.
		_, err := b.UpdateAppeal(ctx, stored.ID, func(appeal.Appeal, *appeal.Answer) (appeal.Change, error) {
			return appeal.Change{}, appeal.ErrConflict
		})
		if !errors.Is(err, appeal.ErrConflict) {
			t.Fatalf("UpdateAppeal: %v", err)
		}
		noWake("UpdateAppeal rolled back by fn")
		// The messages and the notification are written, then the
		// update fails (no such department) and takes them back.
		_, err = b.UpdateAppeal(ctx, stored.ID, func(cur appeal.Appeal, _ *appeal.Answer) (appeal.Change, error) {
			cur.Department = "no-such-department"
			return appeal.Change{Appeal: cur, Messages: []appeal.Message{reply}}, nil
		})
		isNotFound(t, "UpdateAppeal into a missing department", err)
		noWake("UpdateAppeal rolled back after writing messages")

		cancel()
		select {
		case err := <-ended:
			if err != nil {
				t.Errorf("ListenOutbox at ctx end: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("ListenOutbox did not return when ctx ended")
		}
	})
}

// lost fails t unless l's leadership ends within the time given.
func lost(t *testing.T, l *storage.Lease, what string, within time.Duration) {
	t.Helper()
	timeout := time.NewTimer(within)
	defer timeout.Stop()
	select {
	case <-l.Lost():
		return
	default:
	}
	select {
	case <-l.Lost():
	case <-timeout.C:
		t.Fatalf("%s: Lost not closed within %v", what, within)
	}
}

// tryLeadSQLite is TestTryLead on SQLite, where one process owns the file
// and so leads.
func tryLeadSQLite(t *testing.T, s *storage.Store) {
	ctx := context.Background()
	l, ok, err := s.TryLead(ctx, "delivery")
	if err != nil || !ok {
		t.Fatalf("TryLead: %v, %v", ok, err)
	}
	// The lease is exclusive within the store, as on PostgreSQL.
	if _, ok, err := s.TryLead(ctx, "delivery"); err != nil || ok {
		t.Errorf("TryLead of a held role: %v, %v", ok, err)
	}
	other, ok, err := s.TryLead(ctx, "reminders")
	if err != nil || !ok {
		t.Errorf("TryLead of another role: %v, %v", ok, err)
	}
	select {
	case <-l.Lost():
		t.Fatal("Lost closed while held")
	default:
	}
	l.Release()
	l.Release()
	lost(t, l, "released", time.Second)
	l, err = s.Lead(ctx, "delivery", time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// Closing the store releases what it holds.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	lost(t, l, "store closed", time.Second)
	lost(t, other, "store closed", time.Second)
	if _, _, err := s.TryLead(ctx, "delivery"); err == nil {
		t.Error("TryLead on a closed store: no error")
	}
}

func TestTryLead(t *testing.T) {
	eachReopen(t, func(t *testing.T, s *storage.Store, open func() *storage.Store) {
		if s.Driver() == storage.SQLite {
			tryLeadSQLite(t, s)
			return
		}
		ctx := context.Background()
		a, b := s, open() // two instances on one database
		tryLead := func(s *storage.Store, what string, want bool) *storage.Lease {
			t.Helper()
			l, ok, err := s.TryLead(ctx, "delivery")
			if err != nil || ok != want || (l != nil) != want {
				t.Fatalf("%s: TryLead = %v, %v, %v; want ok %v", what, l, ok, err, want)
			}
			return l
		}
		held := func(l *storage.Lease, what string) {
			t.Helper()
			select {
			case <-l.Lost():
				t.Fatalf("%s: Lost closed", what)
			default:
			}
		}

		la := tryLead(a, "a", true)
		tryLead(b, "b while a leads", false)
		tryLead(a, "a again while a leads", false)
		if _, ok, err := b.TryLead(ctx, "reminders"); err != nil || !ok {
			t.Errorf("b leads another role: %v, %v", ok, err)
		}

		// Lead gives up when ctx ends.
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		_, err := b.Lead(short, "delivery", 50*time.Millisecond)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Lead while a leads: %v, want the ctx error", err)
		}
		if _, err := b.Lead(ctx, "delivery", 0); err == nil {
			t.Error("Lead with no retry interval: no error")
		}

		// Lead blocks until a releases.
		got := make(chan *storage.Lease, 1)
		go func() {
			l, err := b.Lead(ctx, "delivery", 50*time.Millisecond)
			if err != nil {
				t.Error(err)
			}
			got <- l
		}()
		select {
		case <-got:
			t.Fatal("Lead returned while a leads")
		case <-time.After(300 * time.Millisecond):
		}
		held(la, "a, before Release")
		la.Release()
		la.Release()
		lost(t, la, "a, released", 0)
		var lb *storage.Lease
		select {
		case lb = <-got:
		case <-time.After(5 * time.Second):
			t.Fatal("Lead did not return after a released")
		}
		if lb == nil {
			t.FailNow()
		}

		// b's connection is killed: b loses the lead, a takes it.
		c := open()
		var killed bool
		if err := c.DB().QueryRow(`SELECT pg_terminate_backend($1)`, lb.BackendPID()).Scan(&killed); err != nil || !killed {
			t.Fatalf("pg_terminate_backend(%d): %v, %v", lb.BackendPID(), killed, err)
		}
		lost(t, lb, "b, connection killed", 5*time.Second)
		lb.Release() // after Lost, a no-op that must not hang
		waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		la, err = a.Lead(waitCtx, "delivery", 50*time.Millisecond)
		if err != nil {
			t.Fatalf("a after b's connection died: %v", err)
		}
		held(la, "a, leading again")
		// b still works with the rest of its pool.
		tryLead(b, "b while a leads again", false)

		// a's store closes: a loses the lead, b takes it.
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		lost(t, la, "a, store closed", 5*time.Second)
		lb = tryLead(b, "b after a closed", true)
		held(lb, "b, leading")
		lb.Release()
	})
}
