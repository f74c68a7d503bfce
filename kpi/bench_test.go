package kpi

import (
	"fmt"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// BenchmarkCompute: a month of a busy hotline, 20 departments and 10,000
// appeals, each assigned, claimed, answered, closed and judged, one in ten
// transferred first.
func BenchmarkCompute(b *testing.B) {
	in := Input{From: sh(10, 1, 0, 0), To: sh(11, 1, 0, 0), Now: sh(11, 1, 0, 0), Weights: DefaultWeights,
		Calendars: map[string]appeal.Calendar{}}
	cal := china2026()
	for d := range 20 {
		code := fmt.Sprintf("d%02d", d)
		in.Departments = append(in.Departments, appeal.Department{Code: code, SLA: appeal.DefaultPolicy})
		in.Calendars[code] = cal
	}
	var l log
	for i := range 10000 {
		id := appeal.ID(i + 1)
		dept := in.Departments[i%20].Code
		t := in.From.Add(time.Duration(i) * 4 * time.Minute)
		l.add(id, t, appeal.EventAssigned, un, as, dept, "", "")
		if i%10 == 0 {
			other := in.Departments[(i+1)%20].Code
			l.add(id, t.Add(time.Hour), appeal.EventTransferred, as, as, other, "", "")
			dept = other
		}
		assigned := t
		if i%10 == 0 {
			assigned = t.Add(time.Hour)
		}
		l.add(id, t.Add(2*time.Hour), appeal.EventClaimed, as, cl, dept, "", "")
		l.add(id, t.Add(26*time.Hour), appeal.EventAnswered, cl, an, dept, "", "")
		l.add(id, t.Add(50*time.Hour), appeal.EventClosed, an, cd, dept, "", "resolved")
		l.add(id, t.Add(60*time.Hour), appeal.EventFeedback, cd, cd, dept, "", "satisfied")
		in.Appeals = append(in.Appeals, appeal.Appeal{ID: id, Department: dept, Status: cd, AssignedAt: assigned.UTC(),
			Deadlines: appeal.DefaultPolicy.Deadlines(appeal.PriorityNormal, assigned, cal)})
	}
	in.Events = l.events
	b.ReportAllocs()
	for b.Loop() {
		Compute(in)
	}
}
