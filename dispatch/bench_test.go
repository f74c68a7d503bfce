//go:build unix

package dispatch_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/dispatch"
	"github.com/appealbot/appealbot/internal/worldtest"
	"github.com/appealbot/appealbot/storage"
)

// synthetic returns n appeals of depts departments: each department has
// words of its own, every appeal also has words all departments share.
func synthetic(n, depts int, seed uint64) []appeal.RoutingExample {
	rng := rand.New(rand.NewPCG(seed, 1))
	word := func() string {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteRune(rune(0x4e00 + rng.IntN(0x5000)))
		}
		return b.String()
	}
	own := make([][]string, depts)
	for d := range own {
		for range 80 {
			own[d] = append(own[d], word())
		}
	}
	var common []string
	for range 400 {
		common = append(common, word())
	}
	out := make([]appeal.RoutingExample, n)
	for i := range out {
		d := rng.IntN(depts)
		pick := func(k int) string {
			var b strings.Builder
			for range k {
				if rng.IntN(10) < 6 {
					b.WriteString(own[d][rng.IntN(len(own[d]))])
				} else {
					b.WriteString(common[rng.IntN(len(common))])
				}
			}
			return b.String()
		}
		out[i] = appeal.RoutingExample{Title: pick(3), Body: pick(30), Department: fmt.Sprintf("d%02d", d)}
	}
	return out
}

// BenchmarkTrainOnce10k: the product's background training (one core) of
// 10,000 stored examples of 20 departments, read from SQLite, trained and
// stored.
func BenchmarkTrainOnce10k(b *testing.B) {
	ctx := context.Background()
	w := worldtest.New(b, storage.SQLite, clock)
	ex := synthetic(10000, 20, 1)
	for d := range 20 {
		if _, err := w.Svc.SaveDepartment(ctx, appeal.Department{Code: fmt.Sprintf("d%02d", d), Name: "d"}); err != nil {
			b.Fatal(err)
		}
	}
	r := dispatch.New(w.Store, dispatch.Config{RetrainAfter: 1}, time.Now, nil)
	if _, err := r.Import(ctx, w.Store, ex); err != nil {
		b.Fatal(err)
	}
	var cpu time.Duration
	b.ResetTimer()
	for i := range b.N {
		if i > 0 {
			b.StopTimer()
			if _, err := r.Import(ctx, w.Store, ex[:1]); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		before := cpuTime()
		if trained, err := r.TrainOnce(ctx); err != nil || !trained {
			b.Fatal(trained, err)
		}
		cpu += cpuTime() - before
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	m, _, _ := w.Store.LatestRouterModel(ctx, 0)
	b.ReportMetric(float64(len(m.Data))/(1<<20), "MiB-stored")
}

// BenchmarkSimilar: what a card pays to list its possible duplicates
// among SimilarScan open appeals of the last 30 days.
func BenchmarkSimilar(b *testing.B) {
	for _, backend := range []string{storage.SQLite, storage.Postgres} {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			w := worldtest.New(b, backend, clock)
			for i, e := range synthetic(appeal.SimilarScan, 20, 2) {
				w.Intake("", func(in *appeal.Intake) {
					in.ExternalID, in.Title, in.Body = fmt.Sprint("s", i), e.Title, e.Body
				})
			}
			a := w.Intake("", func(in *appeal.Intake) {
				in.Title, in.Body = "人民路路灯坏了", "人民路3号门口路灯坏了好几天"
			})
			b.ResetTimer()
			for range b.N {
				if _, err := w.Svc.Similar(ctx, a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// cpuTime is the CPU time the process has used, user and system: on a
// shared machine it says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
