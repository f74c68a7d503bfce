package bot

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/backoff"
)

// RecordStore is where delivery records what became of each message.
type RecordStore interface {
	// RecordSend writes, in one transaction, the cards one sent message
	// posted and the chats it reached.
	RecordSend(ctx context.Context, cards []appeal.Card, deliveries []appeal.Delivery) error
	MarkSent(ctx context.Context, id int64, at time.Time) error
	MarkFailed(ctx context.Context, id int64, at time.Time, reason string) error
	MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error
}

// recorder writes down what became of the messages delivery held: that a
// chat got one (or never will), and when a row is done or waits.
type recorder struct {
	store RecordStore
	now   func() time.Time
	log   *slog.Logger
	// life bounds how long a record is tried while the database does not
	// answer (DeliveryOptions.Life).
	life context.Context
	// rnd spreads the waits between tries.
	rnd backoff.Rand

	// owed are retries that could not be noted while the database was
	// away, by row: each is noted once it answers again (see retryOwed).
	mu   sync.Mutex
	owed map[int64]owedRetry
}

type owedRetry struct {
	next   time.Time
	reason string
}

// record writes, in one transaction, that items reached chat as message
// msgID (or, with failure, never will; refusal: because the chat refuses
// messages for good) and the cards that message is; then it closes the
// rows whose chats are all settled and returns them, with those of them
// that every chat refused, to go on down their fallback chains. Should the
// write fail, the rows stay pending and go out again later: a duplicate,
// never a loss.
func (r *recorder) record(ctx context.Context, items []*item, network, chat, msgID, failure string, refusal bool, cards []appeal.Card) (closed []int64, again []rerouted) {
	// One time for all of them: they are one message (a digest, or the
	// merged edits of a card), and a new delivery leader counts each
	// message the network took by its chat, id and time (see
	// Store.RecentDeliveries).
	at := r.now()
	ds := make([]appeal.Delivery, len(items))
	for i, it := range items {
		ds[i] = appeal.Delivery{OutboxID: it.h.row.ID, Network: network, ChatID: chat, TopicID: it.topic, MessageID: msgID, At: at}
	}
	r.persist("record send", func() error { return r.store.RecordSend(ctx, cards, ds) },
		"chat", chat, "message", msgID)
	for _, it := range items {
		h := it.h
		h.mu.Lock()
		if failure != "" {
			h.failures = append(h.failures, failure)
			if refusal {
				h.refusals++
			}
		}
		h.pending--
		last := h.pending == 0
		h.mu.Unlock()
		if last {
			if reason, ok := r.closeRow(ctx, h); !ok {
				again = append(again, rerouted{id: h.row.ID, reason: reason})
			}
			closed = append(closed, h.row.ID)
		}
	}
	return closed, again
}

// rerouted is a row that every chat it was sent to refused for good, with
// their reasons: it goes on down its fallback chain.
type rerouted struct {
	id     int64
	reason string
}

// persist runs write until it succeeds: the record of a message a network
// took (or refused for good) must land, or a restart, or another instance
// taking delivery over, would send it again, and later edits would not find
// the card. While the database does not answer (a restart, a failover) or
// the write times out (see passing), it is tried again every recordRetry
// at most, each wait spread at random so that the senders do not knock
// together, until life ends; only
// then is the message left to be sent again, and that is logged. Any other
// error is tried persistTries times: one that does not pass would hold the
// chat's queue for ever.
func (r *recorder) persist(op string, write func() error, attrs ...any) {
	life := r.life
	if life == nil {
		life = context.Background()
	}
	wait := 10 * time.Millisecond
	for tries := 1; ; tries++ {
		err := write()
		if err == nil {
			if tries > 1 {
				r.log.Info("delivery: "+op+" landed after the database came back", append(attrs, "tries", tries)...)
			}
			return
		}
		if !passing(err) && tries >= persistTries {
			r.log.Error("delivery: "+op+" failed; the message may be sent again", append(attrs, "err", err, "tries", tries)...)
			return
		}
		if tries == 1 {
			r.log.Warn("delivery: "+op+" failed; trying again", append(attrs, "err", err)...)
		}
		select {
		case <-life.Done():
			r.log.Error("delivery: "+op+" given up at shutdown; the message will be sent again", append(attrs, "err", err, "tries", tries)...)
			return
		case <-time.After(backoff.Jitter(wait, r.rnd)):
		}
		wait = min(2*wait, recordRetry)
	}
}

// passing reports a failure of delivery's own work on a message that goes
// away by itself: the store did not answer, or a call was cancelled or
// timed out. It is never the message's fault nor the chat's.
func passing(err error) bool {
	if errors.Is(err, appeal.ErrUnavailable) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// recordRetry is the longest wait between two tries of recording a send.
// A new delivery leader waits longer than this before it releases the
// previous one's messages (see takeOver), so a record held up by a
// database restart lands first.
const recordRetry = 250 * time.Millisecond

// persistTries is how often a record that failed for another reason than
// an unavailable database is tried.
const persistTries = 5

// closeRow marks a row whose chats are all settled: sent when one took it,
// failed when none did. A row that every chat refused for good and that has
// a fallback chain is not closed: closeRow returns false and why, and the
// row is routed again (see Deliverer.reroute).
func (r *recorder) closeRow(ctx context.Context, h *held) (reason string, closed bool) {
	h.mu.Lock()
	failures, targets, refusals := h.failures, h.targets, h.refusals
	h.mu.Unlock()
	var err error
	switch {
	case len(failures) > 0 && refusals >= targets && appeal.FallsBack(h.row.To.Kind):
		return strings.Join(failures, "; "), false
	case len(failures) > 0 && len(failures) >= targets:
		err = r.store.MarkFailed(ctx, h.row.ID, r.now(), strings.Join(failures, "; "))
	default:
		err = r.store.MarkSent(ctx, h.row.ID, r.now())
	}
	if err != nil {
		r.log.Error("delivery: close row", "outbox", h.row.ID, "err", err)
	}
	return "", true
}

// retryRow records a retry on a row, so that its state shows the last error
// and a restart waits as long. A row that left memory (one that could not
// be routed) depends on it: until it lands, the row stays claimed, and
// nobody takes it up again before its lease ends. So a retry the database
// was away for is owed, and noted when it is back (retryOwed).
func (r *recorder) retryRow(ctx context.Context, id int64, next time.Time, reason string, log *slog.Logger) {
	err := r.store.MarkRetry(ctx, id, next, reason)
	if err == nil {
		return
	}
	if errors.Is(err, appeal.ErrUnavailable) {
		r.mu.Lock()
		if r.owed == nil {
			r.owed = map[int64]owedRetry{}
		}
		r.owed[id] = owedRetry{next, reason}
		r.mu.Unlock()
		log.Warn("delivery: mark retry once the database is back", "outbox", id, "err", err)
		return
	}
	log.Error("delivery: mark retry", "outbox", id, "err", err)
}

// retryOwed notes the retries the database was away for; those it is
// still away for stay owed.
func (r *recorder) retryOwed(ctx context.Context) {
	r.mu.Lock()
	owed := r.owed
	r.owed = nil
	r.mu.Unlock()
	for id, o := range owed {
		r.retryRow(ctx, id, o.next, o.reason, r.log)
	}
}

// firstRetry is the wait after the first temporary failure in a row; it
// doubles with each further one, up to DeliveryOptions.MaxBackoff.
const firstRetry = time.Second
