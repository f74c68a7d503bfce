package bot

import (
	"context"
	"errors"
	"net/http/httptrace"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/backoff"
	"github.com/appealbot/appealbot/render"
)

// CardStore is where delivery reads which cards stand in which chats.
type CardStore interface {
	Cards(ctx context.Context, id appeal.ID) ([]appeal.Card, error)
	CardsOf(ctx context.Context, ids []appeal.ID) (map[appeal.ID][]appeal.Card, error)
}

type result struct {
	job *job
	// consumed is how many of the job's items the message covered (a
	// digest may not fit them all); the rest go back to the queue.
	consumed int
	msgID    string
	err      error
	// wait is how long the chat waits before its next try, after a
	// temporary failure.
	wait time.Duration
	// closed are rows the job settled for good, or took out of memory to
	// go on down their fallback chains (rerouted).
	closed   []int64
	rerouted []rerouted
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
	p, err := d.prepare(ctx, j)
	if err != nil {
		return d.failed(ctx, j, err)
	}
	id, posted, err := d.transmit(stop, ctx, j, p)
	if errors.Is(err, errStopped) {
		return result{job: j, err: err}
	}
	if err != nil {
		return d.failed(ctx, j, err)
	}
	var cards []appeal.Card
	if j.items[0].card() && posted {
		for _, it := range j.items[:p.consumed] {
			cards = append(cards, appeal.Card{AppealID: it.h.row.AppealID, Network: j.q.key.network, ChatID: p.msg.Chat.ChatID,
				TopicID: p.msg.Chat.TopicID, MessageID: id, Digest: j.digest})
		}
	}
	r := result{job: j, consumed: p.consumed, msgID: id}
	r.closed, r.rerouted = d.rec.record(ctx, j.items[:p.consumed], j.q.key.network, p.msg.Chat.ChatID, id, "", false, cards)
	return r
}

// prepared is a job's message, ready to go.
type prepared struct {
	msg Outgoing
	// editID is the card the message replaces; "" posts it.
	editID string
	// consumed is how many of the job's items the message covers.
	consumed int
}

// prepare renders a job's message in its reader's language: a digest of
// its items, or the newest state of its one appeal or message, with the
// card it edits when one stands in the chat.
func (d *Deliverer) prepare(ctx context.Context, j *job) (prepared, error) {
	first := j.items[0]
	chat := ChatRef{ChatID: j.q.key.chat, TopicID: first.topic}
	// Whether a card stands in the chat is decided now, not when the row
	// was queued: the previous send to this chat may have just posted it
	// (it was recorded before this job began). It is read while the
	// message renders.
	type cardsRead struct {
		cards []appeal.Card
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
	if j.digest {
		return d.prepareDigest(ctx, j, chat, lang)
	}
	// The newest version renders the appeal as it is now; older ones
	// are covered by it.
	last := j.items[len(j.items)-1]
	out, err := d.rnd.RenderMessage(ctx, last.h.row.Message, lang, d.now())
	var read cardsRead
	if standing != nil {
		read = <-standing
	}
	if err != nil {
		return prepared{}, ownFailure("render", err)
	}
	out = render.WithDetour(out, lang, last.gaps)
	p := prepared{msg: Outgoing{Chat: chat, HTML: out.HTML, Buttons: toButtons(out.Buttons), ReplyTo: first.replyTo, Photo: out.Photo,
		ForceReply: out.ForceReply},
		consumed: len(j.items)}
	if standing != nil {
		if read.err != nil {
			return prepared{}, &ownError{op: "read cards", err: read.err}
		}
		p.editID, _ = standingCard(read.cards, j.q.key.network, chat.ChatID, chat.TopicID)
		for _, it := range j.items {
			if it.h.row.Args[appeal.ArgFresh] != "" {
				// A card of its own below what the chat said since
				// (a reopened appeal): the old one stays as it was.
				p.editID = ""
			}
		}
	}
	if first.edit != "" {
		p.editID = first.edit
	}
	return p, nil
}

// prepareDigest renders a digest of the job's new cards; it covers as many
// as fit in one message.
func (d *Deliverer) prepareDigest(ctx context.Context, j *job, chat ChatRef, lang string) (prepared, error) {
	ids := make([]appeal.ID, len(j.items))
	for i, it := range j.items {
		ids[i] = it.h.row.AppealID
	}
	out, n, err := d.rnd.RenderDigest(ctx, j.items[0].h.row.To.Ref, ids, lang, d.now())
	if err != nil {
		return prepared{}, ownFailure("render digest", err)
	}
	out = render.WithDetour(out, lang, j.items[0].gaps)
	return prepared{msg: Outgoing{Chat: chat, HTML: out.HTML, Buttons: toButtons(out.Buttons)}, consumed: n}, nil
}

// transmit sends p the moment the job's chat budget allows, as an edit of
// the card it replaces (or, when that card is gone, as a new message), and
// settles the budget with the time the network answered. It returns the
// message's id and whether it was posted rather than edited; errStopped
// when stop ended before it began.
func (d *Deliverer) transmit(stop, ctx context.Context, j *job, p prepared) (id string, posted bool, err error) {
	tr := d.trs[j.q.key.network]
	start, ok := d.reserve(stop, j)
	if !ok {
		return "", false, errStopped
	}
	sctx, answered := d.answerTrace(ctx)
	editID := p.editID
	if editID != "" {
		err = tr.Edit(sctx, p.msg.Chat, editID, p.msg)
		id = editID
		if kind, be := Classify(err); err != nil && kind == Permanent && be.MovedTo == "" && isGone(be) {
			id, err = tr.Send(sctx, p.msg) // the card was deleted: post a new one
			editID = ""
		}
	} else {
		id, err = tr.Send(sctx, p.msg)
	}
	kind, be := Classify(err)
	finish := d.now()
	if at := answered(); !at.IsZero() && at.Before(finish) && !at.Before(start) {
		finish = at
	}
	d.unreserve(j, start, finish, kind != RateLimited)
	if err != nil {
		if o := d.opts.Observer; o != nil {
			var wait time.Duration
			if be != nil {
				wait = be.RetryAfter
			}
			o.SendFailed(j.q.key.network, kind, wait)
		}
		return "", false, err
	}
	return id, editID == "", nil
}

// answerTrace returns ctx traced for when the network's answer begins to
// arrive. The server counted the message before it began to answer: for a
// network spoken over HTTP the first byte of its answer bounds that time
// more tightly than the call's return (see pacer.settle). The function
// returned gives that time, zero when none came.
func (d *Deliverer) answerTrace(ctx context.Context) (context.Context, func() time.Time) {
	var mu sync.Mutex
	var at time.Time
	tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotFirstResponseByte: func() {
		mu.Lock()
		at = d.now()
		mu.Unlock()
	}})
	return tctx, func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return at
	}
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
			until := d.spin().Add(wait)
			for d.spin().Before(until) && stop.Err() == nil {
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

// ownError is a failure of delivery's own part of a send, before the
// network was asked: reading the store or rendering. It is never the
// chat's fault: it does not count against the chat, nor is the chat
// reported as refusing messages.
type ownError struct {
	op  string
	err error
	// broken: the message itself cannot be rendered, now or ever (its
	// appeal is gone, its arguments are wrong); it fails for this chat.
	// Otherwise the failure passes (see passing), or is one of the
	// store's, and the message waits and is tried again.
	broken bool
}

func (e *ownError) Error() string { return e.op + ": " + e.err.Error() }
func (e *ownError) Unwrap() error { return e.err }

// ownFailure classifies a rendering's err: the store unavailable, a
// cancel or a timeout passes; anything else means the message is broken.
func ownFailure(op string, err error) *ownError {
	return &ownError{op: op, err: err, broken: !passing(err)}
}

// failed does the bookkeeping of a send that failed: a permanent failure,
// the network's (a refusal, which sends the rows on down their fallback
// chains once every chat refused) or the message's own, settles every item
// of the job for this chat; any other is noted on the rows for a restart
// to honour, with the wait before the next try, which settle keeps to.
func (d *Deliverer) failed(ctx context.Context, j *job, err error) result {
	r := result{job: j, err: err}
	kind, be := Classify(err)
	var own *ownError
	switch {
	case errors.As(err, &own) && own.broken:
		reason := j.q.key.network + ":" + j.q.key.chat + ": " + own.Error()
		r.closed, r.rerouted = d.rec.record(ctx, j.items, j.q.key.network, j.q.key.chat, "", reason, false, nil)
	case own != nil:
		r.wait = backoff.Exp(j.q.stalls+1, firstRetry, d.opts.MaxBackoff, d.rand)
		if !errors.Is(err, appeal.ErrUnavailable) { // else there is nowhere to note it
			d.retryRows(ctx, j, d.now().Add(r.wait), err)
		}
	case kind == Permanent && be.MovedTo != "" && j.items[0].member == nil:
		// settle moves the chat; nothing to record here.
	case kind == Permanent:
		reason := j.q.key.network + ":" + j.q.key.chat + ": " + be.Reason
		r.closed, r.rerouted = d.rec.record(ctx, j.items, j.q.key.network, j.q.key.chat, "", reason, true, nil)
	case kind == RateLimited:
		d.retryRows(ctx, j, d.now().Add(be.RetryAfter), err)
	default:
		r.wait = backoff.Exp(j.q.fails+1, firstRetry, d.opts.MaxBackoff, d.rand)
		d.retryRows(ctx, j, d.now().Add(r.wait), err)
	}
	return r
}

// retryRows notes on each of the job's rows that it waits until next.
func (d *Deliverer) retryRows(ctx context.Context, j *job, next time.Time, err error) {
	seen := map[int64]bool{}
	for _, it := range j.items {
		if !seen[it.h.row.ID] {
			seen[it.h.row.ID] = true
			d.rec.retryRow(ctx, it.h.row.ID, next, err.Error(), d.log)
		}
	}
}

// isGone reports a message that can no longer be edited because it is gone.
func isGone(e *Error) bool {
	return strings.Contains(strings.ToLower(e.Reason), "not found")
}
