package routing

import (
	"hash/fnv"
	"slices"
	"unicode"
)

// Feature keys are exact, not hashed: a rune below 2^20 fits in 20 bits, so up to
// three runes and a 4-bit namespace pack into one uint64 without collisions. Rune 0
// never survives folding, so a unigram, a bigram and a trigram never share a key.
const (
	runeBits  = 20
	runeMask  = 1<<runeBits - 1
	nsShift   = 3 * runeBits
	maxGram   = 3
	nsText    = 0 // title and body together
	nsTitle   = 1 // the title again, on its own: short, and written to name the matter
	nsCat     = 2 // upstream category, as one token
	nsLoc     = 3 // location, as character n-grams
	nsCount   = 4
	tokenMask = 1<<nsShift - 1
)

// fold maps a rune to the form that n-grams are built from, or to 0 when it separates
// segments. Full-width ASCII becomes half-width and letters lower case, so that "Ａ３区"
// and "a3区" agree; every digit becomes '0', because house numbers, dates and phone
// numbers say nothing about the department but would each be a feature of their own.
// Punctuation, spaces and symbols end a segment: n-grams across "，" are noise.
func fold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	switch {
	case r >= 'A' && r <= 'Z':
		return r + ('a' - 'A')
	case r >= '0' && r <= '9':
		return '0'
	case r < 0x80:
		if r >= 'a' && r <= 'z' {
			return r
		}
		return 0
	case unicode.IsDigit(r):
		return '0'
	case unicode.IsLetter(r):
		if r > runeMask {
			return runeMask // planes 16 and up: private use, never seen in appeals
		}
		return r
	}
	return 0
}

// appendGrams appends the keys of every 1..maxN-gram of s within namespace ns.
func appendGrams(dst []uint64, s string, maxN int, ns uint64) []uint64 {
	var p1, p2 uint64 // the previous two runes of the current segment, 0 at its start
	base := ns << nsShift
	for _, r := range s {
		c := uint64(fold(r))
		if c == 0 {
			p1, p2 = 0, 0
			continue
		}
		dst = append(dst, base|c)
		if maxN >= 2 && p1 != 0 {
			dst = append(dst, base|p1<<runeBits|c)
			if maxN >= 3 && p2 != 0 {
				dst = append(dst, base|p2<<(2*runeBits)|p1<<runeBits|c)
			}
		}
		p2, p1 = p1, c
	}
	return dst
}

// tokenKey is the key of a whole string (a category) within namespace ns.
func tokenKey(s string, ns uint64) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return ns<<nsShift | h.Sum64()&tokenMask
}

// countTerms sorts keys and collapses them in place into distinct keys, appending
// how often each occurs to counts.
func countTerms(keys []uint64, counts []uint32) ([]uint64, []uint32) {
	slices.Sort(keys)
	counts = counts[:0]
	out := keys[:0]
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		out = append(out, keys[i])
		counts = append(counts, uint32(j-i))
		i = j
	}
	return out, counts
}
