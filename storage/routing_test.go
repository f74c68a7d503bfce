package storage_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestRoutingCatalogueAssignsAtIntake: the catalogue is stored in order,
// the first rule that matches assigns a new appeal without a department,
// and the assigned event names the rule.
func TestRoutingCatalogueAssignsAtIntake(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		saveDept(t, s, "water", false)
		saveDept(t, s, "roads", false)
		svc := appeal.NewService(s, func() time.Time { return t0 }, "Asia/Shanghai")
		stored, err := svc.SetRoutes(ctx, []appeal.Rule{
			{Name: "lights", Keywords: []string{"路灯"}, Location: "*长安街*", Department: "Roads"},
			{Keywords: []string{"路灯", "漏水"}, Department: "water"},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := svc.Routes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "catalogue read back", got, stored)
		if got[0].Department != "roads" || got[1].Name != "r1" {
			t.Errorf("catalogue %+v", got)
		}

		check := func(in appeal.Intake, wantDept, wantVia string) {
			t.Helper()
			a, _, err := svc.Intake(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if a.Department != wantDept {
				t.Errorf("%s: department %q, want %q", in.ExternalID, a.Department, wantDept)
			}
			events, err := s.Events(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			var via string
			for _, e := range events {
				if e.Kind == appeal.EventAssigned {
					via = e.Via
				}
			}
			if via != wantVia {
				t.Errorf("%s: assigned by %q, want %q", in.ExternalID, via, wantVia)
			}
		}
		in := intake("R-1")
		in.Location = "北京市长安街 12 号"
		check(in, "roads", "rule:lights")
		in = intake("R-2")
		in.Location = "解放街"
		check(in, "water", "rule:r1")
		in = intake("R-3")
		in.Title, in.Body = "噪音扰民", "夜里施工"
		check(in, "", "")
		// A department the upstream names wins over the catalogue.
		in = intake("R-4")
		in.Department = "water"
		check(in, "water", "")
	})
}

// TestRoutingCatalogueEdits: chat's add and remove keep the order, refuse
// unknown departments and duplicate names, and two edits at once both land.
func TestRoutingCatalogueEdits(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		saveDept(t, s, "water", false)
		svc := appeal.NewService(s, func() time.Time { return t0 }, "Asia/Shanghai")
		_, err := svc.SetRoutes(ctx, []appeal.Rule{{Name: "x", Category: "c", Department: "nowhere"}})
		var fe *appeal.FieldError
		if !errors.As(err, &fe) || fe.Field != "routes[0].department" || fe.Code != "unknown" {
			t.Errorf("unknown department: %v", err)
		}
		if _, _, err := svc.AddRoute(ctx, appeal.Rule{Keywords: []string{"水"}, Department: "ghost"}, 0); !errors.As(err, &fe) || fe.Code != "unknown" {
			t.Errorf("add to an unknown department: %v", err)
		}
		var wg sync.WaitGroup
		for _, kw := range []string{"漏水", "停水", "水压", "水质"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := svc.AddRoute(ctx, appeal.Rule{Keywords: []string{kw}, Department: "water"}, 0); err != nil {
					t.Errorf("add %s: %v", kw, err)
				}
			}()
		}
		wg.Wait()
		rules, _ := svc.Routes(ctx)
		if len(rules) != 4 {
			t.Fatalf("after four adds at once: %+v", rules)
		}
		r, pos, err := svc.AddRoute(ctx, appeal.Rule{Name: "first", Category: "供水", Department: "water"}, 1)
		if err != nil || pos != 1 || r.Name != "first" {
			t.Fatalf("add at 1: %+v %d %v", r, pos, err)
		}
		if _, _, err := svc.AddRoute(ctx, appeal.Rule{Name: "first", Category: "x", Department: "water"}, 0); !errors.As(err, &fe) || fe.Field != "routes[0].name" {
			t.Errorf("duplicate name: %v", err)
		}
		if _, err := svc.RemoveRoute(ctx, "2"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RemoveRoute(ctx, "first"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RemoveRoute(ctx, "first"); !errors.Is(err, appeal.ErrNotFound) {
			t.Errorf("removing a removed rule: %v", err)
		}
		rules, _ = svc.Routes(ctx)
		if len(rules) != 3 {
			t.Errorf("left %+v", rules)
		}
	})
}

// TestRecentOpen: the open appeals created since a time, newest first,
// bodies cut, closed ones left out.
func TestRecentOpen(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		long := intake("O-1")
		long.Body = strings.Repeat("长", appeal.SimilarBody+50)
		a := create(t, s, long, nil)
		b := create(t, s, intake("O-2"), nil)
		got, err := s.RecentOpen(ctx, t0.Add(-time.Hour), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID || len([]rune(got[1].Body)) != appeal.SimilarBody {
			t.Fatalf("recent open: %+v", got)
		}
		if got, _ := s.RecentOpen(ctx, t0.Add(time.Hour), 10); len(got) != 0 {
			t.Errorf("since after both: %+v", got)
		}
		if got, _ := s.RecentOpen(ctx, t0.Add(-time.Hour), 1); len(got) != 1 {
			t.Errorf("limit 1: %+v", got)
		}
	})
}
