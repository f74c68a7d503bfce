package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/bot/telegram"
	"github.com/appealbot/appealbot/internal/backoff"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	tg    *botapitest.Server
	store *storage.Store
	svc   *appeal.Service
	clk   *clock
	d     *bot.Deliverer
	tr    bot.Transport
	rnd   *render.Renderer
}

// setup wires the real delivery path: store → deliverer → telego → Bot API
// test server, with department water bound to the given Telegram chats, on
// a test clock that moves only when told.
func setup(t *testing.T, chats ...int64) *fixture {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
	f := newFixture(t, botapitest.New(t), clk.now, bot.DeliveryOptions{}, chats)
	f.clk = clk
	return f
}

// limited is setup with the test server enforcing Telegram's limits and a
// real clock: what the pacer allows must never be refused.
func limited(t *testing.T, chats ...int64) *fixture {
	t.Helper()
	f := newFixture(t, botapitest.New(t, botapitest.WithLimits(botapitest.TelegramLimits())), time.Now,
		bot.DeliveryOptions{Poll: 50 * time.Millisecond}, chats)
	f.store.OnOutbox(f.d.Wake)
	return f
}

func newFixture(t *testing.T, tg *botapitest.Server, now func() time.Time, opts bot.DeliveryOptions, chats []int64) *fixture {
	t.Helper()
	f := &fixture{tg: tg, store: storagetest.Open(t, "postgres")}
	log := slog.New(slog.DiscardHandler)
	f.svc = appeal.NewService(f.store, now, "Asia/Shanghai")
	if _, err := f.svc.SaveDepartment(t.Context(), appeal.Department{Code: "water", Name: "供水"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range chats {
		if err := f.store.BindChat(t.Context(), appeal.ChatBinding{Purpose: appeal.ChatDepartment, Department: "water",
			Network: "telegram", ChatID: strconv.FormatInt(c, 10)}); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := telegram.New(t.Context(), telegram.Config{Token: botapitest.Token, APIURL: f.tg.URL()}, log)
	if err != nil {
		t.Fatal(err)
	}
	f.tr, f.rnd = tr, render.New(f.store, f.svc, render.Config{DefaultLang: "en"}, log)
	f.d = bot.NewDeliverer(f.store, f.rnd, []bot.Transport{tr}, now, log, opts)
	return f
}

func (f *fixture) intake(t *testing.T, ext string) appeal.Appeal {
	t.Helper()
	a, _, err := f.svc.Intake(t.Context(), appeal.Intake{Source: "12345", ExternalID: ext, Title: "停水", Body: "三天没水", Department: "water"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) run(t *testing.T) int {
	t.Helper()
	n, err := f.d.RunOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) cardRow(t *testing.T, id appeal.ID) appeal.OutboxMessage {
	t.Helper()
	rows, err := f.store.OutboxFor(t.Context(), id, appeal.ToDepartment)
	if err != nil || len(rows) == 0 {
		t.Fatalf("outbox rows: %v %v", rows, err)
	}
	return rows[len(rows)-1]
}

func TestDeliveryEditsTheCardInPlace(t *testing.T) {
	f := setup(t, -100)
	a := f.intake(t, "A")
	f.run(t)
	if _, err := f.svc.Act(t.Context(), a.ID, appeal.Command{Action: appeal.ActClaim, Actor: 1}); err != nil {
		t.Fatal(err)
	}
	f.clk.add(2 * time.Second) // one message a second to a chat
	f.run(t)
	// A card change that renders the same text is "not modified" at
	// Telegram: still a success.
	_, err := f.store.UpdateAppeal(t.Context(), a.ID, func(a appeal.Appeal, _ *appeal.Answer) (appeal.Change, error) {
		return appeal.Change{Appeal: a, Messages: []appeal.Message{{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDepartment, Ref: "water"}}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.clk.add(2 * time.Second)
	f.run(t)
	if sent := f.tg.Messages(-100); len(sent) != 1 || !strings.Contains(sent[0].Plain, "claimed") {
		t.Fatalf("want one card, edited to claimed: %+v", sent)
	}
	if got := f.cardRow(t, a.ID); got.State != appeal.OutboxSent {
		t.Fatalf("not-modified edit: row %+v", got)
	}
}

func TestDeliveryRetriesServerErrorsAndHonoursRetryAfter(t *testing.T) {
	f := setup(t, -100)
	f.tg.FailNext("sendMessage", 1, 502, "Bad Gateway", 0)
	a := f.intake(t, "A")
	f.run(t)
	row := f.cardRow(t, a.ID)
	if row.State != appeal.OutboxPending || row.Attempts != 1 || !row.NextAttemptAt.After(f.clk.now()) || row.LastError == "" {
		t.Fatalf("after a 502: %+v", row)
	}
	if f.run(t) != 0 {
		t.Fatal("retried before the backoff")
	}
	f.clk.add(2 * time.Second)
	f.tg.FailNext("sendMessage", 1, 429, "Too Many Requests: retry after 7", 7)
	f.run(t)
	row = f.cardRow(t, a.ID)
	if want := f.clk.now().Add(7 * time.Second); !row.NextAttemptAt.Equal(want) || row.State != appeal.OutboxPending {
		t.Fatalf("after a 429 with retry_after 7: next attempt %v, want %v", row.NextAttemptAt, want)
	}
	f.clk.add(6 * time.Second)
	if f.run(t) != 0 {
		t.Fatal("sent before retry_after ended")
	}
	f.clk.add(time.Second)
	f.run(t)
	if row = f.cardRow(t, a.ID); row.State != appeal.OutboxSent || len(f.tg.Messages(-100)) != 1 {
		t.Fatalf("after the waits: %+v, %d messages", row, len(f.tg.Messages(-100)))
	}
}

func TestDeliveryToAKickedBotFailsForThatChatOnly(t *testing.T) {
	f := setup(t, -100, -200)
	f.tg.KickFrom(-200)
	a := f.intake(t, "A")
	f.run(t)
	if row := f.cardRow(t, a.ID); row.State != appeal.OutboxSent {
		t.Fatalf("one chat got it, so the row is sent: %+v", row)
	}
	if len(f.tg.Messages(-100)) != 1 || len(f.tg.Messages(-200)) != 0 {
		t.Fatal("the card should reach -100 only")
	}

	// The only chat refuses: the message is not failed but goes on down
	// its fallback chain (TestRefusedChatSendsTheMessageDownItsChain), and
	// the refusing chat is never tried again for it.
	g := setup(t, -300)
	g.tg.KickFrom(-300)
	b := g.intake(t, "B")
	g.run(t)
	row := g.cardRow(t, b.ID)
	if row.State != appeal.OutboxPending || !strings.Contains(row.LastError, "kicked") {
		t.Fatalf("the only chat refuses: %+v", row)
	}
	sends := g.tg.Calls("sendMessage")
	if g.run(t) != 0 || g.tg.Calls("sendMessage") != sends {
		t.Fatal("a permanent failure must not be retried")
	}
}

func TestDeliveryFollowsAGroupThatBecameASupergroup(t *testing.T) {
	f := setup(t, -400)
	f.tg.MigrateChat(-400, -1000400) // the service message is never read here
	a := f.intake(t, "A")
	f.run(t) // refused: the chat moved
	f.run(t) // sent to the new id
	if row := f.cardRow(t, a.ID); row.State != appeal.OutboxSent || len(f.tg.Messages(-1000400)) != 1 {
		t.Fatalf("row %+v, %d messages in the supergroup", row, len(f.tg.Messages(-1000400)))
	}
	bs, _ := f.store.ChatBindings(t.Context(), appeal.ChatDepartment, "water")
	if len(bs) != 1 || bs[0].ChatID != "-1000400" {
		t.Fatalf("binding not moved: %+v", bs)
	}
}

// appealsIn returns the appeal numbers shown in chat's messages, with how
// many messages show each.
func appealsIn(tg *botapitest.Server, chat int64) map[string]int {
	seen := map[string]int{}
	for _, m := range tg.Messages(chat) {
		for _, f := range strings.Fields(m.Plain) {
			if strings.HasPrefix(f, "#") && len(f) > 1 {
				seen[strings.TrimRight(f[1:], ".,:;")]++
			}
		}
	}
	return seen
}

// TestBurstIntoOneGroupIsPacedAndCoalesced: 60 appeals at once for one
// group. Sent one by one at 20 a minute they would take three minutes; the
// deliverer keeps to the limits (no 429), merges them into digests, and
// every appeal is shown exactly once within seconds.
func TestBurstIntoOneGroupIsPacedAndCoalesced(t *testing.T) {
	f := limited(t, -500)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for i := range 60 {
		f.intake(t, "B"+strconv.Itoa(i))
	}
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(appealsIn(s, -500)) == 60 }, 20*time.Second)
	if n := f.tg.Count429(); n != 0 {
		t.Fatalf("%d requests were refused with 429", n)
	}
	for id, n := range appealsIn(f.tg, -500) {
		if n != 1 {
			t.Fatalf("appeal #%s shown %d times", id, n)
		}
	}
	if msgs := len(f.tg.Messages(-500)); msgs > 6 {
		t.Fatalf("%d messages for 60 appeals: they were not merged", msgs)
	}
}

// TestPacingAcrossChatsKeepsTheGlobalBudget: 40 chats, one appeal each, at
// once: more than the 30 a second the server allows, none refused.
func TestPacingAcrossChatsKeepsTheGlobalBudget(t *testing.T) {
	var chats []int64
	for i := range 40 {
		chats = append(chats, int64(-1000-i))
	}
	f := limited(t, chats...)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	f.intake(t, "G")
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Sent()) == 40 }, 10*time.Second)
	if n := f.tg.Count429(); n != 0 {
		t.Fatalf("%d requests were refused with 429", n)
	}
}

// TestOutageIsSurvived: the Bot API is down while appeals arrive; when it
// comes back, everything is delivered, once.
func TestOutageIsSurvived(t *testing.T) {
	f := limited(t, -600)
	f.tg.SetDown(true)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for i := range 5 {
		f.intake(t, "O"+strconv.Itoa(i))
	}
	time.Sleep(1500 * time.Millisecond) // several failed attempts
	f.tg.SetDown(false)
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(appealsIn(s, -600)) == 5 }, 20*time.Second)
	for id, n := range appealsIn(f.tg, -600) {
		if n != 1 {
			t.Fatalf("appeal #%s shown %d times", id, n)
		}
	}
}

// slowRenderer renders like the real one, taking its time about it, as a
// busy database would.
type slowRenderer struct {
	bot.Renderer
	delay time.Duration
}

func (r slowRenderer) RenderMessage(ctx context.Context, m appeal.Message, lang string, now time.Time) (render.Rendered, error) {
	time.Sleep(r.delay)
	return r.Renderer.RenderMessage(ctx, m, lang, now)
}

// TestPacedMessageLeavesWhenItsBudgetAllows: the second of two cards to one
// chat is prepared while the chat's second runs, so it reaches the server
// when its slot allows (a second after the first was answered, less the
// tolerance), not a rendering later; and the server never has to refuse it.
func TestPacedMessageLeavesWhenItsBudgetAllows(t *testing.T) {
	f := limited(t, -700)
	const render = 500 * time.Millisecond
	log := slog.New(slog.DiscardHandler)
	f.d = bot.NewDeliverer(f.store, slowRenderer{f.rnd, render}, []bot.Transport{f.tr}, time.Now, log,
		bot.DeliveryOptions{Poll: 50 * time.Millisecond, Lead: 800 * time.Millisecond})
	f.store.OnOutbox(f.d.Wake)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	f.intake(t, "P1")
	f.intake(t, "P2")
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(-700)) == 2 }, 10*time.Second)
	if n := f.tg.Count429(); n != 0 {
		t.Fatalf("%d requests were refused with 429", n)
	}
	msgs := f.tg.Messages(-700)
	gap := msgs[1].At.Sub(msgs[0].At)
	if lim := bot.TelegramLimits(); gap < lim.PerChat-lim.PerChatTolerance {
		t.Fatalf("second card %v after the first: faster than the chat allows", gap)
	}
	// Prepared only after the budget allowed it, the second card would
	// come at least a rendering (500 ms) later than a second.
	if gap >= time.Second+render-100*time.Millisecond {
		t.Fatalf("second card %v after the first: it was rendered after its budget allowed it", gap)
	}
}

// TestSendsReuseTheirConnections: two cards to each of 40 chats go out eight at a time
// over connections kept open, not a new connection (a TCP and TLS
// handshake with the real API) for most sends.
func TestSendsReuseTheirConnections(t *testing.T) {
	var chats []int64
	for i := range 40 {
		chats = append(chats, int64(-2000-i))
	}
	f := limited(t, chats...)
	f.tg.SetLatency(50 * time.Millisecond) // so that sends overlap
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for i := range 2 {
		f.intake(t, "C"+strconv.Itoa(i))
	}
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Sent()) == 80 }, 20*time.Second)
	// getMe and at most one connection per sender in flight.
	if n := f.tg.Connections(); n > 9 {
		t.Fatalf("%d connections opened for 80 sends, eight at a time", n)
	}
}

// TestChatAtItsLimitKeepsItsDelay: a chat gets a new appeal every second,
// exactly its limit, from a server that takes 150 ms to answer. Its cards
// reach the server with the delay the first one had: the round trips do
// not add up (counting each second from the previous answer with no
// tolerance would add 150 ms a card), and nothing is refused. Server and
// bot keep a tolerance of 600 ms, so that a busy machine adding to every
// round trip does not decide the test.
func TestChatAtItsLimitKeepsItsDelay(t *testing.T) {
	lim := botapitest.TelegramLimits()
	lim.PerChatTolerance = 600 * time.Millisecond
	f := newFixture(t, botapitest.New(t, botapitest.WithLimits(lim)), time.Now, bot.DeliveryOptions{}, []int64{-800})
	blim := bot.TelegramLimits()
	blim.PerChatTolerance = lim.PerChatTolerance
	tr, err := telegram.New(t.Context(), telegram.Config{Token: botapitest.Token, APIURL: f.tg.URL(), Limits: blim}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	f.d = bot.NewDeliverer(f.store, f.rnd, []bot.Transport{tr}, time.Now, slog.New(slog.DiscardHandler), bot.DeliveryOptions{Poll: 50 * time.Millisecond})
	f.store.OnOutbox(f.d.Wake)
	f.tg.SetLatency(150 * time.Millisecond)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// Once delivery has started (it waits a second before its first claim)
	// and the chat's budget is whole again.
	f.intake(t, "K-warm")
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(-800)) == 1 }, 10*time.Second)
	time.Sleep(1100 * time.Millisecond)
	const n = 7
	var arrived []time.Time
	start := time.Now()
	for i := range n {
		time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second)))
		arrived = append(arrived, time.Now())
		f.intake(t, "K"+strconv.Itoa(i))
	}
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(-800)) == n+1 }, 10*time.Second)
	if c := f.tg.Count429(); c != 0 {
		t.Fatalf("%d sends refused with 429", c)
	}
	msgs := f.tg.Messages(-800)[1:]
	var delays []time.Duration
	for i, m := range msgs {
		delays = append(delays, m.At.Sub(arrived[i]))
	}
	// A busy machine may delay any card, so the best of the first three
	// is compared with the best of the last three: four round trips would
	// add 600 ms between them.
	if first, last := min(delays[0], delays[1], delays[2]), min(delays[n-3], delays[n-2], delays[n-1]); last > first+400*time.Millisecond {
		t.Fatalf("delays grew from %v to %v: %v", first, last, delays)
	}
	t.Logf("delays: %v", delays)
}

// TestDeliveryWakesOnItsWakeupChannel: a worker that would otherwise look
// at the outbox only every hour claims what was written as soon as its
// wake-up channel says so; Wake still works, also once that channel is
// closed.
func TestDeliveryWakesOnItsWakeupChannel(t *testing.T) {
	wake := make(chan struct{}, 1)
	f := newFixture(t, botapitest.New(t), time.Now, bot.DeliveryOptions{Poll: time.Hour, Wakeup: wake}, []int64{-900})
	f.intake(t, "W1") // for the first claim, at start
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(-900)) == 1 }, 10*time.Second)
	f.intake(t, "W2")
	wake <- struct{}{}
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(-900)) == 2 }, 10*time.Second)
	close(wake)
	f.intake(t, "W3")
	f.d.Wake()
	f.tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(-900)) == 3 }, 10*time.Second)
}

// TestRestartKeepsTheGroupBudgetSpent: a group's whole budget for its
// window goes on 14 cards and 6 edits of them; then delivery restarts (a
// new leader takes over) and a new card comes. The new worker counts the
// edits as well as the cards it learns of, so the card waits for the
// window instead of being refused with 429. The window is 8 s here, not a
// minute, so that the test takes seconds.
func TestRestartKeepsTheGroupBudgetSpent(t *testing.T) {
	const chat, window = -1500, 8 * time.Second
	tg := botapitest.New(t, botapitest.WithLimits(botapitest.Limits{PerChat: 10, PerChatTolerance: 100 * time.Millisecond,
		PerGroupMinute: 20, GroupWindow: window, Global: 30}))
	f := newFixture(t, tg, time.Now, bot.DeliveryOptions{}, []int64{chat})
	log := slog.New(slog.DiscardHandler)
	tr, err := telegram.New(t.Context(), telegram.Config{Token: botapitest.Token, APIURL: tg.URL(), Limits: bot.Limits{
		PerChat: 100 * time.Millisecond, PerChatTolerance: 100 * time.Millisecond, PerGroup: 20, GroupWindow: window, Global: 25}}, log)
	if err != nil {
		t.Fatal(err)
	}
	start := func() (stop func()) {
		// No digests: each card and edit is a message of its own.
		d := bot.NewDeliverer(f.store, f.rnd, []bot.Transport{tr}, time.Now, log,
			bot.DeliveryOptions{Poll: 50 * time.Millisecond, CoalesceAfter: time.Hour})
		f.store.OnOutbox(d.Wake)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- d.Run(ctx) }()
		return func() { cancel(); <-done }
	}
	stop := start()
	var as []appeal.Appeal
	for i := range 14 {
		as = append(as, f.intake(t, "R"+strconv.Itoa(i)))
	}
	tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(chat)) == 14 }, 20*time.Second)
	for _, a := range as[:6] {
		if _, err := f.svc.Act(t.Context(), a.ID, appeal.Command{Action: appeal.ActClaim, Actor: 1}); err != nil {
			t.Fatal(err)
		}
	}
	tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Edits()) == 6 }, 20*time.Second)
	stop()
	if n, sent := tg.Count429(), len(tg.Messages(chat)); n != 0 || sent != 14 {
		t.Fatalf("before the restart: %d messages, %d refused with 429", sent, n)
	}

	stop = start()
	defer stop()
	f.intake(t, "R-after")
	tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(chat)) == 15 || s.Count429() > 0 }, 20*time.Second)
	if n := tg.Count429(); n != 0 {
		t.Fatalf("after the restart: %d sends refused with 429", n)
	}
	msgs := tg.Messages(chat)
	if gap := msgs[14].At.Sub(msgs[0].At); gap < window {
		t.Fatalf("the 21st message in the group came %v after the first, within its %v window", gap, window)
	}
}

// TestRetriesAfterAnOutageAreSpread: ten chats fail at the same instant
// (the Bot API answers 502). Each waits about its backoff before trying
// again, but not the same wait to the millisecond: they would otherwise
// all come back together, after every failure, for as long as the outage
// lasts. The spread comes from the deliverer's injected random source.
func TestRetriesAfterAnOutageAreSpread(t *testing.T) {
	var chats []int64
	for i := range 10 {
		chats = append(chats, int64(-1600-i))
	}
	clk := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
	f := newFixture(t, botapitest.New(t), clk.now, bot.DeliveryOptions{}, chats)
	f.clk = clk
	// No limit per chat, which would hold each retry to a second after
	// the failed send: the backoff alone decides when a chat is tried.
	tr, err := telegram.New(t.Context(), telegram.Config{Token: botapitest.Token, APIURL: f.tg.URL(), Limits: bot.Limits{Global: 1000}},
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	f.d = bot.NewDeliverer(f.store, f.rnd, []bot.Transport{tr}, clk.now, slog.New(slog.DiscardHandler),
		bot.DeliveryOptions{Rand: backoff.Seeded(1), Senders: len(chats)})
	f.tg.FailNext("sendMessage", len(chats), 502, "Bad Gateway", 0)
	a := f.intake(t, "J")
	if n := f.run(t); n != len(chats) {
		t.Fatalf("%d sends, want %d", n, len(chats))
	}
	row := f.cardRow(t, a.ID)
	if row.State != appeal.OutboxPending {
		t.Fatalf("after the 502s: %+v", row)
	}
	// The row holds the latest of the chats' retries; the chats' own
	// waits show in when each is tried again.
	start := clk.now()
	seen := map[time.Duration]bool{}
	for step := 0; step < 100 && len(seen) < len(chats); step++ {
		clk.add(10 * time.Millisecond)
		before := len(f.tg.Sent())
		f.run(t)
		for range len(f.tg.Sent()) - before {
			seen[clk.now().Sub(start)] = true
		}
	}
	if n := len(f.tg.Sent()); n != len(chats) {
		t.Fatalf("%d of %d chats tried again within a second", n, len(chats))
	}
	var waits []time.Duration
	for w := range seen {
		waits = append(waits, w)
		if w < 500*time.Millisecond || w > time.Second {
			t.Errorf("a chat retried after %v, want between half the backoff (500ms) and all of it (1s)", w)
		}
	}
	if len(waits) < len(chats)/2 {
		t.Errorf("the chats retried at only %d different moments: %v", len(waits), waits)
	}
}

// TestAppealListedInADigestGetsItsOwnCard: in a busy group new appeals go
// out together as a digest. One of them is claimed while the group is
// still busy: its claimed card goes out as a card of its own, not as a
// "new appeal" in another digest.
func TestAppealListedInADigestGetsItsOwnCard(t *testing.T) {
	const chat = -1700
	f := setup(t, chat)
	var as []appeal.Appeal
	for i := range 10 {
		as = append(as, f.intake(t, "L"+strconv.Itoa(i)))
	}
	f.run(t)
	msgs := f.tg.Messages(chat)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Plain, "10 new appeals") {
		t.Fatalf("want one digest of the 10 appeals: %+v", msgs)
	}
	if _, err := f.svc.Act(t.Context(), as[0].ID, appeal.Command{Action: appeal.ActClaim, Actor: 1}); err != nil {
		t.Fatal(err)
	}
	late := f.intake(t, "L-late") // the group stays busy
	for range 4 {
		f.clk.add(4 * time.Second) // the group's steady pace is one message in 3 s
		f.run(t)
	}
	msgs = f.tg.Messages(chat)
	var own, digests []botapitest.Message
	for _, m := range msgs[1:] {
		if strings.Contains(m.Plain, "new appeal") {
			digests = append(digests, m)
		} else if strings.Fields(m.Plain)[0] == fmt.Sprintf("#%d", as[0].ID) {
			own = append(own, m)
		}
	}
	for _, m := range digests {
		if strings.Contains(m.Plain, fmt.Sprintf("#%d ", as[0].ID)) {
			t.Errorf("the claimed appeal was announced as new again: %s", m.Plain)
		}
	}
	if len(own) != 1 || !strings.Contains(own[0].Plain, "claimed") {
		t.Errorf("want the claimed appeal's own card: %+v", msgs[1:])
	}
	if shown := appealsIn(f.tg, chat); shown[strconv.FormatInt(int64(late.ID), 10)] != 1 {
		t.Errorf("the late appeal shown %d times: %+v", shown[strconv.FormatInt(int64(late.ID), 10)], msgs)
	}
}

// TestMessageThatCannotBeRenderedDoesNotBlameTheChat: a message that can
// never be rendered (a reply without text) fails for good, but the chat
// did not refuse it: dispatch is not told that the chat refuses messages,
// and the chat's next message goes out as usual.
func TestMessageThatCannotBeRenderedDoesNotBlameTheChat(t *testing.T) {
	const chat, dispatch = -1800, -1899
	f := setup(t, chat)
	if err := f.store.BindChat(t.Context(), appeal.ChatBinding{Purpose: appeal.ChatDispatch, Network: "telegram",
		ChatID: strconv.Itoa(dispatch)}); err != nil {
		t.Fatal(err)
	}
	a := f.intake(t, "U")
	f.run(t) // its card
	reply := func(html string) appeal.Message {
		return appeal.Message{Kind: appeal.MsgReply, AppealID: a.ID, To: appeal.Recipient{Kind: appeal.ToChat},
			Args: map[string]string{appeal.ArgNetwork: "telegram", appeal.ArgChat: strconv.Itoa(chat), appeal.ArgHTML: html}}
	}
	for _, html := range []string{"", "hello"} {
		if err := f.store.EnqueueMessages(t.Context(), f.clk.now(), []appeal.Message{reply(html)}); err != nil {
			t.Fatal(err)
		}
		f.clk.add(2 * time.Second)
		f.run(t)
	}
	if msgs := f.tg.Messages(chat); len(msgs) != 2 || msgs[1].Plain != "hello" {
		t.Fatalf("the chat's messages: %+v", msgs)
	}
	if msgs := f.tg.Messages(dispatch); len(msgs) != 0 {
		t.Fatalf("dispatch was told the chat refuses messages: %s", msgs[0].Plain)
	}
	rows, err := f.store.OutboxFor(t.Context(), a.ID, appeal.ToChat)
	if err != nil || len(rows) != 2 {
		t.Fatalf("replies' rows: %+v, %v", rows, err)
	}
	if r := rows[0]; r.State != appeal.OutboxFailed || !strings.Contains(r.LastError, "reply without text") {
		t.Fatalf("the broken message's row: %+v", r)
	}
}
