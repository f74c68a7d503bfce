package callback_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api/callback"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/backoff"
	"github.com/appealbot/appealbot/netguard"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// clock is a test clock that only moves when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// receiver is an upstream system's callback endpoint that answers with the
// scripted statuses in turn, then 200.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []*http.Request
	bodies   [][]byte
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, req)
	r.bodies = append(r.bodies, body)
	status := http.StatusOK
	if len(r.statuses) > 0 {
		status, r.statuses = r.statuses[0], r.statuses[1:]
	}
	w.WriteHeader(status)
}

func (r *receiver) count() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.got) }

// local allows the test receivers, which listen on 127.0.0.1.
func local(t *testing.T) netguard.Policy {
	t.Helper()
	p, err := netguard.Parse("127.0.0.1/32")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// answered makes an appeal with a callback URL and answers it.
func answered(t *testing.T, store *storage.Store, clk *clock, url string) appeal.ID {
	t.Helper()
	svc := appeal.NewService(store, clk.now, "Asia/Shanghai")
	if _, err := svc.SaveDepartment(t.Context(), appeal.Department{Code: "water", Name: "供水"}); err != nil {
		t.Fatal(err)
	}
	a, _, err := svc.Intake(t.Context(), appeal.Intake{Source: "12345", ExternalID: "W-1", Title: "停水",
		Body: "三天没水", Department: "water", CallbackURL: url})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Act(t.Context(), a.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 5, Text: "已恢复供水"}); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func TestCallbackIsSignedAndRetriedUntil2xx(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			store := storagetest.Open(t, backend)
			clk := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
			rcv := &receiver{statuses: []int{500, 503}}
			srv := httptest.NewServer(rcv)
			defer srv.Close()
			id := answered(t, store, clk, srv.URL+"/cb")
			s := callback.New(store, callback.Options{Secret: "shared-secret", MinBackoff: 10 * time.Second, MaxBackoff: time.Minute, Allow: local(t)},
				clk.now, slog.New(slog.DiscardHandler))

			// 500, then 503: each failure waits longer before the next try.
			for i, wait := range []time.Duration{10 * time.Second, 20 * time.Second} {
				if n, err := s.RunOnce(t.Context()); err != nil || n != 1 {
					t.Fatalf("attempt %d: claimed %d, %v", i+1, n, err)
				}
				if n, _ := s.RunOnce(t.Context()); n != 0 {
					t.Fatalf("attempt %d: retried before its backoff", i+1)
				}
				clk.add(wait)
			}
			if n, err := s.RunOnce(t.Context()); err != nil || n != 1 || rcv.count() != 3 {
				t.Fatalf("third attempt: %d, %v, %d requests", n, err, rcv.count())
			}
			clk.add(time.Hour)
			if n, _ := s.RunOnce(t.Context()); n != 0 || rcv.count() != 3 {
				t.Fatalf("a delivered callback was sent again")
			}

			rows, err := store.OutboxFor(t.Context(), id, appeal.ToUpstream)
			if err != nil || len(rows) != 1 || rows[0].State != appeal.OutboxSent || rows[0].Attempts != 3 {
				t.Fatalf("outbox row %+v, %v", rows, err)
			}
			last := rcv.got[2]
			body := rcv.bodies[2]
			if last.Header.Get(callback.SignatureHeader) != callback.Sign("shared-secret", body) ||
				last.Header.Get("Content-Type") != "application/json" ||
				last.Header.Get(callback.DeliveryHeader) != rcv.got[0].Header.Get(callback.DeliveryHeader) {
				t.Fatalf("headers %v", last.Header)
			}
			var p callback.Payload
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			if p.Event != "appeal.answered" || p.Appeal.ID != int64(id) || p.Appeal.ExternalID != "W-1" ||
				p.Appeal.Status != "answered" || p.Answer.Text != "已恢复供水" || p.Answer.ID == 0 {
				t.Fatalf("payload %+v", p)
			}
		})
	}
}

func TestCallbackToAnUnreachableReceiverKeepsTrying(t *testing.T) {
	store := storagetest.Open(t, "sqlite")
	clk := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	id := answered(t, store, clk, url)
	s := callback.New(store, callback.Options{MinBackoff: time.Second, MaxBackoff: 4 * time.Second, Allow: local(t)}, clk.now, slog.New(slog.DiscardHandler))
	for range 6 {
		if n, err := s.RunOnce(t.Context()); err != nil || n != 1 {
			t.Fatalf("claimed %d, %v", n, err)
		}
		clk.add(4 * time.Second) // the cap: every retry is due by then
	}
	rows, _ := store.OutboxFor(t.Context(), id, appeal.ToUpstream)
	if rows[0].State != appeal.OutboxPending || rows[0].Attempts != 6 || rows[0].LastError == "" {
		t.Fatalf("row %+v", rows[0])
	}
}

// TestCallbackToAnInternalAddressIsRefused: a URL stored before its
// address was refused (or allowed then and not now) is never posted to,
// and fails for good with the reason.
func TestCallbackToAnInternalAddressIsRefused(t *testing.T) {
	store := storagetest.Open(t, "sqlite")
	clk := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	id := answered(t, store, clk, srv.URL+"/cb")
	s := callback.New(store, callback.Options{}, clk.now, slog.New(slog.DiscardHandler))
	if n, err := s.RunOnce(t.Context()); err != nil || n != 1 {
		t.Fatalf("claimed %d, %v", n, err)
	}
	clk.add(2 * time.Hour)
	if n, _ := s.RunOnce(t.Context()); n != 0 {
		t.Fatal("a refused callback was tried again")
	}
	if rcv.count() != 0 {
		t.Fatalf("the receiver on 127.0.0.1 got %d requests", rcv.count())
	}
	rows, _ := store.OutboxFor(t.Context(), id, appeal.ToUpstream)
	if rows[0].State != appeal.OutboxFailed || !strings.Contains(rows[0].LastError, "127.0.0.1 is a loopback address") {
		t.Fatalf("row %+v", rows[0])
	}
}

// TestCallbackRedirectIsNotFollowed: a receiver answering 307 to another
// local port does not get the body sent there, even where both are
// allowed; the attempt failed and is retried, like any other failure.
func TestCallbackRedirectIsNotFollowed(t *testing.T) {
	store := storagetest.Open(t, "sqlite")
	clk := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
	inner := &receiver{}
	innerSrv := httptest.NewServer(inner)
	defer innerSrv.Close()
	var redirects atomic.Int32
	outer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirects.Add(1)
		http.Redirect(w, r, innerSrv.URL+"/admin", http.StatusTemporaryRedirect)
	}))
	defer outer.Close()
	id := answered(t, store, clk, outer.URL+"/cb")
	s := callback.New(store, callback.Options{MinBackoff: time.Second, Allow: local(t)}, clk.now, slog.New(slog.DiscardHandler))
	for range 2 {
		if n, err := s.RunOnce(t.Context()); err != nil || n != 1 {
			t.Fatalf("claimed %d, %v", n, err)
		}
		clk.add(time.Minute)
	}
	if redirects.Load() != 2 || inner.count() != 0 {
		t.Fatalf("%d redirects answered, %d requests followed them", redirects.Load(), inner.count())
	}
	rows, _ := store.OutboxFor(t.Context(), id, appeal.ToUpstream)
	if rows[0].State != appeal.OutboxPending || rows[0].Attempts != 2 ||
		!strings.Contains(rows[0].LastError, "HTTP 307 redirect to \""+innerSrv.URL+"/admin\" not followed") {
		t.Fatalf("row %+v", rows[0])
	}
}

// TestCallbackRetriesAreSpread: ten callbacks to a receiver that is down
// fail at the same moment; each waits about its backoff, but not the same
// wait, or they would all come back together after every failure.
func TestCallbackRetriesAreSpread(t *testing.T) {
	store := storagetest.Open(t, "sqlite")
	clk := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	svc := appeal.NewService(store, clk.now, "Asia/Shanghai")
	if _, err := svc.SaveDepartment(t.Context(), appeal.Department{Code: "water", Name: "供水"}); err != nil {
		t.Fatal(err)
	}
	var ids []appeal.ID
	for i := range 10 {
		a, _, err := svc.Intake(t.Context(), appeal.Intake{Source: "12345", ExternalID: fmt.Sprint("S-", i), Title: "停水",
			Body: "三天没水", Department: "water", CallbackURL: srv.URL + "/cb"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Act(t.Context(), a.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 5, Text: "已恢复供水"}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	const first = 10 * time.Second
	s := callback.New(store, callback.Options{MinBackoff: first, Allow: local(t), Rand: backoff.Seeded(1)}, clk.now, slog.New(slog.DiscardHandler))
	for sent := 0; sent < len(ids); {
		n, err := s.RunOnce(t.Context())
		if err != nil || n == 0 {
			t.Fatalf("claimed %d, %v", n, err)
		}
		sent += n
	}
	waits := map[time.Duration]bool{}
	for _, id := range ids {
		rows, err := store.OutboxFor(t.Context(), id, appeal.ToUpstream)
		if err != nil || len(rows) != 1 || rows[0].State != appeal.OutboxPending {
			t.Fatalf("row %+v, %v", rows, err)
		}
		w := rows[0].NextAttemptAt.Sub(clk.now())
		if w < first/2 || w > first {
			t.Errorf("callback %d waits %v, want between %v and %v", id, w, first/2, first)
		}
		waits[w] = true
	}
	if len(waits) < len(ids)/2 {
		t.Errorf("the callbacks wait only %d different times: %v", len(waits), waits)
	}
}
