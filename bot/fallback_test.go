package bot_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/internal/buftest"
)

// fallbacks is setup with water bound to no chat, a deliverer that knows
// the configured admins and logs to the returned buffer.
func fallbacks(t *testing.T, admins ...string) (*fixture, *buftest.Buffer) {
	t.Helper()
	f := setup(t)
	logs := &buftest.Buffer{}
	f.d = bot.NewDeliverer(f.store, f.rnd, []bot.Transport{f.tr}, f.clk.now,
		slog.New(slog.NewTextHandler(logs, nil)), bot.DeliveryOptions{Admins: admins})
	return f, logs
}

func (f *fixture) bind(t *testing.T, p appeal.ChatPurpose, dept, chat string) {
	t.Helper()
	if err := f.store.BindChat(t.Context(), appeal.ChatBinding{Purpose: p, Department: dept, Network: "telegram", ChatID: chat}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) grant(t *testing.T, ext, lang string, g appeal.Grant) {
	t.Helper()
	m, err := f.store.SaveMember(t.Context(), appeal.Member{Network: "telegram", ExternalID: ext, Language: lang})
	if err != nil {
		t.Fatal(err)
	}
	g.Member = m.ID
	if err := f.store.Grant(t.Context(), g); err != nil {
		t.Fatal(err)
	}
}

func only(t *testing.T, tg *botapitest.Server, chat int64, what string) botapitest.Message {
	t.Helper()
	got := tg.Messages(chat)
	if len(got) != 1 {
		t.Fatalf("%s: chat %d got %d messages, want 1: %+v", what, chat, len(got), got)
	}
	return got[0]
}

// A department without a bound chat: its leaders get its cards privately,
// each in their language, marked with why.
func TestDepartmentWithoutChatReachesItsLeadersPrivately(t *testing.T) {
	f, _ := fallbacks(t)
	f.grant(t, "501", "en", appeal.Grant{Role: appeal.RoleLeader, Department: "water"})
	f.grant(t, "502", "zh", appeal.Grant{Role: appeal.RoleLeader, Department: "water"})
	f.bind(t, appeal.ChatDispatch, "", "-200")
	a := f.intake(t, "A")
	f.run(t)
	en := only(t, f.tg, 501, "the English-speaking leader")
	if !strings.HasPrefix(en.Plain, "↪️ Sent here because: Department water has no bound chat\n") || !strings.Contains(en.Plain, "#1") {
		t.Fatalf("leader 501 got %q", en.Plain)
	}
	zh := only(t, f.tg, 502, "the Chinese-speaking leader")
	if !strings.HasPrefix(zh.Plain, "↪️ 转来此处：部门 water 未绑定工作群\n") {
		t.Fatalf("leader 502 got %q", zh.Plain)
	}
	if len(f.tg.Messages(-200)) != 0 {
		t.Fatal("dispatch got what the leaders could take")
	}
	// The card is edited where it stands, mark and all.
	if _, err := f.svc.Act(t.Context(), a.ID, appeal.Command{Action: appeal.ActClaim, Actor: 1}); err != nil {
		t.Fatal(err)
	}
	f.clk.add(time.Second) // each chat's budget
	f.run(t)
	if edits := f.tg.Edits(); len(edits) != 2 || !strings.HasPrefix(edits[0].Text, "↪️") || !strings.HasPrefix(edits[1].Text, "↪️") {
		t.Fatalf("edits %+v, want both leaders' cards edited with their mark", edits)
	}
	if row := f.cardRow(t, a.ID); row.State != appeal.OutboxSent {
		t.Fatalf("row %+v", row)
	}
}

// No chat and no leader: the dispatch chat gets the card; with no dispatch
// chat either, a configured admin gets it privately.
func TestNoChatNoLeaderReachesDispatchThenAdmins(t *testing.T) {
	f, _ := fallbacks(t, "telegram:700")
	f.bind(t, appeal.ChatDispatch, "", "-200")
	f.intake(t, "A")
	f.run(t)
	if m := only(t, f.tg, -200, "dispatch"); !strings.HasPrefix(m.Plain,
		"↪️ Sent here because: Department water has no bound chat; Department water has no leader\n") {
		t.Fatalf("dispatch got %q", m.Plain)
	}
	if len(f.tg.Messages(700)) != 0 {
		t.Fatal("the admin got what dispatch could take")
	}

	g, _ := fallbacks(t, "telegram:700")
	g.intake(t, "B")
	g.run(t)
	m := only(t, g.tg, 700, "the configured admin")
	if !strings.HasPrefix(m.Plain, "↪️ Sent here because: Department water has no bound chat; Department water has no leader; "+
		"No dispatch chat is bound; No supervision chat is bound\n") {
		t.Fatalf("admin got %q", m.Plain)
	}
}

// A chat that refuses messages for good (the bot was removed) is passed
// over: the message goes on down its chain, is not sent to that chat
// again, and dispatch hears that the chat refuses.
func TestRefusedChatSendsTheMessageDownItsChain(t *testing.T) {
	f, logs := fallbacks(t)
	f.bind(t, appeal.ChatDepartment, "water", "-300")
	f.tg.KickFrom(-300)
	b := f.intake(t, "B")
	f.run(t) // refused by -300: the row goes on down its chain
	f.run(t) // no leader, dispatch, supervision or admin: it waits
	row := f.cardRow(t, b.ID)
	if row.State != appeal.OutboxPending || row.UndeliverableSince.IsZero() ||
		!strings.Contains(row.LastError, "The chat of department water refuses messages") {
		t.Fatalf("after the refusal: %+v", row)
	}
	if logs.Lines("every chat refused the message") != 1 {
		t.Fatalf("log:\n%s", logs.String())
	}
	sends := f.tg.Calls("sendMessage")

	f.bind(t, appeal.ChatDispatch, "", "-200")
	if n, err := f.store.ReleaseUndeliverable(t.Context(), f.clk.now()); err != nil || n != 2 {
		t.Fatalf("release: %d %v, want the card and the report of the refusal", n, err)
	}
	f.run(t)
	f.clk.add(time.Second) // the chat's budget
	f.run(t)
	got := f.tg.Messages(-200)
	if len(got) != 2 {
		t.Fatalf("dispatch got %+v, want the card and the report", got)
	}
	var card, report string
	for _, m := range got {
		if strings.Contains(m.Plain, "停水") {
			card = m.Plain
		} else {
			report = m.Plain
		}
	}
	if !strings.HasPrefix(card, "↪️ Sent here because: The chat of department water refuses messages (the bot may have been removed); "+
		"Department water has no leader\n") {
		t.Fatalf("card %q", card)
	}
	if !strings.Contains(report, "-300") {
		t.Fatalf("report %q", report)
	}
	if f.tg.Calls("sendMessage") != sends+2 {
		t.Fatalf("%d sends after the binding, want 2: the refusing chat is not tried again", f.tg.Calls("sendMessage")-sends)
	}
	if row := f.cardRow(t, b.ID); row.State != appeal.OutboxSent || !row.UndeliverableSince.IsZero() && row.State == appeal.OutboxPending {
		t.Fatalf("row %+v", row)
	}
}

// Nothing bound and no admin to write to: the message waits (neither sent
// nor failed), is counted, tried again, and said at ERROR once a minute
// until a binding releases it, which delivers it at once.
func TestUnreachableMessageWaitsAndGoesOutWhenAChatIsBound(t *testing.T) {
	f, logs := fallbacks(t)
	a := f.intake(t, "A")
	f.run(t)
	row := f.cardRow(t, a.ID)
	if row.State != appeal.OutboxPending || !row.UndeliverableSince.Equal(f.clk.now()) ||
		row.LastError != "no one can receive it: Department water has no bound chat; Department water has no leader; "+
			"No dispatch chat is bound; No supervision chat is bound; There is no admin" {
		t.Fatalf("waiting row: %+v", row)
	}
	errors := func() int { return logs.Lines("level=ERROR", "messages wait", "undeliverable=") }
	if errors() != 1 || logs.Lines("no chat to deliver to") != 0 {
		t.Fatalf("log:\n%s", logs.String())
	}
	if n, _ := f.store.UndeliverableCount(t.Context()); n != 1 {
		t.Fatalf("%d undeliverable, want 1", n)
	}

	f.clk.add(10 * time.Second)
	f.intake(t, "B")
	f.run(t)
	if n, _ := f.store.UndeliverableCount(t.Context()); n != 2 || errors() != 1 {
		t.Fatalf("within the minute: %d undeliverable, %d ERROR lines, want 2 and still 1", n, errors())
	}
	f.clk.add(time.Minute)
	if f.run(t) != 0 {
		t.Fatal("nothing can be sent")
	}
	if errors() != 2 || logs.Lines("undeliverable=2") != 1 {
		t.Fatalf("a minute later, the log says it again:\n%s", logs.String())
	}
	if row := f.cardRow(t, a.ID); row.State != appeal.OutboxPending || row.Attempts != 2 {
		t.Fatalf("tried again after its wait: %+v", row)
	}

	// Binding a chat releases them: the worker, which looks at the outbox
	// only when woken (its clock stands still), delivers at once what the
	// chat's budget allows, and the other a second later.
	f.store.OnOutbox(f.d.Wake)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.d.Run(ctx) }()
	stop := sync.OnceFunc(func() { cancel(); <-done })
	defer stop()
	f.bind(t, appeal.ChatDepartment, "water", "-100")
	if n, err := f.store.ReleaseUndeliverable(t.Context(), f.clk.now()); err != nil || n != 2 {
		t.Fatalf("release: %d %v", n, err)
	}
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(-100)) == 1 }, 10*time.Second)
	stop()
	f.clk.add(time.Second)
	f.run(t)
	if got := f.tg.Messages(-100); len(got) != 2 {
		t.Fatalf("chat got %d messages, want both cards", len(got))
	}
	for _, m := range f.tg.Messages(-100) {
		if strings.HasPrefix(m.Plain, "↪️") {
			t.Fatalf("a card in its own chat has no mark: %q", m.Plain)
		}
	}
	if n, _ := f.store.UndeliverableCount(t.Context()); n != 0 {
		t.Fatalf("%d still undeliverable", n)
	}
	f.clk.add(time.Minute)
	f.run(t)
	if errors() != 2 || logs.Lines("level=INFO", "no message waits for a recipient any more") != 1 {
		t.Fatalf("once fixed, the log says so once:\n%s", logs.String())
	}
}

// A burst of cards that fall back to a busy group are merged into digests
// as their own would be, and each digest says why it came there.
func TestFallbackBurstIsCoalescedWithItsMark(t *testing.T) {
	f := limited(t) // water has no chat and no leader
	if err := f.store.BindChat(t.Context(), appeal.ChatBinding{Purpose: appeal.ChatDispatch, Network: "telegram", ChatID: "-500"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for i := range 30 {
		f.intake(t, "F"+strconv.Itoa(i))
	}
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(appealsIn(s, -500)) == 30 }, 20*time.Second)
	msgs := f.tg.Messages(-500)
	if len(msgs) > 6 {
		t.Fatalf("%d messages for 30 appeals: they were not merged", len(msgs))
	}
	for _, m := range msgs {
		if !strings.HasPrefix(m.Plain, "↪️ Sent here because: Department water has no bound chat; Department water has no leader\n") {
			t.Fatalf("a message without its mark: %q", m.Plain)
		}
	}
}
