package routing

import (
	"math"
	"math/rand/v2"
)

// matrix is a set of sparse row vectors (CSR).
type matrix struct {
	ptr []int // row i is idx[ptr[i]:ptr[i+1]]
	idx []int32
	val []float32
	sq  []float64 // squared norm of each row
}

func (m *matrix) rows() int { return len(m.ptr) - 1 }

func (m *matrix) add(idx []int32, val []float32) {
	if len(m.ptr) == 0 {
		m.ptr = append(m.ptr, 0)
	}
	var sq float64
	for _, v := range val {
		sq += float64(v) * float64(v)
	}
	m.idx = append(m.idx, idx...)
	m.val = append(m.val, val...)
	m.ptr = append(m.ptr, len(m.idx))
	m.sq = append(m.sq, sq)
}

// svmBias is the value of the constant feature that stands in for the intercept, as
// LIBLINEAR's -B 1 does: the intercept is then regularised like any weight, which keeps
// the dual problem free of an equality constraint.
const svmBias = 1

// trainSVM fits one class against the rest with an L2-regularised, squared-hinge-loss
// linear SVM, solved in the dual by coordinate descent with shrinking (Hsieh et al.,
// ICML 2008; the algorithm of LIBLINEAR's -s 1). rows are the training rows of m, pos
// says which of them belong to the class and cost weighs each row's loss (nil: all 1).
// alpha0, when given, is a starting point for the dual variables, such as the solution
// on a superset of the rows: it is taken over, and returned as the solution. The
// visiting order comes from seed, so the result is the same on every run.
func trainSVM(m *matrix, rows []int32, pos []bool, cost []float64, nfeat int, c float64, maxIter int, seed uint64, alpha0 []float64) (w []float64, bias float64, alpha []float64) {
	const eps = 0.1 // LIBLINEAR's default stopping tolerance on the projected gradient
	w = make([]float64, nfeat)
	n := len(rows)
	alpha = alpha0
	if alpha == nil {
		alpha = make([]float64, n)
	}
	diag := make([]float64, n)
	qd := make([]float64, n)
	y := make([]float64, n)
	index := make([]int, n)
	for s, r := range rows {
		diag[s] = 0.5 / c
		if cost != nil {
			diag[s] = 0.5 / (c * cost[s])
		}
		qd[s] = m.sq[r] + svmBias*svmBias + diag[s]
		y[s] = -1
		if pos[s] {
			y[s] = 1
		}
		index[s] = s
		if a := alpha[s]; a != 0 {
			lo, hi := m.ptr[r], m.ptr[r+1]
			for k, f := range m.idx[lo:hi] {
				w[f] += a * y[s] * float64(m.val[lo+k])
			}
			bias += a * y[s] * svmBias
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	active := n
	// With no upper bound on alpha (squared hinge) only the upper side of the
	// projected gradient can shrink a variable.
	pgMaxOld := math.Inf(1)
	for iter := 0; iter < maxIter; iter++ {
		pgMax, pgMin := math.Inf(-1), math.Inf(1)
		for s := 0; s < active; s++ {
			j := s + rng.IntN(active-s)
			index[s], index[j] = index[j], index[s]
		}
		for s := 0; s < active; s++ {
			i := index[s]
			r := rows[i]
			lo, hi := m.ptr[r], m.ptr[r+1]
			idx, val := m.idx[lo:hi], m.val[lo:hi]
			g := bias * svmBias
			for k, f := range idx {
				g += w[f] * float64(val[k])
			}
			g = g*y[i] - 1 + diag[i]*alpha[i]
			pg := g
			if alpha[i] == 0 {
				if g > pgMaxOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				if g > 0 {
					pg = 0
				}
			}
			pgMax = math.Max(pgMax, pg)
			pgMin = math.Min(pgMin, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[i]
				alpha[i] = math.Max(old-g/qd[i], 0)
				d := (alpha[i] - old) * y[i]
				for k, f := range idx {
					w[f] += d * float64(val[k])
				}
				bias += d * svmBias
			}
		}
		if pgMax-pgMin <= eps {
			if active == n {
				break
			}
			active = n
			pgMaxOld = math.Inf(1)
			continue
		}
		pgMaxOld = pgMax
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
	}
	return w, bias * svmBias, alpha
}
