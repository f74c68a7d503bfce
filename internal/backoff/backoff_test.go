package backoff

import (
	"slices"
	"testing"
	"time"
)

func TestCap(t *testing.T) {
	for _, tt := range []struct {
		n           int
		first, cap_ time.Duration
		want        time.Duration
	}{
		{0, time.Second, time.Minute, time.Second},
		{1, time.Second, time.Minute, time.Second},
		{2, time.Second, time.Minute, 2 * time.Second},
		{6, time.Second, time.Minute, 32 * time.Second},
		{7, time.Second, time.Minute, time.Minute},
		{1000, time.Second, time.Minute, time.Minute},
		{3, 0, time.Minute, 0},
	} {
		if got := Cap(tt.n, tt.first, tt.cap_); got != tt.want {
			t.Errorf("Cap(%d, %v, %v) = %v, want %v", tt.n, tt.first, tt.cap_, got, tt.want)
		}
	}
}

// TestJitterSpreadsOverTheUpperHalf: many waits of one length come out
// different, each in [d/2, d), and the same seed gives the same waits.
func TestJitterSpreadsOverTheUpperHalf(t *testing.T) {
	const d = 8 * time.Second
	draw := func(seed uint64) []time.Duration {
		r := Seeded(seed)
		var out []time.Duration
		for range 100 {
			out = append(out, Jitter(d, r))
		}
		return out
	}
	a := draw(1)
	if !slices.Equal(a, draw(1)) {
		t.Fatal("the same seed gave different waits")
	}
	if slices.Equal(a, draw(2)) {
		t.Fatal("different seeds gave the same waits")
	}
	seen := map[time.Duration]bool{}
	lowest, highest := d, time.Duration(0)
	for _, w := range a {
		if w < d/2 || w >= d {
			t.Fatalf("wait %v outside [%v, %v)", w, d/2, d)
		}
		seen[w] = true
		lowest, highest = min(lowest, w), max(highest, w)
	}
	if len(seen) < 90 {
		t.Fatalf("only %d different waits of 100", len(seen))
	}
	// Spread over the whole half, not bunched in a corner of it.
	if lowest > d/2+d/10 || highest < d-d/10 {
		t.Fatalf("waits from %v to %v", lowest, highest)
	}
	if Jitter(0, nil) != 0 || Jitter(d, func() float64 { return 0 }) != d/2 {
		t.Fatal("edges")
	}
}

func TestExpIsCapThenJitter(t *testing.T) {
	for n := 1; n < 12; n++ {
		c := Cap(n, time.Second, time.Minute)
		if got := Exp(n, time.Second, time.Minute, func() float64 { return 0.5 }); got != c/2+c/4 {
			t.Errorf("Exp(%d) with 0.5 = %v, want %v", n, got, c/2+c/4)
		}
	}
}
