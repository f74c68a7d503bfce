package storage_test

import (
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestConfigOnOutboxHearsCommitsFromTheStart: the wake-up given when the
// store is opened hears the first commit that writes outbox rows, with no
// hook added afterwards.
func TestConfigOnOutboxHearsCommitsFromTheStart(t *testing.T) {
	for _, b := range storagetest.Backends {
		t.Run(b, func(t *testing.T) {
			var calls atomic.Int32
			cfg := storagetest.Config(t, b)
			cfg.OnOutbox = func() { calls.Add(1) }
			s, err := storage.Open(t.Context(), cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Migrate(t.Context()); err != nil || calls.Load() != 0 {
				t.Fatalf("migrate: %v, %d calls", err, calls.Load())
			}
			now := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
			in := appeal.Intake{Source: "s", ExternalID: "cfg-hook", Title: "t", Body: "b", Priority: appeal.PriorityNormal, ReceivedAt: now}
			a, ev, msgs := appeal.NewAppeal(in, nil, "", office, now)
			if _, _, err := s.CreateAppeal(t.Context(), a, ev, msgs); err != nil || calls.Load() != 1 {
				t.Fatalf("after intake: %v, %d calls", err, calls.Load())
			}
		})
	}
}
