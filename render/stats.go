package render

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/kpi"
)

// The figures (KPIs) in chat: a department's figures and the ranking of
// departments for /stats, and the rates the leaders' digests repeat. The
// definitions are package kpi's.

func (r *Renderer) weights() kpi.Weights {
	if r.cfg.Weights == (kpi.Weights{}) {
		return kpi.DefaultWeights
	}
	return r.cfg.Weights
}

// pct is a rate as a whole percentage, "—" when undefined.
func pct(lang string, r *float64) string {
	if r == nil {
		return Text(lang, msgStatsNA, nil)
	}
	return strconv.Itoa(int(*r*100+0.5)) + "%"
}

// scoreText is a score with one decimal, "—" when undefined.
func scoreText(lang string, s *float64) string {
	if s == nil {
		return Text(lang, msgStatsNA, nil)
	}
	return strconv.FormatFloat(*s, 'f', 1, 64)
}

func weightsText(w kpi.Weights) string { return strings.ReplaceAll(w.String(), ",", "/") }

// durLine is one line of times to claim or to answer.
func durLine(lang string, what Key, d kpi.Durations) string {
	f := func(x time.Duration) string {
		if d.N == 0 {
			return Text(lang, msgStatsNA, nil)
		}
		return fmtDur(lang, x)
	}
	return "⏱ " + Text(lang, msgStatsDurations, Args{"what": Text(lang, what, nil), "median": f(d.Median), "p90": f(d.P90),
		"wmedian": f(d.WorkMedian), "wp90": f(d.WorkP90), "n": d.N})
}

// rateLines are the on-time, response, resolution and satisfaction rates
// and the score: what /stats and the leaders' digests both show.
func rateLines(lang string, f kpi.Figures, w kpi.Weights) []string {
	return []string{
		"✅ " + Text(lang, msgStatsOnTime, Args{"claim": pct(lang, f.OnTimeClaim), "cn": f.ClaimsOnTime, "cof": f.ClaimsDue,
			"answer": pct(lang, f.OnTimeAnswer), "an": f.AnswersOnTime, "aof": f.AnswersDue}),
		"📈 " + Text(lang, msgStatsRates, Args{"response": pct(lang, f.Response), "resolution": pct(lang, f.Resolution),
			"satisfaction": pct(lang, f.Satisfaction)}),
		"☎️ " + Text(lang, msgStatsFeedback, Args{"satisfied": f.Satisfied, "unsatisfied": f.Unsatisfied, "noanswer": f.NoAnswer}),
		"🏅 " + Text(lang, msgStatsScore, Args{"score": scoreText(lang, f.Score), "weights": weightsText(w)}),
	}
}

// report computes the figures of p as of now: of department dept alone,
// or of all ("").
func (r *Renderer) report(ctx context.Context, p kpi.Period, now time.Time, dept string) (kpi.Report, error) {
	return kpi.Load(ctx, r.store, r.cals, p.From.UTC(), p.To.UTC(), now.UTC(), r.weights(), dept)
}

func periodLine(lang string, key Key, p kpi.Period, loc *time.Location) string {
	return Text(lang, key, Args{"from": ShortTime(p.From, loc), "to": ShortTime(p.To, loc), "zone": loc.String()})
}

// DeptStats renders the figures of department dept for period p as of
// now, with times in loc.
func (r *Renderer) DeptStats(ctx context.Context, lang, dept string, p kpi.Period, loc *time.Location, now time.Time) (string, error) {
	rep, err := r.report(ctx, p, now, dept)
	if err != nil {
		return "", err
	}
	f, _ := rep.Department(dept)
	lines := []string{
		"📊 " + Text(lang, msgStatsDeptTitle, Args{"dept": r.DeptName(ctx, f.Department)}),
		periodLine(lang, msgStatsPeriod, p, loc),
		"📥 " + Text(lang, msgStatsCounts, Args{"received": f.Received, "claimed": f.Claimed, "answered": f.Answered,
			"closed": f.Closed, "resolved": f.Resolved}),
		"↔️ " + Text(lang, msgStatsMoves, Args{"returned": f.Returned, "transferred": f.TransferredOut,
			"extended": f.Extended, "reopened": f.Reopened, "urged": f.Urged}),
		"📌 " + Text(lang, msgStatsNow, Args{"open": f.Open, "overdue": f.Overdue}),
		durLine(lang, msgStatsToClaim, f.ToClaim),
		durLine(lang, msgStatsToAnswer, f.ToAnswer),
	}
	return strings.Join(append(lines, rateLines(lang, f, r.weights())...), "\n"), nil
}

// Ranking renders the figures of every department for period p as of now,
// with times in loc: the departments best score first, the one most
// overdue now, and the overall figures, within MaxText (departments that
// do not fit are counted in a last line).
func (r *Renderer) Ranking(ctx context.Context, lang string, p kpi.Period, loc *time.Location, now time.Time) (string, error) {
	rep, err := r.report(ctx, p, now, "")
	if err != nil {
		return "", err
	}
	head := []string{"🏆 " + Text(lang, msgStatsRankTitle, Args{"weights": weightsText(r.weights())}), periodLine(lang, msgStatsPeriod, p, loc)}
	var tail []string
	worst := kpi.Figures{}
	for _, f := range rep.Departments {
		if f.Overdue > worst.Overdue {
			worst = f
		}
	}
	if worst.Overdue > 0 {
		tail = append(tail, "⏰ "+Text(lang, msgStatsWorstLate, Args{"dept": r.DeptName(ctx, worst.Department), "n": worst.Overdue}))
	} else {
		tail = append(tail, "👍 "+Text(lang, msgStatsNoneLate, nil))
	}
	o := rep.Overall
	tail = append(tail, "Σ "+Text(lang, msgStatsOverall, Args{"score": scoreText(lang, o.Score), "received": o.Received,
		"answered": o.Answered, "overdue": o.Overdue}))
	ranked := rep.Ranking()
	if len(ranked) == 0 {
		return strings.Join(append(head, Text(lang, msgStatsRankNone, nil)), "\n"), nil
	}
	var body []string
	for i, f := range ranked {
		body = append(body, Text(lang, msgStatsRankLine, Args{"n": i + 1, "dept": r.DeptName(ctx, f.Department),
			"score": scoreText(lang, f.Score), "response": pct(lang, f.Response), "resolution": pct(lang, f.Resolution),
			"satisfaction": pct(lang, f.Satisfaction), "overdue": f.Overdue}))
	}
	text := func(body []string, cut int) string {
		lines := append(slices.Clone(head), body...)
		if cut > 0 {
			lines = append(lines, Text(lang, msgStatsCut, Args{"n": cut}))
		}
		return strings.Join(append(append(lines, ""), tail...), "\n")
	}
	shown := len(body)
	for shown > 0 && runes(text(body[:shown], len(body)-shown)) > MaxText {
		shown--
	}
	return text(body[:shown], len(body)-shown), nil
}
