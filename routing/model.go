package routing

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"
)

// Input is what is known of an appeal when a department is to be suggested for it.
// Category and Location are optional: an upstream's own category (when it sends one)
// and the place the appeal is about.
type Input struct {
	Title, Body, Category, Location string
}

// Example is a labelled appeal to learn from. Label is the department that finally
// answered the appeal without returning it.
type Example struct {
	Title, Body, Category, Location string
	Label                           string
}

// Input returns the part of e that the model sees.
func (e Example) Input() Input {
	return Input{Title: e.Title, Body: e.Body, Category: e.Category, Location: e.Location}
}

// Suggestion is one department for an appeal with the model's probability that it is
// the right one. Confidences are calibrated on held-out appeals during training, so
// that "confidence ≥ t" keeps about the precision that t promises.
type Suggestion struct {
	Label      string
	Confidence float64
}

// Options tune training. The zero value gives the defaults, which are standard
// settings for short-text classification, not fitted to any one data set.
type Options struct {
	// Seed fixes the fold split and the order of optimisation: the same examples,
	// options and seed give the same model, byte for byte.
	Seed uint64
	// MaxNgram is the longest character n-gram (default 3).
	MaxNgram int
	// MinDF drops n-grams that occur in fewer appeals than this (default 2, or 1 under
	// 100 examples, where pruning would leave next to nothing): they cannot generalise
	// and make up most of the vocabulary.
	MinDF int
	// MaxFeatures caps the vocabulary, keeping the most frequent n-grams. The default
	// is what fits MaxModelBytes, at most 2^20.
	MaxFeatures int
	// MaxModelBytes bounds the model's size in memory through the vocabulary
	// (default 32 MiB).
	MaxModelBytes int
	// TitleWeight, CategoryWeight and LocationWeight scale the title's own n-grams,
	// the category token and the location's n-grams against the whole text, whose
	// weight is 1. Zero means the default (0.7, 0.5, 0.3); a negative value leaves
	// that part out.
	TitleWeight, CategoryWeight, LocationWeight float64
	// C is the SVM's cost of a margin violation (default 1, as in LIBLINEAR).
	C float64
	// MaxIter caps the SVM's passes over the data (default 100).
	MaxIter int
	// CalibrationFolds is the number of internal folds whose held-out scores fit the
	// confidence calibration (default 3).
	CalibrationFolds int
	// NBWeight is the prior weight of the complement naive Bayes scores in the
	// ensemble; negative leaves naive Bayes out (default 1).
	NBWeight float64
	// Unbalanced turns off the class weights that make every department count the
	// same in training, however many appeals it has.
	Unbalanced bool
	// Workers is the number of goroutines used (default GOMAXPROCS). It does not
	// change the result.
	Workers int
}

func (o Options) withDefaults() Options {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		} else if *v < 0 {
			*v = 0
		}
	}
	if o.MaxNgram <= 0 || o.MaxNgram > maxGram {
		o.MaxNgram = maxGram
	}

	if o.MaxModelBytes <= 0 {
		o.MaxModelBytes = 32 << 20
	}
	def(&o.TitleWeight, 0.7)
	def(&o.CategoryWeight, 0.5)
	def(&o.LocationWeight, 0.3)
	def(&o.NBWeight, 1)
	if o.C <= 0 {
		o.C = 1
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 100
	}
	if o.CalibrationFolds <= 1 {
		o.CalibrationFolds = 3
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Model suggests departments for appeals. It is safe for concurrent use.
type Model struct {
	labels   []string
	vec      vectorizer
	w        []float32 // feature-major: the weight of feature f for class c is w[f*k+c]
	bias     []float32
	examples int
	pool     sync.Pool
}

// ErrTooFewLabels is returned by Train when the examples name fewer than two departments.
var ErrTooFewLabels = errors.New("routing: train: need examples of at least two labels")

// Train learns a model from examples: TF-IDF vectors of character n-grams, a one-vs-rest
// linear SVM, complement naive Bayes, and a softmax over both models' scores whose
// scales and class biases are fitted on internal held-out folds. Examples without a
// label are ignored.
func Train(examples []Example, opts Options) (*Model, error) {
	o := opts.withDefaults()
	var ex []Example
	for _, e := range examples {
		if e.Label != "" {
			ex = append(ex, e)
		}
	}
	labels := distinctLabels(ex)
	if len(labels) < 2 {
		return nil, ErrTooFewLabels
	}
	k := len(labels)
	classOf := make(map[string]int, k)
	for i, l := range labels {
		classOf[l] = i
	}
	y := make([]int, len(ex))
	for i, e := range ex {
		y[i] = classOf[e.Label]
	}
	weights := [nsCount]float32{nsText: 1, nsTitle: float32(o.TitleWeight), nsCat: float32(o.CategoryWeight), nsLoc: float32(o.LocationWeight)}
	maxFeat := o.MaxFeatures
	if maxFeat <= 0 {
		maxFeat = min(1<<20, o.MaxModelBytes/(8+4+4+4*k))
	}
	minDF := o.MinDF
	if minDF <= 0 {
		minDF = 2
		if len(ex) < 100 {
			minDF = 1
		}
	}
	vec, m := features(ex, o.MaxNgram, minDF, maxFeat, weights, o.Workers)

	t := &trainer{o: o, m: m, y: y, k: k, nfeat: len(vec.idf)}
	t.split()
	t.fit()
	theta, nbScale := t.calibrate()

	mod := &Model{labels: labels, vec: *vec, examples: len(ex)}
	mod.w = make([]float32, t.nfeat*k)
	mod.bias = make([]float32, k)
	final := t.svm[t.nf*k:]
	nb := t.nb[t.nf]
	for c := 0; c < k; c++ {
		for f := 0; f < t.nfeat; f++ {
			v := theta[0] * final[c].w[f]
			if nb != nil {
				v += theta[1] * nbScale * nb[f*k+c]
			}
			mod.w[f*k+c] = float32(v)
		}
		mod.bias[c] = float32(theta[0]*final[c].b + theta[calibParams+c])
	}
	return mod, nil
}

// calibParams is the number of calibration parameters before the class biases: the
// scale of the SVM's margins and the scale of naive Bayes's scores.
const calibParams = 2

// trainer holds the state of one Train call.
type trainer struct {
	o        Options
	m        *matrix
	y        []int
	k, nfeat int
	// nf internal folds; rows[f] and held[f] are the training and held-out rows of fold
	// f, and rows[nf] is every row, for the final models.
	nf         int
	rows, held [][]int32
	svm        []svmResult // job f*k+c: class c trained on rows[f]
	nb         [][]float64 // naive Bayes weights trained on every row ([nf]), nil when left out
	nbHeld     [][]float64 // naive Bayes scores of held[f] (k per row, centred), nil when left out
}

type svmResult struct {
	w      []float64 // only for the final models
	b      float64
	scores []float64 // margins of held[f], for the fold models
}

func (t *trainer) split() {
	t.nf = t.o.CalibrationFolds
	if len(t.y) < 4*t.nf {
		t.nf = 0 // too few to hold any out: keep the prior calibration
	}
	folds := stratifiedFolds(t.y, t.k, max(t.nf, 1), t.o.Seed)
	t.rows = make([][]int32, t.nf+1)
	t.held = make([][]int32, t.nf+1)
	for f := 0; f <= t.nf; f++ {
		for i := range t.y {
			if f < t.nf && folds[i] == f {
				t.held[f] = append(t.held[f], int32(i))
			} else {
				t.rows[f] = append(t.rows[f], int32(i))
			}
		}
	}
}

// fit trains every SVM and naive Bayes model, fold models keeping only their
// held-out scores so that memory stays at the final models' size.
func (t *trainer) fit() {
	k := t.k
	// Balanced costs weigh each class as if all were equally common, which is what a
	// macro-averaged score asks for and what keeps small departments from being
	// swallowed by big ones.
	cost := make([]float64, k)
	for _, c := range t.y {
		cost[c]++
	}
	for c := range cost {
		cost[c] = float64(len(t.y)) / (float64(k) * cost[c])
	}
	t.svm = make([]svmResult, (t.nf+1)*k)
	t.nb = make([][]float64, t.nf+1)
	t.nbHeld = make([][]float64, t.nf)
	alphas := make([][]float64, k) // the final model's dual solution, per class, by row
	// A fold model starts from the final model's solution on its rows: held-out rows
	// leave only a small correction, so it converges in a few passes instead of a
	// dozen. The final models are trained first, each class a job, with naive Bayes
	// alongside; then the fold models.
	nbJobs := 0
	if t.o.NBWeight > 0 {
		nbJobs = t.nf + 1
	}
	parallel(k+nbJobs, t.o.Workers, func(j int) {
		if j >= k {
			f := j - k
			w := trainCNB(t.m, t.rows[f], t.y, k, t.nfeat)
			if f == t.nf {
				t.nb[f] = w
				return
			}
			// Keep only the held-out scores of a fold model, not its weights.
			sc := make([]float64, len(t.held[f])*k)
			for s, r := range t.held[f] {
				scoreCNB(t.m, int(r), w, k, sc[s*k:s*k+k])
				centre(sc[s*k : s*k+k])
			}
			t.nbHeld[f] = sc
			return
		}
		w, b, alpha := t.svmJob(t.nf, j, cost, nil)
		t.svm[t.nf*k+j] = svmResult{w: w, b: b}
		alphas[j] = alpha
	})
	parallel(t.nf*k, t.o.Workers, func(j int) {
		f, class := j/k, j%k
		start := make([]float64, len(t.rows[f]))
		for s, r := range t.rows[f] {
			start[s] = alphas[class][r]
		}
		w, b, _ := t.svmJob(f, class, cost, start)
		sc := make([]float64, len(t.held[f]))
		for s, r := range t.held[f] {
			sc[s] = dot(t.m, int(r), w) + b
		}
		t.svm[j] = svmResult{scores: sc}
	})
}

// svmJob trains class against the rest on the rows of fold f (f == nf: every row).
func (t *trainer) svmJob(f, class int, cost, alpha0 []float64) ([]float64, float64, []float64) {
	rows := t.rows[f]
	pos := make([]bool, len(rows))
	var rc []float64
	if !t.o.Unbalanced {
		rc = make([]float64, len(rows))
	}
	for s, r := range rows {
		pos[s] = t.y[r] == class
		if rc != nil {
			rc[s] = cost[t.y[r]]
		}
	}
	// The loss is a sum over examples, so with one C a model trained on fewer examples
	// is regularised harder and its margins run smaller than the final model's.
	// Scaling C by the share of rows keeps the held-out margins, and so the
	// calibration fitted on them, on the final model's scale.
	c := t.o.C * float64(len(t.y)) / float64(len(rows))
	seed := t.o.Seed ^ uint64(f*t.k+class+1)*0x9e3779b97f4a7c15
	return trainSVM(t.m, rows, pos, rc, t.nfeat, c, t.o.MaxIter, seed, alpha0)
}

// calibrate fits the softmax over the held-out scores: the scales of both models and a
// bias per class. It returns the parameters and the factor that brings naive Bayes
// scores to unit spread.
func (t *trainer) calibrate() (theta []float64, nbScale float64) {
	k := t.k
	p := calibParams + k
	prior := make([]float64, p)
	// Without held-out rows the prior stands: margins of ±1 become odds of about e^5,
	// confident but short of certain.
	prior[0], prior[1] = 5, t.o.NBWeight
	if t.nf == 0 {
		return prior, 1
	}
	// Naive Bayes scores of the held-out rows, centred per row (a softmax ignores a
	// shift) and scaled to unit spread so that one ridge fits both models.
	var sq float64
	var cnt int
	for f := 0; f < t.nf; f++ {
		if t.nbHeld[f] == nil {
			t.nbHeld[f] = make([]float64, len(t.held[f])*k)
		}
		for _, v := range t.nbHeld[f] {
			sq += v * v
			cnt++
		}
	}
	nbScale = 1
	if sq > 0 {
		nbScale = 1 / math.Sqrt(sq/float64(cnt))
	}
	var z [][]float64
	var zy []int
	for f := 0; f < t.nf; f++ {
		for s, r := range t.held[f] {
			zi := make([]float64, k*p)
			for c := 0; c < k; c++ {
				zi[c*p] = t.svm[f*k+c].scores[s]
				zi[c*p+1] = t.nbHeld[f][s*k+c] * nbScale
				zi[c*p+calibParams+c] = 1
			}
			z = append(z, zi)
			zy = append(zy, t.y[r])
		}
	}
	return fitSoftmax(z, zy, k, p, 1, prior), nbScale
}

func distinctLabels(ex []Example) []string {
	seen := map[string]bool{}
	var labels []string
	for _, e := range ex {
		if !seen[e.Label] {
			seen[e.Label] = true
			labels = append(labels, e.Label)
		}
	}
	sort.Strings(labels)
	return labels
}

// StratifiedFolds assigns each example, given by its label, to one of n folds so that
// every label is spread evenly over them, in an order fixed by seed.
func StratifiedFolds(labels []string, n int, seed uint64) []int {
	classOf := map[string]int{}
	y := make([]int, len(labels))
	for i, l := range labels {
		c, ok := classOf[l]
		if !ok {
			c = len(classOf)
			classOf[l] = c
		}
		y[i] = c
	}
	return stratifiedFolds(y, len(classOf), n, seed)
}

// stratifiedFolds assigns each row to one of n folds so that every class is spread
// evenly over them, in an order fixed by seed.
func stratifiedFolds(y []int, k, n int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0xf01d))
	byClass := make([][]int, k)
	for i, c := range y {
		byClass[c] = append(byClass[c], i)
	}
	folds := make([]int, len(y))
	next := 0
	for _, rows := range byClass {
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		for _, r := range rows {
			folds[r] = next % n
			next++
		}
	}
	return folds
}

// parallel runs fn(0..n-1) on up to workers goroutines.
func parallel(n, workers int, fn func(int)) {
	if workers > n {
		workers = n
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				j := next
				next++
				mu.Unlock()
				if j >= n {
					return
				}
				fn(j)
			}
		})
	}
	wg.Wait()
}

func dot(m *matrix, r int, w []float64) float64 {
	var s float64
	for k := m.ptr[r]; k < m.ptr[r+1]; k++ {
		s += w[m.idx[k]] * float64(m.val[k])
	}
	return s
}

func centre(s []float64) {
	var mean float64
	for _, v := range s {
		mean += v
	}
	mean /= float64(len(s))
	for i := range s {
		s[i] -= mean
	}
}

// termLists are the distinct keys and counts of consecutive examples.
type termLists struct {
	keys   []uint64
	counts []uint32
	ptr    []int // example i is keys[ptr[i]:ptr[i+1]]
}

// features extracts the n-grams of every example once, counts in how many examples each
// occurs, keeps the vocabulary (n-grams in at least minDF examples, the maxFeat most
// frequent of them) and returns it with the examples' vectors.
func features(ex []Example, maxN, minDF, maxFeat int, weights [nsCount]float32, workers int) (*vectorizer, *matrix) {
	chunks := chunk(len(ex), workers)
	lists := make([]termLists, len(chunks))
	dfs := make([][]entry, len(chunks))
	parallel(len(chunks), workers, func(j int) {
		var s scratch
		tl := termLists{ptr: []int{0}}
		for i := chunks[j][0]; i < chunks[j][1]; i++ {
			keys, counts := s.termsOf(ex[i].Input(), maxN)
			tl.keys = append(tl.keys, keys...)
			tl.counts = append(tl.counts, counts...)
			tl.ptr = append(tl.ptr, len(tl.keys))
		}
		lists[j] = tl
		// Document frequencies by sorting every document's distinct keys: several
		// times faster than a map of millions of keys, and as exact.
		all := slices.Clone(tl.keys)
		slices.Sort(all)
		var df []entry
		for a := 0; a < len(all); {
			b := a + 1
			for b < len(all) && all[b] == all[a] {
				b++
			}
			df = append(df, entry{all[a], int32(b - a)})
			a = b
		}
		dfs[j] = df
	})
	df := dfs[0]
	for _, d := range dfs[1:] {
		df = mergeCounts(df, d)
	}
	kept := df[:0]
	for _, e := range df {
		if int(e.df) >= minDF {
			kept = append(kept, e)
		}
	}
	if len(kept) > maxFeat {
		slices.SortFunc(kept, func(a, b entry) int {
			if a.df != b.df {
				return int(b.df - a.df)
			}
			return cmpUint64(a.key, b.key)
		})
		kept = kept[:maxFeat]
	}
	for i := range kept {
		kept[i].key = mix(kept[i].key)
	}
	slices.SortFunc(kept, func(a, b entry) int { return cmpUint64(a.key, b.key) })
	keys := make([]uint64, len(kept))
	idf := make([]float32, len(kept))
	for i, e := range kept {
		keys[i] = e.key
		idf[i] = idfOf(int(e.df), len(ex))
	}
	vec := &vectorizer{maxN: maxN, weights: weights, voc: newVocab(keys), idf: idf}

	parts := make([]matrix, len(chunks))
	parallel(len(chunks), workers, func(j int) {
		var s scratch
		tl := &lists[j]
		for i := 0; i+1 < len(tl.ptr); i++ {
			lo, hi := tl.ptr[i], tl.ptr[i+1]
			idx, val := vec.weigh(tl.keys[lo:hi], tl.counts[lo:hi], &s)
			parts[j].add(idx, val)
		}
		lists[j] = termLists{}
	})
	m := &matrix{ptr: []int{0}}
	for _, p := range parts {
		for r := 0; r < p.rows(); r++ {
			lo, hi := p.ptr[r], p.ptr[r+1]
			m.add(p.idx[lo:hi], p.val[lo:hi])
		}
	}
	return vec, m
}

// entry is a feature key with its document frequency.
type entry struct {
	key uint64
	df  int32
}

// mergeCounts merges two lists sorted by key, adding the counts of equal keys.
func mergeCounts(a, b []entry) []entry {
	out := make([]entry, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].key < b[j].key:
			out = append(out, a[i])
			i++
		case a[i].key > b[j].key:
			out = append(out, b[j])
			j++
		default:
			out = append(out, entry{a[i].key, a[i].df + b[j].df})
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// chunk splits 0..n into up to parts contiguous ranges.
func chunk(n, parts int) [][2]int {
	if parts < 1 {
		parts = 1
	}
	var out [][2]int
	for j := 0; j < parts; j++ {
		lo, hi := n*j/parts, n*(j+1)/parts
		if hi > lo {
			out = append(out, [2]int{lo, hi})
		}
	}
	if len(out) == 0 {
		out = append(out, [2]int{0, 0})
	}
	return out
}

// Predict returns every label with its confidence, most likely first.
func (m *Model) Predict(in Input) []Suggestion {
	s, _ := m.pool.Get().(*scratch)
	if s == nil {
		s = new(scratch)
	}
	defer m.pool.Put(s)
	k := len(m.labels)
	scores := make([]float64, k)
	for c := range scores {
		scores[c] = float64(m.bias[c])
	}
	idx, val := m.vec.vector(in, s)
	for j, f := range idx {
		v := float64(val[j])
		row := m.w[int(f)*k : int(f)*k+k]
		for c, w := range row {
			scores[c] += v * float64(w)
		}
	}
	softmax(scores)
	out := make([]Suggestion, k)
	for c := range out {
		out[c] = Suggestion{Label: m.labels[c], Confidence: scores[c]}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Confidence > out[b].Confidence })
	return out
}

func softmax(s []float64) {
	maxS := math.Inf(-1)
	for _, v := range s {
		maxS = math.Max(maxS, v)
	}
	var sum float64
	for i, v := range s {
		s[i] = math.Exp(v - maxS)
		sum += s[i]
	}
	for i := range s {
		s[i] /= sum
	}
}

// Labels returns the labels the model knows, sorted.
func (m *Model) Labels() []string { return slices.Clone(m.labels) }

// Examples returns how many labelled examples the model was trained on.
func (m *Model) Examples() int { return m.examples }

// Features returns the size of the model's vocabulary.
func (m *Model) Features() int { return len(m.vec.idf) }

// Size returns the model's size in memory in bytes (its slices; fixed overheads of a
// few hundred bytes aside).
func (m *Model) Size() int {
	n := m.vec.voc.size() + len(m.vec.idf)*4 + len(m.w)*4 + len(m.bias)*4
	for _, l := range m.labels {
		n += len(l) + 16
	}
	return n
}

func (m *Model) String() string {
	return fmt.Sprintf("routing.Model{labels: %d, features: %d, examples: %d}", len(m.labels), m.Features(), m.examples)
}
