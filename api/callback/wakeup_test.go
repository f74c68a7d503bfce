package callback_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api/callback"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestWakeupStartsASendAtOnce: a sender whose next poll is an hour away
// sends an answer as soon as its Wakeup says that rows were written.
func TestWakeupStartsASendAtOnce(t *testing.T) {
	store := storagetest.Open(t, "sqlite")
	clk := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
	got := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		got <- struct{}{}
	}))
	defer srv.Close()
	wake := make(chan struct{}, 1)
	s := callback.New(store, callback.Options{Poll: time.Hour, Wakeup: wake, Allow: local(t)}, clk.now, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	answered(t, store, clk, srv.URL+"/cb")
	wake <- struct{}{}
	select {
	case <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("the answer was not posted after the wake-up")
	}
}
