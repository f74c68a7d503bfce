package bot

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/backoff"
	"github.com/appealbot/appealbot/render"
)

// chatKey names a chat on a network; topics of one chat share its budget.
type chatKey struct{ network, chat string }

// held is an outbox row in memory, with the chats it still has to reach.
// Senders settle its chats concurrently, hence mu.
type held struct {
	row      appeal.OutboxMessage
	targets  int
	mu       sync.Mutex
	pending  int
	failures []string
	// refusals counts the chats that refused the message for good; when
	// every target did, it goes on down its fallback chain.
	refusals int
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
	// gaps are the levels of its fallback chain the row passed to reach
	// this chat: the message says so at its top.
	gaps []appeal.Gap
	// edit is the message the row replaces in the chat (a prompt closed
	// by its decision); "" for a card, which finds its own, or a new one.
	edit string
}

func (it *item) card() bool { return it.h.row.Kind == appeal.MsgCard }

// queue is a chat's backlog, oldest first.
type queue struct {
	key   chatKey
	items []*item
	busy  bool
	// retryAt holds the queue after a temporary failure; fails counts the
	// network's in a row, for the backoff, and stalls delivery's own (the
	// store away, see ownError), which are not the chat's doing.
	retryAt time.Time
	fails   int
	stalls  int
}

// job is one message to send: one item, or several merged.
type job struct {
	q      *queue
	items  []*item
	digest bool
	// group and congested decide the chat's budget.
	group, congested bool
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
	d.rec.retryOwed(ctx) // the database answers again
	var fresh []appeal.OutboxMessage
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
	cards, err := d.store.CardsOf(ctx, cardIDs)
	if err != nil {
		return false, err
	}
	who := newRoster(d.networks(), d.opts.Admins)
	waited := false
	for _, r := range fresh {
		waited = d.add(ctx, r, who, cards) || waited
	}
	d.nag(ctx, waited)
	return len(rows) == d.opts.Batch && len(fresh) > 0, nil
}

// networks are the networks the deliverer sends to.
func (d *Deliverer) networks() []string {
	out := make([]string, 0, len(d.trs))
	for n := range d.trs {
		out = append(out, n)
	}
	return out
}

// add expands a claimed row into one item per chat it has yet to reach,
// at the first level of its fallback chain that can take it. A row that no
// one can take waits (see wait), and add reports that it did.
func (d *Deliverer) add(ctx context.Context, r appeal.OutboxMessage, who *roster, cards map[appeal.ID][]appeal.Card) (waits bool) {
	h := &held{row: r}
	d.held[r.ID] = h
	log := d.log.With("outbox", r.ID, "kind", r.Kind, "appeal", r.AppealID)
	var done []appeal.Delivery
	var err error
	if r.Attempts > 1 {
		// Only a row claimed before can have reached (or been refused
		// by) some of its chats.
		done, err = d.store.Deliveries(ctx, r.ID)
	}
	var rt routing
	if err == nil {
		if r.To.Kind == appeal.ToPrompts {
			rt, err = d.promptCopies(ctx, r)
		} else {
			rt, err = recipients(ctx, d.store, who, r.Message, refusedBy(done))
		}
	}
	if err != nil {
		delete(d.held, r.ID)
		d.rec.retryRow(ctx, r.ID, d.now().Add(d.opts.Poll), err.Error(), log)
		return false
	}
	for _, c := range rt.to {
		if _, ok := d.trs[c.network]; !ok || reached(done, c) {
			continue
		}
		it := &item{h: h, topic: c.topic, member: c.member, replyTo: c.replyTo, gaps: rt.gaps, edit: c.edit}
		if it.card() {
			it.newCard = !shown(cards[r.AppealID], c.network, c.chat, c.topic)
		}
		q := d.queue(chatKey{c.network, c.chat})
		q.items = append(q.items, it)
		h.pending++
		h.targets++
	}
	if h.pending > 0 {
		if !r.UndeliverableSince.IsZero() {
			log.Info("delivery: a waiting message can be delivered now", "waited_since", r.UndeliverableSince, "gaps", len(rt.gaps))
		}
		return false
	}
	delete(d.held, r.ID)
	if len(rt.to) == 0 && r.To.Kind == appeal.ToPrompts {
		// No copy was ever delivered (or every one is closed already):
		// there is nothing to edit.
		d.rec.closeRow(ctx, h)
		return false
	}
	if len(rt.to) == 0 {
		// Only a kind with a fallback chain can find no chat at all: a
		// member or a reply always names one.
		d.wait(ctx, r, rt.gaps, log)
		return true
	}
	d.rec.closeRow(ctx, h) // every chat had it already
	return false
}

// promptCopies routes a row that closes prompts (appeal.ToPrompts) to
// every copy of them, each to be edited where it stands, in the language of
// the member whose private chat holds it.
func (d *Deliverer) promptCopies(ctx context.Context, r appeal.OutboxMessage) (routing, error) {
	copies, err := d.store.PromptCopies(ctx, r.AppealID, appeal.MessageKind(r.To.Ref), r.ID)
	if err != nil {
		return routing{}, err
	}
	var rt routing
	for _, c := range copies {
		to := recipient{network: c.Network, chat: c.ChatID, topic: c.TopicID, edit: c.MessageID}
		if m, err := d.store.MemberByExternal(ctx, c.Network, c.ChatID); err == nil {
			to.member = &m
		}
		rt.to = append(rt.to, to)
	}
	return rt, nil
}

// waitRetry is how long a message no one can receive waits before it is
// routed again, unless a binding or a grant releases it earlier.
const waitRetry = time.Minute

// wait keeps a row that no one can receive (every level of its chain
// lacks a chat, or refused it) pending: it is routed again after
// waitRetry, or at once when a chat is bound or a role granted
// (storage's ReleaseUndeliverable), and counts as undeliverable meanwhile.
func (d *Deliverer) wait(ctx context.Context, r appeal.OutboxMessage, gaps []appeal.Gap, log *slog.Logger) {
	now := d.now()
	reason := render.UndeliverableReason(gaps)
	if err := d.store.MarkUndeliverable(ctx, r.ID, now, now.Add(waitRetry), reason); err != nil {
		log.Error("delivery: mark undeliverable", "err", err)
		return
	}
	d.waiting = waitNote{outbox: r.ID, to: r.To, reason: reason}
}

// waitNote is the last message found undeliverable, for the log.
type waitNote struct {
	outbox int64
	to     appeal.Recipient
	reason string
}

// nagEvery is how often the log says that messages wait for someone to
// receive them.
const nagEvery = time.Minute

// nag says at ERROR, once every nagEvery while any message waits for
// someone to receive it, how many wait and why the latest does; and once,
// at INFO, when none waits any more. It reads the count at most once every
// nagEvery, and also at once when found (a message was just found
// undeliverable) and the last ERROR is older than that.
func (d *Deliverer) nag(ctx context.Context, found bool) {
	now := d.now()
	due := func(last time.Time) bool { return last.IsZero() || now.Sub(last) >= nagEvery }
	if !due(d.nagChecked) && !(found && due(d.nagErred)) {
		return
	}
	n, err := d.store.UndeliverableCount(ctx)
	if err != nil {
		return // the database is away: delivery says so already
	}
	d.nagChecked = now
	switch {
	case n > 0 && due(d.nagErred):
		d.nagErred = now
		w := d.waiting
		d.log.Error("delivery: messages wait: no chat, leader or admin can receive them", "undeliverable", n,
			"latest_outbox", w.outbox, "latest_to", w.to.Kind, "latest_ref", w.to.Ref, "reason", w.reason,
			"fix", "bind a chat (/dept bind, /dispatch bind, /supervision bind) or grant a role (/role add CODE leader, /admin add)")
	case n == 0 && !d.nagErred.IsZero():
		d.nagErred = time.Time{}
		d.log.Info("delivery: no message waits for a recipient any more")
	}
}

// queue returns the queue of chat k, made when k has none.
func (d *Deliverer) queue(k chatKey) *queue {
	q := d.queues[k]
	if q == nil {
		q = &queue{key: k}
		d.queues[k] = q
	}
	return q
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
		b := d.budget(q.key.chat, p, group, now)
		congested := b.congested(len(q.items))
		if p.readyAt(q.key.chat, group, congested, now).After(now.Add(d.opts.Lead)) {
			continue
		}
		j := &job{q: q, group: group, congested: congested}
		j.items, q.items, j.digest = coalesce(q.items, b)
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
		congested := d.budget(q.key.chat, p, group, now).congested(len(q.items))
		at := later(p.readyAt(q.key.chat, group, congested, now).Add(-d.opts.Lead), q.retryAt)
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

// budget is what coalescing needs to know of chat's pace, from its
// network's pacer p. The caller holds pmu.
func (d *Deliverer) budget(chat string, p *pacer, group bool, now time.Time) budget {
	b := budget{after: d.opts.CoalesceAfter}
	if group {
		b.spacing, b.steady = p.spacing(), p.steady(chat, now)
	}
	return b
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
	d.reroute(ctx, r.rerouted)
	now := d.now()
	log := d.log.With("chat", q.key.chat, "network", q.key.network)
	if r.err == nil {
		q.fails, q.stalls, q.retryAt = 0, 0, time.Time{}
		// What a digest could not hold waits for the next one.
		q.items = append(r.job.items[r.consumed:], q.items...)
		return
	}
	kind, be := Classify(r.err)
	var own *ownError
	switch {
	case errors.Is(r.err, errStopped):
		q.items = append(r.job.items, q.items...)
	case errors.As(r.err, &own) && own.broken:
		log.Error("delivery: message cannot be rendered", "outbox", r.job.items[0].h.row.ID, "err", r.err)
	case own != nil:
		q.stalls++
		q.retryAt = now.Add(r.wait)
		q.items = append(r.job.items, q.items...)
		log.Warn("delivery: will retry", "in", r.wait, "err", r.err)
	case kind == RateLimited:
		// The network counts differently from us: wait exactly as told.
		d.pmu.Lock()
		d.pacers[q.key.network].pause(q.key.chat, be.Global, now.Add(be.RetryAfter))
		d.pmu.Unlock()
		q.items = append(r.job.items, q.items...)
		log.Warn("delivery: rate limited", "retry_after", be.RetryAfter, "global", be.Global)
	case kind == Permanent && be.MovedTo != "" && r.job.items[0].member == nil:
		log.Info("delivery: chat moved", "to", be.MovedTo)
		d.follow(ctx, r.job, be.MovedTo)
	case kind == Permanent:
		log.Error("delivery: chat refuses messages", "reason", be.Reason)
		d.report(ctx, q.key, r.job.items[0].h.row, be.Reason)
	default:
		q.fails++
		q.retryAt = now.Add(r.wait)
		q.items = append(r.job.items, q.items...)
		log.Warn("delivery: will retry", "in", r.wait, "err", r.err)
	}
}

// follow sends a job, and the rest of its chat's queue, to the chat's new
// id: a group became a supergroup and we missed the notice. Its bindings
// and cards move first; should that fail, the queue waits and tries again.
func (d *Deliverer) follow(ctx context.Context, j *job, to string) {
	q := j.q
	if err := d.store.MigrateChat(ctx, q.key.network, q.key.chat, to); err != nil {
		q.items = append(j.items, q.items...)
		q.stalls++
		q.retryAt = d.now().Add(backoff.Exp(q.stalls, firstRetry, d.opts.MaxBackoff, d.rand))
		return
	}
	nq := d.queue(chatKey{q.key.network, to})
	nq.items = append(nq.items, append(j.items, q.items...)...)
	q.items = nil
}

// reroute sends rows whose every chat refused them for good on down their
// fallback chains: they are routed again at once, and the chats that
// refused them (recorded as deliveries without a message) are passed over.
// It runs in the worker, after the rows left memory, so that the claim that
// takes them again cannot find them still held.
func (d *Deliverer) reroute(ctx context.Context, rows []rerouted) {
	for _, r := range rows {
		d.log.Warn("delivery: every chat refused the message; trying the next of its fallback chain",
			"outbox", r.id, "reason", r.reason)
		d.rec.retryRow(ctx, r.id, d.now(), r.reason, d.log)
	}
	if len(rows) > 0 {
		d.Wake()
	}
}

// report tells the dispatch chat (or whoever its fallback chain reaches),
// once an hour per chat, that a chat refuses messages for good. A report
// that fails is not reported again.
func (d *Deliverer) report(ctx context.Context, k chatKey, row appeal.OutboxMessage, reason string) {
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
