package render

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/reminders/digest"
	"github.com/appealbot/appealbot/routing"
)

// The leaders' digests, rendered when they are delivered, in the reader's
// language. A digest is two messages: the text (at most MaxText
// characters), then the chart as a photo with a one-line caption. Two
// outbox rows rather than one message with both: each is then one send,
// with the outbox's guarantees, and a failed chart upload cannot resend
// the text.

// maxDigestLate is how many overdue appeals a digest lists.
const maxDigestLate = 10

// digestArgs reads a digest message's department and period.
func digestArgs(m appeal.Message) (dept string, kind appeal.DigestKind, from, to time.Time, err error) {
	dept, kind = m.Args[appeal.ArgDigestDept], appeal.DigestKind(m.Args[appeal.ArgDigestKind])
	from, err1 := time.Parse(time.RFC3339Nano, m.Args[appeal.ArgDigestFrom])
	to, err2 := time.Parse(time.RFC3339Nano, m.Args[appeal.ArgDigestTo])
	if err := errors.Join(err1, err2); err != nil || dept == "" || !to.After(from) {
		return "", "", time.Time{}, time.Time{}, fmt.Errorf("render: %s message with bad args %v: %w", m.Kind, m.Args, err)
	}
	return dept, kind, from, to, nil
}

// digestStats computes a digest from the store as of now: the
// department's figures (package kpi, as /stats gives them) and what the
// digest adds (the overdue appeals, those at risk, the chart's days).
func (r *Renderer) digestStats(ctx context.Context, dept string, from, to, now time.Time) (digest.Stats, *time.Location, error) {
	s, loc, _, err := r.digestRead(ctx, dept, from, to, now)
	return s, loc, err
}

// digestRead is digestStats with the hot spots of the period: groups of
// at least MinHotSpot similar appeals that reached the department in it.
func (r *Renderer) digestRead(ctx context.Context, dept string, from, to, now time.Time) (digest.Stats, *time.Location, []routing.Cluster, error) {
	loc := r.Location(ctx, dept)
	rep, err := r.report(ctx, kpi.Period{From: from, To: to}, now, dept)
	if err != nil {
		return digest.Stats{}, nil, nil, err
	}
	f, _ := rep.Department(dept)
	as, err := r.store.DigestAppeals(ctx, dept, digest.Since(from, to, loc))
	if err != nil {
		return digest.Stats{}, nil, nil, err
	}
	return digest.Compute(as, f, from, to, now, loc), loc, hotSpots(as, from, to), nil
}

// MinHotSpot is the fewest similar appeals a digest calls a hot spot.
const MinHotSpot = 3

// hotSpots groups the appeals that reached the department in [from, to)
// by similarity (routing.HotSpotThreshold), groups of MinHotSpot or more,
// largest first.
func hotSpots(as []appeal.Appeal, from, to time.Time) []routing.Cluster {
	var docs []routing.Doc
	for _, a := range as {
		at := a.AssignedAt
		if at.IsZero() {
			at = a.CreatedAt
		}
		if !at.Before(from) && at.Before(to) {
			docs = append(docs, routing.Doc{ID: int64(a.ID), Title: a.Title, Body: a.Body, Location: a.Location})
		}
	}
	return routing.Clusters(docs, routing.HotSpotThreshold, MinHotSpot)
}

// renderDigest renders a digest's text: the counts of the period and of
// now, the medians, the on-time rate and the overdue appeals. Counts "now"
// are as of delivery, which is moments after the digest's time unless the
// chat was unreachable.
func (r *Renderer) renderDigest(ctx context.Context, m appeal.Message, lang string, now time.Time) (Rendered, error) {
	dept, kind, from, to, err := digestArgs(m)
	if err != nil {
		return Rendered{}, err
	}
	s, loc, hot, err := r.digestRead(ctx, dept, from, to, now)
	if err != nil {
		return Rendered{}, fmt.Errorf("render: digest of %q: %w", dept, err)
	}
	k := s.KPI
	title := msgDigestNowTitle
	switch kind {
	case appeal.DigestDaily:
		title = msgDigestDailyTitle
	case appeal.DigestWeekly:
		title = msgDigestWeeklyTitle
	}
	name := r.DeptName(ctx, dept)
	lines := []string{
		"📊 " + Text(lang, title, Args{"dept": name}),
		Text(lang, msgDigestPeriod, Args{"from": ShortTime(from, loc), "to": ShortTime(to, loc), "zone": loc.String()}),
		"📥 " + Text(lang, msgDigestInPeriod, Args{"new": k.Received, "claimed": k.Claimed, "answered": k.Answered, "closed": k.Closed}),
		"📌 " + Text(lang, msgDigestNowCounts, Args{"open": k.Open, "overdue": k.Overdue, "risk": s.AtRisk,
			"within": fmtDur(lang, digest.AtRisk)}),
	}
	med := func(d kpi.Durations) string {
		if d.N == 0 {
			return Text(lang, msgDigestNoSample, nil)
		}
		return estimate(lang, d.Median)
	}
	lines = append(lines, "⏱ "+Text(lang, msgDigestMedians, Args{"claim": med(k.ToClaim), "answer": med(k.ToAnswer)}))
	if k.OnTimeAnswer != nil {
		lines = append(lines, "✅ "+Text(lang, msgDigestOnTime, Args{"pct": pct(lang, k.OnTimeAnswer), "n": k.AnswersOnTime, "of": k.AnswersDue}))
	} else {
		lines = append(lines, "✅ "+Text(lang, msgDigestOnTimeNone, nil))
	}
	lines = append(lines, rateLines(lang, k, r.weights())[1:]...)
	if len(hot) > 0 {
		lines = append(lines, "", "🔥 "+Text(lang, MsgDigestHotSpots, Args{"n": len(hot), "min": MinHotSpot}))
		for i, c := range hot {
			if i == maxHotSpots {
				lines = append(lines, Text(lang, msgAndMore, Args{"n": len(hot) - i}))
				break
			}
			ids := make([]string, 0, len(c.IDs))
			for j, id := range c.IDs {
				if j == maxHotSpotIDs {
					ids = append(ids, "…")
					break
				}
				ids = append(ids, fmt.Sprintf("#%d", id))
			}
			lines = append(lines, SimilarMark+" "+Text(lang, MsgDigestHotSpot, Args{"n": len(c.IDs),
				"title": HTML(EscCut(OneLine(c.Title), 60)), "ids": strings.Join(ids, " ")}))
		}
	}
	if len(s.Late) == 0 {
		lines = append(lines, "", "👍 "+Text(lang, msgDigestNoneLate, nil))
		return Rendered{HTML: strings.Join(lines, "\n")}, nil
	}
	lines = append(lines, "", "⏰ "+Text(lang, msgDigestLateTitle, Args{"n": len(s.Late)}))
	head := len(lines)
	for i, l := range s.Late {
		if i == maxDigestLate {
			break
		}
		lines = append(lines, r.listLine(ctx, l.Appeal, lang, now, false))
	}
	shown := len(lines) - head
	more := func() string { return Text(lang, msgAndMore, Args{"n": len(s.Late) - shown}) }
	for shown > 0 && runes(strings.Join(lines, "\n"))+runes(more())+1 > MaxText {
		lines = lines[:len(lines)-1]
		shown--
	}
	if shown < len(s.Late) {
		lines = append(lines, more())
	}
	return Rendered{HTML: strings.Join(lines, "\n")}, nil
}

// renderDigestChart draws the digest's chart, labelled in lang when the
// CJK font is there for Chinese (in English otherwise).
func (r *Renderer) renderDigestChart(ctx context.Context, m appeal.Message, lang string, now time.Time) (Rendered, error) {
	dept, _, from, to, err := digestArgs(m)
	if err != nil {
		return Rendered{}, err
	}
	s, loc, err := r.digestStats(ctx, dept, from, to, now)
	if err != nil {
		return Rendered{}, fmt.Errorf("render: digest chart of %q: %w", dept, err)
	}
	last := s.Days[len(s.Days)-1].Start
	caption := Text(lang, msgDigestChartCap, Args{"dept": r.DeptName(ctx, dept),
		"from": s.Days[0].Start.In(loc).Format("01-02"), "to": last.In(loc).Format("01-02")})
	if runes(caption) > MaxCaption {
		caption = Esc(plainCut(caption, MaxCaption-1))
	}
	c := r.cfg.Charter
	if c == nil {
		return Rendered{HTML: caption}, nil
	}
	name := dept
	if d, err := r.store.Department(ctx, dept); err == nil && strings.TrimSpace(d.Name) != "" {
		name = OneLine(d.Name)
	}
	l, cjk := chartLabelsFor(c, lang, dept, name, s.Days)
	png, err := c.Chart(s.Days, l, cjk)
	if err != nil {
		return Rendered{}, err
	}
	return Rendered{HTML: caption, Photo: png}, nil
}

// chartLabelsFor are the chart's texts in lang, and whether they need the
// CJK font. The title names the department (code dept) by its name.
// Without a CJK font to draw them, the labels are English and the
// department is named by its code unless its name is Latin.
func chartLabelsFor(c Charter, lang, dept, name string, days []digest.Day) (digest.Labels, bool) {
	title := name
	l := chartLabels(lang, title, days)
	if c.CJK(l.Text()) && (lang == LangZH || !latin(l.Text())) {
		return l, true
	}
	if !latin(title) {
		title = dept
	}
	return chartLabels(LangEN, title, days), false
}

// latin reports whether the built-in Latin font draws every letter of s.
func latin(s string) bool {
	for _, r := range s {
		if r >= 0x250 && r != '…' && r != '–' && r != '’' {
			return false
		}
	}
	return true
}

// chartLabels are the chart's texts in lang for the department named
// title.
func chartLabels(lang, title string, days []digest.Day) digest.Labels {
	wd := strings.Fields(Text(lang, msgWeekdays, nil))
	l := digest.Labels{Title: Plain(Text(lang, msgDigestChartTitle, Args{"dept": title})),
		Received: Plain(Text(lang, msgDigestChartNew, nil)), Answered: Plain(Text(lang, msgDigestChartDone, nil)),
		Overdue: Plain(Text(lang, msgDigestChartLate, nil)), Open: Plain(Text(lang, msgDigestChartOpen, nil))}
	for _, d := range days {
		l.Days = append(l.Days, wd[d.Start.Weekday()]+"\n"+d.Start.Format("1/2"))
	}
	return l
}
