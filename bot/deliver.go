package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptrace"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
)

// OutboxStore is what delivery needs from storage.
type OutboxStore interface {
	ClaimOutbox(ctx context.Context, kinds []appeal.RecipientKind, now time.Time, limit int, lease time.Duration) ([]storage.OutboxMessage, error)
	NextOutboxDue(ctx context.Context, kinds []appeal.RecipientKind) (time.Time, bool, error)
	MarkSent(ctx context.Context, id int64, at time.Time) error
	MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error
	MarkFailed(ctx context.Context, id int64, at time.Time, reason string) error
	MarkDelivered(ctx context.Context, d storage.Delivery) error
	Deliveries(ctx context.Context, outboxID int64) ([]storage.Delivery, error)
	EnqueueMessages(ctx context.Context, at time.Time, msgs []appeal.Message) error
	MigrateChat(ctx context.Context, network, oldChatID, newChatID string) error
	ChatBindings(ctx context.Context, purpose appeal.ChatPurpose, department string) ([]appeal.ChatBinding, error)
	DepartmentMembers(ctx context.Context, code string, role appeal.Role) ([]appeal.Member, error)
	Member(ctx context.Context, id appeal.MemberID) (appeal.Member, error)
	Cards(ctx context.Context, id appeal.ID) ([]storage.Card, error)
	CardsOf(ctx context.Context, ids []appeal.ID) (map[appeal.ID][]storage.Card, error)
	SaveCard(ctx context.Context, c storage.Card) error
	RecordSend(ctx context.Context, cards []storage.Card, deliveries []storage.Delivery) error
	ReleaseClaims(ctx context.Context, kinds []appeal.RecipientKind) (int64, error)
	RecentDeliveries(ctx context.Context, network string, since time.Time) ([]storage.Delivery, error)
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
	// Observer, when set, hears of every failed call to a network.
	Observer DeliveryObserver
	// Life bounds how long the record of a message a network took is
	// retried while the database does not answer (see record): until Life
	// ends, however long the outage. Nil: until it lands. A process that
	// stops while the database is down must end it, or it waits.
	Life context.Context
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
	rnd   Renderer
	trs   map[string]Transport
	now   func() time.Time
	log   *slog.Logger
	opts  DeliveryOptions
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
}

// NewDeliverer returns a worker delivering to the given transports.
func NewDeliverer(store OutboxStore, rnd Renderer, trs []Transport, now func() time.Time, log *slog.Logger, opts DeliveryOptions) *Deliverer {
	opts.defaults()
	d := &Deliverer{store: store, rnd: rnd, trs: map[string]Transport{}, now: now, log: log, opts: opts,
		wake: make(chan struct{}, 1), pacers: map[string]*pacer{}, queues: map[chatKey]*queue{},
		held: map[int64]*held{}, results: make(chan result, opts.Senders), reported: map[chatKey]time.Time{}}
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

// chatKey names a chat on a network; topics of one chat share its budget.
type chatKey struct{ network, chat string }

// held is an outbox row in memory, with the chats it still has to reach.
// Senders settle its chats concurrently, hence mu.
type held struct {
	row      storage.OutboxMessage
	targets  int
	mu       sync.Mutex
	pending  int
	failures []string
}

// item is one row for one chat.
type item struct {
	h       *held
	topic   string
	member  *appeal.Member
	replyTo string
	// newCard is a card for an appeal with no card of its own in the chat
	// yet: the kind that a busy group gets as a digest.
	newCard bool
}

func (it *item) card() bool { return it.h.row.Kind == appeal.MsgCard }

type queue struct {
	key   chatKey
	items []*item
	busy  bool
	// retryAt holds the queue after a temporary failure; fails counts them
	// in a row, for the backoff.
	retryAt time.Time
	fails   int
}

// job is one message to send: one item, or several merged.
type job struct {
	q      *queue
	items  []*item
	digest bool
	// group and congested decide the chat's budget.
	group, congested bool
}

type result struct {
	job *job
	// consumed is how many of the job's items the message covered (a
	// digest may not fit them all); the rest go back to the queue.
	consumed int
	msgID    string
	err      error
	// closed are rows the job settled for good.
	closed []int64
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
	// Claims are made when something may have come due: at start, on a
	// wake-up, when the last claim filled a whole batch, when the earliest
	// row known to the database comes due, and every Poll. A finished send
	// makes nothing new due, so it only settles and dispatches.
	claim := true
	var dbDue, lastClaim time.Time
	for {
		next, more := d.step(ctx, claim)
		if claim {
			lastClaim, dbDue = d.now(), time.Time{}
			if due, ok, err := d.store.NextOutboxDue(ctx, appeal.ChatRecipients); err == nil && ok && !more {
				dbDue = due
			}
		}
		if ctx.Err() != nil {
			d.finish()
			return nil
		}
		if claim = more; more {
			continue
		}
		now := d.now()
		wait := d.opts.Poll - now.Sub(lastClaim)
		if !next.IsZero() {
			wait = min(wait, next.Sub(now))
		}
		if !dbDue.IsZero() && len(d.held) < d.opts.Held {
			wait = min(wait, dbDue.Sub(now))
		}
		t.Reset(max(wait, time.Millisecond))
		select {
		case <-ctx.Done():
		case <-d.wake:
			claim = true
		case r := <-d.results:
			d.settle(ctx, r)
		case <-t.C:
			now := d.now()
			claim = now.Sub(lastClaim) >= d.opts.Poll || (!dbDue.IsZero() && !now.Before(dbDue))
		case <-forget.C:
			for _, p := range d.pacers {
				p.forget(d.now())
			}
		}
	}
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

// fill claims one batch of due rows, if there is room, and queues them per
// chat. It reports whether more may be due: the caller sends what is ready
// before claiming more, so a large backlog never holds sends up.
func (d *Deliverer) fill(ctx context.Context) (more bool, err error) {
	if len(d.held) >= d.opts.Held {
		return false, nil
	}
	rows, err := d.store.ClaimOutbox(ctx, appeal.ChatRecipients, d.now(), min(d.opts.Batch, d.opts.Held-len(d.held)), d.opts.Lease)
	if err != nil {
		return false, err
	}
	var fresh []storage.OutboxMessage
	var cardIDs []appeal.ID
	for _, r := range rows {
		if _, ok := d.held[r.ID]; ok {
			continue // a lease we hold ran out; the row is queued already
		}
		fresh = append(fresh, r)
		if r.Kind == appeal.MsgCard {
			cardIDs = append(cardIDs, r.AppealID)
		}
	}
	// What the batch needs to know is read once for the whole batch.
	c := &expansion{binds: map[bindKey][]appeal.ChatBinding{}}
	if c.cards, err = d.store.CardsOf(ctx, cardIDs); err != nil {
		return false, err
	}
	for _, r := range fresh {
		d.add(ctx, r, c)
	}
	return len(rows) == d.opts.Batch && len(fresh) > 0, nil
}

// expansion caches what expanding one claimed batch reads.
type expansion struct {
	binds map[bindKey][]appeal.ChatBinding
	cards map[appeal.ID][]storage.Card
}

type bindKey struct {
	purpose appeal.ChatPurpose
	dept    string
}

func (c *expansion) bindings(ctx context.Context, store OutboxStore, p appeal.ChatPurpose, dept string) ([]appeal.ChatBinding, error) {
	k := bindKey{p, dept}
	if bs, ok := c.binds[k]; ok {
		return bs, nil
	}
	bs, err := store.ChatBindings(ctx, p, dept)
	if err == nil {
		c.binds[k] = bs
	}
	return bs, err
}

// target is one chat a message goes to.
type target struct {
	network string
	chat    string
	topic   string
	member  *appeal.Member
	replyTo string
}

func (d *Deliverer) targets(ctx context.Context, m appeal.Message, c *expansion) ([]target, error) {
	var out []target
	bindings := func(p appeal.ChatPurpose, dept string) error {
		bs, err := c.bindings(ctx, d.store, p, dept)
		for _, b := range bs {
			out = append(out, target{network: b.Network, chat: b.ChatID, topic: b.TopicID})
		}
		return err
	}
	private := func(m appeal.Member) {
		out = append(out, target{network: m.Network, chat: m.ExternalID, member: &m})
	}
	switch m.To.Kind {
	case appeal.ToDepartment:
		return out, bindings(appeal.ChatDepartment, m.To.Ref)
	case appeal.ToDispatch:
		return out, bindings(appeal.ChatDispatch, "")
	case appeal.ToSupervision:
		// The dispatch chat stands in until a supervision chat is bound.
		if err := bindings(appeal.ChatSupervision, ""); err != nil || len(out) > 0 {
			return out, err
		}
		return out, bindings(appeal.ChatDispatch, "")
	case appeal.ToLeaders:
		ms, err := d.store.DepartmentMembers(ctx, m.To.Ref, appeal.RoleLeader)
		for _, mm := range ms {
			private(mm)
		}
		return out, err
	case appeal.ToMember:
		id, err := strconv.ParseInt(m.To.Ref, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("member recipient %q: %w", m.To.Ref, err)
		}
		mm, err := d.store.Member(ctx, appeal.MemberID(id))
		if err != nil {
			return nil, err
		}
		private(mm)
		return out, nil
	case appeal.ToChat:
		return []target{{network: m.Args[appeal.ArgNetwork], chat: m.Args[appeal.ArgChat],
			topic: m.Args[appeal.ArgTopic], replyTo: m.Args[appeal.ArgReplyTo]}}, nil
	}
	return nil, fmt.Errorf("recipient kind %q is not a chat", m.To.Kind)
}

// add expands a claimed row into one item per chat it has yet to reach.
func (d *Deliverer) add(ctx context.Context, r storage.OutboxMessage, c *expansion) {
	h := &held{row: r}
	d.held[r.ID] = h
	log := d.log.With("outbox", r.ID, "kind", r.Kind, "appeal", r.AppealID)
	ts, err := d.targets(ctx, r.Message, c)
	var done []storage.Delivery
	if err == nil && r.Attempts > 1 {
		// Only a row claimed before can have reached some of its chats.
		done, err = d.store.Deliveries(ctx, r.ID)
	}
	if err != nil {
		delete(d.held, r.ID)
		d.retryRow(ctx, r.ID, d.now().Add(d.opts.Poll), err.Error(), log)
		return
	}
	for _, t := range ts {
		if _, ok := d.trs[t.network]; !ok || delivered(done, t) {
			continue
		}
		it := &item{h: h, topic: t.topic, member: t.member, replyTo: t.replyTo}
		if it.card() {
			it.newCard = true
			for _, cd := range c.cards[r.AppealID] {
				if cd.Network == t.network && cd.ChatID == t.chat && cd.TopicID == t.topic && !cd.Digest {
					it.newCard = false
				}
			}
		}
		k := chatKey{t.network, t.chat}
		q := d.queues[k]
		if q == nil {
			q = &queue{key: k}
			d.queues[k] = q
		}
		q.items = append(q.items, it)
		h.pending++
		h.targets++
	}
	if h.pending == 0 {
		if len(ts) == 0 {
			h.failures = append(h.failures, "no chat to deliver to (no chat bound, or no leader with a chat)")
			log.Warn("delivery: no chat to deliver to", "to", r.To.Kind, "ref", r.To.Ref)
		}
		delete(d.held, r.ID)
		d.closeRow(ctx, h)
	}
}

func delivered(done []storage.Delivery, t target) bool {
	for _, x := range done {
		if x.Network == t.network && x.ChatID == t.chat && x.TopicID == t.topic {
			return true
		}
	}
	return false
}

// dispatch starts a send for every chat whose budget allows one now or
// within Lead, oldest waiting first, and returns how many it started. A
// send started early prepares its message and then waits in reserve for
// the moment its budget allows.
func (d *Deliverer) dispatch(ctx context.Context) int {
	now := d.now()
	var ready []*queue
	for _, q := range d.queues {
		if len(q.items) > 0 && !q.busy && !q.retryAt.After(now) {
			ready = append(ready, q)
		}
	}
	sort.Slice(ready, func(i, j int) bool { return ready[i].items[0].h.row.ID < ready[j].items[0].h.row.ID })
	started := 0
	d.pmu.Lock()
	defer d.pmu.Unlock()
	for _, q := range ready {
		if d.inflight >= d.opts.Senders {
			break
		}
		p := d.pacers[q.key.network]
		group := d.isGroup(q.key)
		congested := d.congested(q, p, group)
		if p.readyAt(q.key.chat, group, congested, now).After(now.Add(d.opts.Lead)) {
			continue
		}
		j := d.take(q, p, group)
		j.group, j.congested = group, congested
		q.busy = true
		d.inflight++
		started++
		go func() { d.results <- d.execute(ctx, j) }()
	}
	return started
}

// nextReady is the earliest time a queue waiting for its budget may start
// its next send: Lead before its budget allows it.
func (d *Deliverer) nextReady() time.Time {
	now := d.now()
	d.pmu.Lock()
	defer d.pmu.Unlock()
	var next time.Time
	for _, q := range d.queues {
		if len(q.items) == 0 || q.busy {
			continue
		}
		p := d.pacers[q.key.network]
		group := d.isGroup(q.key)
		at := later(p.readyAt(q.key.chat, group, d.congested(q, p, group), now).Add(-d.opts.Lead), q.retryAt)
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next
}

func (d *Deliverer) isGroup(k chatKey) bool {
	l, ok := d.trs[k.network].(Limited)
	return ok && l.IsGroup(k.chat)
}

// congested reports a group whose queue would take longer than
// CoalesceAfter to drain at its steady pace, or that is still held to that
// pace after a backlog and has more than one message waiting.
func (d *Deliverer) congested(q *queue, p *pacer, group bool) bool {
	if !group || p.spacing() <= 0 {
		return false
	}
	return time.Duration(len(q.items))*p.spacing() > d.opts.CoalesceAfter ||
		(len(q.items) > 1 && p.steady(q.key.chat, d.now()))
}

// take removes the next message from q: the oldest item, with what can go
// along with it. In a congested group every pending new card of the same
// department goes into one digest; a card's pending versions are merged
// into one send of its newest state.
func (d *Deliverer) take(q *queue, p *pacer, group bool) *job {
	head := q.items[0]
	j := &job{q: q}
	var rest []*item
	switch {
	case head.card() && head.newCard && d.congested(q, p, group):
		j.digest = true
		for _, it := range q.items {
			if it.card() && it.newCard && it.h.row.To == head.h.row.To && it.topic == head.topic {
				j.items = append(j.items, it)
			} else {
				rest = append(rest, it)
			}
		}
	case head.card():
		for _, it := range q.items {
			if it.card() && it.h.row.AppealID == head.h.row.AppealID && it.h.row.To == head.h.row.To && it.topic == head.topic {
				j.items = append(j.items, it)
			} else {
				rest = append(rest, it)
			}
		}
	default:
		j.items, rest = []*item{head}, q.items[1:]
	}
	q.items = rest
	return j
}

// errStopped: the worker stopped before the send began; nothing went out.
var errStopped = errors.New("delivery stopped before sending")

// execute sends one job and does its bookkeeping; it runs in its own
// goroutine and touches no queue state. Everything that reads the database
// happens before the chat's budget is taken, so the budget is spent at the
// moment the request leaves, and a send once begun finishes, with its
// bookkeeping, even when the worker is stopping (stop only keeps a send
// from beginning).
func (d *Deliverer) execute(stop context.Context, j *job) result {
	ctx := context.WithoutCancel(stop)
	tr := d.trs[j.q.key.network]
	first := j.items[0]
	chat := ChatRef{ChatID: j.q.key.chat, TopicID: first.topic}
	// Whether a card stands in the chat is decided now, not when the row
	// was queued: the previous send to this chat may have just posted it
	// (it was recorded before this job began). It is read while the
	// message renders.
	type cardsRead struct {
		cards []storage.Card
		err   error
	}
	var standing chan cardsRead
	if first.card() && !j.digest {
		standing = make(chan cardsRead, 1)
		go func() {
			cards, err := d.store.Cards(ctx, first.h.row.AppealID)
			standing <- cardsRead{cards, err}
		}()
	}
	lang := d.rnd.ChatLang(ctx, j.q.key.network, chat.ChatID)
	if first.member != nil {
		lang = d.rnd.MemberLang(ctx, *first.member)
	}
	now := d.now()
	var (
		msg      Outgoing
		editID   string
		consumed = len(j.items)
	)
	switch {
	case j.digest:
		ids := make([]appeal.ID, len(j.items))
		for i, it := range j.items {
			ids[i] = it.h.row.AppealID
		}
		out, n, err := d.rnd.RenderDigest(ctx, first.h.row.To.Ref, ids, lang, now)
		if err != nil {
			return d.failed(ctx, j, &Error{Kind: Temporary, Reason: "render digest: " + err.Error(), Err: err})
		}
		msg, consumed = Outgoing{Chat: chat, HTML: out.HTML, Buttons: toButtons(out.Buttons)}, n
	default:
		// The newest version renders the appeal as it is now; older ones
		// are covered by it.
		last := j.items[len(j.items)-1]
		out, err := d.rnd.RenderMessage(ctx, last.h.row.Message, lang, now)
		var read cardsRead
		if standing != nil {
			read = <-standing
		}
		if err != nil {
			return d.failed(ctx, j, &Error{Kind: Permanent, Reason: "render: " + err.Error(), Err: err})
		}
		msg = Outgoing{Chat: chat, HTML: out.HTML, Buttons: toButtons(out.Buttons), ReplyTo: first.replyTo, Photo: out.Photo}
		if standing != nil {
			if read.err != nil {
				return d.failed(ctx, j, read.err)
			}
			for _, c := range read.cards {
				if c.Network == j.q.key.network && c.ChatID == chat.ChatID && c.TopicID == chat.TopicID && !c.Digest {
					editID = c.MessageID
				}
			}
		}
	}

	start, ok := d.reserve(stop, j)
	if !ok {
		return result{job: j, err: errStopped}
	}
	// The server counted the message before it began to answer: for a
	// network spoken over HTTP the first byte of its answer bounds that
	// time more tightly than the call's return (see pacer.settle).
	var amu sync.Mutex
	var answered time.Time
	sctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotFirstResponseByte: func() {
		amu.Lock()
		answered = d.now()
		amu.Unlock()
	}})
	var id string
	var err error
	if editID != "" {
		err = tr.Edit(sctx, chat, editID, msg)
		id = editID
		if kind, be := Classify(err); err != nil && kind == Permanent && be.MovedTo == "" && isGone(be) {
			id, err = tr.Send(sctx, msg) // the card was deleted: post a new one
			editID = ""
		}
	} else {
		id, err = tr.Send(sctx, msg)
	}
	kind, be := Classify(err)
	finish := d.now()
	amu.Lock()
	if !answered.IsZero() && answered.Before(finish) && !answered.Before(start) {
		finish = answered
	}
	amu.Unlock()
	d.unreserve(j, start, finish, kind != RateLimited)
	if err != nil {
		if o := d.opts.Observer; o != nil {
			var wait time.Duration
			if be != nil {
				wait = be.RetryAfter
			}
			o.SendFailed(j.q.key.network, kind, wait)
		}
		return d.failed(ctx, j, err)
	}
	var cards []storage.Card
	if first.card() && editID == "" {
		for _, it := range j.items[:consumed] {
			cards = append(cards, storage.Card{AppealID: it.h.row.AppealID, Network: j.q.key.network, ChatID: chat.ChatID,
				TopicID: chat.TopicID, MessageID: id, Digest: j.digest})
		}
	}
	return result{job: j, consumed: consumed, msgID: id,
		closed: d.record(ctx, j.items[:consumed], j.q.key.network, chat.ChatID, id, "", cards)}
}

// reserve waits until the job's chat may be sent to and takes the budget,
// at the moment of sending; false when stop ends first.
func (d *Deliverer) reserve(stop context.Context, j *job) (time.Time, bool) {
	for {
		now := d.now()
		d.pmu.Lock()
		p := d.pacers[j.q.key.network]
		at := p.readyAt(j.q.key.chat, j.group, j.congested, now)
		if !at.After(now) {
			p.sent(j.q.key.chat, j.group, j.congested, now)
			d.pmu.Unlock()
			return now, true
		}
		d.pmu.Unlock()
		wait := at.Sub(now)
		if wait <= spinWait {
			// A timer fires up to a millisecond late on a busy machine,
			// and every millisecond a chat served at its limit waits is
			// added to every message after it: the last stretch is
			// waited out by yielding instead.
			until := time.Now().Add(wait)
			for time.Now().Before(until) && stop.Err() == nil {
				runtime.Gosched()
			}
			if stop.Err() != nil {
				return time.Time{}, false
			}
			continue
		}
		t := time.NewTimer(wait - spinWait)
		select {
		case <-stop.Done():
			t.Stop()
			return time.Time{}, false
		case <-t.C:
		}
	}
}

// spinWait is the last stretch of a wait for a budget that reserve spends
// yielding rather than on a timer.
const spinWait = 2 * time.Millisecond

// unreserve settles the budget taken at start: the server counted the
// message by the time we had its answer, so the window keeps that time; a
// message it refused with 429 was not counted and leaves the window.
func (d *Deliverer) unreserve(j *job, start, finish time.Time, counted bool) {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	d.pacers[j.q.key.network].settle(j.q.key.chat, j.group, start, finish, counted)
}

// failed does the bookkeeping of a send that failed: a permanent failure
// settles every item of the job for this chat; any other is noted on the
// rows for a restart to honour.
func (d *Deliverer) failed(ctx context.Context, j *job, err error) result {
	r := result{job: j, err: err}
	kind, be := Classify(err)
	switch {
	case kind == Permanent && be.MovedTo != "" && j.items[0].member == nil:
		// settle moves the chat; nothing to record here.
	case kind == Permanent:
		reason := j.q.key.network + ":" + j.q.key.chat + ": " + be.Reason
		r.closed = d.record(ctx, j.items, j.q.key.network, j.q.key.chat, "", reason, nil)
	default:
		next := d.now().Add(backoff(j.q.fails+1, d.opts.MaxBackoff))
		if kind == RateLimited {
			next = d.now().Add(be.RetryAfter)
		}
		seen := map[int64]bool{}
		for _, it := range j.items {
			if !seen[it.h.row.ID] {
				seen[it.h.row.ID] = true
				d.retryRow(ctx, it.h.row.ID, next, err.Error(), d.log)
			}
		}
	}
	return r
}

// isGone reports a message that can no longer be edited because it is gone.
func isGone(e *Error) bool {
	return strings.Contains(strings.ToLower(e.Reason), "not found")
}

// record writes, in one transaction, that items reached chat as message
// msgID (or, with failure, never will) and the cards that message is;
// then it closes the rows whose chats are all settled and returns them.
// Should the write fail, the rows stay pending and go out again later: a
// duplicate, never a loss.
func (d *Deliverer) record(ctx context.Context, items []*item, network, chat, msgID, failure string, cards []storage.Card) []int64 {
	ds := make([]storage.Delivery, len(items))
	for i, it := range items {
		ds[i] = storage.Delivery{OutboxID: it.h.row.ID, Network: network, ChatID: chat, TopicID: it.topic, MessageID: msgID, At: d.now()}
	}
	d.persist("record send", func() error { return d.store.RecordSend(ctx, cards, ds) },
		"chat", chat, "message", msgID)
	var closed []int64
	for _, it := range items {
		h := it.h
		h.mu.Lock()
		if failure != "" {
			h.failures = append(h.failures, failure)
		}
		h.pending--
		last := h.pending == 0
		h.mu.Unlock()
		if last {
			d.closeRow(ctx, h)
			closed = append(closed, h.row.ID)
		}
	}
	return closed
}

// persist runs write until it succeeds: the record of a message a network
// took (or refused for good) must land, or a restart, or another instance
// taking delivery over, would send it again, and later edits would not find
// the card. While the database does not answer (a restart, a failover) the
// write is tried again every recordRetry at most, until Life ends; only
// then is the message left to be sent again, and that is logged. Any other
// error is tried persistTries times: one that does not pass would hold the
// chat's queue for ever.
func (d *Deliverer) persist(op string, write func() error, attrs ...any) {
	life := d.opts.Life
	if life == nil {
		life = context.Background()
	}
	wait := 10 * time.Millisecond
	for tries := 1; ; tries++ {
		err := write()
		if err == nil {
			if tries > 1 {
				d.log.Info("delivery: "+op+" landed after the database came back", append(attrs, "tries", tries)...)
			}
			return
		}
		if !errors.Is(err, storage.ErrUnavailable) && tries >= persistTries {
			d.log.Error("delivery: "+op+" failed; the message may be sent again", append(attrs, "err", err, "tries", tries)...)
			return
		}
		if tries == 1 {
			d.log.Warn("delivery: "+op+" failed; trying again", append(attrs, "err", err)...)
		}
		select {
		case <-life.Done():
			d.log.Error("delivery: "+op+" given up at shutdown; the message will be sent again", append(attrs, "err", err, "tries", tries)...)
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, recordRetry)
	}
}

// recordRetry is the longest wait between two tries of recording a send.
// A new delivery leader waits longer than this before it releases the
// previous one's messages (see takeOver), so a record held up by a
// database restart lands first.
const recordRetry = 250 * time.Millisecond

// persistTries is how often a record that failed for another reason than
// an unavailable database is tried.
const persistTries = 5

// closeRow marks a row whose chats are all settled: failed when none took it.
func (d *Deliverer) closeRow(ctx context.Context, h *held) {
	h.mu.Lock()
	failures, targets := h.failures, h.targets
	h.mu.Unlock()
	var err error
	if len(failures) > 0 && len(failures) >= targets {
		err = d.store.MarkFailed(ctx, h.row.ID, d.now(), strings.Join(failures, "; "))
	} else {
		err = d.store.MarkSent(ctx, h.row.ID, d.now())
	}
	if err != nil {
		d.log.Error("delivery: close row", "outbox", h.row.ID, "err", err)
	}
}

// retryRow records a retry on a row, so that its state shows the last error
// and a restart waits as long.
func (d *Deliverer) retryRow(ctx context.Context, id int64, next time.Time, reason string, log *slog.Logger) {
	if err := d.store.MarkRetry(ctx, id, next, reason); err != nil {
		log.Error("delivery: mark retry", "outbox", id, "err", err)
	}
}

// settle takes a finished job back into the worker's state: the rows it
// closed leave memory, what is left of it goes back to its queue.
func (d *Deliverer) settle(ctx context.Context, r result) {
	d.inflight--
	q := r.job.q
	q.busy = false
	for _, id := range r.closed {
		delete(d.held, id)
	}
	now := d.now()
	log := d.log.With("chat", q.key.chat, "network", q.key.network)
	if r.err == nil {
		q.fails, q.retryAt = 0, time.Time{}
		// What a digest could not hold waits for the next one.
		q.items = append(r.job.items[r.consumed:], q.items...)
		return
	}
	kind, be := Classify(r.err)
	switch {
	case errors.Is(r.err, errStopped):
		q.items = append(r.job.items, q.items...)
	case kind == RateLimited:
		// The network counts differently from us: wait exactly as told.
		d.pmu.Lock()
		d.pacers[q.key.network].pause(q.key.chat, be.Global, now.Add(be.RetryAfter))
		d.pmu.Unlock()
		q.items = append(r.job.items, q.items...)
		log.Warn("delivery: rate limited", "retry_after", be.RetryAfter, "global", be.Global)
	case kind == Permanent && be.MovedTo != "" && r.job.items[0].member == nil:
		// A group became a supergroup and we missed the notice: move its
		// bindings and cards, and send to the new id.
		log.Info("delivery: chat moved", "to", be.MovedTo)
		if err := d.store.MigrateChat(ctx, q.key.network, q.key.chat, be.MovedTo); err != nil {
			q.items = append(r.job.items, q.items...)
			q.fails++
			q.retryAt = now.Add(backoff(q.fails, d.opts.MaxBackoff))
			return
		}
		nk := chatKey{q.key.network, be.MovedTo}
		nq := d.queues[nk]
		if nq == nil {
			nq = &queue{key: nk}
			d.queues[nk] = nq
		}
		nq.items = append(nq.items, append(r.job.items, q.items...)...)
		q.items = nil
	case kind == Permanent:
		log.Error("delivery: chat refuses messages", "reason", be.Reason)
		d.report(ctx, q.key, r.job.items[0].h.row, be.Reason)
	default:
		q.fails++
		wait := backoff(q.fails, d.opts.MaxBackoff)
		q.retryAt = now.Add(wait)
		q.items = append(r.job.items, q.items...)
		log.Warn("delivery: will retry", "in", wait, "err", r.err)
	}
}

// report tells the dispatch chat, once an hour per chat, that a chat
// refuses messages for good. A report that fails is not reported again.
func (d *Deliverer) report(ctx context.Context, k chatKey, row storage.OutboxMessage, reason string) {
	if row.Kind == appeal.MsgDeliveryFailed {
		return
	}
	now := d.now()
	if last, ok := d.reported[k]; ok && now.Sub(last) < time.Hour {
		return
	}
	d.reported[k] = now
	msg := appeal.Message{Kind: appeal.MsgDeliveryFailed, To: appeal.Recipient{Kind: appeal.ToDispatch},
		AppealID: row.AppealID, Args: map[string]string{appeal.ArgNetwork: k.network, appeal.ArgChat: k.chat, "reason": reason}}
	if err := d.store.EnqueueMessages(context.WithoutCancel(ctx), now, []appeal.Message{msg}); err != nil {
		d.log.Error("delivery: report failure to dispatch", "err", err)
	}
}

// backoff is 1 s doubled per failure in a row, capped.
func backoff(fails int, limit time.Duration) time.Duration {
	if fails < 1 {
		fails = 1
	}
	if fails > 20 {
		return limit
	}
	return min(time.Second<<(fails-1), limit)
}
