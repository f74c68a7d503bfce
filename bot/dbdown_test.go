package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/bot/telegram"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// gatedRenderer renders like the real one; until open is closed, every
// rendering first says so on entered and waits. It counts the renderings
// that failed because the store was away.
type gatedRenderer struct {
	bot.Renderer
	entered chan struct{}
	open    chan struct{}
	away    atomic.Int32
}

func (r *gatedRenderer) wait() {
	select {
	case <-r.open:
		return
	default:
	}
	r.entered <- struct{}{}
	<-r.open
}

func (r *gatedRenderer) note(err error) {
	if errors.Is(err, appeal.ErrUnavailable) {
		r.away.Add(1)
	}
}

func (r *gatedRenderer) RenderMessage(ctx context.Context, m appeal.Message, lang string, now time.Time) (render.Rendered, error) {
	r.wait()
	out, err := r.Renderer.RenderMessage(ctx, m, lang, now)
	r.note(err)
	return out, err
}

func (r *gatedRenderer) RenderDigest(ctx context.Context, dept string, ids []appeal.ID, lang string, now time.Time) (render.Rendered, int, error) {
	r.wait()
	out, n, err := r.Renderer.RenderDigest(ctx, dept, ids, lang, now)
	r.note(err)
	return out, n, err
}

// TestCardsRenderedWhileTheDatabaseIsAwayWait: PostgreSQL goes away (every
// connection reset, new ones refused, as in a restart) while cards for 20
// groups are being rendered. The database's absence is nobody's fault but
// its own: no card fails, no chat is reported to dispatch as refusing
// messages, and once the database is back every one of the 120 cards
// reaches its group, once.
func TestCardsRenderedWhileTheDatabaseIsAwayWait(t *testing.T) {
	outage, through, _ := storagetest.PostgresOutage(t)
	log := slog.New(slog.DiscardHandler)
	store, err := storage.Open(t.Context(), storage.Config{DatabaseURL: through}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	svc := appeal.NewService(store, time.Now, "Asia/Shanghai")
	const groups, each = 20, 6
	for g := range groups {
		code := fmt.Sprintf("d%02d", g)
		if _, err := svc.SaveDepartment(t.Context(), appeal.Department{Code: code, Name: "部门" + code}); err != nil {
			t.Fatal(err)
		}
		if err := store.BindChat(t.Context(), appeal.ChatBinding{Purpose: appeal.ChatDepartment, Department: code,
			Network: "telegram", ChatID: strconv.Itoa(-3000 - g)}); err != nil {
			t.Fatal(err)
		}
	}
	const dispatch = -3999
	if err := store.BindChat(t.Context(), appeal.ChatBinding{Purpose: appeal.ChatDispatch, Network: "telegram",
		ChatID: strconv.Itoa(dispatch)}); err != nil {
		t.Fatal(err)
	}
	var ids []appeal.ID
	for i := range groups * each {
		a, _, err := svc.Intake(t.Context(), appeal.Intake{Source: "12345", ExternalID: "DB" + strconv.Itoa(i),
			Title: "停水", Body: "三天没水", Department: fmt.Sprintf("d%02d", i%groups)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}

	tg := botapitest.New(t, botapitest.WithLimits(botapitest.TelegramLimits()))
	tr, err := telegram.New(t.Context(), telegram.Config{Token: botapitest.Token, APIURL: tg.URL()}, log)
	if err != nil {
		t.Fatal(err)
	}
	rnd := &gatedRenderer{Renderer: render.New(store, svc, render.Config{DefaultLang: "en"}, log),
		entered: make(chan struct{}), open: make(chan struct{})}
	// Each card goes as a card of its own (no digests), so that many are
	// rendered, each for its group, while the database is away.
	const senders = 8
	ctx, cancel := context.WithCancel(t.Context())
	d := bot.NewDeliverer(store, rnd, []bot.Transport{tr}, time.Now, log,
		bot.DeliveryOptions{Poll: 50 * time.Millisecond, CoalesceAfter: time.Hour, Senders: senders, Life: ctx})
	store.OnOutbox(d.Wake)
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()

	// Every sender is rendering a card for a group of its own when the
	// database goes away under them.
	for range senders {
		select {
		case <-rnd.entered:
		case <-time.After(20 * time.Second):
			t.Fatal("the cards were not rendered")
		}
	}
	outage.Cut()
	close(rnd.open)
	waitUntil(t, func() bool { return rnd.away.Load() >= senders }, 20*time.Second,
		"renderings to fail while the database is away")
	outage.Restore()

	shown := func() int {
		n := 0
		for g := range groups {
			n += len(appealsIn(tg, int64(-3000-g)))
		}
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for shown() < groups*each {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d appeals shown a minute after the database came back", shown(), groups*each)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for g := range groups {
		chat := int64(-3000 - g)
		for id, n := range appealsIn(tg, chat) {
			if n != 1 {
				t.Errorf("chat %d: appeal #%s shown %d times", chat, id, n)
			}
		}
		if got := len(tg.Messages(chat)); got != each {
			t.Errorf("chat %d: %d messages, want %d cards", chat, got, each)
		}
	}
	if msgs := tg.Messages(dispatch); len(msgs) != 0 {
		t.Errorf("dispatch was told of chats refusing messages: %+v", msgs)
	}
	if n := tg.Count429(); n != 0 {
		t.Errorf("%d sends refused with 429", n)
	}
	// Every row ends sent once its record lands.
	waitUntil(t, func() bool {
		for _, id := range ids {
			rows, err := store.OutboxFor(t.Context(), id, appeal.ToDepartment)
			if err != nil || len(rows) != 1 || rows[0].State != appeal.OutboxSent {
				return false
			}
		}
		return true
	}, 20*time.Second, "every card's row to be sent")
	t.Logf("%d renderings failed while the database was away", rnd.away.Load())
}

// waitUntil polls cond every 10 ms until it holds, and fails the test if
// it does not within timeout.
func waitUntil(t *testing.T, cond func() bool, timeout time.Duration, what string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
