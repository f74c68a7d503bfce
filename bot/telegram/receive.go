package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mymmrac/telego"

	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/internal/backoff"
)

// MaxHandlers is how many updates are handled at once.
const MaxHandlers = 16

// allowedUpdates are the update types asked for; everything else is
// filtered out by Telegram already.
var allowedUpdates = []string{telego.MessageUpdates, telego.CallbackQueryUpdates}

// Backoff of the long-polling loop after a failed getUpdates.
const (
	backoffMin = 500 * time.Millisecond
	backoffMax = 15 * time.Second
)

// spread is a wait before a retry spread at random over its upper half
// (see internal/backoff), so that retries after an outage do not come in
// lockstep with everyone else's.
func spread(d time.Duration) time.Duration { return backoff.Jitter(d, nil) }

// Receive implements bot.Transport. It long-polls unless Config.WebhookURL
// is set, in which case it serves the webhook on Config.WebhookListen.
//
// Each update is converted and handed to handle in its own goroutine, at
// most MaxHandlers at once (receiving pauses while all are busy), so the
// order of updates, even within one chat, is not kept.
//
// The same update can come more than once: Telegram redelivers one it is
// not sure the bot got (a lost response, a restart before the offset was
// confirmed, a webhook answered late), with the same Update.ID, and Receive
// passes duplicates on; deduplicating on Update.ID is the caller's job.
// Conversely, long polling confirms a batch when it asks for the next, so
// an update whose handler is running when the process dies is lost; a
// clean shutdown waits for handlers and then confirms.
//
// handle gets a context that carries ctx's values but is not cancelled
// with it, so that an update being handled at shutdown is finished; handle
// should bound its own work. Receive returns nil once ctx ends and every
// handler has returned, or an error if it cannot start (webhook listener,
// a webhook Telegram refuses). Only one Receive may run at a time.
func (t *Transport) Receive(ctx context.Context, handle func(context.Context, bot.Update)) error {
	if !t.receiving.CompareAndSwap(false, true) {
		return errors.New("telegram: Receive is already running")
	}
	defer t.receiving.Store(false)
	// Until Telegram has told us who we are, commands addressed to "@bot"
	// and replies to the bot cannot be recognised: wait for it.
	for wait := 500 * time.Millisecond; t.BotID() == 0; wait = min(2*wait, 15*time.Second) {
		err := t.identify(ctx)
		if err == nil {
			break
		}
		if kind, _ := bot.Classify(err); kind == bot.Permanent {
			return err
		}
		t.log.Warn("telegram: getMe failed; retrying", "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(spread(wait)):
		}
	}
	d := &dispatcher{sem: make(chan struct{}, MaxHandlers), handle: handle, hctx: context.WithoutCancel(ctx),
		fetch: t.fetchPhoto}
	if t.cfg.WebhookURL != "" {
		return t.serveWebhook(ctx, d)
	}
	return t.poll(ctx, d)
}

// dispatcher runs handlers with bounded concurrency.
type dispatcher struct {
	sem    chan struct{}
	wg     sync.WaitGroup
	handle func(context.Context, bot.Update)
	hctx   context.Context
	// fetch downloads an update's photo before it is handled.
	fetch func(context.Context, *bot.Update, *photoRef)
}

// dispatch starts handle(u) when a slot is free, fetching its photo (if
// photo is set) first, in the handler's goroutine; it gives up (false)
// when ctx ends first.
func (d *dispatcher) dispatch(ctx context.Context, u bot.Update, photo *photoRef) bool {
	select {
	case d.sem <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	d.wg.Add(1)
	go func() {
		defer func() { <-d.sem; d.wg.Done() }()
		if photo != nil {
			d.fetch(d.hctx, &u, photo)
		}
		d.handle(d.hctx, u)
	}()
	return true
}

// poll is the long-polling loop. It calls getUpdates itself (not telego's
// UpdatesViaLongPolling, whose retry sleep ignores ctx and retry_after):
// each call waits up to PollTimeout on the server; a failure is retried
// after a backoff (doubling from 0.5s to 15s) or after retry_after on 429,
// sleeping in a way ctx can cut short. The offset confirms every update
// fetched so far; at shutdown, after the handlers finish, one last short
// call confirms the final batch so that a restart does not get it again.
func (t *Transport) poll(ctx context.Context, d *dispatcher) error {
	// getUpdates is refused while a webhook is set; removing it keeps the
	// pending updates.
	if err := t.deleteWebhook(ctx); err != nil {
		t.log.Warn("telegram: deleteWebhook failed; polling anyway", "err", err)
	}
	t.log.Info("telegram: receiving by long polling", "poll_timeout", time.Duration(t.pollTimeout)*time.Second)
	offset, confirmed := 0, 0
	backoff := backoffMin
	for ctx.Err() == nil {
		callCtx, cancel := context.WithTimeout(ctx, time.Duration(t.pollTimeout)*time.Second+15*time.Second)
		ups, err := t.bot.GetUpdates(callCtx, &telego.GetUpdatesParams{
			Offset: offset, Timeout: t.pollTimeout, AllowedUpdates: allowedUpdates,
		})
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			e := t.classify(err).(*bot.Error)
			wait := spread(backoff)
			if e.Kind == bot.RateLimited {
				wait = e.RetryAfter
			} else {
				backoff = min(2*backoff, backoffMax)
			}
			if strings.Contains(e.Reason, "webhook is active") {
				_ = t.deleteWebhook(ctx)
			}
			t.log.Warn("telegram: getUpdates failed", "err", e, "retry_in", wait)
			if !sleep(ctx, wait) {
				break
			}
			continue
		}
		backoff = backoffMin
		confirmed = offset
		for _, u := range ups {
			if up, photo, ok := t.convert(u); ok && !d.dispatch(ctx, up, photo) {
				break // stopping: leave this update unconfirmed
			}
			// A redelivered update may be below the offset: keep the max.
			offset = max(offset, u.UpdateID+1)
		}
	}
	d.wg.Wait()
	if offset > confirmed {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
		_, err := t.bot.GetUpdates(cctx, &telego.GetUpdatesParams{Offset: offset, Limit: 1, Timeout: 0, AllowedUpdates: allowedUpdates})
		cancel()
		if err != nil {
			t.log.Info("telegram: last updates not confirmed; they may come again after a restart", "err", t.classify(err))
		}
	}
	return nil
}

func (t *Transport) deleteWebhook(ctx context.Context) error {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	return t.classify(t.bot.DeleteWebhook(ctx, &telego.DeleteWebhookParams{}))
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// maxWebhookBody bounds a webhook request body; updates are far smaller.
const maxWebhookBody = 4 << 20

// serveWebhook listens on WebhookListen, serving the path of WebhookURL,
// then registers the webhook with setWebhook (secret_token included),
// retrying temporary failures. Requests without the right
// X-Telegram-Bot-Api-Secret-Token header get 401. An update is answered
// 200 once its handler has started (so Telegram holds back while all
// handlers are busy) and 503 if Receive is stopping, so that Telegram
// delivers it again later. The webhook stays registered at shutdown, so
// Telegram keeps updates until the bot is back.
func (t *Transport) serveWebhook(ctx context.Context, d *dispatcher) error {
	u, _ := url.Parse(t.cfg.WebhookURL) // checked in New
	path := u.Path
	if path == "" {
		path = "/"
	}
	ln, err := net.Listen("tcp", t.cfg.WebhookListen)
	if err != nil {
		return fmt.Errorf("telegram: webhook: %w", err)
	}
	var fresh freshConns
	srv := &http.Server{
		Handler:           t.webhookHandler(ctx, d, path),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ConnState:         fresh.track,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	err = t.setWebhook(ctx)
	if err == nil {
		t.log.Info("telegram: receiving by webhook", "listen", ln.Addr().String(), "path", path)
		select {
		case <-ctx.Done():
		case err = <-served:
			err = fmt.Errorf("telegram: webhook server: %w", err)
		}
	}
	fresh.closeAll()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	_ = srv.Shutdown(sctx)
	cancel()
	d.wg.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// freshConns are the webhook's connections that have not carried a
// request yet. http.Server.Shutdown counts such a connection as busy for
// its first 5 s, since it cannot tell a client about to send a request
// from one that opened a spare (Go's own client does, when a request takes
// a pooled connection while its dial is still under way). Shutdown then
// waited out its whole timeout and Receive returned 5 s late. Closing them
// first loses nothing: a request that was about to arrive fails, is not
// answered 200, and Telegram delivers the update again.
type freshConns struct {
	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	closing bool
}

// track is the server's ConnState hook.
func (f *freshConns) track(c net.Conn, state http.ConnState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if state != http.StateNew {
		delete(f.conns, c)
		return
	}
	if f.closing {
		c.Close()
		return
	}
	if f.conns == nil {
		f.conns = map[net.Conn]struct{}{}
	}
	f.conns[c] = struct{}{}
}

// closeAll closes the connections without a request, now and from now on.
func (f *freshConns) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closing = true
	for c := range f.conns {
		c.Close()
	}
	clear(f.conns)
}

// setWebhook registers the webhook, retrying until it succeeds, fails
// permanently, or ctx ends (nil).
func (t *Transport) setWebhook(ctx context.Context) error {
	backoff := backoffMin
	for {
		callCtx, cancel := withDefaultTimeout(ctx)
		err := t.bot.SetWebhook(callCtx, &telego.SetWebhookParams{
			URL: t.cfg.WebhookURL, SecretToken: t.cfg.WebhookSecret, AllowedUpdates: allowedUpdates,
		})
		cancel()
		if err == nil || ctx.Err() != nil {
			return nil
		}
		e := t.classify(err).(*bot.Error)
		if e.Kind == bot.Permanent {
			return fmt.Errorf("telegram: setWebhook: %w", e)
		}
		wait := spread(backoff)
		if e.Kind == bot.RateLimited {
			wait = e.RetryAfter
		}
		backoff = min(2*backoff, backoffMax)
		t.log.Warn("telegram: setWebhook failed", "err", e, "retry_in", wait)
		if !sleep(ctx, wait) {
			return nil
		}
	}
}

func (t *Transport) webhookHandler(ctx context.Context, d *dispatcher, path string) http.Handler {
	secret := []byte(t.cfg.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get(telego.WebhookSecretTokenHeader))
		if subtle.ConstantTimeCompare(got, secret) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		var u telego.Update
		if err := json.Unmarshal(body, &u); err != nil {
			// Telegram would resend it for ever; drop it and say so.
			t.log.Warn("telegram: undecodable webhook update dropped", "err", err)
			w.WriteHeader(http.StatusOK)
			return
		}
		up, photo, ok := t.convert(u)
		if !ok {
			w.WriteHeader(http.StatusOK)
			return
		}
		stop, cancel := mergeDone(ctx, r.Context())
		defer cancel()
		if !d.dispatch(stop, up, photo) {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// mergeDone is a context that ends when either a or b ends.
func mergeDone(a, b context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(a)
	stop := context.AfterFunc(b, cancel)
	return ctx, func() { stop(); cancel() }
}
