// Package callback tells the system an appeal came from of the events of
// its log (assigned, claimed, answered, closed, ...): a JSON body signed
// with HMAC-SHA256, retried with capped backoff until the receiver answers
// 2xx, one appeal's events in the order they happened. Requests are taken
// from the outbox, where each event's callback is written with the event,
// so an event just before a crash is still sent after the restart.
package callback

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/backoff"
	"github.com/appealbot/appealbot/netguard"
)

// Headers of a callback request. The signature is "sha256=" and the hex
// HMAC-SHA256 of the raw body under the shared secret; the delivery id stays
// the same across retries so that a receiver can drop repeats.
const (
	SignatureHeader = "X-Appealbot-Signature"
	DeliveryHeader  = "X-Appealbot-Delivery"
)

var upstream = []appeal.RecipientKind{appeal.ToUpstream}

// Store is what the sender needs from storage.
type Store interface {
	ClaimOutbox(ctx context.Context, kinds []appeal.RecipientKind, now time.Time, limit int, lease time.Duration) ([]appeal.OutboxMessage, error)
	NextOutboxDue(ctx context.Context, kinds []appeal.RecipientKind) (time.Time, bool, error)
	MarkSent(ctx context.Context, id int64, at time.Time) error
	MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error
	MarkFailed(ctx context.Context, id int64, at time.Time, reason string) error
	Appeal(ctx context.Context, id appeal.ID) (appeal.Appeal, error)
}

// Options tune the sender.
type Options struct {
	// Secret signs every body; empty sends unsigned requests.
	Secret string
	// Timeout bounds one request. Default 10 s.
	Timeout time.Duration
	// MinBackoff and MaxBackoff bound the wait between attempts. Defaults
	// 10 s and 1 h.
	MinBackoff, MaxBackoff time.Duration
	// Poll is the longest sleep between scans. Default 5 s.
	Poll time.Duration
	// Wakeup, when set, wakes the sender as Wake does, from whoever learns
	// of new outbox rows.
	Wakeup <-chan struct{}
	// Rand spreads each wait between attempts over its upper half (see
	// internal/backoff), so that the callbacks that failed together while
	// a receiver was down do not all come back at once; it must be safe
	// for concurrent use. Nil: math/rand/v2.
	Rand func() float64
	// Allow is where callbacks may go besides public addresses; the zero
	// Policy allows public addresses only. It is checked on the URL before
	// each attempt and on every address when connecting.
	Allow netguard.Policy
}

// Sender delivers callbacks.
type Sender struct {
	store  Store
	opts   Options
	client *http.Client
	now    func() time.Time
	log    *slog.Logger
	wake   chan struct{}
}

// New returns a sender.
func New(store Store, opts Options, now func() time.Time, log *slog.Logger) *Sender {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 10 * time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Hour
	}
	if opts.Poll <= 0 {
		opts.Poll = 5 * time.Second
	}
	return &Sender{store: store, opts: opts, client: guardedClient(opts), now: now, log: log, wake: make(chan struct{}, 1)}
}

// guardedClient connects only where opts.Allow allows, through no proxy
// (a proxy would connect for us, past the check), and follows no
// redirect: a receiver's 3xx could otherwise send the signed body to any
// address behind it.
func guardedClient(opts Options) *http.Client {
	dialer := &net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}
	return &http.Client{
		Timeout: opts.Timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           opts.Allow.DialContext(dialer),
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          20,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   opts.Timeout,
			ExpectContinueTimeout: time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Wake tells the sender that rows were written; it never blocks.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends callbacks until ctx ends.
func (s *Sender) Run(ctx context.Context) error {
	for {
		n, err := s.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("callback: scan", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		wait := s.opts.Poll
		if next, ok, err := s.store.NextOutboxDue(ctx, upstream); err == nil && ok {
			if w := next.Sub(s.now()); w < wait {
				wait = max(w, 10*time.Millisecond)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.wake:
		case <-s.opts.Wakeup:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunOnce sends the callbacks due now and returns how many it tried.
func (s *Sender) RunOnce(ctx context.Context) (int, error) {
	rows, err := s.store.ClaimOutbox(ctx, upstream, s.now(), 10, 2*s.opts.Timeout)
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		s.send(ctx, r)
	}
	return len(rows), nil
}

// Payload is the JSON body of a callback: one event of the appeal's log.
// Event is "appeal." and the event's name (appeal.CallbackEventNames);
// EventID is its id in the log (GET /api/v1/appeals/{id} lists them), zero
// for answers queued before events were told. Answer is set for
// appeal.answered only, Deadlines where the department has some after the
// event (a new clock after assigned, transferred and reopened, the moved
// ones after extended).
type Payload struct {
	Event      string            `json:"event"`
	EventID    int64             `json:"event_id,omitempty"`
	OccurredAt *time.Time        `json:"occurred_at,omitempty"`
	Appeal     PayloadAppeal     `json:"appeal"`
	Answer     *PayloadAnswer    `json:"answer,omitempty"`
	Deadlines  *PayloadDeadlines `json:"deadlines,omitempty"`
	// Note is what came with the event: the reason of a return, transfer
	// or reopen, the result of a close, the citizen's words of an urge.
	Note string `json:"note,omitempty"`
	// Outcome is resolved or unresolved on a department's close.
	Outcome string    `json:"outcome,omitempty"`
	SentAt  time.Time `json:"sent_at"`
}

// PayloadAppeal identifies the appeal in the upstream's terms, with its
// status and department as the event left them.
type PayloadAppeal struct {
	ID         int64  `json:"id"`
	Source     string `json:"source"`
	ExternalID string `json:"external_id"`
	Status     string `json:"status"`
	Department string `json:"department"`
	// Urges counts the citizen's urges, on appeal.urged.
	Urges int `json:"urges,omitempty"`
}

// PayloadAnswer is the accepted answer, with the photos it carries.
type PayloadAnswer struct {
	ID          int64               `json:"id"`
	Text        string              `json:"text"`
	AnsweredAt  time.Time           `json:"answered_at"`
	Attachments []PayloadAttachment `json:"attachments,omitempty"`
}

// PayloadAttachment is a photo of the answer. URL is the path of the API
// that serves its bytes, with the API's bearer token:
// /api/v1/appeals/{id}/attachments/{n}.
type PayloadAttachment struct {
	N    int    `json:"n"`
	Name string `json:"name"`
	MIME string `json:"mime"`
	Size int64  `json:"size"`
	URL  string `json:"url"`
}

// PayloadDeadlines are the department's deadlines after the event.
type PayloadDeadlines struct {
	ClaimBy   *time.Time `json:"claim_by,omitempty"`
	AnswerBy  *time.Time `json:"answer_by,omitempty"`
	ResolveBy *time.Time `json:"resolve_by,omitempty"`
}

// payload builds the body of callback m about a, or an error that says
// why none can ever be built.
func payload(a appeal.Appeal, m appeal.Message, now time.Time) (Payload, error) {
	args := m.Args
	p := Payload{
		Event: "appeal." + appeal.CallbackAnswered,
		Appeal: PayloadAppeal{ID: int64(a.ID), Source: a.Source, ExternalID: a.ExternalID,
			Status: string(a.Status), Department: a.Department},
		Note: args[appeal.ArgNote], Outcome: args[appeal.ArgOutcome],
		SentAt: now.UTC(),
	}
	name := args[appeal.ArgEvent]
	if name != "" {
		p.Event = "appeal." + name
		p.EventID, _ = strconv.ParseInt(args[appeal.ArgEventID], 10, 64)
		p.Appeal.Status, p.Appeal.Department = args[appeal.ArgStatus], args[appeal.ArgDepartment]
		p.Appeal.Urges, _ = strconv.Atoi(args[appeal.ArgUrges])
		p.OccurredAt = argTime(args, appeal.ArgAt)
		d := PayloadDeadlines{ClaimBy: argTime(args, appeal.ArgClaimBy), AnswerBy: argTime(args, appeal.ArgAnswerBy),
			ResolveBy: argTime(args, appeal.ArgResolveBy)}
		if d != (PayloadDeadlines{}) {
			p.Deadlines = &d
		}
	}
	if name == "" || name == appeal.CallbackAnswered {
		ans := acceptedAnswer(a, p.OccurredAt)
		if ans == nil {
			return Payload{}, errors.New("no accepted answer")
		}
		p.Answer = &PayloadAnswer{ID: ans.ID, Text: ans.Text, AnsweredAt: ans.At}
		for _, f := range ans.Attachments {
			p.Answer.Attachments = append(p.Answer.Attachments, PayloadAttachment{N: f.N, Name: f.Name, MIME: f.MIME, Size: f.Size,
				URL: "/api/v1/appeals/" + strconv.FormatInt(int64(a.ID), 10) + "/attachments/" + strconv.Itoa(f.N)})
		}
	}
	return p, nil
}

// acceptedAnswer is the answer an answered event accepted: the last one
// accepted by then (at; nil for any time), since a reopened appeal may
// have had another accepted since.
func acceptedAnswer(a appeal.Appeal, at *time.Time) *appeal.Answer {
	var out *appeal.Answer
	for i := range a.Answers {
		an := &a.Answers[i]
		if an.State != appeal.AnswerAccepted {
			continue
		}
		if at != nil && (an.At.After(*at) || an.DecidedAt.After(*at)) {
			continue
		}
		out = an
	}
	if out == nil && at != nil {
		return acceptedAnswer(a, nil)
	}
	return out
}

func argTime(args map[string]string, k string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, args[k])
	if err != nil {
		return nil
	}
	return &t
}

// Sign returns the signature header value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (s *Sender) send(ctx context.Context, r appeal.OutboxMessage) {
	log := s.log.With("outbox", r.ID, "appeal", r.AppealID)
	a, err := s.store.Appeal(ctx, r.AppealID)
	if err != nil {
		s.retry(ctx, r, "read appeal: "+err.Error(), log)
		return
	}
	if a.CallbackURL == "" {
		// Nothing to send can ever appear for this row.
		if err := s.store.MarkFailed(ctx, r.ID, s.now(), "no callback URL"); err != nil {
			log.Error("callback: mark failed", "err", err)
		}
		return
	}
	p, err := payload(a, r.Message, s.now())
	if err != nil {
		if err := s.store.MarkFailed(ctx, r.ID, s.now(), err.Error()); err != nil {
			log.Error("callback: mark failed", "err", err)
		}
		return
	}
	if err := s.opts.Allow.CheckURL(a.CallbackURL); err != nil {
		// Taken before the address was refused at intake, or allowed
		// then and not now: never tried, so not retried.
		s.refuse(ctx, r, err, log)
		return
	}
	body, err := json.Marshal(p)
	if err != nil {
		s.retry(ctx, r, err.Error(), log)
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.CallbackURL, bytes.NewReader(body))
	if err != nil {
		s.retry(ctx, r, err.Error(), log)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "appealbot")
	req.Header.Set(DeliveryHeader, strconv.FormatInt(r.ID, 10))
	if s.opts.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(s.opts.Secret, body))
	}
	resp, err := s.client.Do(req)
	var refused *netguard.Error
	if errors.As(err, &refused) {
		s.refuse(ctx, r, refused, log)
		return
	}
	if err != nil {
		s.retry(ctx, r, err.Error(), log)
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		// Like any other failure, retried: the receiver may be mended.
		loc := []rune(resp.Header.Get("Location"))
		if len(loc) > 200 {
			loc = append(loc[:200], '…')
		}
		s.retry(ctx, r, fmt.Sprintf("HTTP %d redirect to %q not followed: callbacks go only to the URL given at intake",
			resp.StatusCode, string(loc)), log)
		return
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		s.retry(ctx, r, fmt.Sprintf("HTTP %d", resp.StatusCode), log)
		return
	}
	if err := s.store.MarkSent(ctx, r.ID, s.now()); err != nil {
		log.Error("callback: mark sent", "err", err)
	}
	log.Info("callback: delivered", "event", p.Event, "status", resp.StatusCode, "attempt", r.Attempts)
}

// refuse ends a callback whose destination the policy refuses, for good:
// trying again would only knock at the same internal door every hour.
func (s *Sender) refuse(ctx context.Context, r appeal.OutboxMessage, err error, log *slog.Logger) {
	reason := "destination refused: " + err.Error()
	log.Warn("callback: destination refused", "reason", reason)
	if err := s.store.MarkFailed(ctx, r.ID, s.now(), reason); err != nil {
		log.Error("callback: mark failed", "err", err)
	}
}

// retry waits MinBackoff doubled per attempt, capped at MaxBackoff and
// spread at random: the receiver may be down for hours, and the answer
// must still arrive.
func (s *Sender) retry(ctx context.Context, r appeal.OutboxMessage, reason string, log *slog.Logger) {
	wait := backoff.Exp(r.Attempts, s.opts.MinBackoff, s.opts.MaxBackoff, s.opts.Rand)
	log.Warn("callback: will retry", "attempt", r.Attempts, "in", wait, "reason", reason)
	if err := s.store.MarkRetry(ctx, r.ID, s.now().Add(wait), reason); err != nil {
		log.Error("callback: mark retry", "err", err)
	}
}
