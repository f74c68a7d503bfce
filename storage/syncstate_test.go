package storage_test

import (
	"context"
	"testing"

	"github.com/appealbot/appealbot/storage"
)

// TestSyncState: a stored token reads back, is replaced by the next one,
// and is kept apart per network and key.
func TestSyncState(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if v, err := s.SyncState(ctx, "matrix", "next_batch"); err != nil || v != "" {
			t.Fatalf("empty state = %q, %v; want \"\", nil", v, err)
		}
		for _, tok := range []string{"s1_2_3", "s9_10_11"} {
			if err := s.SaveSyncState(ctx, "matrix", "next_batch", tok); err != nil {
				t.Fatal(err)
			}
			if v, err := s.SyncState(ctx, "matrix", "next_batch"); err != nil || v != tok {
				t.Fatalf("state = %q, %v; want %q", v, err, tok)
			}
		}
		if err := s.SaveSyncState(ctx, "other", "next_batch", "x"); err != nil {
			t.Fatal(err)
		}
		if v, _ := s.SyncState(ctx, "matrix", "next_batch"); v != "s9_10_11" {
			t.Fatalf("another network's state replaced this one's: %q", v)
		}
		if v, _ := s.SyncState(ctx, "matrix", "other_key"); v != "" {
			t.Fatalf("unknown key = %q", v)
		}
	})
}
