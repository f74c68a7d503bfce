package api_test

import (
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestObserveRequest: every answered request is reported with its route
// pattern, not its path, so that metrics have one series per route.
func TestObserveRequest(t *testing.T) {
	store := storagetest.Open(t, storage.SQLite)
	svc := appeal.NewService(store, func() time.Time { return testNow }, "Asia/Shanghai")
	var mu sync.Mutex
	var seen []string
	h := api.New(svc, store, api.Options{Now: func() time.Time { return testNow },
		ObserveRequest: func(method, route string, status int, _ time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, fmt.Sprint(method, " ", route, " ", status))
		}})
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/appeals/7"},
		{"GET", "/api/v1/appeals/8"},
		{"HEAD", "/healthz"},
		{"GET", "/wp-login.php"},
	} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(c.method, c.path, nil))
	}
	want := []string{"GET /api/v1/appeals/{id} 404", "GET /api/v1/appeals/{id} 404", "HEAD /healthz 200", "GET / 404"}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("observed %q, want %q", seen, want)
	}
}
