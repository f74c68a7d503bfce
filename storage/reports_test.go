package storage_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

func report(ext string) appeal.Report {
	return appeal.Report{
		Source: "open311.fms", ExternalID: ext, ServiceCode: "roads", Token: "tok-" + ext,
		DeviceID: "dev-1", AccountID: "acct-9", Description: "路面塌陷\n第二行",
		HasPoint: true, Lat: 31.230416, Long: -121.4737010001,
		AddressString: "人民路 1 号", AddressID: "545483",
		MediaURLs:  []string{"https://img.example.org/1.jpg", "https://img.example.org/2.jpg"},
		Attributes: []appeal.ReportAttribute{{Code: "kind", Values: []string{"hole"}}, {Code: "sides", Values: []string{"n", "s"}}},
		CreatedAt:  t0,
	}
}

func TestReports(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		list := func(f appeal.ReportFilter) []appeal.ReportedAppeal {
			t.Helper()
			got, err := s.Reports(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		// A report waits for its appeal: alone it is never listed, and a
		// later attempt may replace it.
		first := report("r1")
		first.Description = "an attempt that never reached intake"
		if err := s.SaveReport(ctx, first); err != nil {
			t.Fatal(err)
		}
		if got := list(appeal.ReportFilter{}); len(got) != 0 {
			t.Fatalf("a report without its appeal is listed: %+v", got)
		}
		rep := report("r1")
		if err := s.SaveReport(ctx, rep); err != nil {
			t.Fatal(err)
		}
		in := intake("r1")
		in.Source = "open311.fms"
		in.Citizen = appeal.Citizen{Name: "张三", Phone: "13800000000", Email: "zhang@example.org"}
		a := create(t, s, in, &dept)
		if a.Citizen.Email != "zhang@example.org" {
			t.Errorf("citizen e-mail not stored: %+v", a.Citizen)
		}

		got := list(appeal.ReportFilter{})
		if len(got) != 1 {
			t.Fatalf("Reports: %+v", got)
		}
		want := rep
		want.CreatedAt = norm(want.CreatedAt)
		same(t, "report", got[0].Report, want)
		same(t, "appeal", got[0].Appeal.ID, a.ID)
		if got[0].Appeal.Citizen.Email != "zhang@example.org" || got[0].Appeal.Title != a.Title {
			t.Errorf("appeal of the report: %+v", got[0].Appeal)
		}

		// Once the appeal exists its report stays as it was.
		changed := report("r1")
		changed.Description = "a retry with other words"
		if err := s.SaveReport(ctx, changed); err != nil {
			t.Fatal(err)
		}
		if got := list(appeal.ReportFilter{}); got[0].Report.Description != rep.Description {
			t.Errorf("the report of an existing appeal changed: %q", got[0].Report.Description)
		}

		// A report without point, media or attributes.
		bare := appeal.Report{Source: "open311.fms", ExternalID: "r2", ServiceCode: "water", AddressString: "x", CreatedAt: t0}
		if err := s.SaveReport(ctx, bare); err != nil {
			t.Fatal(err)
		}
		in2 := intake("r2")
		in2.Source = "open311.fms"
		in2.ReceivedAt = t0.Add(-30 * time.Minute)
		b := create(t, s, in2, nil)
		// An appeal with no report is never listed.
		create(t, s, intake("plain"), &dept)

		all := list(appeal.ReportFilter{})
		if len(all) != 2 || all[0].Appeal.ID != a.ID || all[1].Appeal.ID != b.ID {
			t.Fatalf("oldest received first: %+v", all)
		}
		wantBare := bare
		wantBare.CreatedAt = norm(t0)
		same(t, "bare report", all[1].Report, wantBare)

		ids := func(f appeal.ReportFilter) []appeal.ID {
			var out []appeal.ID
			for _, r := range list(f) {
				out = append(out, r.Appeal.ID)
			}
			return out
		}
		same(t, "by id", ids(appeal.ReportFilter{IDs: []appeal.ID{b.ID, 9999}, ServiceCodes: []string{"nothing"}}), []appeal.ID{b.ID})
		same(t, "by service", ids(appeal.ReportFilter{ServiceCodes: []string{"water", "parks"}}), []appeal.ID{b.ID})
		same(t, "by token", ids(appeal.ReportFilter{Token: "tok-r1"}), []appeal.ID{a.ID})
		same(t, "from", ids(appeal.ReportFilter{From: t0.Add(-30 * time.Minute)}), []appeal.ID{b.ID})
		same(t, "to, included", ids(appeal.ReportFilter{To: t0.Add(-time.Hour)}), []appeal.ID{a.ID})
		same(t, "limit", ids(appeal.ReportFilter{Limit: 1}), []appeal.ID{a.ID})
		same(t, "open", ids(appeal.ReportFilter{Open: true}), []appeal.ID{a.ID, b.ID})
		same(t, "closed", ids(appeal.ReportFilter{Closed: true}), []appeal.ID(nil))
		mustAct(t, s, b.ID, appeal.Command{Action: appeal.ActClose, Actor: 1, Text: "重复"}, t0.Add(time.Minute))
		same(t, "closed after close", ids(appeal.ReportFilter{Closed: true}), []appeal.ID{b.ID})
		same(t, "open after close", ids(appeal.ReportFilter{Open: true}), []appeal.ID{a.ID})
		same(t, "open and closed", ids(appeal.ReportFilter{Open: true, Closed: true}), []appeal.ID{a.ID, b.ID})

		// The events of reported appeals, by kind.
		mustAct(t, s, a.ID, appeal.Command{Action: appeal.ActClaim, Actor: 7}, t0.Add(2*time.Minute))
		mustAct(t, s, a.ID, appeal.Command{Action: appeal.ActRequestExtension, Actor: 7, Extension: appeal.WorkingDaysSpan(1), Text: "等"}, t0.Add(3*time.Minute))
		evs, err := s.ReportEvents(ctx, []appeal.ID{a.ID, b.ID}, appeal.PublicEvents)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []appeal.EventKind
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		// a: assigned at intake, claimed; b: closed. Received and the
		// extension request are not public.
		same(t, "public events", kinds, []appeal.EventKind{appeal.EventAssigned, appeal.EventClosed, appeal.EventClaimed})

		ups, err := s.ReportUpdates(ctx, t0.Add(time.Minute), t0.Add(3*time.Minute), appeal.PublicEvents, 0)
		if err != nil {
			t.Fatal(err)
		}
		kinds = nil
		for _, e := range ups {
			kinds = append(kinds, e.Kind)
		}
		same(t, "updates in the window, both ends included", kinds, []appeal.EventKind{appeal.EventClosed, appeal.EventClaimed})
		if ups[0].AppealID != b.ID || ups[1].AppealID != a.ID || !ups[0].At.Equal(norm(t0.Add(time.Minute))) {
			t.Errorf("updates: %+v", ups)
		}
		if ups, err = s.ReportUpdates(ctx, t0.Add(-time.Hour), t0.Add(time.Hour), appeal.PublicEvents, 1); err != nil || len(ups) != 1 || ups[0].Kind != appeal.EventAssigned {
			t.Errorf("limited updates: %+v %v", ups, err)
		}
	})
}

// TestReportPointPrecision: coordinates come back exactly as stored.
func TestReportPointPrecision(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		r := appeal.Report{Source: "open311.x", ExternalID: "p", ServiceCode: "c", HasPoint: true,
			Lat: -89.99999999999999, Long: math.Nextafter(179.9, 180), CreatedAt: t0}
		if err := s.SaveReport(ctx, r); err != nil {
			t.Fatal(err)
		}
		in := intake("p")
		in.Source = "open311.x"
		create(t, s, in, nil)
		got, err := s.Reports(ctx, appeal.ReportFilter{})
		if err != nil || len(got) != 1 {
			t.Fatalf("%+v %v", got, err)
		}
		if g := got[0].Report; g.Lat != r.Lat || g.Long != r.Long || !g.HasPoint {
			t.Errorf("point %v,%v, want %v,%v", g.Lat, g.Long, r.Lat, r.Long)
		}
	})
}
