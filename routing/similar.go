package routing

import (
	"cmp"
	"math"
	"slices"
)

// Fingerprint holds the sets of character bigrams of an appeal's folded title, of its
// title and body together, and of its location. Bigrams are about the length of a
// Chinese word, so two appeals that share most of their bigrams share most of their
// words, whatever their order.
type Fingerprint struct {
	title, text, loc []uint64 // sorted, distinct
}

// NewFingerprint fingerprints an appeal; any part may be empty.
func NewFingerprint(title, body, location string) Fingerprint {
	return Fingerprint{
		title: shingles(nil, title),
		text:  shingles(nil, title, body),
		loc:   shingles(nil, location),
	}
}

// shingles returns the sorted distinct bigrams of the texts, or their single
// characters when a text is one character long.
func shingles(dst []uint64, texts ...string) []uint64 {
	for _, t := range texts {
		n := len(dst)
		dst = appendGrams(dst, t, 2, 0)
		// appendGrams interleaves unigrams and bigrams; keep the bigrams, or the
		// unigram of a one-character text.
		out := dst[:n]
		for _, k := range dst[n:] {
			if k>>runeBits != 0 {
				out = append(out, k)
			}
		}
		if len(out) == n && len(dst) > n {
			out = append(out, dst[n:]...)
		}
		dst = out
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// Similarity of two appeals is the geometric mean of the Jaccard indexes of their
// titles' bigrams and of their whole texts' bigrams (only the latter when either has no
// title), from 0 to 1. The title counts on its own because it names the matter in a few
// words: two neighbours writing about one blocked drain use different bodies but close
// titles, while over whole bodies two appeals of one topic share little more than its
// vocabulary. The mean is geometric so that neither part alone makes two appeals
// similar: a short stock title ("噪音扰民") over an unrelated body scores low. When both appeals have a location and the locations have less than half
// of the shorter one's bigrams in common, they are about different places and the
// similarity is 0: a form letter sent about two streets is two cases, not one.
func Similarity(a, b Fingerprint) float64 {
	if len(a.loc) > 0 && len(b.loc) > 0 {
		if 2*intersect(a.loc, b.loc) < min(len(a.loc), len(b.loc)) {
			return 0
		}
	}
	if len(a.title) == 0 || len(b.title) == 0 {
		return jaccard(a.text, b.text)
	}
	return math.Sqrt(jaccard(a.title, b.title) * jaccard(a.text, b.text))
}

func jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	n := intersect(a, b)
	return float64(n) / float64(len(a)+len(b)-n)
}

func intersect(a, b []uint64) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Doc is an appeal as similarity sees it.
type Doc struct {
	ID                    int64
	Title, Body, Location string
}

// Match is an appeal found similar to another, with their similarity.
type Match struct {
	ID         int64
	Similarity float64
}

// Index holds the fingerprints of open appeals, to find those that a new appeal
// nearly repeats. It is not safe for concurrent use.
type Index struct {
	ids []int64
	fps []Fingerprint
	pos map[int64]int
}

// NewIndex returns an empty index.
func NewIndex() *Index { return &Index{pos: map[int64]int{}} }

// Add adds or replaces an appeal.
func (x *Index) Add(d Doc) {
	fp := NewFingerprint(d.Title, d.Body, d.Location)
	if i, ok := x.pos[d.ID]; ok {
		x.fps[i] = fp
		return
	}
	x.pos[d.ID] = len(x.ids)
	x.ids = append(x.ids, d.ID)
	x.fps = append(x.fps, fp)
}

// Remove removes an appeal, if present.
func (x *Index) Remove(id int64) {
	i, ok := x.pos[id]
	if !ok {
		return
	}
	last := len(x.ids) - 1
	x.ids[i], x.fps[i] = x.ids[last], x.fps[last]
	x.pos[x.ids[i]] = i
	x.ids, x.fps = x.ids[:last], x.fps[:last]
	delete(x.pos, id)
}

// Len returns the number of appeals in the index.
func (x *Index) Len() int { return len(x.ids) }

// Similar returns the appeals of the index (other than d itself) whose similarity to d
// is at least threshold, most similar first.
func (x *Index) Similar(d Doc, threshold float64) []Match {
	fp := NewFingerprint(d.Title, d.Body, d.Location)
	var out []Match
	for i, other := range x.fps {
		if x.ids[i] == d.ID {
			continue
		}
		if s := Similarity(fp, other); s >= threshold && s > 0 {
			out = append(out, Match{ID: x.ids[i], Similarity: s})
		}
	}
	sortMatches(out)
	return out
}

func sortMatches(ms []Match) {
	slices.SortFunc(ms, func(a, b Match) int {
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// DuplicateThreshold is the similarity from which an appeal is taken to repeat
// another (a resubmission, a copied complaint). It was read off measured
// distributions (BENCHMARKS.md, "Similar appeals"): copies of real appeals with 10 %
// of characters changed, or sentences shuffled and dropped, or cut and extended, all
// but never fall below it, while no two distinct appeals of a category reach it.
const DuplicateThreshold = 0.4

// HotSpotThreshold is the similarity from which appeals are grouped into one hot spot
// in a digest: looser than a duplicate, since neighbours complaining about one matter
// write their own words (such pairs found in real data scored 0.15–0.31), but above
// what two appeals of one category share by topic alone (99.9 % of such pairs score
// below 0.12).
const HotSpotThreshold = 0.2

// Cluster is a group of similar appeals. Representative is the appeal most similar to
// the others' centre (the one they were grouped around), and Title its title.
type Cluster struct {
	IDs            []int64
	Representative int64
	Title          string
}

// Clusters groups appeals whose similarity to a common centre is at least threshold
// and returns the groups with at least minSize appeals, largest first. Each appeal is
// in at most one group. The centre of each group is the appeal with the most similar
// appeals not yet grouped, so a group is a star around its representative, not a
// chain. Pairs are found with prefix filtering (Bayardo et al., WWW 2007), exact and
// far below n² comparisons when few pairs are similar.
func Clusters(docs []Doc, threshold float64, minSize int) []Cluster {
	if threshold <= 0 || len(docs) == 0 {
		return nil
	}
	fps := make([]Fingerprint, len(docs))
	for i, d := range docs {
		fps[i] = NewFingerprint(d.Title, d.Body, d.Location)
	}
	nb := similarPairs(fps, threshold)
	grouped := make([]bool, len(docs))
	free := func(i int) int {
		n := 0
		for _, j := range nb[i] {
			if !grouped[j] {
				n++
			}
		}
		return n
	}
	var out []Cluster
	for {
		best, bestN := -1, -1
		for i := range docs {
			if grouped[i] {
				continue
			}
			if n := free(i); n > bestN || n == bestN && docs[i].ID < docs[best].ID {
				best, bestN = i, n
			}
		}
		if best < 0 || bestN+1 < minSize {
			break
		}
		c := Cluster{Representative: docs[best].ID, Title: docs[best].Title, IDs: []int64{docs[best].ID}}
		grouped[best] = true
		for _, j := range nb[best] {
			if !grouped[j] {
				grouped[j] = true
				c.IDs = append(c.IDs, docs[j].ID)
			}
		}
		slices.Sort(c.IDs)
		out = append(out, c)
	}
	return out
}

// similarPairs returns for every fingerprint the indices of the others whose
// similarity to it is at least t. A geometric mean of two Jaccard indexes reaches t
// only if one of them does, so the candidates are the pairs whose titles or whose texts reach t,
// each found by a set-similarity join, and every candidate is then checked exactly.
func similarPairs(fps []Fingerprint, t float64) [][]int32 {
	titles := make([][]uint64, len(fps))
	texts := make([][]uint64, len(fps))
	for i, f := range fps {
		titles[i], texts[i] = f.title, f.text
	}
	nb := make([][]int32, len(fps))
	checked := map[[2]int32]bool{}
	visit := func(x, y int32) {
		key := [2]int32{min(x, y), max(x, y)}
		if checked[key] {
			return
		}
		checked[key] = true
		if Similarity(fps[x], fps[y]) >= t {
			nb[x] = append(nb[x], y)
			nb[y] = append(nb[y], x)
		}
	}
	joinCandidates(titles, t, visit)
	joinCandidates(texts, t, visit)
	for i := range nb {
		slices.Sort(nb[i])
	}
	return nb
}

// joinCandidates calls visit for every pair of sets that may have a Jaccard index of
// at least t, by prefix filtering: with elements ordered rarest first, such a pair
// shares one of the first |x| - ⌈t·|x|⌉ + 1 elements of each set, and rare elements
// have short lists.
func joinCandidates(sets [][]uint64, t float64, visit func(x, y int32)) {
	freq := map[uint64]int32{}
	for _, s := range sets {
		for _, e := range s {
			freq[e]++
		}
	}
	type elemFreq struct {
		e uint64
		n int32
	}
	elems := make([]elemFreq, 0, len(freq))
	for e, n := range freq {
		elems = append(elems, elemFreq{e, n})
	}
	slices.SortFunc(elems, func(a, b elemFreq) int {
		if a.n != b.n {
			return cmp.Compare(a.n, b.n)
		}
		return cmp.Compare(a.e, b.e)
	})
	rank := make(map[uint64]uint32, len(elems))
	for i, ef := range elems {
		rank[ef.e] = uint32(i)
	}
	ranked := make([][]uint32, len(sets))
	order := make([]int32, len(sets))
	for i, s := range sets {
		r := make([]uint32, len(s))
		for j, e := range s {
			r[j] = rank[e]
		}
		slices.Sort(r)
		ranked[i] = r
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(len(ranked[a]), len(ranked[b])) })
	index := map[uint32][]int32{}
	seen := make([]int32, len(sets)) // the last probe (1-based) that met each set
	for probe, x := range order {
		rx := ranked[x]
		if len(rx) == 0 {
			continue
		}
		minSize := t * float64(len(rx))
		prefix := min(len(rx)-int(math.Ceil(t*float64(len(rx))-1e-9))+1, len(rx))
		for _, e := range rx[:prefix] {
			for _, y := range index[e] {
				if seen[y] == int32(probe+1) || float64(len(ranked[y])) < minSize {
					continue
				}
				seen[y] = int32(probe + 1)
				visit(x, y)
			}
			index[e] = append(index[e], x)
		}
	}
}
