package render

import (
	"context"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/reminders/digest"
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
		"Now: 15 open · <b>14 overdue</b>", // Medians are estimates from buckets (1h and 4h exactly).
		"Median time to claim: ≈58m · to answer: ≈3h 54m", "Answered on time: <b>100%</b> (1 of 1)",
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

// labelCharter is a Charter that keeps the labels it was asked to draw.
type labelCharter struct {
	cjk    bool // whether a CJK font is there
	labels digest.Labels
	usedCJ bool
}

func (c *labelCharter) CJK(string) bool { return c.cjk }
func (c *labelCharter) Chart(_ []digest.Day, l digest.Labels, cjk bool) ([]byte, error) {
	c.labels, c.usedCJ = l, cjk
	return []byte("png"), nil
}

// TestDigestChartNamesTheDepartment: the chart's title names the
// department by its name (not its code), in the reader's language with
// every series labelled; without a font to draw the name, by its code in
// English.
func TestDigestChartNamesTheDepartment(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	if _, err := e.w.Svc.SaveDepartment(ctx, appeal.Department{Code: "gs", Name: "供水公司"}); err != nil {
		t.Fatal(err)
	}
	to := e.clock()
	msg := func(dept string) appeal.Message {
		return appeal.Message{Kind: appeal.MsgDigestChart, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: dept},
			Args: map[string]string{appeal.ArgDigestDept: dept, appeal.ArgDigestKind: "daily",
				appeal.ArgDigestFrom: to.Add(-24 * time.Hour).Format(time.RFC3339), appeal.ArgDigestTo: to.Format(time.RFC3339)}}
	}
	for _, c := range []struct {
		dept, lang string
		cjkFont    bool
		title      string
		series     [4]string
		cjk        bool
	}{
		{"gs", LangZH, true, "供水公司：每日诉求", [4]string{"受理", "答复", "超期", "日末在办"}, true},
		{"gs", LangEN, true, "供水公司: appeals per day", [4]string{"received", "answered", "overdue", "open at day's end"}, true},
		{"gs", LangZH, false, "gs: appeals per day", [4]string{"received", "answered", "overdue", "open at day's end"}, false},
		{"roads", LangEN, false, "Roads: appeals per day", [4]string{"received", "answered", "overdue", "open at day's end"}, false},
		{"roads", LangZH, true, "Roads：每日诉求", [4]string{"受理", "答复", "超期", "日末在办"}, true},
	} {
		ch := &labelCharter{cjk: c.cjkFont}
		r := New(e.store, e.w.Svc, Config{DefaultLang: "en", Charter: ch}, nil)
		out, err := r.RenderMessage(ctx, msg(c.dept), c.lang, to)
		if err != nil {
			t.Fatal(err)
		}
		l := ch.labels
		if l.Title != c.title || [4]string{l.Received, l.Answered, l.Overdue, l.Open} != c.series || ch.usedCJ != c.cjk ||
			len(l.Days) != digest.ChartDays || string(out.Photo) != "png" {
			t.Errorf("%s in %s (CJK font %v): labels %+v, CJK %v; want title %q, series %v, CJK %v",
				c.dept, c.lang, c.cjkFont, l, ch.usedCJ, c.title, c.series, c.cjk)
		}
		if !strings.Contains(out.HTML, "answered") && !strings.Contains(out.HTML, "答复") {
			t.Errorf("%s in %s: the caption does not say what the chart shows: %q", c.dept, c.lang, out.HTML)
		}
	}
}

// TestDigestHotSpots: the leaders' digest names groups of three or more
// similar appeals of the period with their count and a representative
// title; a pair is no hot spot, and nor are appeals from before the period.
func TestDigestHotSpots(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	to := e.clock()
	from := to.Add(-24 * time.Hour)
	n := 0
	mk := func(title, body string, at time.Time) appeal.ID {
		n++
		a := appeal.Appeal{Source: "t", ExternalID: fmt.Sprint("h", n), Title: title, Body: body, Location: "人民路 3 号",
			Priority: appeal.PriorityNormal, ReceivedAt: at, Department: "roads", Status: appeal.StatusAssigned,
			AssignedAt: at, CreatedAt: at, UpdatedAt: at, Deadlines: appeal.Deadlines{ClaimBy: to.Add(time.Hour)}}
		stored, _, err := e.store.CreateAppeal(ctx, a, []appeal.Event{{At: at, Kind: appeal.EventAssigned,
			ToStatus: appeal.StatusAssigned, Department: "roads"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return stored.ID
	}
	in := from.Add(2 * time.Hour)
	var lamp []appeal.ID
	for _, body := range []string{"人民路3号门口的路灯坏了好几天，晚上一片漆黑", "人民路3号的路灯坏了，晚上漆黑一片很危险",
		"门口路灯坏了好几天，人民路3号晚上一片漆黑", "人民路3号路灯坏了好几天了"} {
		lamp = append(lamp, mk("人民路路灯坏了", body, in))
	}
	mk("井盖丢失", "解放街井盖丢失，车辆经过很危险", in)
	mk("井盖丢失了", "解放街井盖丢失，车辆经过危险", in)
	old := mk("人民路路灯坏了", "人民路3号门口的路灯坏了好几天，晚上一片漆黑", from.Add(-48*time.Hour))

	m := appeal.Message{Kind: appeal.MsgDigest, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"},
		Args: map[string]string{appeal.ArgDigestDept: "roads", appeal.ArgDigestKind: "daily",
			appeal.ArgDigestFrom: from.Format(time.RFC3339), appeal.ArgDigestTo: to.Format(time.RFC3339)}}
	r, err := e.r.RenderMessage(ctx, m, "en", to)
	if err != nil {
		t.Fatal(err)
	}
	text := html.UnescapeString(r.HTML)
	want := fmt.Sprintf("🔥 Hot spots: 1 group of 3 or more similar appeals\n👯 4 appeals like “人民路路灯坏了”: #%d #%d #%d #%d",
		lamp[0], lamp[1], lamp[2], lamp[3])
	if !strings.Contains(text, want) || strings.Contains(text, fmt.Sprintf("#%d", old)) {
		t.Fatalf("digest:\n%s\nwant it to hold\n%s", text, want)
	}
	if err := Check(r); err != nil {
		t.Fatal(err)
	}
	zh, err := e.r.RenderMessage(ctx, m, "zh", to)
	if err != nil || !strings.Contains(html.UnescapeString(zh.HTML), "🔥 热点：1 组相似诉求（每组 3 件以上）\n👯 4 件，如“人民路路灯坏了”") {
		t.Fatalf("zh digest %v:\n%s", err, zh.HTML)
	}
}
