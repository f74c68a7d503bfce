package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// BenchmarkIntake measures POST /api/v1/appeals through the real handler into
// each store, one request at a time (latency) and with 16 concurrent clients
// (throughput). Every appeal is new and assigned to a department, so each
// request is one durable transaction writing the appeal, two events and an
// outbox row. It reports appeals/s and the p50/p99 latency of a request.
func BenchmarkIntake(b *testing.B) {
	for _, backend := range storagetest.Backends {
		for _, clients := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/clients=%d", backend, clients), func(b *testing.B) {
				store := storagetest.Open(b, backend)
				svc := appeal.NewService(store, time.Now, "Asia/Shanghai")
				if _, err := svc.SaveDepartment(b.Context(), appeal.Department{Code: "water", Name: "供水"}); err != nil {
					b.Fatal(err)
				}
				h := api.New(svc, store, api.Options{})
				var seq atomic.Int64
				lat := make([]time.Duration, 0, b.N)
				var mu sync.Mutex
				work := make(chan struct{})
				var wg sync.WaitGroup
				b.ResetTimer()
				start := time.Now()
				for range clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range work {
							n := seq.Add(1)
							body := fmt.Sprintf(`{"source":"bench","external_id":"%d","title":"停水","body":"人民路一带停水两小时","department":"water","citizen":{"name":"李四","phone":"13900001111"}}`, n)
							req := httptest.NewRequest("POST", "/api/v1/appeals", strings.NewReader(body))
							req.Header.Set("Content-Type", "application/json")
							rec := httptest.NewRecorder()
							t0 := time.Now()
							h.ServeHTTP(rec, req)
							d := time.Since(t0)
							if rec.Code != http.StatusCreated {
								b.Errorf("status %d: %s", rec.Code, rec.Body)
							}
							mu.Lock()
							lat = append(lat, d)
							mu.Unlock()
						}
					}()
				}
				for range b.N {
					work <- struct{}{}
				}
				close(work)
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				slices.Sort(lat)
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "appeals/s")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
			})
		}
	}
}
