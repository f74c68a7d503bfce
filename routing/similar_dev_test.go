package routing

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// edits make near-copies of an appeal, as a resubmission or a copied complaint
// differs from its original.
var edits = []struct {
	name string
	fn   func(rng *rand.Rand, e, other Example) Example
}{
	{"typos10", func(rng *rand.Rand, e, _ Example) Example {
		e.Body = mutate(rng, e.Body, 0.10, 0.05, 0.05)
		e.Title = mutate(rng, e.Title, 0.1, 0, 0)
		return e
	}},
	{"reorder-drop30", func(rng *rand.Rand, e, _ Example) Example {
		s := sentences(e.Body)
		rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		e.Body = strings.Join(s[:max(1, len(s)*7/10)], "")
		return e
	}},
	{"trim60-add", func(rng *rand.Rand, e, other Example) Example {
		r := []rune(e.Body)
		os := sentences(other.Body)
		e.Body = string(r[:len(r)*6/10]) + os[rng.IntN(len(os))]
		return e
	}},
	{"heavy", func(rng *rand.Rand, e, _ Example) Example {
		s := sentences(mutate(rng, e.Body, 0.15, 0.10, 0.05))
		rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		e.Body = strings.Join(s[:max(1, len(s)*8/10)], "")
		e.Title = mutate(rng, e.Title, 0.2, 0.1, 0)
		return e
	}},
}

// mutate substitutes, deletes and inserts the given shares of runes, drawing new runes
// from the text itself.
func mutate(rng *rand.Rand, s string, sub, del, ins float64) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	out := make([]rune, 0, len(r))
	for _, c := range r {
		p := rng.Float64()
		switch {
		case p < del:
		case p < del+sub:
			out = append(out, r[rng.IntN(len(r))])
		case p < del+sub+ins:
			out = append(out, c, r[rng.IntN(len(r))])
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func sentences(s string) []string {
	var out []string
	start := 0
	r := []rune(s)
	for i, c := range r {
		if strings.ContainsRune("。！？；", c) {
			out = append(out, string(r[start:i+1]))
			start = i + 1
		}
	}
	if start < len(r) {
		out = append(out, string(r[start:]))
	}
	if len(out) == 0 {
		out = []string{s}
	}
	return out
}

func quantiles(v []float64, ps ...float64) string {
	slices.Sort(v)
	var b strings.Builder
	for _, p := range ps {
		i := min(int(p*float64(len(v))), len(v)-1)
		fmt.Fprintf(&b, " p%g=%.3f", p*100, v[i])
	}
	fmt.Fprintf(&b, " max=%.3f n=%d", v[len(v)-1], len(v))
	return b.String()
}

func share(v []float64, t float64, above bool) float64 {
	n := 0
	for _, x := range v {
		if (x >= t) == above {
			n++
		}
	}
	return float64(n) / float64(len(v))
}

// TestSimilarityThresholdsDev measures the similarity of distinct appeals of the
// development set (within and between categories) and of edited copies of them, and
// checks that the thresholds separate the two. Its log is the evidence for the
// thresholds in BENCHMARKS.md.
func TestSimilarityThresholdsDev(t *testing.T) {
	ex := devData(t)
	fps := make([]Fingerprint, len(ex))
	for i, e := range ex {
		fps[i] = NewFingerprint(e.Title, e.Body, "")
	}
	var within, between []float64
	for i := range ex {
		for j := i + 1; j < len(ex); j++ {
			s := Similarity(fps[i], fps[j])
			if ex[i].Label == ex[j].Label {
				within = append(within, s)
			} else {
				between = append(between, s)
			}
		}
	}
	t.Logf("distinct, same category:      %s", quantiles(within, 0.5, 0.9, 0.99, 0.999))
	t.Logf("distinct, other category:     %s", quantiles(between, 0.5, 0.9, 0.99, 0.999))
	rng := rand.New(rand.NewPCG(1, 2))
	var all []float64
	for _, ed := range edits {
		var copies []float64
		for i, e := range ex {
			other := ex[(i+1+rng.IntN(len(ex)-1))%len(ex)]
			c := ed.fn(rng, e, other)
			copies = append(copies, Similarity(fps[i], NewFingerprint(c.Title, c.Body, "")))
		}
		t.Logf("edited copy, %-16s %s", ed.name+":", quantiles(copies, 0.01, 0.05, 0.1, 0.5))
		dup, hot := share(copies, DuplicateThreshold, true), share(copies, HotSpotThreshold, true)
		t.Logf("  found at %.2f: %.3f, at %.2f: %.3f", DuplicateThreshold, dup, HotSpotThreshold, hot)
		if ed.name != "heavy" && dup < 0.98 {
			t.Errorf("%s: only %.3f of edited copies reach DuplicateThreshold %.2f", ed.name, dup, DuplicateThreshold)
		}
		if hot < 0.9 {
			t.Errorf("%s: only %.3f of edited copies reach HotSpotThreshold %.2f", ed.name, hot, HotSpotThreshold)
		}
		all = append(all, copies...)
	}
	distinct := append(within, between...)
	for _, th := range []float64{0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5} {
		t.Logf("threshold %.2f: copies found %.4f, distinct pairs above %.5f (same category %.5f)",
			th, share(all, th, true), share(distinct, th, true), share(within, th, true))
	}
	if r := share(within, DuplicateThreshold, true); r > 1e-4 {
		t.Errorf("%.5f of distinct pairs of one category reach DuplicateThreshold", r)
	}
	if r := share(within, HotSpotThreshold, true); r > 5e-4 {
		t.Errorf("%.5f of distinct pairs of one category reach HotSpotThreshold", r)
	}
}
