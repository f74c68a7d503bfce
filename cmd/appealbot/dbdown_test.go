package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestDatabaseRestartDuringDelivery: PostgreSQL goes away at the worst
// moment for delivery, just after Telegram took a card and before the bot
// could record it, and comes back two seconds later. Meanwhile intake
// answers 503 with Retry-After, so the upstream system tries again. The
// bot records the card once the database is back, so nothing is sent
// twice when it takes delivery over again, later edits find the card, and
// every appeal accepted before, during and after is shown once.
func TestDatabaseRestartDuringDelivery(t *testing.T) {
	outage, through, direct := storagetest.PostgresOutage(t)
	const group = int64(-7201)
	setupDepartments(t, direct, 1, func(int) string { return "db" }, func(int) int64 { return group })

	var seen sightings
	var armed atomic.Bool
	cut := make(chan struct{})
	tg := botapitest.New(t, botapitest.WithLimits(botapitest.TelegramLimits()), botapitest.WithOnSend(func(m botapitest.Message) {
		seen.record(m)
		if armed.CompareAndSwap(true, false) {
			outage.Cut() // Telegram has the card; its answer is on the way
			close(cut)
		}
	}))
	base, log, _ := startServe(t, map[string]string{
		"APPEALBOT_DATABASE_URL":     through,
		"APPEALBOT_DATA_DIR":         t.TempDir(),
		"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
		"APPEALBOT_LANGUAGE":         "en",
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	client := &http.Client{Timeout: 10 * time.Second}
	handIn := func(ext int) int64 {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			id, _, err := intake(client, base, appealJSON("dbdown", ext, "db"))
			if err == nil {
				return id
			}
			if time.Now().After(deadline) {
				t.Fatalf("appeal e%d: %v", ext, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitShown := func(ids ...int64) {
		t.Helper()
		tg.WaitFor(t, func(*botapitest.Server) bool {
			shown := seen.shown()[group]
			for _, id := range ids {
				if shown[id] == 0 {
					return false
				}
			}
			return true
		}, 30*time.Second)
	}

	first := handIn(1)
	waitShown(first)

	armed.Store(true)
	caught := handIn(2)
	select {
	case <-cut:
	case <-time.After(15 * time.Second):
		t.Fatal("the card of the second appeal never reached Telegram")
	}

	// While the database is away, intake says so: 503, Retry-After and a
	// JSON error, not a 500.
	resp, err := client.Post(base+"/api/v1/appeals", "application/json", strings.NewReader(appealJSON("dbdown", 3, "db")))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || body.Error.Code != "database_unavailable" {
		t.Errorf("intake while the database is away: %d, Retry-After %q, code %q; want 503 database_unavailable with Retry-After",
			resp.StatusCode, resp.Header.Get("Retry-After"), body.Error.Code)
	}

	time.Sleep(2 * time.Second)
	outage.Restore()
	back := time.Now()
	ids := []int64{first, caught}
	for ext := 3; ext <= 6; ext++ {
		ids = append(ids, handIn(ext))
	}
	accepted := time.Since(back)
	waitShown(ids...)
	t.Logf("database back: four appeals accepted after %v, all shown after %v",
		accepted.Round(time.Millisecond), time.Since(back).Round(time.Millisecond))
	// The bot lost its delivery lease with its connection; once it leads
	// again it releases what it had claimed. Give a resend time to show.
	switch logged := log.String(); {
	case !strings.Contains(logged, "record send failed"):
		t.Fatal("the bot never failed to record the card: the database went away too late to test anything")
	case !strings.Contains(logged, "record send landed after the database came back"):
		t.Fatal("the card sent while the database was away was not recorded once it was back")
	}
	time.Sleep(3 * time.Second)

	shown := seen.shown()[group]
	for _, id := range ids {
		if shown[id] != 1 {
			t.Errorf("appeal #%d shown %d times, want once", id, shown[id])
		}
	}
	if n := tg.Count429(); n != 0 {
		t.Errorf("%d sends refused with 429", n)
	}

	// The card is known by the message id Telegram gave it, so edits find it.
	var msgID int64
	for _, m := range tg.Messages(group) {
		if strings.Contains(m.Plain, "#"+strconv.FormatInt(caught, 10)) {
			msgID = m.MessageID
		}
	}
	store, err := storage.Open(t.Context(), storage.Config{DatabaseURL: direct}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cards, err := store.Cards(t.Context(), appeal.ID(caught))
	if err != nil || len(cards) != 1 || cards[0].MessageID != strconv.FormatInt(msgID, 10) {
		t.Fatalf("card of appeal #%d: %+v, %v; want message %d", caught, cards, err, msgID)
	}
}
