package bot_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/bot/telegram"
	"github.com/appealbot/appealbot/commands"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestUpdateWaitsForTheDatabase: a command that arrives while PostgreSQL
// restarts is not dropped: it waits until the database answers again,
// is handled then, and its reply reaches the chat.
func TestUpdateWaitsForTheDatabase(t *testing.T) {
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
	tg := botapitest.New(t)
	tr, err := telegram.New(t.Context(), telegram.Config{Token: botapitest.Token, APIURL: tg.URL()}, log)
	if err != nil {
		t.Fatal(err)
	}
	svc := appeal.NewService(store, time.Now, "Asia/Shanghai")
	rnd := render.New(store, svc, render.Config{DefaultLang: "en"}, log)
	cmds := commands.New(svc, store, rnd, commands.Config{}, log)
	b := bot.New(tr, cmds, store, time.Now, log)

	const chat = "4242"
	outage.Cut()
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Handle(t.Context(), bot.Update{ID: "9001", Kind: bot.UpdateCommand, MessageID: "5",
			Chat: bot.Chat{ChatRef: bot.ChatRef{ChatID: chat}, Private: true},
			From: bot.User{ID: chat, Username: "wang", DisplayName: "Wang"}, Command: "help"})
	}()
	time.Sleep(time.Second)
	select {
	case <-done:
		t.Fatal("the update was given up while the database was away")
	default:
	}
	outage.Restore()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the update was not handled once the database was back")
	}

	d := bot.NewDeliverer(store, rnd, []bot.Transport{tr}, time.Now, log, bot.DeliveryOptions{})
	if _, err := d.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	msgs := tg.Messages(4242)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Plain, "/role add") {
		t.Fatalf("reply to /help: %+v", msgs)
	}
	// Handled once: the same update again changes nothing.
	b.Handle(t.Context(), bot.Update{ID: "9001", Kind: bot.UpdateCommand, MessageID: "5",
		Chat: bot.Chat{ChatRef: bot.ChatRef{ChatID: chat}, Private: true}, From: bot.User{ID: chat}, Command: "help"})
	if n, err := d.RunOnce(t.Context()); err != nil || n != 0 {
		t.Fatalf("a redelivered update was answered again: %d sends, %v", n, err)
	}
}
