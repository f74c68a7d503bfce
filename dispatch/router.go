// Package dispatch puts the learned router to work: it trains department
// suggestions from the appeals' stored history in the background, keeps the
// model in the database so that every instance uses the same one, answers
// intake and the dispatch card at once from the model it holds, and takes
// in past appeals to learn from before a centre has a history.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/routing"
)

// Store is what the router needs from storage.
type Store interface {
	// RoutingMark grows with the training data (see storage.Store).
	RoutingMark(ctx context.Context) (int64, error)
	RoutingHistory(ctx context.Context, limit int) ([]appeal.RoutingExample, error)
	RoutingExamples(ctx context.Context, limit int) ([]appeal.RoutingExample, error)
	AddRoutingExamples(ctx context.Context, ex []appeal.RoutingExample, at time.Time) error
	SaveRouterModel(ctx context.Context, m appeal.RouterModel) (int64, error)
	LatestRouterModel(ctx context.Context, after int64) (appeal.RouterModel, bool, error)
}

// Config tunes the router.
type Config struct {
	// Interval is how often the trainer looks for new labels and every
	// instance for a newer model (default 1 minute).
	Interval time.Duration
	// RetrainAfter is how many new answers, returns, transfers and
	// examples make the trainer train again (default 20).
	RetrainAfter int64
	// MaxHistory bounds training to the newest answered appeals and the
	// newest imported examples, each (default 20,000), so that training
	// time stays bounded however long the history grows.
	MaxHistory int
	// Seed makes training deterministic (default 1).
	Seed uint64
	// Workers is how many cores training may use (default 1: intake and
	// delivery keep the rest).
	Workers int
}

func (c Config) withDefaults() Config {
	if c.Interval <= 0 {
		c.Interval = time.Minute
	}
	if c.RetrainAfter <= 0 {
		c.RetrainAfter = 20
	}
	if c.MaxHistory <= 0 {
		c.MaxHistory = 20000
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Workers <= 0 {
		c.Workers = 1
	}
	return c
}

// loaded is the model in use and the version it was stored as.
type loaded struct {
	version int64
	mark    int64
	model   *routing.Model
}

// Router suggests departments from the newest stored model. Suggest never
// waits for training or the database.
type Router struct {
	store Store
	cfg   Config
	now   func() time.Time
	log   *slog.Logger
	cur   atomic.Pointer[loaded]
	// train is routing.Train; tests hold it to show that intake does not
	// wait for training.
	train func([]routing.Example, routing.Options) (*routing.Model, error)
	// mu keeps one training at a time within the instance.
	mu sync.Mutex
	// wake makes the trainer look at once (after an import).
	wake chan struct{}
	// idleMark is the mark at which there was nothing to learn (-1:
	// none): the history is not read again until it moves.
	idleMark int64
}

// New returns a router over store; now is the clock.
func New(store Store, cfg Config, now func() time.Time, log *slog.Logger) *Router {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Router{store: store, cfg: cfg.withDefaults(), now: now, log: log, train: routing.Train,
		wake: make(chan struct{}, 1), idleMark: -1}
}

// Wake makes the trainer look for new labels now rather than at its next
// interval.
func (r *Router) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// SetTrain replaces the training function (routing.Train); for tests.
func (r *Router) SetTrain(fn func([]routing.Example, routing.Options) (*routing.Model, error)) {
	r.train = fn
}

// Suggest implements appeal.Suggester from the model in memory; nil until
// one is loaded.
func (r *Router) Suggest(title, body, category, location string) []appeal.Suggestion {
	l := r.cur.Load()
	if l == nil {
		return nil
	}
	s := l.model.Predict(routing.Input{Title: title, Body: body, Category: category, Location: location})
	out := make([]appeal.Suggestion, len(s))
	for i, x := range s {
		out[i] = appeal.Suggestion{Department: x.Label, Confidence: x.Confidence}
	}
	return out
}

// Version is the version of the model in use, 0 for none.
func (r *Router) Version() int64 {
	if l := r.cur.Load(); l != nil {
		return l.version
	}
	return 0
}

// Load takes the newest stored model if it is newer than the one in use.
func (r *Router) Load(ctx context.Context) error {
	m, ok, err := r.store.LatestRouterModel(ctx, r.Version())
	if err != nil || !ok {
		return err
	}
	model, err := routing.Unmarshal(m.Data)
	if err != nil {
		return fmt.Errorf("router: model version %d: %w", m.Version, err)
	}
	r.use(loaded{version: m.Version, mark: m.Mark, model: model})
	r.log.Info("router: model loaded", "version", m.Version, "examples", m.Examples, "departments", len(model.Labels()))
	return nil
}

// use switches to l unless a newer version is in use already.
func (r *Router) use(l loaded) {
	for {
		cur := r.cur.Load()
		if cur != nil && cur.version >= l.version {
			return
		}
		if r.cur.CompareAndSwap(cur, &l) {
			return
		}
	}
}

// ErrNothingToLearn: the history and the examples name fewer than two
// departments.
var ErrNothingToLearn = errors.New("router: nothing to learn yet: need appeals answered by at least two departments")

// TrainOnce trains a new model when the training data grew by
// RetrainAfter since the model in use (or when there is none) and stores
// it as the newest version. trained is false when there was no need.
func (r *Router) TrainOnce(ctx context.Context) (trained bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.Load(ctx); err != nil {
		return false, err
	}
	mark, err := r.store.RoutingMark(ctx)
	if err != nil {
		return false, err
	}
	if cur := r.cur.Load(); cur != nil && mark-cur.mark < r.cfg.RetrainAfter || mark == r.idleMark {
		return false, nil
	}
	ex, err := r.examples(ctx)
	if err != nil {
		return false, err
	}
	start := r.now()
	model, err := r.train(ex, routing.Options{Seed: r.cfg.Seed, Workers: r.cfg.Workers})
	if errors.Is(err, routing.ErrTooFewLabels) {
		r.idleMark = mark
		return false, ErrNothingToLearn
	}
	if err != nil {
		return false, fmt.Errorf("router: train: %w", err)
	}
	took := r.now().Sub(start)
	m := appeal.RouterModel{Data: model.Marshal(), Examples: model.Examples(), Mark: mark, CreatedAt: r.now().UTC()}
	v, err := r.store.SaveRouterModel(ctx, m)
	if err != nil {
		return false, err
	}
	r.use(loaded{version: v, mark: mark, model: model})
	r.log.Info("router: model trained", "version", v, "examples", model.Examples(),
		"departments", len(model.Labels()), "bytes", len(m.Data), "took", took.Round(time.Millisecond).String())
	return true, nil
}

// examples are what the router learns from: the newest answered appeals
// labelled from their event log, then the imported examples.
func (r *Router) examples(ctx context.Context) ([]routing.Example, error) {
	hist, err := r.store.RoutingHistory(ctx, r.cfg.MaxHistory)
	if err != nil {
		return nil, err
	}
	imported, err := r.store.RoutingExamples(ctx, r.cfg.MaxHistory)
	if err != nil {
		return nil, err
	}
	out := make([]routing.Example, 0, len(hist)+len(imported))
	for _, e := range append(hist, imported...) {
		out = append(out, routing.Example{Title: e.Title, Body: e.Body, Category: e.Category, Location: e.Location, Label: e.Department})
	}
	return out, nil
}

// RunTrainer trains at start and then whenever enough labels came in,
// until ctx ends. Only one instance should run it (under a lease).
func (r *Router) RunTrainer(ctx context.Context) error {
	return r.every(ctx, "train", func(ctx context.Context) error {
		_, err := r.TrainOnce(ctx)
		if errors.Is(err, ErrNothingToLearn) {
			return nil
		}
		return err
	})
}

// RunLoader loads each newer model another instance trained, until ctx
// ends. Every instance runs it.
func (r *Router) RunLoader(ctx context.Context) error {
	return r.every(ctx, "load", r.Load)
}

func (r *Router) every(ctx context.Context, what string, fn func(context.Context) error) error {
	wake := r.wake
	if what != "train" {
		wake = nil
	}
	t := time.NewTicker(r.cfg.Interval)
	defer t.Stop()
	for {
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("router: "+what+" failed; trying again later", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-wake:
		}
	}
}
