// Package backoff computes the waits between retries: doubling from a
// first wait up to a cap, each spread at random over its upper half. After
// an outage every chat, callback and loop that failed during it would
// otherwise come back at the same instants, in lockstep, and hit the
// recovering service together again and again.
package backoff

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Rand returns a number in [0, 1). It is how randomness is handed to the
// code that waits, so that tests can fix it (see Seeded); it must be safe
// for concurrent use. Nil is math/rand/v2's Float64.
type Rand func() float64

// Seeded returns a Rand that gives the same numbers for the same seed,
// safe for concurrent use.
func Seeded(seed uint64) Rand {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		return r.Float64()
	}
}

// Jitter spreads d over [d/2, d) ("equal jitter"): never longer than d,
// so a caller that waits d before looking again always finds the retry
// due, and never shorter than half of it, so the backoff still backs off.
func Jitter(d time.Duration, r Rand) time.Duration {
	if d <= 1 {
		return d
	}
	if r == nil {
		r = rand.Float64
	}
	half := d / 2
	return d - half + time.Duration(r()*float64(half))
}

// Exp is the wait before retry number n (the first is 1): first doubled
// n-1 times, capped at limit, then spread by Jitter.
func Exp(n int, first, limit time.Duration, r Rand) time.Duration {
	return Jitter(Cap(n, first, limit), r)
}

// Cap is first doubled n-1 times, capped at limit: Exp without the
// spread, the longest Exp can be.
func Cap(n int, first, limit time.Duration) time.Duration {
	n = max(n, 1)
	if first <= 0 {
		return 0
	}
	d := first
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}
