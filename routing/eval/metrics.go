package eval

import (
	"math"
	"sort"
	"strconv"
)

// outcome is one held-out prediction.
type outcome struct {
	truth, first, second string
	confidence           float64
	seconds              float64 // time taken by Predict
}

// coverages are the shares of appeals, most confident first, at which precision is reported.
var coverages = []int{50, 60, 70, 80, 90}

// targetPrecision is the precision that automatic assignment is meant to keep.
const targetPrecision = 0.97

// quality is the part of the report computed from held-out predictions.
type quality struct {
	Accuracy            float64            `json:"accuracy"`
	MacroF1             float64            `json:"macro_f1"`
	PerClassF1          map[string]float64 `json:"per_class_f1"`
	Top2Accuracy        float64            `json:"top2_accuracy"`
	PrecisionAtCoverage map[string]float64 `json:"precision_at_coverage"`
	// ThresholdForPrecision097 is the lowest confidence threshold at which the appeals
	// whose top suggestion reaches it are still right at least 97 % of the time; null
	// when no threshold gets there. CoverageAtPrecision097 is the share of appeals
	// that reach it.
	ThresholdForPrecision097 *float64 `json:"threshold_for_precision_097"`
	CoverageAtPrecision097   float64  `json:"coverage_at_precision_097"`
	PrecisionAtThreshold097  float64  `json:"precision_at_threshold_097"`
	// CalibrationError is the expected calibration error of the top suggestion: the
	// gap between confidence and the share right, averaged over ten equal-width
	// confidence bins weighted by their appeals.
	CalibrationError float64 `json:"calibration_error"`
	PredictP50Ms     float64 `json:"predict_p50_ms"`
	PredictP99Ms     float64 `json:"predict_p99_ms"`
}

func measure(out []outcome) quality {
	q := quality{PerClassF1: map[string]float64{}, PrecisionAtCoverage: map[string]float64{}}
	n := len(out)
	if n == 0 {
		return q
	}
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	var right, right2 int
	for _, o := range out {
		if o.first == o.truth {
			right++
			right2++
			tp[o.truth]++
		} else {
			fp[o.first]++
			fn[o.truth]++
			if o.second == o.truth {
				right2++
			}
		}
	}
	q.Accuracy = round(float64(right) / float64(n))
	q.Top2Accuracy = round(float64(right2) / float64(n))
	classes := map[string]bool{}
	for _, o := range out {
		classes[o.truth] = true
		classes[o.first] = true
	}
	var sum float64
	for c := range classes {
		f1 := 0.0
		if d := 2*tp[c] + fp[c] + fn[c]; d > 0 {
			f1 = 2 * float64(tp[c]) / float64(d)
		}
		q.PerClassF1[c] = round(f1)
		sum += f1
	}
	q.MacroF1 = round(sum / float64(len(classes)))

	byConf := append([]outcome(nil), out...)
	sort.SliceStable(byConf, func(i, j int) bool { return byConf[i].confidence > byConf[j].confidence })
	correct := make([]int, n+1) // correct[i]: right among the i most confident
	for i, o := range byConf {
		correct[i+1] = correct[i]
		if o.first == o.truth {
			correct[i+1]++
		}
	}
	for _, c := range coverages {
		m := int(math.Ceil(float64(c) * float64(n) / 100))
		q.PrecisionAtCoverage[strconv.Itoa(c)] = round(float64(correct[m]) / float64(m))
	}
	// A threshold can only cut between different confidences.
	for i := n; i >= 1; i-- {
		if i < n && byConf[i].confidence == byConf[i-1].confidence {
			continue
		}
		if p := float64(correct[i]) / float64(i); p >= targetPrecision {
			t := byConf[i-1].confidence // not rounded: it is meant to be used as a setting
			q.ThresholdForPrecision097 = &t
			q.CoverageAtPrecision097 = round(float64(i) / float64(n))
			q.PrecisionAtThreshold097 = round(p)
			break
		}
	}

	const bins = 10
	var conf, hit [bins]float64
	var cnt [bins]int
	for _, o := range out {
		b := min(int(o.confidence*bins), bins-1)
		cnt[b]++
		conf[b] += o.confidence
		if o.first == o.truth {
			hit[b]++
		}
	}
	var ece float64
	for b := range cnt {
		ece += math.Abs(conf[b]-hit[b]) / float64(n)
	}
	q.CalibrationError = round(ece)

	secs := make([]float64, n)
	for i, o := range out {
		secs[i] = o.seconds
	}
	sort.Float64s(secs)
	q.PredictP50Ms = round(1000 * quantile(secs, 0.50))
	q.PredictP99Ms = round(1000 * quantile(secs, 0.99))
	return q
}

// quantile of sorted values, nearest rank.
func quantile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

func round(v float64) float64 { return math.Round(v*1e4) / 1e4 }
