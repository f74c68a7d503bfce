package render

import (
	"context"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestDigestText renders a digest from hand-built appeals: counts, medians,
// the on-time rate and the overdue list, most late first, capped.
func TestDigestText(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	to := e.clock()
	from := to.Add(-24 * time.Hour)
	mk := func(n int, mod func(a *appeal.Appeal)) appeal.Appeal {
		a := appeal.Appeal{Source: "t", ExternalID: fmt.Sprint("x", n), Title: fmt.Sprintf("late %d <b>", n), Body: "b",
			Priority: appeal.PriorityNormal, ReceivedAt: from, Department: "roads", Status: appeal.StatusAssigned,
			AssignedAt: from.Add(time.Hour), CreatedAt: from, UpdatedAt: from}
		mod(&a)
		// The log the figures are computed from.
		ev := func(at time.Time, k appeal.EventKind, st appeal.Status) appeal.Event {
			return appeal.Event{At: at, Kind: k, ToStatus: st, Department: "roads"}
		}
		events := []appeal.Event{ev(a.AssignedAt, appeal.EventAssigned, appeal.StatusAssigned)}
		if !a.ClaimedAt.IsZero() {
			events = append(events, ev(a.ClaimedAt, appeal.EventClaimed, appeal.StatusClaimed))
		}
		if !a.AnsweredAt.IsZero() {
			events = append(events, ev(a.AnsweredAt, appeal.EventAnswered, appeal.StatusAnswered))
		}
		stored, _, err := e.store.CreateAppeal(ctx, a, events, nil)
		if err != nil {
			t.Fatal(err)
		}
		return stored
	}
	var ids []appeal.ID
	for i := range 14 {
		a := mk(i, func(a *appeal.Appeal) { a.Deadlines.ClaimBy = to.Add(-time.Duration(i+1) * time.Minute) })
		ids = append(ids, a.ID)
	}
	mk(100, func(a *appeal.Appeal) {
		a.Status, a.ClaimedAt, a.AnsweredAt = appeal.StatusAnswered, from.Add(2*time.Hour), from.Add(5*time.Hour)
		a.Deadlines = appeal.Deadlines{ClaimBy: from.Add(3 * time.Hour), AnswerBy: from.Add(6 * time.Hour), ResolveBy: to.Add(48 * time.Hour)}
	})
	m := appeal.Message{Kind: appeal.MsgDigest, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"},
		Args: map[string]string{appeal.ArgDigestDept: "roads", appeal.ArgDigestKind: "daily",
			appeal.ArgDigestFrom: from.Format(time.RFC3339), appeal.ArgDigestTo: to.Format(time.RFC3339)}}
	r, err := e.r.RenderMessage(ctx, m, "en", to)
	if err != nil {
		t.Fatal(err)
	}
	text := html.UnescapeString(r.HTML)
	for _, want := range []string{
		"Daily digest: Roads (roads)", "In the period: 15 new · 1 claimed · 1 answered · 0 closed",
		"Now: 15 open · <b>14 overdue</b>", "Median time to claim: 1h · to answer: 4h", "Answered on time: <b>100%</b> (1 of 1)",
		// The figures /stats gives: #100 is the only one received and kept
		// that has been answered; 15 arrived.
		"Response rate 7% · resolution rate — · satisfaction rate —", "Score: <b>6.7</b>",
		"Overdue, most late first (14)", "…and 4 more", "late 13 <b>",
	} {
		if !strings.Contains(text, want) {
			t.Fatalf("digest lacks %q:\n%s", want, text)
		}
	}
	// Most late first: #14 (14 minutes) before #13 …; #1..#4 are cut.
	first := strings.Index(r.HTML, fmt.Sprintf("#%d</b>", ids[13]))
	second := strings.Index(r.HTML, fmt.Sprintf("#%d</b>", ids[12]))
	if first < 0 || second < first || strings.Contains(r.HTML, fmt.Sprintf("#%d</b>", ids[0])) {
		t.Fatalf("overdue order:\n%s", r.HTML)
	}
	if err := Check(r); err != nil {
		t.Fatal(err)
	}
	zh, err := e.r.RenderMessage(ctx, m, "zh", to)
	if err != nil || !strings.Contains(zh.HTML, "每日简报") || !strings.Contains(zh.HTML, "按时答复率：<b>100%</b>") || Check(zh) != nil {
		t.Fatalf("zh digest %v:\n%s", err, zh.HTML)
	}
}
