package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/backoff"
	"github.com/appealbot/appealbot/render"
)

// QueueStore is where delivery takes its work from: the outbox's due
// rows, what a row reached before, what the last worker spent of the
// budgets; and where it writes what it has to say itself.
type QueueStore interface {
	ClaimOutbox(ctx context.Context, kinds []appeal.RecipientKind, now time.Time, limit int, lease time.Duration) ([]appeal.OutboxMessage, error)
	NextOutboxDue(ctx context.Context, kinds []appeal.RecipientKind) (time.Time, bool, error)
	ReleaseClaims(ctx context.Context, kinds []appeal.RecipientKind) (int64, error)
	Deliveries(ctx context.Context, outboxID int64) ([]appeal.Delivery, error)
	RecentDeliveries(ctx context.Context, network string, since time.Time) ([]appeal.Delivery, error)
	// EnqueueMessages tells dispatch of a chat that refuses messages.
	EnqueueMessages(ctx context.Context, at time.Time, msgs []appeal.Message) error
	// MarkUndeliverable keeps a message no one can receive waiting, and
	// UndeliverableCount counts those that wait.
	MarkUndeliverable(ctx context.Context, id int64, at, next time.Time, reason string) error
	UndeliverableCount(ctx context.Context) (int64, error)
	// MigrateChat follows a chat that moved to a new id.
	MigrateChat(ctx context.Context, network, oldChatID, newChatID string) error
	// PromptCopies are where the prompts a decision closes were
	// delivered (see appeal.ToPrompts).
	PromptCopies(ctx context.Context, id appeal.ID, kind appeal.MessageKind, before int64) ([]appeal.Delivery, error)
}

// OutboxStore is what delivery needs from storage: what each of its parts
// needs.
type OutboxStore interface {
	QueueStore
	RouteStore
	CardStore
	RecordStore
}

// Renderer turns outbox messages into text for one reader.
type Renderer interface {
	RenderMessage(ctx context.Context, m appeal.Message, lang string, now time.Time) (render.Rendered, error)
	RenderDigest(ctx context.Context, dept string, ids []appeal.ID, lang string, now time.Time) (render.Rendered, int, error)
	ChatLang(ctx context.Context, network, chatID string) string
	MemberLang(ctx context.Context, m appeal.Member) string
}

// DeliveryOptions tune the delivery worker; zero values take the defaults.
type DeliveryOptions struct {
	// Lease is how long claimed rows are reserved. One instance delivers
	// at a time (see the delivery lease in cmd), so this only matters when
	// leadership changes hands. Default 10 minutes.
	Lease time.Duration
	// Batch is how many rows one claim takes. Default 200.
	Batch int
	// Held caps the rows held in memory waiting for their chats' budgets.
	// Default 5000.
	Held int
	// Senders is how many sends may be in flight at once (each chat has at
	// most one). Default 8.
	Senders int
	// Poll is the longest the worker sleeps when nothing wakes it.
	// Default 5 s.
	Poll time.Duration
	// MaxBackoff caps the wait before retrying a temporary failure.
	// Default 5 minutes.
	MaxBackoff time.Duration
	// CoalesceAfter: when a group's queue would take longer than this to
	// drain at its steady pace, its pending new cards go out together as
	// one digest. Default 6 s.
	CoalesceAfter time.Duration
	// Margin is added to the group and global windows against the
	// difference between when we send and when the network counts.
	// Default 10 ms.
	Margin time.Duration
	// Lead is how long before a chat's budget allows its next message the
	// message is prepared (read and rendered), so that it leaves the moment
	// the budget allows, not a rendering later. Default 50 ms.
	Lead time.Duration
	// Wakeup, when set, wakes the worker as Wake does: it is how whoever
	// learns of new outbox rows (the store's commits, a notification from
	// another instance) reaches a worker created after it.
	Wakeup <-chan struct{}
	// Observer, when set, hears of every failed call to a network.
	Observer DeliveryObserver
	// Life bounds how long the record of a message a network took is
	// retried while the database does not answer (see record): until Life
	// ends, however long the outage. Nil: until it lands. A process that
	// stops while the database is down must end it, or it waits.
	Life context.Context
	// Admins are the admins of the configuration (APPEALBOT_ADMINS):
	// external ids, "network:id" for one network. With those of stored
	// grants they are the last level of every fallback chain.
	Admins []string
	// Rand spreads the waits before retries (see internal/backoff), so
	// that chats that failed together do not retry in lockstep; it must be
	// safe for concurrent use. Nil: math/rand/v2.
	Rand func() float64
	// SpinClock is the clock the last stretch of a wait for a chat's
	// budget is measured on (see reserve): that stretch is spent yielding
	// the processor, not on a timer, so it must be real time. Nil: the
	// deliverer's clock.
	SpinClock func() time.Time
}

// DeliveryObserver hears of every send or edit a network refused or that
// failed on the way, for metrics. It is called from the senders'
// goroutines, so it must be safe for concurrent use, and must not block.
type DeliveryObserver interface {
	// SendFailed reports one failed call: its network, its kind and, for
	// RateLimited, how long the network asked to wait.
	SendFailed(network string, kind ErrorKind, retryAfter time.Duration)
}

func (o *DeliveryOptions) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Lease, 10*time.Minute)
	def(&o.Poll, 5*time.Second)
	def(&o.MaxBackoff, 5*time.Minute)
	def(&o.CoalesceAfter, 6*time.Second)
	def(&o.Margin, 10*time.Millisecond)
	def(&o.Lead, 50*time.Millisecond)
	if o.Batch <= 0 {
		o.Batch = 200
	}
	if o.Held <= 0 {
		o.Held = 5000
	}
	if o.Senders <= 0 {
		o.Senders = 8
	}
}

// Deliverer sends the outbox's chat messages through the transports,
// within each network's limits: it claims due rows, queues them per chat,
// sends each chat's queue as fast as its budgets allow, merges a busy
// group's new cards into digests and a card's pending edits into one, and
// retries what failed for a passing reason. Run it in one process at a time.
type Deliverer struct {
	store OutboxStore
	rec   *recorder
	rnd   Renderer
	trs   map[string]Transport
	now   func() time.Time
	spin  func() time.Time
	log   *slog.Logger
	opts  DeliveryOptions
	rand  backoff.Rand
	wake  chan struct{}

	// pmu guards pacers: the worker checks budgets, senders take them.
	pmu    sync.Mutex
	pacers map[string]*pacer
	// The rest belongs to the goroutine in Run (or RunOnce).
	queues   map[chatKey]*queue
	held     map[int64]*held
	results  chan result
	inflight int
	reported map[chatKey]time.Time
	// waiting is the latest message found undeliverable; nagChecked and
	// nagErred are when nag last counted them and last said so at ERROR.
	waiting              waitNote
	nagChecked, nagErred time.Time
}

// NewDeliverer returns a worker delivering to the given transports.
func NewDeliverer(store OutboxStore, rnd Renderer, trs []Transport, now func() time.Time, log *slog.Logger, opts DeliveryOptions) *Deliverer {
	opts.defaults()
	d := &Deliverer{store: store, rnd: rnd, trs: map[string]Transport{}, now: now, spin: opts.SpinClock, log: log, opts: opts,
		rand: opts.Rand,
		rec:  &recorder{store: store, now: now, log: log, life: opts.Life, rnd: opts.Rand},
		wake: make(chan struct{}, 1), pacers: map[string]*pacer{}, queues: map[chatKey]*queue{},
		held: map[int64]*held{}, results: make(chan result, opts.Senders), reported: map[chatKey]time.Time{}}
	if d.spin == nil {
		d.spin = now
	}
	for _, t := range trs {
		d.trs[t.Network()] = t
		lim := Limits{}
		if l, ok := t.(Limited); ok {
			lim = l.Limits()
		}
		d.pacers[t.Network()] = newPacer(lim, opts.Margin)
	}
	return d
}

// Wake tells the worker that rows were written; it never blocks.
func (d *Deliverer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then waits for sends in flight. It starts by
// taking over from whichever worker delivered before (see takeOver).
func (d *Deliverer) Run(ctx context.Context) error {
	d.takeOver(ctx)
	if ctx.Err() != nil {
		return nil
	}
	t := time.NewTimer(0)
	defer t.Stop()
	forget := time.NewTicker(time.Minute)
	defer forget.Stop()
	wakeup := d.opts.Wakeup
	// Claims are made when something may have come due: at start, on a
	// wake-up, when the last claim filled a whole batch, when the earliest
	// row known to the database comes due, and every Poll. A finished send
	// makes nothing new due, so it only settles and dispatches.
	claim := true
	var dbDue, lastClaim time.Time
	for {
		next, more := d.step(ctx, claim)
		if claim {
			lastClaim, dbDue = d.now(), d.nextDue(ctx, more)
		}
		if ctx.Err() != nil {
			d.finish()
			return nil
		}
		if claim = more; more {
			continue
		}
		t.Reset(d.idle(next, lastClaim, dbDue))
		select {
		case <-ctx.Done():
		case <-d.wake:
			claim = true
		case _, ok := <-wakeup:
			if !ok {
				wakeup = nil // closed: nothing more will come from it
			}
			claim = ok
		case r := <-d.results:
			d.settle(ctx, r)
		case <-t.C:
			now := d.now()
			claim = now.Sub(lastClaim) >= d.opts.Poll || (!dbDue.IsZero() && !now.Before(dbDue))
		case <-forget.C:
			d.forget()
		}
	}
}

// forget lets the pacers drop the chats idle for longer than any window.
func (d *Deliverer) forget() {
	now := d.now()
	d.pmu.Lock()
	defer d.pmu.Unlock()
	for _, p := range d.pacers {
		p.forget(now)
	}
}

// nextDue is when the earliest row the database holds comes due; zero when
// more are due now, or when it is not known.
func (d *Deliverer) nextDue(ctx context.Context, more bool) time.Time {
	if more {
		return time.Time{}
	}
	if due, ok, err := d.store.NextOutboxDue(ctx, appeal.ChatRecipients); err == nil && ok {
		return due
	}
	return time.Time{}
}

// idle is how long the worker may wait for news: until the next Poll, the
// next chat ready to send, or the earliest row the database holds coming
// due (when there is room to hold it), whichever comes first.
func (d *Deliverer) idle(next, lastClaim, dbDue time.Time) time.Duration {
	now := d.now()
	wait := d.opts.Poll - now.Sub(lastClaim)
	if !next.IsZero() {
		wait = min(wait, next.Sub(now))
	}
	if !dbDue.IsZero() && len(d.held) < d.opts.Held {
		wait = min(wait, dbDue.Sub(now))
	}
	return max(wait, time.Millisecond)
}

// takeOver makes this worker the one that delivers. It waits one chat
// interval (a second at least) first: for sends the last worker had in
// flight, and for what it is still recording of them (a worker that lost the lease to a database
// restart records what it sent once the database is back, see persist).
// The claims of a worker that died would hold its rows until their leases
// ran out: they are released (only one worker delivers, so no claim is
// live). What the last minute's deliveries spent of each chat's budget is
// counted again.
func (d *Deliverer) takeOver(ctx context.Context) {
	hold := time.Duration(0)
	for _, p := range d.pacers {
		if p.lim.PerChat > 0 {
			hold = max(hold, p.lim.PerChat+p.margin)
		}
	}
	hold = max(hold, 4*recordRetry)
	select {
	case <-ctx.Done():
		return
	case <-time.After(hold):
	}
	if n, err := d.store.ReleaseClaims(ctx, appeal.ChatRecipients); err != nil {
		d.log.Error("delivery: release claims", "err", err)
	} else if n > 0 {
		d.log.Info("delivery: took over claimed messages", "count", n)
	}
	now := d.now()
	d.pmu.Lock()
	defer d.pmu.Unlock()
	for network, p := range d.pacers {
		window := max(p.lim.GroupWindow, time.Second) + p.margin
		recent, err := d.store.RecentDeliveries(ctx, network, now.Add(-window))
		if err != nil {
			d.log.Error("delivery: read recent deliveries", "err", err)
		}
		for _, r := range recent {
			k := chatKey{network, r.ChatID}
			p.sent(r.ChatID, d.isGroup(k), false, r.At)
		}
	}
}

// RunOnce claims what is due, sends what the budgets allow now, waits for
// those sends and returns how many messages it sent or tried. Tests and
// the final drain at shutdown use it.
func (d *Deliverer) RunOnce(ctx context.Context) (int, error) {
	for more := true; more; {
		var err error
		if more, err = d.fill(ctx); err != nil {
			return 0, err
		}
	}
	started := d.dispatch(ctx)
	d.finish()
	return started, nil
}

// step settles finished sends, claims a batch if claim, and dispatches; it returns
// the earliest time a waiting chat becomes ready (zero if none waits) and
// whether more rows may be due right now.
func (d *Deliverer) step(ctx context.Context, claim bool) (time.Time, bool) {
	for {
		select {
		case r := <-d.results:
			d.settle(ctx, r)
			continue
		default:
		}
		break
	}
	more := false
	if claim {
		var err error
		if more, err = d.fill(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("delivery: claim", "err", err)
		}
	}
	d.dispatch(ctx)
	return d.nextReady(), more
}

// finish waits for every send in flight and settles it.
func (d *Deliverer) finish() {
	for d.inflight > 0 {
		d.settle(context.WithoutCancel(context.Background()), <-d.results)
	}
}
