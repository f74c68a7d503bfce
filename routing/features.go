package routing

import (
	"math"
	"slices"
)

// mix is splitmix64's finaliser. It is a bijection, so mixed keys stay exact; it only
// spreads them evenly, which lets the lookup below jump to a small bucket first.
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// vocab maps feature keys to dense feature indices: the index of a feature is the
// position of its mixed key in a sorted slice. That is 8 bytes a feature, where a Go
// map would cost about five times as much, and a lookup is one bucket jump plus a
// binary search over a handful of keys.
type vocab struct {
	keys  []uint64 // mixed keys, ascending
	start []uint32 // bucket b is keys[start[b]:start[b+1]]
	shift uint     // bucket of a mixed key is key >> shift
}

// newVocab indexes mixed keys, which must be sorted and distinct.
func newVocab(keys []uint64) *vocab {
	bits := uint(1)
	for 1<<bits < len(keys)/4 {
		bits++
	}
	v := &vocab{keys: keys, start: make([]uint32, 1<<bits+1), shift: 64 - bits}
	b := 0
	for i, k := range keys {
		for kb := int(k >> v.shift); b < kb; b++ {
			v.start[b+1] = uint32(i)
		}
	}
	for ; b < 1<<bits; b++ {
		v.start[b+1] = uint32(len(keys))
	}
	return v
}

func (v *vocab) find(key uint64) (int, bool) {
	m := mix(key)
	b := m >> v.shift
	lo, hi := int(v.start[b]), int(v.start[b+1])
	i, ok := slices.BinarySearch(v.keys[lo:hi], m)
	return lo + i, ok
}

func (v *vocab) size() int { return len(v.keys)*8 + len(v.start)*4 }

// scratch is the reusable memory of turning one appeal into a vector.
type scratch struct {
	keys   []uint64
	counts []uint32
	idx    []int32
	val    []float32
	ns     []uint8
}

// termsOf returns the distinct feature keys of in, sorted and so grouped by namespace,
// and how often each occurs. The title and the body are separate calls so that no
// n-gram spans the seam between them.
func (s *scratch) termsOf(in Input, maxN int) ([]uint64, []uint32) {
	k := s.keys[:0]
	k = appendGrams(k, in.Title, maxN, nsText)
	k = appendGrams(k, in.Body, maxN, nsText)
	k = appendGrams(k, in.Title, maxN, nsTitle)
	if in.Category != "" {
		k = append(k, tokenKey(in.Category, nsCat))
	}
	k = appendGrams(k, in.Location, maxN, nsLoc)
	k, s.counts = countTerms(k, s.counts)
	s.keys = k
	return k, s.counts
}

// vectorizer turns an appeal into its sparse TF-IDF vector: sublinear term frequency
// (1 + ln tf) times a smoothed idf, each namespace L2-normalised on its own and then
// scaled by its weight, so that a long body cannot drown the title.
type vectorizer struct {
	maxN    int
	weights [nsCount]float32
	voc     *vocab
	idf     []float32
}

// vector fills s.idx and s.val with the vector of in; indices are not sorted.
func (z *vectorizer) vector(in Input, s *scratch) ([]int32, []float32) {
	keys, counts := s.termsOf(in, z.maxN)
	return z.weigh(keys, counts, s)
}

// weigh turns distinct keys with their counts into s.idx and s.val.
func (z *vectorizer) weigh(keys []uint64, counts []uint32, s *scratch) ([]int32, []float32) {
	idx, val, nss := s.idx[:0], s.val[:0], s.ns[:0]
	var sq [nsCount]float64
	for t, key := range keys {
		f, ok := z.voc.find(key)
		if !ok {
			continue
		}
		v := (1 + math.Log(float64(counts[t]))) * float64(z.idf[f])
		ns := uint8(key >> nsShift)
		sq[ns] += v * v
		idx = append(idx, int32(f))
		val = append(val, float32(v))
		nss = append(nss, ns)
	}
	var scale [nsCount]float32
	for ns := range scale {
		if sq[ns] > 0 {
			scale[ns] = z.weights[ns] / float32(math.Sqrt(sq[ns]))
		}
	}
	for j, ns := range nss {
		val[j] *= scale[ns]
	}
	s.idx, s.val, s.ns = idx, val, nss
	return idx, val
}

// idfOf is the smoothed inverse document frequency of a feature seen in df of n documents.
func idfOf(df, n int) float32 {
	return float32(math.Log(float64(1+n)/float64(1+df)) + 1)
}
