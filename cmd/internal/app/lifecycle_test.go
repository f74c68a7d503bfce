package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/storage"
)

// events records what parts did, in order.
type events struct {
	mu   sync.Mutex
	list []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, s)
}

func (e *events) all() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.list)
}

// waiting is a part that runs until told to stop, records that, and
// returns err.
func waiting(ev *events, name string, err error) part {
	return part{name, func(ctx context.Context) error {
		<-ctx.Done()
		ev.add("stop " + name)
		return err
	}}
}

// TestStagesStopInOrder: when ctx ends, each stage is told to stop only
// after every part of the stages before it has returned, and every error is
// returned, each after its part's name.
func TestStagesStopInOrder(t *testing.T) {
	var ev events
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- runStages(ctx, slog.New(slog.DiscardHandler),
			stage{"intake", []part{waiting(&ev, "http", nil)}},
			stage{"updates", []part{waiting(&ev, "telegram", errors.New("poll broke")), waiting(&ev, "matrix", nil)}},
			stage{"schedules", []part{waiting(&ev, "reminders", nil), waiting(&ev, "digests", errors.New("schedule broke"))}},
			stage{"delivery", []part{waiting(&ev, "delivery", nil)}},
		)
	}()
	cancel()
	err := <-done
	got := ev.all()
	rank := map[string]int{"stop http": 0, "stop telegram": 1, "stop matrix": 1, "stop reminders": 2, "stop digests": 2, "stop delivery": 3}
	if len(got) != len(rank) || !slices.IsSortedFunc(got, func(a, b string) int { return rank[a] - rank[b] }) {
		t.Errorf("stopped in the order %q", got)
	}
	if err == nil || err.Error() != "telegram: poll broke\ndigests: schedule broke" {
		t.Errorf("error: %v", err)
	}
}

// TestStagesEndWhenAPartReturns: a part that returns by itself, failing or
// not, stops every part, in order; serve does not go on without it.
func TestStagesEndWhenAPartReturns(t *testing.T) {
	for _, fail := range []error{nil, errors.New("listener gone")} {
		var ev events
		err := runStages(t.Context(), slog.New(slog.DiscardHandler),
			stage{"intake", []part{{"http", func(context.Context) error { ev.add("http returned"); return fail }}}},
			stage{"updates", []part{waiting(&ev, "console", nil)}},
			stage{"delivery", []part{waiting(&ev, "delivery", nil)}},
		)
		if got := ev.all(); !slices.Equal(got, []string{"http returned", "stop console", "stop delivery"}) {
			t.Errorf("with %v: %q", fail, got)
		}
		if fail == nil && err != nil || fail != nil && (err == nil || err.Error() != "http: listener gone") {
			t.Errorf("with %v: error %v", fail, err)
		}
	}
}

func openSQLite(t *testing.T) *storage.Store {
	t.Helper()
	s, err := storage.Open(t.Context(), storage.Config{DataDir: t.TempDir()}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestLeaderHoldsTheLeaseWhileItsPartRuns: the part runs holding the
// lease; when ctx ends the lease is given up and Run returns nil; a part's
// error ends Run with that error, the lease given up too.
func TestLeaderHoldsTheLeaseWhileItsPartRuns(t *testing.T) {
	store := openSQLite(t)
	running := make(chan bool)
	ctx, cancel := context.WithCancel(t.Context())
	l := &leader{store: store, name: "work", log: slog.New(slog.DiscardHandler), run: func(ctx context.Context) error {
		_, free, err := store.TryLead(ctx, "work")
		running <- !free && err == nil
		<-ctx.Done()
		return nil
	}}
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	if held := <-running; !held {
		t.Fatal("the lease was free while its part ran")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after ctx ended: %v", err)
	}
	lease, ok, err := store.TryLead(t.Context(), "work")
	if !ok || err != nil {
		t.Fatalf("lease after Run: %v %v", ok, err)
	}
	lease.Release()

	broke := errors.New("token revoked")
	l.run = func(context.Context) error { return broke }
	if err := l.Run(t.Context()); !errors.Is(err, broke) {
		t.Fatalf("Run with a failing part: %v", err)
	}
	lease, ok, err = store.TryLead(t.Context(), "work")
	if !ok || err != nil {
		t.Fatalf("lease after a failed part: %v %v", ok, err)
	}
	lease.Release()
}

// TestLeaderStopsItsPartWhenTheLeaseIsLost: losing the lease (here: the
// store closes) stops the part; the leader then seeks the lease again.
func TestLeaderStopsItsPartWhenTheLeaseIsLost(t *testing.T) {
	store := openSQLite(t)
	stopped := make(chan struct{})
	l := &leader{store: store, name: "work", log: slog.New(slog.DiscardHandler), run: func(ctx context.Context) error {
		store.Close() // releases every lease held through it
		<-ctx.Done()
		close(stopped)
		return nil
	}}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	<-stopped
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestHTTPServerShutsDownAndReportsAFailedListener.
func TestHTTPServerShutsDownAndReportsAFailedListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &httpServer{ln: ln, timeout: time.Second, log: slog.New(slog.DiscardHandler), srv: &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })}}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	resp, err := http.Get("http://" + ln.Addr().String())
	if err != nil || resp.StatusCode != http.StatusTeapot {
		t.Fatalf("served: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after ctx ended: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String()); err == nil {
		t.Fatal("still serving after Run returned")
	}

	ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	h = &httpServer{ln: ln, timeout: time.Second, log: slog.New(slog.DiscardHandler), srv: &http.Server{}}
	if err := h.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("Run on a closed listener: %v", err)
	}
}
