package routing

import (
	"encoding/csv"
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// BenchmarkTrain10k trains on 10,000 synthetic appeals of realistic length and
// vocabulary (see synthCorpus).
func BenchmarkTrain10k(b *testing.B) {
	ex := synthCorpus(10000, 1, 0.3)
	b.ReportAllocs()
	var m *Model
	for b.Loop() {
		var err error
		if m, err = Train(ex, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(m.Size())/(1<<20), "model_MiB")
	b.ReportMetric(float64(m.Features()), "features")
}

// BenchmarkPredict predicts one appeal at a time with a model trained on 10,000
// synthetic appeals.
func BenchmarkPredict(b *testing.B) {
	ex := synthCorpus(11000, 1, 0.3)
	m, err := Train(ex[:10000], Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	test := ex[10000:]
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Predict(test[i%len(test)].Input())
		i++
	}
}

// BenchmarkTrain10kDev trains on 10,000 appeals recombined from the development set:
// each takes the title of a real appeal and a shuffled half of the sentences of three
// appeals of its label. The text is real, so n-gram statistics are; only in memory.
func BenchmarkTrain10kDev(b *testing.B) {
	ex := recombine(devData(b), 10000, 7)
	b.ReportAllocs()
	var m *Model
	for b.Loop() {
		var err error
		if m, err = Train(ex, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(m.Size())/(1<<20), "model_MiB")
	b.ReportMetric(float64(m.Features()), "features")
}

func recombine(dev []Example, n int, seed uint64) []Example {
	rng := rand.New(rand.NewPCG(seed, 1))
	byLabel := map[string][]Example{}
	for _, e := range dev {
		byLabel[e.Label] = append(byLabel[e.Label], e)
	}
	out := make([]Example, n)
	for i := range out {
		src := byLabel[dev[rng.IntN(len(dev))].Label]
		var s []string
		for range 3 {
			s = append(s, sentences(src[rng.IntN(len(src))].Body)...)
		}
		rng.Shuffle(len(s), func(a, b int) { s[a], s[b] = s[b], s[a] })
		first := src[rng.IntN(len(src))]
		out[i] = Example{Title: first.Title, Body: strings.Join(s[:max(1, len(s)/2)], ""), Label: first.Label}
	}
	return out
}

// TestWriteRecombinedCSV writes the appeals of BenchmarkTrain10kDev as a CSV to the
// path in ROUTING_RECOMBINED_CSV, to time route-eval at that size. The file is derived
// from the development set: write it outside the repository.
func TestWriteRecombinedCSV(t *testing.T) {
	path := os.Getenv("ROUTING_RECOMBINED_CSV")
	if path == "" {
		t.Skip("ROUTING_RECOMBINED_CSV not set")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"title", "body", "label"})
	for _, e := range recombine(devData(t), 10000, 7) {
		_ = w.Write([]string{e.Title, e.Body, e.Label})
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		t.Fatal(err)
	}
}
