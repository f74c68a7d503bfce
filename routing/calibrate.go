package routing

import "math"

// fitSoftmax fits θ of a multinomial logistic model whose score for class c of row i is
// Σ_j θ_j z[i][c*p+j], by Newton's method with a ridge penalty λ/2·|θ-prior|² and a
// backtracking line search. It is used on held-out scores with a handful of parameters
// (a scale per base model, a bias per class), so the objective is smooth, convex and
// tiny, and Newton converges in a few steps.
func fitSoftmax(z [][]float64, y []int, k, p int, lambda float64, prior []float64) []float64 {
	theta := append([]float64(nil), prior...)
	obj := func(th []float64) float64 {
		var f float64
		for i, zi := range z {
			f += nll(zi, y[i], k, p, th, nil, nil)
		}
		for j := range th {
			d := th[j] - prior[j]
			f += lambda / 2 * d * d
		}
		return f
	}
	grad := make([]float64, p)
	hess := make([]float64, p*p)
	mean := make([]float64, p)
	probs := make([]float64, k)
	cur := obj(theta)
	for iter := 0; iter < 50; iter++ {
		clear(grad)
		clear(hess)
		for i, zi := range z {
			nll(zi, y[i], k, p, theta, probs, mean)
			for j := 0; j < p; j++ {
				grad[j] += mean[j] - zi[y[i]*p+j]
			}
			for c := 0; c < k; c++ {
				zc := zi[c*p : c*p+p]
				for a := 0; a < p; a++ {
					for b := 0; b < p; b++ {
						hess[a*p+b] += probs[c] * (zc[a] - mean[a]) * (zc[b] - mean[b])
					}
				}
			}
		}
		for j := 0; j < p; j++ {
			grad[j] += lambda * (theta[j] - prior[j])
			hess[j*p+j] += lambda
		}
		step := solve(hess, grad, p)
		var dec float64
		for j := range step {
			dec += step[j] * grad[j]
		}
		if dec < 1e-10*float64(len(z)+1) {
			break
		}
		next := make([]float64, p)
		improved := false
		for t := 1.0; t > 1e-6; t /= 2 {
			for j := range next {
				next[j] = theta[j] - t*step[j]
			}
			if f := obj(next); f < cur {
				theta, cur, improved = next, f, true
				break
			}
		}
		if !improved {
			break
		}
	}
	return theta
}

// nll is the negative log-likelihood of one row; when probs and mean are given it also
// stores the class probabilities and the expected feature vector under them.
func nll(zi []float64, y, k, p int, theta, probs, mean []float64) float64 {
	maxS := math.Inf(-1)
	s := make([]float64, k)
	for c := 0; c < k; c++ {
		var v float64
		for j := 0; j < p; j++ {
			v += theta[j] * zi[c*p+j]
		}
		s[c] = v
		maxS = math.Max(maxS, v)
	}
	var sum float64
	for c := range s {
		sum += math.Exp(s[c] - maxS)
	}
	lse := maxS + math.Log(sum)
	if probs != nil {
		clear(mean)
		for c := range s {
			probs[c] = math.Exp(s[c] - lse)
			for j := 0; j < p; j++ {
				mean[j] += probs[c] * zi[c*p+j]
			}
		}
	}
	return lse - s[y]
}

// solve returns x with a·x = b for a symmetric positive definite p×p matrix a, by
// Gaussian elimination with partial pivoting on copies.
func solve(a, b []float64, p int) []float64 {
	m := append([]float64(nil), a...)
	x := append([]float64(nil), b...)
	for col := 0; col < p; col++ {
		piv := col
		for r := col + 1; r < p; r++ {
			if math.Abs(m[r*p+col]) > math.Abs(m[piv*p+col]) {
				piv = r
			}
		}
		if piv != col {
			for c := 0; c < p; c++ {
				m[col*p+c], m[piv*p+c] = m[piv*p+c], m[col*p+c]
			}
			x[col], x[piv] = x[piv], x[col]
		}
		d := m[col*p+col]
		if d == 0 {
			continue
		}
		for r := col + 1; r < p; r++ {
			f := m[r*p+col] / d
			if f == 0 {
				continue
			}
			for c := col; c < p; c++ {
				m[r*p+c] -= f * m[col*p+c]
			}
			x[r] -= f * x[col]
		}
	}
	for r := p - 1; r >= 0; r-- {
		v := x[r]
		for c := r + 1; c < p; c++ {
			v -= m[r*p+c] * x[c]
		}
		if d := m[r*p+r]; d != 0 {
			x[r] = v / d
		} else {
			x[r] = 0
		}
	}
	return x
}
