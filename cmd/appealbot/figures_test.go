package main

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestFiguresCheck: figures-check finds the kept figures equal to the
// log's, reports a sum gone wrong with the figure and department, and
// -rebuild repairs it.
func TestFiguresCheck(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	cfg := storage.Config{DataDir: dir, Figures: storage.FiguresConfig{Zone: shanghai}}
	withStore := func(fn func(s *storage.Store)) {
		t.Helper()
		s, err := storage.Open(ctx, cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		fn(s)
	}
	withStore(func(s *storage.Store) {
		clock := time.Now().Add(-48 * time.Hour)
		svc := appeal.NewService(s, func() time.Time { return clock }, "Asia/Shanghai")
		if _, err := svc.SaveDepartment(ctx, appeal.Department{Code: "water", Name: "供水"}); err != nil {
			t.Fatal(err)
		}
		for i, ext := range []string{"1", "2", "3"} {
			a, _, err := svc.Intake(ctx, appeal.Intake{Source: "t", ExternalID: ext, Title: "停水", Body: "停水", Department: "water", ReceivedAt: clock})
			if err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(time.Duration(i+1) * time.Hour)
			if _, err := svc.Act(ctx, a.ID, appeal.Command{Action: appeal.ActClaim, Actor: 1}); err != nil {
				t.Fatal(err)
			}
		}
	})
	check := func(args ...string) (string, error) {
		var out, errs bytes.Buffer
		err := run(ctx, append([]string{"figures-check", "-data-dir", dir, "-timezone", "Asia/Shanghai"}, args...),
			envFunc(nil), &out, &errs)
		return out.String(), err
	}
	if out, err := check(); err != nil || !strings.Contains(out, "no differences") || !strings.Contains(out, "1 departments") {
		t.Fatalf("a store as kept: %v\n%s", err, out)
	}
	db, err := sql.Open(storage.SQLite, filepath.Join(dir, storage.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE kpi_sums SET k01 = k01 + 1 WHERE grain = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, err := check("-from", time.Now().AddDate(0, 0, -5).Format("2006-01-02"))
	if err == nil || !strings.Contains(out, "water: claimed: sums ") || !strings.Contains(out, ", log 3\n") {
		t.Fatalf("a sum gone wrong: %v\n%s", err, out)
	}
	if out, err := check("-rebuild"); err != nil || !strings.Contains(out, "no differences") {
		t.Fatalf("rebuilt: %v\n%s", err, out)
	}
	if _, err := check("-from", "yesterday"); err == nil || !strings.Contains(err.Error(), "-from") {
		t.Errorf("a bad date: %v", err)
	}
}
