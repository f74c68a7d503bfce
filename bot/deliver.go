package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/commands"
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
	MigrateChat(ctx context.Context, network, oldChatID, newChatID string) error
	Deliveries(ctx context.Context, outboxID int64) ([]storage.Delivery, error)
	ChatBindings(ctx context.Context, purpose appeal.ChatPurpose, department string) ([]appeal.ChatBinding, error)
	DepartmentMembers(ctx context.Context, code string, role appeal.Role) ([]appeal.Member, error)
	Member(ctx context.Context, id appeal.MemberID) (appeal.Member, error)
	Cards(ctx context.Context, id appeal.ID) ([]storage.Card, error)
	SaveCard(ctx context.Context, c storage.Card) error
}

// Renderer turns an outbox message into text for one reader.
type Renderer interface {
	RenderMessage(ctx context.Context, m appeal.Message, lang string, now time.Time) (commands.Rendered, error)
	ChatLang(ctx context.Context, network, chatID string) string
	MemberLang(ctx context.Context, m appeal.Member) string
}

// DeliveryOptions tune the delivery worker.
type DeliveryOptions struct {
	// Lease is how long a claimed row is reserved; a worker that dies
	// mid-send lets another take the row over after it. Default 1 minute.
	Lease time.Duration
	// Batch is how many rows one claim takes. Default 20.
	Batch int
	// Poll is the longest the worker sleeps between scans when nothing
	// wakes it (another instance may have written rows). Default 5 s.
	Poll time.Duration
	// MaxBackoff caps the wait before retrying a temporary failure.
	// Default 5 minutes.
	MaxBackoff time.Duration
}

// Deliverer sends the outbox's chat messages through the transports, one
// worker per process; several processes share the rows through leases.
type Deliverer struct {
	store OutboxStore
	rnd   Renderer
	trs   map[string]Transport
	now   func() time.Time
	log   *slog.Logger
	opts  DeliveryOptions
	wake  chan struct{}
}

// NewDeliverer returns a worker delivering to the given transports.
func NewDeliverer(store OutboxStore, rnd Renderer, trs []Transport, now func() time.Time, log *slog.Logger, opts DeliveryOptions) *Deliverer {
	if opts.Lease <= 0 {
		opts.Lease = time.Minute
	}
	if opts.Batch <= 0 {
		opts.Batch = 20
	}
	if opts.Poll <= 0 {
		opts.Poll = 5 * time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	d := &Deliverer{store: store, rnd: rnd, trs: map[string]Transport{}, now: now, log: log, opts: opts, wake: make(chan struct{}, 1)}
	for _, t := range trs {
		d.trs[t.Network()] = t
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

// Run delivers until ctx ends.
func (d *Deliverer) Run(ctx context.Context) error {
	for {
		n, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Error("delivery: scan", "err", err)
		}
		if n > 0 && err == nil {
			continue // there may be more due
		}
		wait := d.opts.Poll
		if next, ok, err := d.store.NextOutboxDue(ctx, appeal.ChatRecipients); err == nil && ok {
			if w := next.Sub(d.now()); w < wait {
				wait = max(w, 10*time.Millisecond)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunOnce claims one batch of due rows and delivers them; it returns how
// many rows it claimed.
func (d *Deliverer) RunOnce(ctx context.Context) (int, error) {
	rows, err := d.store.ClaimOutbox(ctx, appeal.ChatRecipients, d.now(), d.opts.Batch, d.opts.Lease)
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		d.deliver(ctx, r)
	}
	return len(rows), nil
}

// target is one chat a message goes to.
type target struct {
	network string
	chat    ChatRef
	member  *appeal.Member // for private messages
}

func (d *Deliverer) targets(ctx context.Context, to appeal.Recipient) ([]target, error) {
	var out []target
	bindings := func(p appeal.ChatPurpose, dept string) error {
		bs, err := d.store.ChatBindings(ctx, p, dept)
		for _, b := range bs {
			out = append(out, target{network: b.Network, chat: ChatRef{ChatID: b.ChatID, TopicID: b.TopicID}})
		}
		return err
	}
	private := func(m appeal.Member) {
		out = append(out, target{network: m.Network, chat: ChatRef{ChatID: m.ExternalID}, member: &m})
	}
	switch to.Kind {
	case appeal.ToDepartment:
		return out, bindings(appeal.ChatDepartment, to.Ref)
	case appeal.ToDispatch:
		return out, bindings(appeal.ChatDispatch, "")
	case appeal.ToLeaders:
		ms, err := d.store.DepartmentMembers(ctx, to.Ref, appeal.RoleLeader)
		for _, m := range ms {
			private(m)
		}
		return out, err
	case appeal.ToMember:
		id, err := strconv.ParseInt(to.Ref, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("member recipient %q: %w", to.Ref, err)
		}
		m, err := d.store.Member(ctx, appeal.MemberID(id))
		if err != nil {
			return nil, err
		}
		private(m)
		return out, nil
	}
	return nil, fmt.Errorf("recipient kind %q is not a chat", to.Kind)
}

// deliver sends one outbox row to every chat it is for, skipping chats
// that already have it, and records the outcome.
func (d *Deliverer) deliver(ctx context.Context, r storage.OutboxMessage) {
	log := d.log.With("outbox", r.ID, "kind", r.Kind, "appeal", r.AppealID)
	targets, err := d.targets(ctx, r.To)
	if err != nil {
		d.retry(ctx, r, err, log)
		return
	}
	done, err := d.store.Deliveries(ctx, r.ID)
	if err != nil {
		d.retry(ctx, r, err, log)
		return
	}
	var failures []string
	for _, t := range targets {
		tr, ok := d.trs[t.network]
		if !ok || delivered(done, t) {
			continue
		}
		msgID, err := d.send(ctx, tr, r, t)
		if kind, be := Classify(err); kind == Permanent && be.MovedTo != "" && t.member == nil {
			// The group became a supergroup and we missed the notice: move
			// its bindings and cards, then deliver to the new id.
			log.Info("delivery: chat moved", "chat", t.chat.ChatID, "to", be.MovedTo)
			if err := d.store.MigrateChat(ctx, t.network, t.chat.ChatID, be.MovedTo); err != nil {
				d.retry(ctx, r, err, log)
				return
			}
			t.chat.ChatID = be.MovedTo
			msgID, err = d.send(ctx, tr, r, t)
		}
		if err != nil {
			kind, be := Classify(err)
			if kind != Permanent {
				d.retry(ctx, r, err, log)
				return
			}
			// This chat will never take it (bot removed, chat gone): record
			// it as given up so the other chats still get the message.
			reason := be.Reason
			log.Error("delivery: permanent failure", "chat", t.chat.ChatID, "reason", reason)
			failures = append(failures, t.network+":"+t.chat.ChatID+": "+reason)
			msgID = ""
		}
		if err := d.store.MarkDelivered(ctx, storage.Delivery{OutboxID: r.ID, Network: t.network,
			ChatID: t.chat.ChatID, TopicID: t.chat.TopicID, MessageID: msgID, At: d.now()}); err != nil {
			d.retry(ctx, r, err, log)
			return
		}
	}
	if len(targets) == 0 {
		failures = append(failures, "no chat to deliver to (no chat bound, or no leader with a chat)")
		log.Warn("delivery: no chat to deliver to", "to", r.To.Kind, "ref", r.To.Ref)
	}
	if len(failures) > 0 && len(failures) >= len(targets) {
		if err := d.store.MarkFailed(ctx, r.ID, d.now(), strings.Join(failures, "; ")); err != nil {
			log.Error("delivery: mark failed", "err", err)
		}
		return
	}
	if err := d.store.MarkSent(ctx, r.ID, d.now()); err != nil {
		log.Error("delivery: mark sent", "err", err)
	}
}

func delivered(done []storage.Delivery, t target) bool {
	for _, x := range done {
		if x.Network == t.network && x.ChatID == t.chat.ChatID && x.TopicID == t.chat.TopicID {
			return true
		}
	}
	return false
}

// send renders the message for the target's reader and posts it; a card
// already standing in that chat is edited instead.
func (d *Deliverer) send(ctx context.Context, tr Transport, r storage.OutboxMessage, t target) (string, error) {
	lang := ""
	if t.member != nil {
		lang = d.rnd.MemberLang(ctx, *t.member)
	} else {
		lang = d.rnd.ChatLang(ctx, t.network, t.chat.ChatID)
	}
	out, err := d.rnd.RenderMessage(ctx, r.Message, lang, d.now())
	if err != nil {
		return "", &Error{Kind: Permanent, Reason: "render: " + err.Error(), Err: err}
	}
	msg := Outgoing{Chat: t.chat, HTML: out.HTML, Buttons: toButtons(out.Buttons)}
	if r.Kind != appeal.MsgCard {
		return tr.Send(ctx, msg)
	}
	cards, err := d.store.Cards(ctx, r.AppealID)
	if err != nil {
		return "", err
	}
	for _, c := range cards {
		if c.Network == t.network && c.ChatID == t.chat.ChatID && c.TopicID == t.chat.TopicID {
			err := tr.Edit(ctx, t.chat, c.MessageID, msg)
			if kind, _ := Classify(err); err != nil && kind == Permanent && isGone(err) {
				break // the card was deleted: post a new one
			}
			return c.MessageID, err
		}
	}
	id, err := tr.Send(ctx, msg)
	if err != nil {
		return "", err
	}
	card := storage.Card{AppealID: r.AppealID, Network: t.network, ChatID: t.chat.ChatID, TopicID: t.chat.TopicID, MessageID: id}
	if err := d.store.SaveCard(ctx, card); err != nil {
		// The card is in the chat but unrecorded: a retry would post it again.
		d.log.Error("delivery: record card", "appeal", r.AppealID, "chat", t.chat.ChatID, "err", err)
	}
	return id, nil
}

// isGone reports a message that can no longer be edited because it is gone.
func isGone(err error) bool {
	var e *Error
	return errors.As(err, &e) && strings.Contains(strings.ToLower(e.Reason), "not found")
}

// retry schedules the row again: after retry_after for a rate limit,
// otherwise after an exponential backoff capped at MaxBackoff.
func (d *Deliverer) retry(ctx context.Context, r storage.OutboxMessage, err error, log *slog.Logger) {
	wait := backoff(r.Attempts, d.opts.MaxBackoff)
	if kind, be := Classify(err); kind == RateLimited {
		wait = be.RetryAfter
	}
	log.Warn("delivery: will retry", "attempt", r.Attempts, "in", wait, "err", err)
	if err := d.store.MarkRetry(ctx, r.ID, d.now().Add(wait), err.Error()); err != nil {
		log.Error("delivery: mark retry", "err", err)
	}
}

// backoff is 1 s doubled per attempt, capped.
func backoff(attempt int, limit time.Duration) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 20 {
		return limit
	}
	return min(time.Second<<(attempt-1), limit)
}
