package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/api/callback"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/commands"
	"github.com/appealbot/appealbot/metrics"
	"github.com/appealbot/appealbot/reminders"
	"github.com/appealbot/appealbot/reminders/digest"
	"github.com/appealbot/appealbot/storage"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// usageError is a mistake in how appealbot was called: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "appealbot:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

const usage = `usage: appealbot [command] [flags]

commands:
  serve     run the bot and its HTTP API (default)
  migrate   apply database migrations and exit
  version   print the version
  bench     load-test the whole bot in-process against a Telegram-like server
  bench-export
            measure the CSV export of a million appeals (time and memory)

Run "appealbot serve -h" for the settings.
`

// run is the whole program: it parses the command line and environment,
// builds every component and owns the signals and the shutdown order.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "appealbot", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "bench":
		return runBench(ctx, args, stdout, stderr)
	case "bench-export":
		return runBenchExport(ctx, args, stdout, stderr)
	case "serve", "migrate":
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Errorf("unknown command %q", cmd)}
	}
	cfg, err := parseConfig(cmd, args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return usageError{fmt.Errorf("configuration:\n%w", err)}
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	store, err := storage.Open(ctx, storage.Config{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir}, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	if cmd == "migrate" {
		log.Info("migrations applied", "store", store.Driver())
		return nil
	}
	log.Info("appealbot starting", "version", version, "config", cfg.logValue())
	return serve(ctx, cfg, store, stdout, log)
}

// serve runs the API, the chat networks and the outbox workers until ctx
// ends (or the console's input does), then shuts down in order: stop taking
// requests, stop taking chat updates, stop delivery after one last round,
// and return so that the store closes last.
//
// Several instances may share one PostgreSQL: every instance takes appeals
// and sends callbacks, but only the holder of the "delivery" lease sends
// chat messages (so budgets are never doubled) and only the holder of the
// "updates" lease polls Telegram (Telegram allows one poller), and only
// the holder of "digests" runs the leaders' digest schedules. Webhook
// updates are taken by every instance. When a holder dies, another takes
// over within seconds.
func serve(ctx context.Context, cfg config, store *storage.Store, stdout io.Writer, log *slog.Logger) error {
	svc := appeal.NewService(store, time.Now, cfg.Timezone, appeal.WithCalendars(appeal.Calendars{
		Hours: cfg.WorkingHours, Weekdays: cfg.WorkingDays, Days: store,
	}), appeal.WithCallbackCheck(cfg.CallbackAllow.CheckURL))
	svc.SetReminders(cfg.Reminders)
	mx := metrics.New(store, time.Now, log)
	scanner, err := reminders.New(store, reminders.Options{Policy: cfg.Reminders, Schedule: cfg.ScanSchedule, Observe: mx.ScanDone}, time.Now, log)
	if err != nil {
		return err
	}
	cmds := commands.New(svc, store, commands.Config{Admins: cfg.Admins, DefaultLang: cfg.Language,
		Digests: commands.DigestConfig{Daily: cfg.DigestDaily, Weekly: cfg.DigestWeekly, Fonts: digest.NewFonts(cfg.ChartFont, log)},
		Stats:   commands.StatsConfig{Weights: cfg.KPIWeights, Location: cfg.Location}}, log)
	digests, err := digest.New(store, time.Now, log, digest.Options{Daily: cfg.DigestDaily, Weekly: cfg.DigestWeekly})
	if err != nil {
		return err
	}
	trs, err := transports(ctx, cfg, store, stdin, stdout, log)
	if err != nil {
		return err
	}
	sender := callback.New(store, callback.Options{Secret: cfg.WebhookSecret, Allow: cfg.CallbackAllow}, time.Now, log)
	if cfg.WebhookSecret == "" {
		log.Warn("callbacks: APPEALBOT_WEBHOOK_SECRET is not set: answers are posted to callback URLs unsigned")
	}
	var deliverer atomic.Pointer[bot.Deliverer]
	store.OnOutbox(func() {
		if d := deliverer.Load(); d != nil {
			d.Wake()
		}
	})
	store.OnOutbox(sender.Wake)

	handler := api.New(svc, store, api.Options{Tokens: cfg.APITokens, Log: log, Callbacks: store, Calendar: store,
		Feedback: svc, Stats: &api.Stats{Source: store, Calendars: svc, Weights: cfg.KPIWeights, Location: cfg.Location},
		Export: store, Calendars: svc, Location: cfg.Location, Metrics: mx.Handler(), ObserveRequest: mx.Request})
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Serve(ln) }()
	log.Info("http: listening", "addr", ln.Addr().String())

	// Workers outlive the signal: they stop only after intake and updates
	// have, so that what those wrote still gets delivered.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	// What delivery sent while the database did not answer is recorded
	// once it does; at shutdown it is tried for ShutdownTimeout at most.
	life, endLife := context.WithCancel(context.Background())
	defer endLife()
	workers := newGroup()
	workers.Go("callbacks", func() error { return sender.Run(workCtx) })
	// One instance scans at a time; the stages' unique keys would keep a
	// second one from sending anything twice all the same. The scan stops
	// with the signal, before delivery's last round, so that what it
	// enqueued last is still sent.
	workers.Go("reminders", func() error {
		return leading(ctx, store, "reminders", log, func(lctx context.Context) {
			_ = scanner.Run(lctx)
		})
	})
	workers.Go("delivery", func() error {
		return leading(workCtx, store, "delivery", log, func(lctx context.Context) {
			d := bot.NewDeliverer(store, cmds, trs, time.Now, log, bot.DeliveryOptions{CoalesceAfter: cfg.CoalesceAfter, Observer: mx, Life: life})
			deliverer.Store(d)
			defer deliverer.Store(nil)
			go func() { _ = store.ListenOutbox(lctx, d.Wake) }()
			_ = d.Run(lctx)
			if workCtx.Err() != nil { // shutting down, not losing the lease
				if err := drain(d, 5*time.Second); err != nil {
					log.Warn("delivery: final drain", "err", err)
				}
			}
		})
	})

	// One instance at a time runs the digest schedules; the digests
	// table's unique key stops a period going out twice even when
	// leadership changes hands mid-run.
	workers.Go("digests", func() error {
		return leading(workCtx, store, "digests", log, func(lctx context.Context) { _ = digests.Run(lctx) })
	})

	chatCtx, stopChat := context.WithCancel(ctx)
	defer stopChat()
	chatDone := make(chan error, len(trs))
	for _, tr := range trs {
		b := bot.New(tr, cmds, store, time.Now, log)
		// One instance at a time reads updates: Telegram allows one poller,
		// and a Matrix sync token is one stream position.
		lease := map[string]string{"telegram": "updates", "matrix": "matrix-updates"}[tr.Network()]
		if lease != "" && !(tr.Network() == "telegram" && cfg.TelegramWebhookURL != "") {
			go func() {
				chatDone <- leading(chatCtx, store, lease, log, func(lctx context.Context) {
					if err := b.Run(lctx); err != nil {
						log.Error("chat: receive", "err", err)
					}
				})
			}()
			continue
		}
		go func() { chatDone <- b.Run(chatCtx) }()
	}

	var result error
	running := len(trs)
	select {
	case err := <-httpDone:
		result = fmt.Errorf("http: %w", err)
	case err := <-chatDone:
		running--
		if err != nil {
			result = fmt.Errorf("chat: %w", err)
		} else {
			log.Info("chat: input ended")
		}
	case <-ctx.Done():
	}

	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("http: shutdown", "err", err)
	}
	stopChat()
	for ; running > 0; running-- {
		if err := <-chatDone; err != nil && result == nil {
			result = fmt.Errorf("chat: %w", err)
		}
	}
	stopWork()
	defer time.AfterFunc(cfg.ShutdownTimeout, endLife).Stop()
	if err := workers.Wait(); err != nil {
		log.Warn("workers", "err", err)
	}
	if err := drain(sender, 5*time.Second); err != nil {
		log.Warn("callbacks: final drain", "err", err)
	}
	log.Info("stopped")
	return result
}

// leading runs fn for as long as this instance holds the lease name, and
// tries to take it again when it is lost, until ctx ends.
func leading(ctx context.Context, store *storage.Store, name string, log *slog.Logger, fn func(ctx context.Context)) error {
	for ctx.Err() == nil {
		lease, err := store.Lead(ctx, name, 2*time.Second)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			log.Error("lease: "+name, "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
			continue
		}
		log.Info("lease: this instance leads "+name, "lease", name)
		lctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-lease.Lost():
				log.Warn("lease: lost "+name, "lease", name)
				cancel()
			case <-lctx.Done():
			}
		}()
		fn(lctx)
		cancel()
		lease.Release()
	}
	return nil
}
