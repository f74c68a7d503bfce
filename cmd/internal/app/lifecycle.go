package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/appealbot/appealbot/storage"
)

// A part is a long-running piece of serve. run works until its context
// ends, then finishes what it must and returns; an error means the part
// could not go on.
type part struct {
	name string
	run  func(ctx context.Context) error
}

// A stage is parts that stop together.
type stage struct {
	name  string
	parts []part
}

// runStages runs every part of every stage until ctx ends or any part
// returns, then stops the stages in the order given: a stage is told to
// stop only once every part of the stages before it has returned. It
// returns the error of every part that failed, after the part's name.
func runStages(ctx context.Context, log *slog.Logger, stages ...stage) error {
	// A part that returns early, with an error or without (the console's
	// input ended), ends serve: without it serve is not whole.
	end, endAll := context.WithCancel(ctx)
	defer endAll()
	type running struct {
		g    errgroup.Group
		stop context.CancelFunc
		// errs has a slot per part, written before its goroutine ends.
		errs []error
	}
	started := make([]*running, len(stages))
	for i, st := range stages {
		// Parts outlive ctx: they are stopped in order, below.
		sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		defer stop()
		r := &running{stop: stop, errs: make([]error, len(st.parts))}
		for j, p := range st.parts {
			r.g.Go(func() error {
				defer endAll()
				if err := p.run(sctx); err != nil {
					r.errs[j] = fmt.Errorf("%s: %w", p.name, err)
				}
				return r.errs[j]
			})
		}
		started[i] = r
	}

	<-end.Done()
	log.Info("shutting down")
	var errs []error
	for i, r := range started {
		log.Debug("stopping", "stage", stages[i].name)
		r.stop()
		// Wait gives the stage's first error only; errs holds them all.
		if r.g.Wait() != nil {
			errs = append(errs, r.errs...)
		}
	}
	return errors.Join(errs...)
}

// httpServer serves srv on ln until ctx ends, then shuts it down: requests
// in flight get timeout to finish.
type httpServer struct {
	srv     *http.Server
	ln      net.Listener
	timeout time.Duration
	log     *slog.Logger
}

// newHTTPServer serves h on ln with the timeouts of every listener of
// serve (the API's, the web view's).
func newHTTPServer(ln net.Listener, h http.Handler, shutdown time.Duration, log *slog.Logger) *httpServer {
	return &httpServer{ln: ln, timeout: shutdown, log: log, srv: &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}
}

func (h *httpServer) Run(ctx context.Context) error {
	served := make(chan error, 1)
	go func() { served <- h.srv.Serve(h.ln) }()
	select {
	case err := <-served:
		return err // never nil: the listener failed
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.timeout)
	defer cancel()
	if err := h.srv.Shutdown(sctx); err != nil {
		// Requests still running past the timeout are cut off; that is
		// what the timeout is for, not a failure of serve.
		h.log.Warn("http: shutdown", "err", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// leaseRetry is how long a leader waits before it seeks a lease again
// after the store failed to say whether it may have it.
const leaseRetry = 2 * time.Second

// leader runs a part for as long as this instance holds the lease name.
// Several instances may share one PostgreSQL, and some work must be done by
// one of them at a time; when the holder dies, another takes over within
// seconds. When the lease is lost (its connection died) the part is
// stopped and the lease sought again, until ctx ends.
type leader struct {
	store *storage.Store
	name  string
	log   *slog.Logger
	run   func(ctx context.Context) error
}

// Run leads until ctx ends, or until the part fails: then it returns the
// part's error.
func (l *leader) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		lease, err := l.store.Lead(ctx, l.name, leaseRetry)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			l.log.Error("lease: "+l.name, "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(leaseRetry):
			}
			continue
		}
		l.log.Info("lease: this instance leads "+l.name, "lease", l.name)
		if err := l.lead(ctx, lease); err != nil {
			return err
		}
	}
	return nil
}

// lead runs the part until ctx ends or lease is lost, then gives the lease
// up.
func (l *leader) lead(ctx context.Context, lease *storage.Lease) error {
	defer lease.Release()
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var watch sync.WaitGroup
	defer watch.Wait()
	watch.Go(func() {
		select {
		case <-lease.Lost():
			l.log.Warn("lease: lost "+l.name, "lease", l.name)
			cancel()
		case <-lctx.Done():
		}
	})
	err := l.run(lctx)
	cancel()
	return err
}

// drain delivers what is due once more before shutdown, bounded by limit.
func drain(d interface {
	RunOnce(context.Context) (int, error)
}, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for {
		n, err := d.RunOnce(ctx)
		if err != nil || n == 0 {
			if errors.Is(err, context.DeadlineExceeded) {
				return nil
			}
			return err
		}
	}
}

// notify wakes whoever waits on c, without blocking: one wake-up pending
// is as good as many.
func notify(c chan<- struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
