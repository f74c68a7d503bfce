package kpi

import (
	"fmt"
	"time"
)

// Differences lists where report got (read from the kept sums, see Load)
// differs from want (computed from the log, see Compute) beyond what the
// sums allow: every count, gauge and rate must be equal, every median and
// 90th percentile within MaxEstimateError of the exact one (durations of
// 728 days or more only need to be that long). None means they agree.
func Differences(got, want Report) []string {
	var out []string
	out = append(out, figureDifferences("all departments", got.Overall, want.Overall)...)
	gd := map[string]Figures{}
	for _, f := range got.Departments {
		gd[f.Department] = f
	}
	seen := map[string]bool{}
	for _, w := range want.Departments {
		seen[w.Department] = true
		g, ok := gd[w.Department]
		if !ok {
			out = append(out, fmt.Sprintf("%s: missing from the sums", w.Department))
			continue
		}
		out = append(out, figureDifferences(w.Department, g, w)...)
	}
	for _, g := range got.Departments {
		if !seen[g.Department] {
			out = append(out, fmt.Sprintf("%s: in the sums, not in the log", g.Department))
		}
	}
	return out
}

func figureDifferences(name string, got, want Figures) []string {
	var out []string
	dur := func(what string, g, w Durations) {
		if g.N != w.N {
			out = append(out, fmt.Sprintf("%s: %s samples: sums %d, log %d", name, what, g.N, w.N))
		}
		for _, p := range []struct {
			what string
			g, w time.Duration
		}{{"median", g.Median, w.Median}, {"p90", g.P90, w.P90},
			{"working median", g.WorkMedian, w.WorkMedian}, {"working p90", g.WorkP90, w.WorkP90}} {
			if top := BucketValue(NumBuckets - 1); p.w >= top {
				if p.g < top {
					out = append(out, fmt.Sprintf("%s: %s %s: sums %v, log %v", name, what, p.what, p.g, p.w))
				}
				continue
			}
			if bound := MaxEstimateError(p.w); (p.g - p.w).Abs() > bound {
				out = append(out, fmt.Sprintf("%s: %s %s: sums %v, log %v (more than %v apart)", name, what, p.what, p.g, p.w, bound))
			}
		}
	}
	dur("time to claim", got.ToClaim, want.ToClaim)
	dur("time to answer", got.ToAnswer, want.ToAnswer)
	ints := []struct {
		what string
		g, w int
	}{
		{"received", got.Received, want.Received}, {"claimed", got.Claimed, want.Claimed},
		{"answered", got.Answered, want.Answered}, {"closed", got.Closed, want.Closed},
		{"resolved", got.Resolved, want.Resolved}, {"unresolved", got.Unresolved, want.Unresolved},
		{"returned", got.Returned, want.Returned}, {"transferred", got.TransferredOut, want.TransferredOut},
		{"extended", got.Extended, want.Extended}, {"reopened", got.Reopened, want.Reopened},
		{"satisfied", got.Satisfied, want.Satisfied}, {"unsatisfied", got.Unsatisfied, want.Unsatisfied},
		{"no answer", got.NoAnswer, want.NoAnswer}, {"open", got.Open, want.Open}, {"overdue", got.Overdue, want.Overdue},
		{"claims due", got.ClaimsDue, want.ClaimsDue}, {"claims on time", got.ClaimsOnTime, want.ClaimsOnTime},
		{"answers due", got.AnswersDue, want.AnswersDue}, {"answers on time", got.AnswersOnTime, want.AnswersOnTime},
		{"kept", got.Kept, want.Kept}, {"responded", got.Responded, want.Responded},
	}
	for _, c := range ints {
		if c.g != c.w {
			out = append(out, fmt.Sprintf("%s: %s: sums %d, log %d", name, c.what, c.g, c.w))
		}
	}
	rates := []struct {
		what string
		g, w *float64
	}{
		{"on-time claim rate", got.OnTimeClaim, want.OnTimeClaim}, {"on-time answer rate", got.OnTimeAnswer, want.OnTimeAnswer},
		{"response rate", got.Response, want.Response}, {"resolution rate", got.Resolution, want.Resolution},
		{"satisfaction rate", got.Satisfaction, want.Satisfaction}, {"score", got.Score, want.Score},
	}
	for _, r := range rates {
		if (r.g == nil) != (r.w == nil) || r.g != nil && *r.g != *r.w {
			out = append(out, fmt.Sprintf("%s: %s: sums %s, log %s", name, r.what, rateText(r.g), rateText(r.w)))
		}
	}
	return out
}

func rateText(r *float64) string {
	if r == nil {
		return "undefined"
	}
	return fmt.Sprint(*r)
}
