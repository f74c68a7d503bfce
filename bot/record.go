package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
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
}

// record writes, in one transaction, that items reached chat as message
// msgID (or, with failure, never will; refusal: because the chat refuses
// messages for good) and the cards that message is; then it closes the
// rows whose chats are all settled and returns them, with those of them
// that every chat refused, to go on down their fallback chains. Should the
// write fail, the rows stay pending and go out again later: a duplicate,
// never a loss.
func (r *recorder) record(ctx context.Context, items []*item, network, chat, msgID, failure string, refusal bool, cards []appeal.Card) (closed []int64, again []rerouted) {
	ds := make([]appeal.Delivery, len(items))
	for i, it := range items {
		ds[i] = appeal.Delivery{OutboxID: it.h.row.ID, Network: network, ChatID: chat, TopicID: it.topic, MessageID: msgID, At: r.now()}
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
// the card. While the database does not answer (a restart, a failover) the
// write is tried again every recordRetry at most, until life ends; only
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
		if !errors.Is(err, appeal.ErrUnavailable) && tries >= persistTries {
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
// and a restart waits as long.
func (r *recorder) retryRow(ctx context.Context, id int64, next time.Time, reason string, log *slog.Logger) {
	if err := r.store.MarkRetry(ctx, id, next, reason); err != nil {
		log.Error("delivery: mark retry", "outbox", id, "err", err)
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
