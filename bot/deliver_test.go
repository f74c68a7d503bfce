package bot_test

import (
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
	"github.com/appealbot/appealbot/commands"
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
}

// setup wires the real delivery path: store → deliverer → telego → Bot API
// test server, with department water bound to the given Telegram chats.
func setup(t *testing.T, chats ...int64) *fixture {
	t.Helper()
	f := &fixture{tg: botapitest.New(t), store: storagetest.Open(t, "postgres"),
		clk: &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}}
	log := slog.New(slog.DiscardHandler)
	f.svc = appeal.NewService(f.store, f.clk.now, "Asia/Shanghai")
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
	cmds := commands.New(f.svc, f.store, commands.Config{DefaultLang: "en"}, log)
	f.d = bot.NewDeliverer(f.store, cmds, []bot.Transport{tr}, f.clk.now, log, bot.DeliveryOptions{})
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

func (f *fixture) cardRow(t *testing.T, id appeal.ID) storage.OutboxMessage {
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
	f.run(t)
	// A card change that renders the same text is "not modified" at
	// Telegram: still a success.
	_, err := f.store.UpdateAppeal(t.Context(), a.ID, func(a appeal.Appeal, _ *appeal.Answer) (appeal.Change, error) {
		return appeal.Change{Appeal: a, Messages: []appeal.Message{{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDepartment, Ref: "water"}}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.run(t)
	if sent := f.tg.Messages(-100); len(sent) != 1 || !strings.Contains(sent[0].Plain, "claimed") {
		t.Fatalf("want one card, edited to claimed: %+v", sent)
	}
	if got := f.cardRow(t, a.ID); got.State != storage.OutboxSent {
		t.Fatalf("not-modified edit: row %+v", got)
	}
}

func TestDeliveryRetriesServerErrorsAndHonoursRetryAfter(t *testing.T) {
	f := setup(t, -100)
	f.tg.FailNext("sendMessage", 1, 502, "Bad Gateway", 0)
	a := f.intake(t, "A")
	f.run(t)
	row := f.cardRow(t, a.ID)
	if row.State != storage.OutboxPending || row.Attempts != 1 || !row.NextAttemptAt.After(f.clk.now()) || row.LastError == "" {
		t.Fatalf("after a 502: %+v", row)
	}
	if f.run(t) != 0 {
		t.Fatal("retried before the backoff")
	}
	f.clk.add(time.Second)
	f.tg.FailNext("sendMessage", 1, 429, "Too Many Requests: retry after 7", 7)
	f.run(t)
	row = f.cardRow(t, a.ID)
	if want := f.clk.now().Add(7 * time.Second); !row.NextAttemptAt.Equal(want) || row.State != storage.OutboxPending {
		t.Fatalf("after a 429 with retry_after 7: next attempt %v, want %v", row.NextAttemptAt, want)
	}
	f.clk.add(6 * time.Second)
	if f.run(t) != 0 {
		t.Fatal("sent before retry_after ended")
	}
	f.clk.add(time.Second)
	f.run(t)
	if row = f.cardRow(t, a.ID); row.State != storage.OutboxSent || len(f.tg.Messages(-100)) != 1 {
		t.Fatalf("after the waits: %+v, %d messages", row, len(f.tg.Messages(-100)))
	}
}

func TestDeliveryToAKickedBotFailsForThatChatOnly(t *testing.T) {
	f := setup(t, -100, -200)
	f.tg.KickFrom(-200)
	a := f.intake(t, "A")
	f.run(t)
	if row := f.cardRow(t, a.ID); row.State != storage.OutboxSent {
		t.Fatalf("one chat got it, so the row is sent: %+v", row)
	}
	if len(f.tg.Messages(-100)) != 1 || len(f.tg.Messages(-200)) != 0 {
		t.Fatal("the card should reach -100 only")
	}

	g := setup(t, -300)
	g.tg.KickFrom(-300)
	b := g.intake(t, "B")
	g.run(t)
	row := g.cardRow(t, b.ID)
	if row.State != storage.OutboxFailed || !strings.Contains(row.LastError, "kicked") {
		t.Fatalf("the only chat refuses: %+v", row)
	}
	if g.run(t) != 0 {
		t.Fatal("a permanent failure must not be retried")
	}
}

func TestDeliveryFollowsAGroupThatBecameASupergroup(t *testing.T) {
	f := setup(t, -400)
	f.tg.MigrateChat(-400, -1000400) // the service message is never read here
	a := f.intake(t, "A")
	f.run(t)
	if row := f.cardRow(t, a.ID); row.State != storage.OutboxSent || len(f.tg.Messages(-1000400)) != 1 {
		t.Fatalf("row %+v, %d messages in the supergroup", row, len(f.tg.Messages(-1000400)))
	}
	bs, _ := f.store.ChatBindings(t.Context(), appeal.ChatDepartment, "water")
	if len(bs) != 1 || bs[0].ChatID != "-1000400" {
		t.Fatalf("binding not moved: %+v", bs)
	}
}
