package kpi

import (
	"math"
	"time"
)

// Durations kept as counts per bucket: bucket 0 holds [0, 1 min) (and any
// negative duration, which a clock set back could produce), bucket i in
// 1..NumBuckets-2 holds [1 min × 2^((i-1)/4), 1 min × 2^(i/4)), and the
// last holds everything from 2^20 minutes (about 728 days) on. A bucket
// stands for its geometric middle (30 s for bucket 0, its lower bound for
// the last), so a median or 90th percentile read from the buckets is
// within MaxEstimateError of the exact one for durations under 728 days.
const NumBuckets = 82

// MaxEstimateError bounds how far a median or 90th percentile read from
// buckets is from the exact one, for durations under 728 days: 30 s plus
// 2^(1/8)−1 (about 9.05 %) of the exact value.
func MaxEstimateError(exact time.Duration) time.Duration {
	return 30*time.Second + time.Duration(float64(exact)*(math.Pow(2, 0.125)-1)) + 1
}

// Bucket returns the bucket of duration d.
func Bucket(d time.Duration) int {
	if d < time.Minute {
		return 0
	}
	// Exact at the bounds: compare with the bounds themselves rather than
	// trust a logarithm's rounding.
	i := int(math.Floor(4*math.Log2(float64(d)/float64(time.Minute)))) + 1
	for i > 1 && d < bucketLow(i) {
		i--
	}
	for i < NumBuckets-1 && d >= bucketLow(i+1) {
		i++
	}
	return min(max(i, 1), NumBuckets-1)
}

// bucketLow is the lower bound of bucket i ≥ 1.
func bucketLow(i int) time.Duration {
	return time.Duration(float64(time.Minute) * math.Pow(2, float64(i-1)/4))
}

// BucketValue is the duration bucket i stands for.
func BucketValue(i int) time.Duration {
	switch {
	case i <= 0:
		return 30 * time.Second
	case i >= NumBuckets-1:
		return bucketLow(NumBuckets - 1)
	}
	return time.Duration(float64(time.Minute) * math.Pow(2, (float64(i)-0.5)/4))
}

// Hist counts durations per bucket.
type Hist [NumBuckets]int64

// Add counts duration d.
func (h *Hist) Add(d time.Duration) { h[Bucket(d)]++ }

// N is the number of durations counted.
func (h *Hist) N() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// nth is the value standing for the k-th smallest duration (from 0).
func (h *Hist) nth(k int64) time.Duration {
	for i, c := range h {
		if k < c {
			return BucketValue(i)
		}
		k -= c
	}
	return 0
}

// Median is the estimate of Median over the durations counted.
func (h *Hist) Median() time.Duration {
	n := h.N()
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return h.nth(n / 2)
	}
	return (h.nth(n/2-1) + h.nth(n/2)) / 2
}

// P90 is the estimate of P90 over the durations counted.
func (h *Hist) P90() time.Duration {
	n := h.N()
	if n == 0 {
		return 0
	}
	k := int64(math.Ceil(0.9*float64(n))) - 1
	return h.nth(max(k, 0))
}

// Sums are one department's facts summed over a period: their number by
// kind, and the durations of FactToClaim and FactToAnswer by bucket.
type Sums struct {
	Dept string
	N    [NumFactKinds]int64
	// ClaimWall, ClaimWork, AnswerWall, AnswerWork count the durations of
	// FactToClaim and FactToAnswer in wall and working time.
	ClaimWall, ClaimWork, AnswerWall, AnswerWork Hist
}

// Add counts fact f (of any instant: the caller chooses).
func (s *Sums) Add(f Fact) {
	s.N[f.Kind]++
	switch f.Kind {
	case FactToClaim:
		s.ClaimWall.Add(f.Wall)
		s.ClaimWork.Add(f.Work)
	case FactToAnswer:
		s.AnswerWall.Add(f.Wall)
		s.AnswerWork.Add(f.Work)
	}
}

// Merge adds o to s.
func (s *Sums) Merge(o *Sums) {
	for i := range s.N {
		s.N[i] += o.N[i]
	}
	for i := range NumBuckets {
		s.ClaimWall[i] += o.ClaimWall[i]
		s.ClaimWork[i] += o.ClaimWork[i]
		s.AnswerWall[i] += o.AnswerWall[i]
		s.AnswerWork[i] += o.AnswerWork[i]
	}
}

// Zero reports whether nothing is counted.
func (s *Sums) Zero() bool {
	return s.N == [NumFactKinds]int64{} && s.ClaimWall.N() == 0 && s.AnswerWall.N() == 0
}

// counts are the figures the facts of a period count, without durations,
// rates or the "now" gauges.
func counts(n [NumFactKinds]int64) Figures {
	i := func(k FactKind) int { return int(n[k]) }
	return Figures{
		Received: i(FactReceived), Claimed: i(FactClaimed), Answered: i(FactAnswered),
		Closed: i(FactClosed), Resolved: i(FactResolved), Unresolved: i(FactUnresolved),
		Returned: i(FactReturned), TransferredOut: i(FactTransferredOut), Extended: i(FactExtended),
		Reopened: i(FactReopened), Urged: i(FactUrged), Satisfied: i(FactSatisfied), Unsatisfied: i(FactUnsatisfied),
		NoAnswer:      i(FactNoAnswer),
		ClaimsDue:     i(FactClaimOnTime) + i(FactClaimLate) + i(FactClaimPending),
		ClaimsOnTime:  i(FactClaimOnTime),
		AnswersDue:    i(FactAnswerOnTime) + i(FactAnswerLate) + i(FactAnswerPending),
		AnswersOnTime: i(FactAnswerOnTime),
		Kept:          i(FactResponded) + i(FactKeptUnanswered),
		Responded:     i(FactResponded),
	}
}

// figures are the figures of s with open and overdue now; medians and
// 90th percentiles are estimates from the buckets.
func (s *Sums) figures(open, overdue int, w Weights) Figures {
	f := counts(s.N)
	f.Department = s.Dept
	f.Open, f.Overdue = open, overdue
	f.ToClaim = Durations{N: int(s.ClaimWall.N()), Median: s.ClaimWall.Median(), P90: s.ClaimWall.P90(),
		WorkMedian: s.ClaimWork.Median(), WorkP90: s.ClaimWork.P90()}
	f.ToAnswer = Durations{N: int(s.AnswerWall.N()), Median: s.AnswerWall.Median(), P90: s.AnswerWall.P90(),
		WorkMedian: s.AnswerWork.Median(), WorkP90: s.AnswerWork.P90()}
	rates(&f, w)
	return f
}

// rates fills in the rates and the score of f from its counts.
func rates(f *Figures, w Weights) {
	f.OnTimeClaim = ratio(f.ClaimsOnTime, f.ClaimsDue)
	f.OnTimeAnswer = ratio(f.AnswersOnTime, f.AnswersDue)
	f.Response = ratio(f.Responded, f.Kept)
	f.Resolution = ratio(f.Resolved, f.Resolved+f.Unresolved)
	f.Satisfaction = ratio(f.Satisfied, f.Satisfied+f.Unsatisfied)
	f.Score = score(w, f.Response, f.Resolution, f.Satisfaction)
}
