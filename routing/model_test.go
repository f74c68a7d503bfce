package routing

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
)

func TestTrainIsDeterministic(t *testing.T) {
	ex := synthCorpus(300, 7, 0.4)
	a, err := Train(ex, Options{Seed: 3, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(ex, Options{Seed: 3, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Marshal(), b.Marshal()) {
		t.Fatal("two trainings with the same seed gave different model bytes")
	}
	c, err := Train(ex, Options{Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Marshal(), c.Marshal()) {
		t.Fatal("a different seed gave the same model bytes: the seed is not used")
	}
}

func TestTrainLearnsSeparableSetPerfectly(t *testing.T) {
	ex := synthCorpus(500, 11, 0)
	train, test := ex[:400], ex[400:]
	m, err := Train(train, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Labels(), len(synthLabels); len(got) != want {
		t.Fatalf("labels %v, want %d", got, want)
	}
	for _, set := range [][]Example{train, test} {
		for i, e := range set {
			s := m.Predict(e.Input())
			if s[0].Label != e.Label {
				t.Fatalf("example %d: predicted %q (%.3f), want %q", i, s[0].Label, s[0].Confidence, e.Label)
			}
		}
	}
}

func TestPredictReturnsEveryLabelByConfidence(t *testing.T) {
	m, err := Train(synthCorpus(300, 5, 0.3), Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []Input{{}, {Title: "!!!"}, {Title: "路灯不亮", Body: "人民路1号门口路灯坏了三天"}} {
		s := m.Predict(in)
		if len(s) != len(synthLabels) {
			t.Fatalf("%+v: %d suggestions, want %d", in, len(s), len(synthLabels))
		}
		var sum float64
		for i, x := range s {
			sum += x.Confidence
			if x.Confidence < 0 || x.Confidence > 1 || i > 0 && x.Confidence > s[i-1].Confidence {
				t.Fatalf("%+v: confidences out of range or order: %v", in, s)
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("%+v: confidences sum to %v", in, sum)
		}
	}
}

// TestConfidenceIsCalibrated checks on held-out appeals of an overlapping synthetic set
// that the top confidence means what it says: within each band of confidence, the share
// of right suggestions is close to the band's mean confidence.
func TestConfidenceIsCalibrated(t *testing.T) {
	ex := synthCorpus(2000, 21, 0.75)
	m, err := Train(ex[:1200], Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	const bands = 5
	var conf, right [bands]float64
	var n [bands]int
	var ece float64
	for _, e := range ex[1200:] {
		s := m.Predict(e.Input())[0]
		b := min(int(s.Confidence*bands), bands-1)
		n[b]++
		conf[b] += s.Confidence
		if s.Label == e.Label {
			right[b]++
		}
	}
	total := len(ex) - 1200
	for b := range n {
		if n[b] == 0 {
			continue
		}
		gap := math.Abs(conf[b]-right[b]) / float64(n[b])
		t.Logf("confidence band %d: %d appeals, mean confidence %.3f, right %.3f", b, n[b], conf[b]/float64(n[b]), right[b]/float64(n[b]))
		ece += gap * float64(n[b]) / float64(total)
	}
	if ece > 0.05 {
		t.Fatalf("expected calibration error %.3f, want at most 0.05", ece)
	}
}

func TestMarshalRoundTripPredictsIdentically(t *testing.T) {
	ex := synthCorpus(800, 9, 0.5)
	m, err := Train(ex[:600], Options{Seed: 2, TitleWeight: 0.5, CategoryWeight: 1, LocationWeight: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	data := m.Marshal()
	u, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(u.Marshal(), data) {
		t.Fatal("re-marshalled bytes differ")
	}
	if u.Size() != m.Size() || u.Examples() != 600 || u.Features() != m.Features() {
		t.Fatalf("size %d/%d, examples %d, features %d/%d", u.Size(), m.Size(), u.Examples(), u.Features(), m.Features())
	}
	for i, e := range ex[600:] {
		in := e.Input()
		in.Category, in.Location = "城管", "人民路"
		a, b := m.Predict(in), u.Predict(in)
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("example %d: %v before, %v after", i, a, b)
			}
		}
	}
}

func TestUnmarshalRejectsDamagedData(t *testing.T) {
	m, err := Train(synthCorpus(200, 1, 0.3), Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	good := m.Marshal()
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 1
	newer := bytes.Clone(good)
	newer[4] = FormatVersion + 1
	for name, data := range map[string][]byte{
		"empty":     nil,
		"truncated": good[:len(good)-10],
		"flipped":   flipped,
		"version":   newer,
		"not model": []byte("PK\x03\x04 a zip file, say"),
	} {
		if _, err := Unmarshal(data); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", name, err)
		}
	}
}

func TestTrainNeedsTwoLabels(t *testing.T) {
	ex := []Example{{Title: "路灯不亮", Label: "城管"}, {Title: "井盖丢失", Label: "城管"}, {Title: "没有标签"}}
	if _, err := Train(ex, Options{}); !errors.Is(err, ErrTooFewLabels) {
		t.Fatalf("err = %v, want ErrTooFewLabels", err)
	}
	// Two labels with one example each train, without internal folds.
	m, err := Train([]Example{{Title: "路灯不亮", Label: "城管"}, {Title: "工资拖欠", Label: "人社"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Predict(Input{Title: "路灯不亮了"}); s[0].Label != "城管" {
		t.Fatalf("predicted %v", s)
	}
}

func TestModelSizeStaysWithinBudget(t *testing.T) {
	ex := synthCorpus(1000, 3, 0.3)
	const budget = 256 << 10
	m, err := Train(ex, Options{Seed: 1, MaxModelBytes: budget})
	if err != nil {
		t.Fatal(err)
	}
	if m.Size() > budget {
		t.Fatalf("model is %d bytes, budget %d", m.Size(), budget)
	}
	if len(m.Marshal()) > m.Size()+1024 {
		t.Fatalf("encoding %d bytes, larger than the model in memory (%d)", len(m.Marshal()), m.Size())
	}
}

func TestFoldNormalisesWidthCaseAndDigits(t *testing.T) {
	a := appendGrams(nil, "Ａ３区，路灯", 3, nsText)
	b := appendGrams(nil, "a7区。路灯", 3, nsText)
	if !equalKeys(a, b) {
		t.Fatalf("keys differ: %x vs %x", a, b)
	}
	// No n-gram spans punctuation: "区路" must not be a bigram.
	for _, k := range a {
		if k == uint64('区')<<runeBits|uint64('路') {
			t.Fatal("a bigram spans the comma")
		}
	}
}

func equalKeys(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPredictIsSafeForConcurrentUse(t *testing.T) {
	ex := synthCorpus(300, 8, 0.3)
	m, err := Train(ex[:200], Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := make([][]Suggestion, 100)
	for i, e := range ex[200:] {
		want[i] = m.Predict(e.Input())
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		wg.Go(func() {
			for i, e := range ex[200:] {
				got := m.Predict(e.Input())
				if got[0] != want[i][0] {
					errs <- fmt.Sprintf("appeal %d: %v, alone %v", i, got[0], want[i][0])
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
