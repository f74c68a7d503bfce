package routing

import "math"

// cnbAlpha is the additive smoothing of complement naive Bayes on TF-IDF values.
const cnbAlpha = 0.1

// trainCNB fits complement naive Bayes (Rennie et al., ICML 2003) with weight
// normalisation on the TF-IDF rows: a class's weight for a feature is how rare the
// feature is outside the class. It returns feature-major weights, w[f*k+c].
func trainCNB(m *matrix, rows []int32, y []int, k, nfeat int) []float64 {
	sums := make([]float64, nfeat*k)
	total := make([]float64, nfeat)
	for _, r := range rows {
		c := y[r]
		for j := m.ptr[r]; j < m.ptr[r+1]; j++ {
			f, v := int(m.idx[j]), float64(m.val[j])
			sums[f*k+c] += v
			total[f] += v
		}
	}
	compSum := make([]float64, k)
	for f := 0; f < nfeat; f++ {
		for c := 0; c < k; c++ {
			comp := total[f] - sums[f*k+c]
			sums[f*k+c] = comp
			compSum[c] += comp
		}
	}
	norm := make([]float64, k)
	for f := 0; f < nfeat; f++ {
		for c := 0; c < k; c++ {
			lp := math.Log((sums[f*k+c] + cnbAlpha) / (compSum[c] + cnbAlpha*float64(nfeat)))
			sums[f*k+c] = lp
			norm[c] += math.Abs(lp)
		}
	}
	for f := 0; f < nfeat; f++ {
		for c := 0; c < k; c++ {
			if norm[c] > 0 {
				sums[f*k+c] = -sums[f*k+c] / norm[c]
			}
		}
	}
	return sums
}

// scoreCNB adds the naive Bayes score of every class for row r to s.
func scoreCNB(m *matrix, r int, w []float64, k int, s []float64) {
	for j := m.ptr[r]; j < m.ptr[r+1]; j++ {
		f, v := int(m.idx[j]), float64(m.val[j])
		for c := 0; c < k; c++ {
			s[c] += v * w[f*k+c]
		}
	}
}
