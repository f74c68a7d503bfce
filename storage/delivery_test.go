package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// eachReopen is each, also giving fn a way to open more handles on the same
// database, as another instance or a restart would.
func eachReopen(t *testing.T, fn func(t *testing.T, s *storage.Store, open func() *storage.Store)) {
	t.Helper()
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			cfg := storagetest.Config(t, b)
			open := func() *storage.Store {
				t.Helper()
				s, err := storage.Open(context.Background(), cfg, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			s := open()
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			fn(t, s, open)
		})
	}
}

// enqueue stores a new appeal created at at whose outbox holds msgs.
func enqueue(t *testing.T, s *storage.Store, ext string, at time.Time, msgs ...appeal.Message) appeal.Appeal {
	t.Helper()
	a, events, _ := appeal.NewAppeal(intake(ext), nil, "", office, at)
	stored, created, err := s.CreateAppeal(context.Background(), a, events, msgs)
	if err != nil || !created {
		t.Fatalf("CreateAppeal(%s): created %v, %v", ext, created, err)
	}
	return stored
}

func outboxFor(t *testing.T, s *storage.Store, id appeal.ID, kind appeal.RecipientKind) []appeal.OutboxMessage {
	t.Helper()
	out, err := s.OutboxFor(context.Background(), id, kind)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ids(ms []appeal.OutboxMessage) []int64 {
	out := []int64{}
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func isConflict(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, storage.ErrConflict) {
		t.Errorf("%s: err = %v, want ErrConflict", what, err)
	}
}

func TestCards(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := create(t, s, intake("card-a"), nil)
		b := create(t, s, intake("card-b"), nil)
		save := func(c appeal.Card) {
			t.Helper()
			if err := s.SaveCard(ctx, c); err != nil {
				t.Fatalf("SaveCard(%+v): %v", c, err)
			}
		}
		cards := func(id appeal.ID) []appeal.Card {
			t.Helper()
			cs, err := s.Cards(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return cs
		}
		byMessage := func(chat, msg string) (appeal.Card, error) {
			return s.CardByMessage(ctx, "telegram", chat, msg)
		}
		inTopic := appeal.Card{AppealID: a.ID, Network: "telegram", ChatID: "-100", TopicID: "5", MessageID: "11"}
		inChat := appeal.Card{AppealID: a.ID, Network: "telegram", ChatID: "-100", MessageID: "10"}
		other := appeal.Card{AppealID: b.ID, Network: "telegram", ChatID: "-100", MessageID: "12"}
		save(inTopic)
		save(inChat)
		save(other)
		same(t, "Cards", cards(a.ID), []appeal.Card{inChat, inTopic})
		same(t, "Cards of another appeal", cards(b.ID), []appeal.Card{other})
		c, err := byMessage("-100", "11")
		if err != nil {
			t.Fatal(err)
		}
		same(t, "CardByMessage", c, inTopic)

		// The card is posted anew: the new message replaces the old.
		inChat.MessageID = "20"
		save(inChat)
		same(t, "Cards after a re-post", cards(a.ID), []appeal.Card{inChat, inTopic})
		if c, err := byMessage("-100", "20"); err != nil || c != inChat {
			t.Errorf("CardByMessage of the new message: %+v, %v", c, err)
		}
		_, err = byMessage("-100", "10")
		isNotFound(t, "CardByMessage of the replaced message", err)
		_, err = byMessage("-999", "11")
		isNotFound(t, "CardByMessage in another chat", err)
		_, err = s.CardByMessage(ctx, "matrix", "-100", "11")
		isNotFound(t, "CardByMessage on another network", err)

		isNotFound(t, "SaveCard of a missing appeal", s.SaveCard(ctx, appeal.Card{
			AppealID: 424242, Network: "telegram", ChatID: "-100", MessageID: "1"}))
		same(t, "Cards of a missing appeal", cards(424242), []appeal.Card{})
	})
}

func TestMigrateChatMovesEverything(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		binding := appeal.ChatBinding{Purpose: appeal.ChatDepartment, Department: "roads", Network: "telegram", ChatID: "-100"}
		if err := s.BindChat(ctx, binding); err != nil {
			t.Fatal(err)
		}
		a := create(t, s, intake("mig-a"), &dept)
		b := create(t, s, intake("mig-b"), &dept)
		outA := outboxFor(t, s, a.ID, appeal.ToDepartment)[0].ID
		outB := outboxFor(t, s, b.ID, appeal.ToDepartment)[0].ID
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		card := func(id appeal.ID, chat, msg string) appeal.Card {
			return appeal.Card{AppealID: id, Network: "telegram", ChatID: chat, MessageID: msg}
		}
		delivery := func(id int64, chat, msg string) appeal.Delivery {
			return appeal.Delivery{OutboxID: id, Network: "telegram", ChatID: chat, MessageID: msg, At: t0}
		}
		// a is only in the old chat; b is in both, as when the bot posted
		// to the supergroup before it learnt of the migration.
		must(s.SaveCard(ctx, card(a.ID, "-100", "10")))
		must(s.SaveCard(ctx, card(b.ID, "-100", "11")))
		must(s.SaveCard(ctx, card(b.ID, "-1001", "99")))
		must(s.SetChatLanguage(ctx, "telegram", "-100", "ru"))
		must(s.MarkDelivered(ctx, delivery(outA, "-100", "10")))
		must(s.MarkDelivered(ctx, delivery(outB, "-100", "11")))
		must(s.MarkDelivered(ctx, delivery(outB, "-1001", "99")))
		// The same chat id on another network is another chat.
		matrix := appeal.Card{AppealID: a.ID, Network: "matrix", ChatID: "-100", MessageID: "m1"}
		must(s.SaveCard(ctx, matrix))
		must(s.SetChatLanguage(ctx, "matrix", "-100", "de"))

		snapshot := func() string {
			t.Helper()
			ca, err := s.Cards(ctx, a.ID)
			must(err)
			cb, err := s.Cards(ctx, b.ID)
			must(err)
			da, err := s.Deliveries(ctx, outA)
			must(err)
			db, err := s.Deliveries(ctx, outB)
			must(err)
			bs, err := s.ChatBindings(ctx, appeal.ChatDepartment, "roads")
			must(err)
			langs := ""
			for _, k := range [][2]string{{"telegram", "-100"}, {"telegram", "-1001"}, {"matrix", "-100"}} {
				l, err := s.ChatLanguage(ctx, k[0], k[1])
				must(err)
				langs += fmt.Sprintf(" %s/%s=%q", k[0], k[1], l)
			}
			return fmt.Sprintf("cards a %+v\ncards b %+v\ndeliveries a %+v\ndeliveries b %+v\nbindings %+v\nlanguages%s",
				ca, cb, da, db, bs, langs)
		}

		must(s.MigrateChat(ctx, "telegram", "-100", "-1001"))
		binding.ChatID = "-1001"
		want := fmt.Sprintf("cards a %+v\ncards b %+v\ndeliveries a %+v\ndeliveries b %+v\nbindings %+v\nlanguages%s",
			[]appeal.Card{matrix, card(a.ID, "-1001", "10")}, []appeal.Card{card(b.ID, "-1001", "99")},
			[]appeal.Delivery{delivery(outA, "-1001", "10")}, []appeal.Delivery{delivery(outB, "-1001", "99")},
			[]appeal.ChatBinding{binding}, ` telegram/-100="" telegram/-1001="ru" matrix/-100="de"`)
		if got := snapshot(); got != want {
			t.Errorf("after MigrateChat:\n%s\nwant\n%s", got, want)
		}
		_, err := s.CardByMessage(ctx, "telegram", "-100", "10")
		isNotFound(t, "card under the old chat id", err)
		if c, err := s.CardByMessage(ctx, "telegram", "-1001", "10"); err != nil || c.AppealID != a.ID {
			t.Errorf("card under the new chat id: %+v, %v", c, err)
		}

		// Reported again: nothing changes.
		must(s.MigrateChat(ctx, "telegram", "-100", "-1001"))
		if got := snapshot(); got != want {
			t.Errorf("after MigrateChat again:\n%s\nwant\n%s", got, want)
		}
		// Settings the new chat has already stay.
		must(s.SetChatLanguage(ctx, "telegram", "-300", "en"))
		must(s.MigrateChat(ctx, "telegram", "-300", "-1001"))
		if got := snapshot(); got != want {
			t.Errorf("after a colliding MigrateChat:\n%s\nwant\n%s", got, want)
		}
		if l, err := s.ChatLanguage(ctx, "telegram", "-300"); err != nil || l != "" {
			t.Errorf("language of the old chat: %q, %v", l, err)
		}
	})
}

func TestProcessedUpdates(t *testing.T) {
	eachReopen(t, func(t *testing.T, s *storage.Store, open func() *storage.Store) {
		ctx := context.Background()
		mark := func(s *storage.Store, network, id string, at time.Time, want bool) {
			t.Helper()
			first, err := s.MarkUpdate(ctx, network, id, at)
			if err != nil {
				t.Fatal(err)
			}
			if first != want {
				t.Errorf("MarkUpdate(%s, %s) = %v, want %v", network, id, first, want)
			}
		}
		mark(s, "telegram", "1", t0, true)
		mark(s, "telegram", "1", t0.Add(time.Second), false)
		mark(s, "matrix", "1", t0, true)
		// A restart: a new handle on the same database remembers. On
		// SQLite one process holds the data directory, so the old handle
		// closes first and the racing instances below share the new one.
		if s.Driver() == storage.SQLite {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
		restarted := open()
		if s.Driver() == storage.SQLite {
			s = restarted
		}
		mark(restarted, "telegram", "1", t0.Add(time.Minute), false)
		mark(restarted, "telegram", "2", t0.Add(time.Hour), true)
		mark(s, "telegram", "2", t0.Add(time.Hour), false)

		// Instances racing for one redelivered update: one wins.
		const n = 8
		firsts := make([]bool, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			h := s
			if i%2 == 1 {
				h = restarted
			}
			wg.Go(func() { firsts[i], errs[i] = h.MarkUpdate(ctx, "telegram", "race", t0.Add(2*time.Hour)) })
		}
		wg.Wait()
		wins := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if firsts[i] {
				wins++
			}
		}
		if wins != 1 {
			t.Errorf("%d of %d racing MarkUpdate calls were first, want 1", wins, n)
		}

		pruned, err := s.PruneUpdates(ctx, t0.Add(30*time.Minute))
		if err != nil || pruned != 2 {
			t.Errorf("PruneUpdates: %d, %v; want 2", pruned, err)
		}
		if n := count(t, s, "processed_updates"); n != 2 {
			t.Errorf("%d updates kept, want 2", n)
		}
		mark(s, "telegram", "1", t0.Add(3*time.Hour), true) // forgotten
		mark(s, "telegram", "2", t0.Add(3*time.Hour), false)
		if pruned, err := s.PruneUpdates(ctx, t0.Add(30*time.Minute)); err != nil || pruned != 0 {
			t.Errorf("PruneUpdates again: %d, %v; want 0", pruned, err)
		}
	})
}

func TestChatLanguage(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		lang := func(network, chat, want string) {
			t.Helper()
			l, err := s.ChatLanguage(ctx, network, chat)
			if err != nil || l != want {
				t.Errorf("ChatLanguage(%s, %s) = %q, %v; want %q", network, chat, l, err, want)
			}
		}
		set := func(network, chat, l string) {
			t.Helper()
			if err := s.SetChatLanguage(ctx, network, chat, l); err != nil {
				t.Fatal(err)
			}
		}
		lang("telegram", "-100", "")
		set("telegram", "-100", "ru")
		lang("telegram", "-100", "ru")
		set("telegram", "-100", "zh-Hans")
		lang("telegram", "-100", "zh-Hans")
		lang("telegram", "-200", "")
		lang("matrix", "-100", "")
		set("telegram", "-100", "")
		lang("telegram", "-100", "")
		set("telegram", "-100", "") // unsetting twice is fine
		if n := count(t, s, "chat_settings"); n != 0 {
			t.Errorf("%d chat_settings rows after unsetting, want 0", n)
		}
	})
}

func TestClaimOutbox(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		chats := appeal.ChatRecipients
		upstream := []appeal.RecipientKind{appeal.ToUpstream}
		claim := func(kinds []appeal.RecipientKind, now time.Time, n int, lease time.Duration) []appeal.OutboxMessage {
			t.Helper()
			ms, err := s.ClaimOutbox(ctx, kinds, now, n, lease)
			if err != nil {
				t.Fatal(err)
			}
			return ms
		}
		nextDue := func(kinds []appeal.RecipientKind, want time.Time) {
			t.Helper()
			next, ok, err := s.NextOutboxDue(ctx, kinds)
			if err != nil {
				t.Fatal(err)
			}
			if ok != !want.IsZero() || !next.Equal(want) {
				t.Errorf("NextOutboxDue(%v) = %v, %v; want %v", kinds, next, ok, want)
			}
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		card := func(to appeal.RecipientKind, ref string) appeal.Message {
			return appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: to, Ref: ref}}
		}
		callback := appeal.Message{Kind: appeal.MsgCallback, To: appeal.Recipient{Kind: appeal.ToUpstream},
			Args: map[string]string{"answer": "修好了"}}
		nextDue(chats, time.Time{})
		a1 := enqueue(t, s, "o1", t0, card(appeal.ToDepartment, "roads"), callback)
		a2 := enqueue(t, s, "o2", t0.Add(time.Minute), card(appeal.ToDispatch, ""), callback)
		a3 := enqueue(t, s, "o3", t0.Add(10*time.Minute), card(appeal.ToDepartment, "roads"))
		card1, cb1 := outboxFor(t, s, a1.ID, appeal.ToDepartment)[0], outboxFor(t, s, a1.ID, appeal.ToUpstream)[0]
		card2, cb2 := outboxFor(t, s, a2.ID, appeal.ToDispatch)[0], outboxFor(t, s, a2.ID, appeal.ToUpstream)[0]
		card3 := outboxFor(t, s, a3.ID, appeal.ToDepartment)[0]

		nextDue(chats, t0)
		nextDue(upstream, t0)
		nextDue([]appeal.RecipientKind{appeal.ToMember}, time.Time{})

		now, lease := t0.Add(5*time.Minute), time.Minute
		got := claim(chats, now, 1, lease)
		same(t, "first claim", got, []appeal.OutboxMessage{{
			ID: card1.ID, CreatedAt: t0,
			Message: appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDepartment, Ref: "roads"}, AppealID: a1.ID},
			State:   appeal.OutboxPending, Attempts: 1, NextAttemptAt: t0, ClaimedUntil: now.Add(lease),
		}})
		// card1 is leased, card3 not due yet, callbacks are not chats'.
		same(t, "second claim", ids(claim(chats, now, 10, lease)), []int64{card2.ID})
		same(t, "third claim", ids(claim(chats, now, 10, lease)), []int64{})
		nextDue(chats, now.Add(lease))

		cbs := claim(upstream, now, 10, time.Hour)
		same(t, "upstream claim", ids(cbs), []int64{cb1.ID, cb2.ID})
		if len(cbs) == 2 {
			same(t, "callback message", cbs[1].Message, appeal.Message{Kind: appeal.MsgCallback,
				To: appeal.Recipient{Kind: appeal.ToUpstream}, AppealID: a2.ID, Args: map[string]string{"answer": "修好了"}})
		}

		// The claimer crashed: nothing comes back before the lease ends,
		// everything at its end.
		same(t, "claim just before the lease ends", ids(claim(chats, now.Add(lease-time.Microsecond), 10, lease)), []int64{})
		now = now.Add(lease)
		got = claim(chats, now, 10, lease)
		same(t, "claim at the lease's end", ids(got), []int64{card1.ID, card2.ID})
		for _, m := range got {
			if m.Attempts != 2 || !m.ClaimedUntil.Equal(now.Add(lease)) {
				t.Errorf("reclaimed %d: attempts %d, claimed until %v", m.ID, m.Attempts, m.ClaimedUntil)
			}
		}

		// Sent.
		sentAt := now.Add(time.Second)
		must(s.MarkSent(ctx, card1.ID, sentAt))
		must(s.MarkSent(ctx, card1.ID, sentAt.Add(time.Second))) // again: no change
		isConflict(t, "MarkRetry of a sent message", s.MarkRetry(ctx, card1.ID, now, "late"))
		isConflict(t, "MarkFailed of a sent message", s.MarkFailed(ctx, card1.ID, now, "late"))
		m := outboxFor(t, s, a1.ID, appeal.ToDepartment)[0]
		if m.State != appeal.OutboxSent || !m.SentAt.Equal(sentAt) || m.Attempts != 2 || m.LastError != "" {
			t.Errorf("after MarkSent: %+v", m)
		}

		// Retried later.
		retryAt := t0.Add(20 * time.Minute)
		must(s.MarkRetry(ctx, card2.ID, retryAt, "429: retry after 840"))
		m = outboxFor(t, s, a2.ID, appeal.ToDispatch)[0]
		if m.State != appeal.OutboxPending || !m.NextAttemptAt.Equal(retryAt) || m.LastError != "429: retry after 840" || m.Attempts != 2 {
			t.Errorf("after MarkRetry: %+v", m)
		}
		nextDue(chats, t0.Add(10*time.Minute)) // card3
		same(t, "claim before the retry", ids(claim(chats, t0.Add(10*time.Minute), 10, time.Hour)), []int64{card3.ID})
		got = claim(chats, retryAt, 10, lease)
		same(t, "claim at the retry", ids(got), []int64{card2.ID})
		if len(got) == 1 && (got[0].Attempts != 3 || got[0].LastError != "429: retry after 840") {
			t.Errorf("retried message: %+v", got[0])
		}

		// Failed for good.
		must(s.MarkFailed(ctx, card2.ID, retryAt, "403: bot was kicked"))
		must(s.MarkFailed(ctx, card2.ID, retryAt.Add(time.Second), "again")) // no change
		isConflict(t, "MarkSent of a failed message", s.MarkSent(ctx, card2.ID, retryAt))
		isConflict(t, "MarkRetry of a failed message", s.MarkRetry(ctx, card2.ID, retryAt, "x"))
		m = outboxFor(t, s, a2.ID, appeal.ToDispatch)[0]
		if m.State != appeal.OutboxFailed || !m.FailedAt.Equal(retryAt) || m.LastError != "403: bot was kicked" || !m.SentAt.IsZero() {
			t.Errorf("after MarkFailed: %+v", m)
		}

		// card3's lease ran out at t0+70m.
		same(t, "claim after all", ids(claim(chats, t0.Add(70*time.Minute), 10, lease)), []int64{card3.ID})
		must(s.MarkSent(ctx, card3.ID, time.Time{})) // the database's clock
		if m := outboxFor(t, s, a3.ID, appeal.ToDepartment)[0]; m.SentAt.IsZero() || m.Attempts != 2 {
			t.Errorf("card3: %+v", m)
		}
		nextDue(chats, time.Time{})
		nextDue(upstream, t0.Add(5*time.Minute+time.Hour))
		same(t, "nothing left", ids(claim(chats, t0.Add(24*time.Hour), 10, lease)), []int64{})

		same(t, "OutboxFor upstream", ids(outboxFor(t, s, a1.ID, appeal.ToUpstream)), []int64{cb1.ID})
		same(t, "OutboxFor without rows", ids(outboxFor(t, s, a3.ID, appeal.ToUpstream)), []int64{})
		_, err := s.OutboxFor(ctx, 424242, appeal.ToUpstream)
		isNotFound(t, "OutboxFor of a missing appeal", err)
		isNotFound(t, "MarkSent of a missing message", s.MarkSent(ctx, 424242, now))
		isNotFound(t, "MarkRetry of a missing message", s.MarkRetry(ctx, 424242, now, "x"))
		isNotFound(t, "MarkFailed of a missing message", s.MarkFailed(ctx, 424242, now, "x"))
		if _, err := s.ClaimOutbox(ctx, nil, now, 10, lease); err == nil {
			t.Error("ClaimOutbox without kinds: no error")
		}
		if _, err := s.ClaimOutbox(ctx, chats, now, 10, 0); err == nil {
			t.Error("ClaimOutbox without a lease: no error")
		}
		if _, _, err := s.NextOutboxDue(ctx, nil); err == nil {
			t.Error("NextOutboxDue without kinds: no error")
		}
	})
}

// TestClaimOutboxConcurrent has instances (on SQLite, goroutines sharing a
// handle) drain the outbox together: each row must be claimed exactly once.
func TestClaimOutboxConcurrent(t *testing.T) {
	eachReopen(t, func(t *testing.T, s *storage.Store, open func() *storage.Store) {
		ctx := context.Background()
		const rows, claimers = 200, 4
		msgs := make([]appeal.Message, 0, rows+2)
		for i := range rows {
			to := appeal.ChatRecipients[i%len(appeal.ChatRecipients)]
			msgs = append(msgs, appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: to, Ref: fmt.Sprint(i)}})
		}
		// Not for these claimers.
		msgs = append(msgs, appeal.Message{Kind: appeal.MsgCallback, To: appeal.Recipient{Kind: appeal.ToUpstream}},
			appeal.Message{Kind: appeal.MsgCallback, To: appeal.Recipient{Kind: appeal.ToUpstream}})
		a := enqueue(t, s, "crowd", t0, msgs...)
		var want []int64
		for _, k := range appeal.ChatRecipients {
			want = append(want, ids(outboxFor(t, s, a.ID, k))...)
		}
		slices.Sort(want)
		if len(want) != rows {
			t.Fatalf("%d chat rows queued, want %d", len(want), rows)
		}

		handles := []*storage.Store{s, s, s, s}
		if s.Driver() == storage.Postgres {
			for i := 1; i < claimers; i++ {
				handles[i] = open()
			}
		}
		now := t0.Add(time.Minute)
		claimed := make([][]int64, claimers)
		errs := make([]error, claimers)
		var wg sync.WaitGroup
		for i, h := range handles {
			wg.Go(func() {
				for {
					ms, err := h.ClaimOutbox(ctx, appeal.ChatRecipients, now, 7, time.Hour)
					if err != nil {
						errs[i] = err
						return
					}
					if len(ms) == 0 {
						return
					}
					for _, m := range ms {
						claimed[i] = append(claimed[i], m.ID)
						// Settle every other row, so that writes
						// interleave with the claims.
						if m.ID%2 == 0 {
							if err := h.MarkSent(ctx, m.ID, now); err != nil {
								errs[i] = err
								return
							}
						}
					}
				}
			})
		}
		wg.Wait()
		var got []int64
		for i := range claimers {
			if errs[i] != nil {
				t.Fatalf("claimer %d: %v", i, errs[i])
			}
			got = append(got, claimed[i]...)
			t.Logf("claimer %d claimed %d rows", i, len(claimed[i]))
		}
		slices.Sort(got)
		if len(got) != rows || !slices.Equal(got, want) {
			t.Errorf("claimed %d rows (%d distinct), want each of %d once", len(got), len(slices.Compact(slices.Clone(got))), rows)
		}
		var n int
		if err := s.DB().Get(&n, `SELECT COUNT(*) FROM outbox WHERE recipient_kind <> 'upstream' AND attempts <> 1`); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows claimed more or less than once", n)
		}
		if ms, err := s.ClaimOutbox(ctx, appeal.ChatRecipients, now, 500, time.Hour); err != nil || len(ms) != 0 {
			t.Errorf("claim after the drain: %d rows, %v", len(ms), err)
		}
		if got := ids(outboxFor(t, s, a.ID, appeal.ToUpstream)); len(got) != 2 {
			t.Errorf("upstream rows: %v", got)
		}
	})
}

func TestDeliveries(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		a := create(t, s, intake("deliv"), &dept)
		id := outboxFor(t, s, a.ID, appeal.ToDepartment)[0].ID
		deliveries := func() []appeal.Delivery {
			t.Helper()
			ds, err := s.Deliveries(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return ds
		}
		mark := func(d appeal.Delivery) {
			t.Helper()
			if err := s.MarkDelivered(ctx, d); err != nil {
				t.Fatalf("MarkDelivered(%+v): %v", d, err)
			}
		}
		same(t, "Deliveries before any", deliveries(), []appeal.Delivery{})
		inTopic := appeal.Delivery{OutboxID: id, Network: "telegram", ChatID: "-100", TopicID: "5", MessageID: "11", At: t0.Add(2 * time.Second)}
		inChat := appeal.Delivery{OutboxID: id, Network: "telegram", ChatID: "-100", MessageID: "10", At: t0.Add(time.Second)}
		mark(inTopic)
		mark(inChat)
		again := inChat
		again.MessageID, again.At = "99", t0.Add(time.Hour)
		mark(again) // the first record stands
		same(t, "Deliveries", deliveries(), []appeal.Delivery{inChat, inTopic})

		mark(appeal.Delivery{OutboxID: id, Network: "telegram", ChatID: "-200"})
		ds := deliveries()
		i := slices.IndexFunc(ds, func(d appeal.Delivery) bool { return d.ChatID == "-200" })
		if len(ds) != 3 || i < 0 || ds[i].At.IsZero() {
			t.Errorf("delivery without a time: %+v", ds)
		}
		isNotFound(t, "MarkDelivered of a missing message", s.MarkDelivered(ctx, appeal.Delivery{
			OutboxID: 424242, Network: "telegram", ChatID: "-100"}))
	})
}

func TestOnOutboxIsCalledAfterCommitsThatWriteMessages(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			s := storagetest.Open(t, b)
			var calls atomic.Int32
			s.OnOutbox(func() { calls.Add(1) })
			now := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
			in := appeal.Intake{Source: "s", ExternalID: "hook", Title: "t", Body: "b", Priority: appeal.PriorityNormal, ReceivedAt: now}
			a, ev, msgs := appeal.NewAppeal(in, nil, "", office, now)
			stored, _, err := s.CreateAppeal(t.Context(), a, ev, msgs)
			if err != nil || calls.Load() != 1 {
				t.Fatalf("after intake: %v, %d calls", err, calls.Load())
			}
			if _, _, err := s.CreateAppeal(t.Context(), a, ev, msgs); err != nil || calls.Load() != 1 {
				t.Fatalf("a repeated intake writes nothing and must not wake: %v, %d calls", err, calls.Load())
			}
			_, err = s.UpdateAppeal(t.Context(), stored.ID, func(appeal.Appeal, *appeal.Answer) (appeal.Change, error) {
				return appeal.Change{}, appeal.ErrConflict
			})
			if err == nil || calls.Load() != 1 {
				t.Fatalf("a failed change must not wake: %v, %d calls", err, calls.Load())
			}
		})
	}
}

func TestCardsOfSeveralAppeals(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			s := storagetest.Open(t, b)
			now := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
			var ids []appeal.ID
			for _, ext := range []string{"c1", "c2", "c3"} {
				in := appeal.Intake{Source: "s", ExternalID: ext, Title: "t", Body: "b", Priority: appeal.PriorityNormal, ReceivedAt: now}
				a, ev, msgs := appeal.NewAppeal(in, nil, "", appeal.DefaultCalendar(time.UTC), now)
				stored, _, err := s.CreateAppeal(t.Context(), a, ev, msgs)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, stored.ID)
			}
			for i, chat := range []string{"-1", "-2"} {
				if err := s.SaveCard(t.Context(), appeal.Card{AppealID: ids[0], Network: "telegram", ChatID: chat, MessageID: strconv.Itoa(i + 10)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.SaveCard(t.Context(), appeal.Card{AppealID: ids[2], Network: "telegram", ChatID: "-1", MessageID: "7", Digest: true}); err != nil {
				t.Fatal(err)
			}
			got, err := s.CardsOf(t.Context(), ids)
			if err != nil || len(got[ids[0]]) != 2 || len(got[ids[1]]) != 0 || len(got[ids[2]]) != 1 || !got[ids[2]][0].Digest {
				t.Fatalf("CardsOf: %+v, %v", got, err)
			}
			if empty, err := s.CardsOf(t.Context(), nil); err != nil || len(empty) != 0 {
				t.Fatalf("no ids: %v %v", empty, err)
			}
		})
	}
}

// TestClaimsAreReleasedForANewLeader: rows a dead worker claimed come due for
// the next one at once, while rows waiting out a retry keep waiting.
func TestClaimsAreReleasedForANewLeader(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			s := storagetest.Open(t, b)
			ctx := t.Context()
			now := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
			kinds := []appeal.RecipientKind{appeal.ToDispatch}
			msg := appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDispatch}}
			if err := s.EnqueueMessages(ctx, now, []appeal.Message{msg, msg, msg}); err != nil {
				t.Fatal(err)
			}
			claimed, err := s.ClaimOutbox(ctx, kinds, now, 10, 10*time.Minute)
			if err != nil || len(claimed) != 3 {
				t.Fatalf("claim: %d %v", len(claimed), err)
			}
			// One waits out a retry_after; one was sent.
			if err := s.MarkRetry(ctx, claimed[0].ID, now.Add(time.Hour), "429"); err != nil {
				t.Fatal(err)
			}
			if err := s.MarkSent(ctx, claimed[1].ID, now); err != nil {
				t.Fatal(err)
			}
			if next, ok, err := s.NextOutboxDue(ctx, kinds); err != nil || !ok || !next.Equal(now.Add(10*time.Minute)) {
				t.Fatalf("next due while claimed: %v %v %v", next, ok, err)
			}
			if got, _ := s.ClaimOutbox(ctx, kinds, now.Add(time.Minute), 10, time.Minute); len(got) != 0 {
				t.Fatalf("a claimed row was claimed again: %+v", got)
			}
			n, err := s.ReleaseClaims(ctx, kinds)
			if err != nil || n != 1 {
				t.Fatalf("release: %d %v", n, err)
			}
			got, err := s.ClaimOutbox(ctx, kinds, now.Add(time.Minute), 10, time.Minute)
			if err != nil || len(got) != 1 || got[0].ID != claimed[2].ID || got[0].Attempts != 2 {
				t.Fatalf("after release: %+v %v", got, err)
			}
			for _, m := range must(s.ClaimOutbox(ctx, kinds, now.Add(59*time.Minute), 10, time.Minute)) {
				if m.ID == claimed[0].ID {
					t.Fatalf("the row waiting for its retry was hurried: %+v", m)
				}
			}
		})
	}
}

func TestRecordSendAndRecentDeliveries(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			s := storagetest.Open(t, b)
			ctx := t.Context()
			now := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
			in := appeal.Intake{Source: "s", ExternalID: "rs", Title: "t", Body: "b", Priority: appeal.PriorityNormal, ReceivedAt: now}
			a, ev, msgs := appeal.NewAppeal(in, nil, "", appeal.DefaultCalendar(time.UTC), now)
			stored, _, err := s.CreateAppeal(ctx, a, ev, msgs)
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := s.Outbox(ctx, 10)
			card := appeal.Card{AppealID: stored.ID, Network: "telegram", ChatID: "-9", MessageID: "44", Digest: true}
			d := appeal.Delivery{OutboxID: rows[0].ID, Network: "telegram", ChatID: "-9", MessageID: "44", At: now}
			for range 2 { // recording twice is harmless
				if err := s.RecordSend(ctx, []appeal.Card{card}, []appeal.Delivery{d}); err != nil {
					t.Fatal(err)
				}
			}
			if cs, _ := s.Cards(ctx, stored.ID); len(cs) != 1 || !cs[0].Digest || cs[0].MessageID != "44" {
				t.Fatalf("cards %+v", cs)
			}
			if ds, _ := s.Deliveries(ctx, rows[0].ID); len(ds) != 1 {
				t.Fatalf("deliveries %+v", ds)
			}
			recent, err := s.RecentDeliveries(ctx, "telegram", now.Add(-time.Minute))
			if err != nil || len(recent) != 1 || recent[0].ChatID != "-9" || !recent[0].At.Equal(now) {
				t.Fatalf("recent %+v %v", recent, err)
			}
			if old, _ := s.RecentDeliveries(ctx, "telegram", now); len(old) != 0 {
				t.Fatalf("deliveries not after since: %+v", old)
			}
			if err := s.RecordSend(ctx, nil, []appeal.Delivery{{OutboxID: 999999, Network: "telegram", ChatID: "-9"}}); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("a delivery of no row: %v", err)
			}
		})
	}
}

// TestRecentDeliveriesCountsEveryCall: a new delivery leader seeds its
// budgets from RecentDeliveries, so it must see every call the network
// took: an edit of a card apart from the card it edits, and a message
// that covered several rows (a digest) once.
func TestRecentDeliveriesCountsEveryCall(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			s := storagetest.Open(t, b)
			ctx := t.Context()
			now := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
			var ids []int64
			for i := range 4 {
				in := appeal.Intake{Source: "s", ExternalID: fmt.Sprint("rd", i), Title: "t", Body: "b", Priority: appeal.PriorityNormal, ReceivedAt: now}
				a, ev, msgs := appeal.NewAppeal(in, nil, "", appeal.DefaultCalendar(time.UTC), now)
				if _, _, err := s.CreateAppeal(ctx, a, ev, msgs); err != nil {
					t.Fatal(err)
				}
			}
			rows, _ := s.Outbox(ctx, 10)
			for _, r := range rows {
				ids = append(ids, r.ID)
			}
			if len(ids) < 4 {
				t.Fatalf("outbox rows %+v", rows)
			}
			send := func(at time.Time, msg string, outbox ...int64) {
				var ds []appeal.Delivery
				for _, id := range outbox {
					ds = append(ds, appeal.Delivery{OutboxID: id, Network: "telegram", ChatID: "-9", MessageID: msg, At: at})
				}
				if err := s.RecordSend(ctx, nil, ds); err != nil {
					t.Fatal(err)
				}
			}
			send(now, "44", ids[0])                            // a card
			send(now.Add(time.Second), "44", ids[1])           // its edit
			send(now.Add(2*time.Second), "45", ids[2], ids[3]) // a digest of two
			recent, err := s.RecentDeliveries(ctx, "telegram", now.Add(-time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recent {
				got = append(got, fmt.Sprintf("%s@%s", r.MessageID, r.At.Sub(now)))
			}
			if want := []string{"44@0s", "44@1s", "45@2s"}; !slices.Equal(got, want) {
				t.Fatalf("recent deliveries %v, want %v", got, want)
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// PromptCopies finds where the prompts a decision closes were delivered:
// those of its kind and appeal before it, since the decision before it,
// with a message (not refusals).
func TestPromptCopies(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		a := create(t, s, intake("prompts"), &dept)
		leaders := appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"}
		closing := appeal.Recipient{Kind: appeal.ToPrompts, Ref: string(appeal.MsgExtensionRequest)}
		enqueue := func(kind appeal.MessageKind, to appeal.Recipient) int64 {
			t.Helper()
			if err := s.EnqueueMessages(ctx, t0, []appeal.Message{{Kind: kind, To: to, AppealID: a.ID}}); err != nil {
				t.Fatal(err)
			}
			ms := outboxFor(t, s, a.ID, to.Kind)
			return ms[len(ms)-1].ID
		}
		mark := func(d appeal.Delivery) {
			t.Helper()
			if err := s.MarkDelivered(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		first := enqueue(appeal.MsgExtensionRequest, leaders)
		lee := appeal.Delivery{OutboxID: first, Network: "telegram", ChatID: "300", MessageID: "5", At: t0}
		liz := appeal.Delivery{OutboxID: first, Network: "telegram", ChatID: "301", MessageID: "7", At: t0}
		mark(lee)
		mark(liz)
		mark(appeal.Delivery{OutboxID: first, Network: "telegram", ChatID: "302", At: t0}) // refused
		other := enqueue(appeal.MsgAnswerApproval, leaders)
		mark(appeal.Delivery{OutboxID: other, Network: "telegram", ChatID: "300", MessageID: "6", At: t0})
		decided := enqueue(appeal.MsgPromptDecided, closing)
		second := enqueue(appeal.MsgExtensionRequest, leaders)
		again := appeal.Delivery{OutboxID: second, Network: "telegram", ChatID: "300", MessageID: "9", At: t0}
		mark(again)
		decidedAgain := enqueue(appeal.MsgPromptDecided, closing)

		got, err := s.PromptCopies(ctx, a.ID, appeal.MsgExtensionRequest, decided)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "copies the first decision closes", got, []appeal.Delivery{lee, liz})
		got, err = s.PromptCopies(ctx, a.ID, appeal.MsgExtensionRequest, decidedAgain)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "copies the second decision closes", got, []appeal.Delivery{again})
	})
}
