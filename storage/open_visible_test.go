package storage_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestAppealsVacuumedOften: on PostgreSQL the appeals are vacuumed after a
// small share of new or changed rows (migration 0022), so that their pages
// are marked all-visible and the open appeals' count of /metrics reads the
// partial index alone.
func TestAppealsVacuumedOften(t *testing.T) {
	if os.Getenv("APPEALBOT_TEST_DATABASE_URL") == "" {
		t.Skip("APPEALBOT_TEST_DATABASE_URL not set")
	}
	s := storagetest.Open(t, storage.Postgres)
	var opts []string
	if err := s.DB().SelectContext(context.Background(), &opts,
		`SELECT unnest(reloptions) FROM pg_class WHERE oid = 'appeals'::regclass`); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(opts, " ")
	for _, want := range []string{"autovacuum_vacuum_insert_scale_factor=0.005", "autovacuum_vacuum_scale_factor=0.005"} {
		if !strings.Contains(got, want) {
			t.Errorf("appeals options %q lack %s", got, want)
		}
	}
}
