package storage_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestUndeliverableMessagesWait: a message no one can receive stays
// pending, counts as undeliverable from the first time it was found so,
// comes due at the time given, and is released at once (waking delivery)
// when someone may now receive it; a retry for another reason, or the
// send, ends its count.
func TestUndeliverableMessagesWait(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var woken atomic.Int32
		s.OnOutbox(func() { woken.Add(1) })
		card := appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDispatch}}
		a := enqueue(t, s, "U1", t0, card)
		b := enqueue(t, s, "U2", t0, card)
		countIs := func(what string, want int64) {
			t.Helper()
			n, err := s.UndeliverableCount(ctx)
			if err != nil || n != want {
				t.Fatalf("%s: %d undeliverable (%v), want %d", what, n, err, want)
			}
			mc, err := s.MetricCounts(ctx, t0)
			if err != nil || mc.Undeliverable != want {
				t.Fatalf("%s: metric counts say %d undeliverable (%v), want %d", what, mc.Undeliverable, err, want)
			}
		}
		countIs("at first", 0)
		if n, err := s.ReleaseUndeliverable(ctx, t0); err != nil || n != 0 {
			t.Fatalf("release with none waiting: %d %v", n, err)
		}

		rows, err := s.ClaimOutbox(ctx, appeal.ChatRecipients, t0, 10, time.Minute)
		if err != nil || len(rows) != 2 {
			t.Fatalf("claim: %v %v", rows, err)
		}
		hour := t0.Add(time.Hour)
		for _, r := range rows {
			if err := s.MarkUndeliverable(ctx, r.ID, t0, hour, "no one"); err != nil {
				t.Fatal(err)
			}
		}
		countIs("both wait", 2)
		row := outboxFor(t, s, a.ID, appeal.ToDispatch)[0]
		if row.State != appeal.OutboxPending || !row.UndeliverableSince.Equal(t0) || !row.NextAttemptAt.Equal(hour) ||
			row.LastError != "no one" || !row.ClaimedUntil.IsZero() {
			t.Fatalf("waiting row: %+v", row)
		}
		if rows, _ := s.ClaimOutbox(ctx, appeal.ChatRecipients, t0.Add(time.Minute), 10, time.Minute); len(rows) != 0 {
			t.Fatalf("a waiting row came due early: %+v", rows)
		}
		// Found undeliverable again later: it has waited since the first time.
		rows, _ = s.ClaimOutbox(ctx, appeal.ChatRecipients, hour, 10, time.Minute)
		if len(rows) != 2 {
			t.Fatalf("due again at the hour: %+v", rows)
		}
		for _, r := range rows {
			if err := s.MarkUndeliverable(ctx, r.ID, hour, hour.Add(time.Hour), "still no one"); err != nil {
				t.Fatal(err)
			}
		}
		if row := outboxFor(t, s, a.ID, appeal.ToDispatch)[0]; !row.UndeliverableSince.Equal(t0) {
			t.Fatalf("waiting since %v, want the first time %v", row.UndeliverableSince, t0)
		}

		before := woken.Load()
		n, err := s.ReleaseUndeliverable(ctx, hour.Add(time.Minute))
		if err != nil || n != 2 || woken.Load() != before+1 {
			t.Fatalf("release: %d %v, woken %d times", n, err, woken.Load()-before)
		}
		countIs("released, not yet tried", 2)
		rows, _ = s.ClaimOutbox(ctx, appeal.ChatRecipients, hour.Add(time.Minute), 10, time.Minute)
		if len(rows) != 2 {
			t.Fatalf("released rows are due at once: %+v", rows)
		}
		byID := map[appeal.ID]int64{}
		for _, r := range rows {
			byID[r.AppealID] = r.ID
		}
		if err := s.MarkRetry(ctx, byID[a.ID], hour.Add(2*time.Minute), "chat busy"); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkSent(ctx, byID[b.ID], hour.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		countIs("one retried, one sent", 0)
		isConflict(t, "a sent message cannot wait", s.MarkUndeliverable(ctx, byID[b.ID], hour, hour, "x"))
	})
}

// TestSetup reads what routing needs to know of the configuration.
func TestSetup(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		got, err := s.Setup(ctx)
		same(t, "empty setup", got, appeal.Setup{})
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"water", "roads"} {
			if _, err := s.SaveDepartment(ctx, appeal.Department{Code: code, Name: code, Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy}); err != nil {
				t.Fatal(err)
			}
		}
		bind := func(p appeal.ChatPurpose, dept, chat string) {
			if err := s.BindChat(ctx, appeal.ChatBinding{Purpose: p, Department: dept, Network: "telegram", ChatID: chat}); err != nil {
				t.Fatal(err)
			}
		}
		bind(appeal.ChatDepartment, "water", "-1")
		bind(appeal.ChatDepartment, "water", "-2")
		bind(appeal.ChatDispatch, "", "-3")
		grant := func(ext string, g appeal.Grant) {
			m, err := s.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: ext})
			if err != nil {
				t.Fatal(err)
			}
			g.Member = m.ID
			if err := s.Grant(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		grant("1", appeal.Grant{Role: appeal.RoleLeader, Department: "roads"})
		grant("2", appeal.Grant{Role: appeal.RoleResponder, Department: "water"})
		grant("3", appeal.Grant{Role: appeal.RoleAdmin})
		grant("4", appeal.Grant{Role: appeal.RoleDispatcher})
		got, err = s.Setup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "setup", got, appeal.Setup{Departments: []appeal.DepartmentSetup{{Code: "roads", Leaders: 1}, {Code: "water", Chats: 2}},
			DispatchChats: 1, Admins: 1})
	})
}
