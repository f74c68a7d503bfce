package routing

import "testing"

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
