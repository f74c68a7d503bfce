package routing

import (
	"math/rand/v2"
	"strings"
)

// synthLabels are the departments of the synthetic appeals.
var synthLabels = []string{"住建局", "人社局", "教育局", "卫健委", "交通局", "商务局", "生态环境局"}

// synthCorpus generates n appeals whose words follow a Zipf law, as words in real text
// do, so that vocabulary growth, document length and so training cost resemble real
// appeals. Every label has its own topical words; shared words make up most of the
// text. overlap is the share of a topical slot filled from another label's words, so
// 0 gives a separable set and larger values a harder one.
func synthCorpus(n int, seed uint64, overlap float64) []Example {
	rng := rand.New(rand.NewPCG(seed, 42))
	word := func() string {
		var b strings.Builder
		for range 1 + rng.IntN(3) {
			// The 3,500 common characters sit in a band of the CJK block; drawing from
			// it keeps n-gram statistics of the same order as in real text.
			b.WriteRune(rune(0x4E00 + rng.IntN(3500)))
		}
		return b.String()
	}
	lexicon := func(size int) []string {
		w := make([]string, size)
		for i := range w {
			w[i] = word()
		}
		return w
	}
	common := lexicon(20000)
	topical := make([][]string, len(synthLabels))
	for i := range topical {
		topical[i] = lexicon(3000)
	}
	zipfCommon := rand.NewZipf(rng, 1.1, 2, uint64(len(common)-1))
	zipfTopic := rand.NewZipf(rng, 1.1, 2, uint64(len(topical[0])-1))
	puncts := []string{"，", "。", "、", "！", "？"}
	text := func(label, words int) string {
		var b strings.Builder
		for i := 0; i < words; i++ {
			if rng.Float64() < 0.25 {
				l := label
				if rng.Float64() < overlap {
					l = rng.IntN(len(topical))
				}
				b.WriteString(topical[l][zipfTopic.Uint64()])
			} else {
				b.WriteString(common[zipfCommon.Uint64()])
			}
			if rng.IntN(6) == 0 {
				b.WriteString(puncts[rng.IntN(len(puncts))])
			}
		}
		return b.String()
	}
	ex := make([]Example, n)
	for i := range ex {
		l := rng.IntN(len(synthLabels))
		// Bodies of real appeals are skewed: most are short, some run to pages.
		words := 40 + int(rng.ExpFloat64()*150)
		ex[i] = Example{Title: text(l, 6+rng.IntN(6)), Body: text(l, words), Label: synthLabels[l]}
	}
	return ex
}
