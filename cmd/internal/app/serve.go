package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/api/callback"
	"github.com/appealbot/appealbot/api/open311"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/commands"
	"github.com/appealbot/appealbot/dispatch"
	"github.com/appealbot/appealbot/metrics"
	"github.com/appealbot/appealbot/reminders"
	"github.com/appealbot/appealbot/reminders/digest"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/render/chart"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/web"
)

// serve opens the store and runs the API, the chat networks, the
// schedules and the outbox workers until ctx ends (or a part stops by
// itself: the console's input ended, the HTTP listener failed), then stops
// them in this order, each stage once the one before has returned:
//
//  1. intake: the HTTP API stops taking requests and finishes those in
//     flight (within the shutdown timeout);
//  2. updates: the chat networks stop taking updates and finish handling
//     those they took;
//  3. schedules: the reminder scan and the digests stop, so that nothing
//     new is queued after delivery's last round;
//  4. delivery and callbacks send what is due once more (bounded) and
//     stop;
//  5. the store closes.
//
// It returns the errors of every part that failed and of closing the store.
//
// Several instances may share one PostgreSQL: every instance takes appeals
// and sends callbacks, but only the holder of the "delivery" lease sends
// chat messages (so budgets are never doubled) and only the holder of the
// "updates" lease polls Telegram (Telegram allows one poller), and only
// the holder of "digests" runs the leaders' digest schedules. Webhook
// updates are taken by every instance. When a holder dies, another takes
// over within seconds.
func serve(ctx context.Context, cfg Config, version string, stdout io.Writer, log *slog.Logger) (err error) {
	// Commits that write outbox rows wake delivery and callbacks in this
	// process at once, rather than at their next poll.
	deliveryWake, callbackWake := make(chan struct{}, 1), make(chan struct{}, 1)
	store, err := openStore(ctx, cfg, log, func() {
		notify(deliveryWake)
		notify(callbackWake)
	})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	log.Info("appealbot starting", "version", version, "config", cfg.logValue())
	setup := func(ctx context.Context) (appeal.Setup, error) {
		s, err := store.Setup(ctx)
		s.Admins += len(cfg.Admins)
		return s, err
	}
	logGaps(ctx, setup, log)
	// The configuration may name new admins: what waited for someone is
	// tried again now rather than at its next retry.
	if n, err := store.ReleaseUndeliverable(ctx, time.Now()); err != nil {
		log.Warn("delivery: cannot release the messages that no one could receive", "err", err)
	} else if n > 0 {
		log.Info("delivery: messages that no one could receive are tried again at start", "count", n)
	}

	router := dispatch.New(store, dispatch.Config{Interval: cfg.RouterInterval, RetrainAfter: cfg.RouterRetrainAfter}, time.Now, log)
	// The model stored last is in use before the first appeal comes in;
	// one that cannot be read now is loaded by the loader later.
	if err := router.Load(ctx); err != nil {
		log.Warn("router: cannot load the stored model at start", "err", err)
	}
	svc := appeal.NewService(store, time.Now, cfg.Timezone, appeal.WithCalendars(appeal.Calendars{
		Hours: cfg.WorkingHours, Weekdays: cfg.WorkingDays, Days: store,
	}), appeal.WithCallbackCheck(cfg.CallbackAllow.CheckURL), appeal.WithCallbackEvents(cfg.CallbackEvents),
		appeal.WithUrgeInterval(cfg.UrgeInterval), appeal.WithSuggester(router), appeal.WithAutoroute(cfg.AutorouteMin),
		appeal.WithAttachmentLimits(cfg.Attachments))
	svc.SetReminders(cfg.Reminders)
	svc.SetProcess(cfg.Process)
	mx := metrics.New(store, time.Now, log)
	scanner, err := reminders.New(store, reminders.Options{Policy: cfg.Reminders, Schedule: cfg.ScanSchedule, Observe: mx.ScanDone,
		Calendars: appeal.Calendars{Hours: cfg.WorkingHours, Weekdays: cfg.WorkingDays, Days: store}, Timezone: cfg.Timezone}, time.Now, log)
	if err != nil {
		return err
	}
	rnd := render.New(store, svc, render.Config{DefaultLang: cfg.Language, Weights: cfg.KPIWeights,
		Charter: chart.New(cfg.ChartFont, log), Location: cfg.Location, Hints: svc.Hints}, log)
	var webLink func(token string) string
	if cfg.WebAddr != "" {
		webLink = func(token string) string { return web.LinkURL(cfg.WebURL, token) }
	}
	cmds := commands.New(svc, store, rnd, commands.Config{Admins: cfg.Admins,
		Digests: commands.DigestConfig{Daily: cfg.DigestDaily, Weekly: cfg.DigestWeekly},
		Stats:   commands.StatsConfig{Location: cfg.Location}, Web: commands.WebConfig{Link: webLink}}, log)
	digests, err := digest.New(store, time.Now, log, digest.Options{Daily: cfg.DigestDaily, Weekly: cfg.DigestWeekly, Calendars: svc})
	if err != nil {
		return err
	}
	trs, err := transports(ctx, cfg, store, stdin, stdout, log)
	if err != nil {
		return err
	}
	sender := callback.New(store, callback.Options{Secret: cfg.WebhookSecret, Wakeup: callbackWake, Allow: cfg.CallbackAllow}, time.Now, log)
	if cfg.WebhookSecret == "" {
		log.Warn("callbacks: APPEALBOT_WEBHOOK_SECRET is not set: answers are posted to callback URLs unsigned")
	}

	var geo http.Handler
	if len(cfg.Open311Keys) > 0 {
		geo = open311.New(svc, store, open311.Options{Keys: cfg.Open311Keys, Location: cfg.Location, Now: time.Now, Log: log,
			Services: open311.Departments{List: store, Settings: cfg.Open311Services}})
	}
	handler := api.New(svc, store, api.Options{Open311: geo, Tokens: cfg.APITokens, Log: log, Now: time.Now, Callbacks: store, Calendar: store,
		Feedback: svc, Urges: svc, Members: store, Stats: &api.Stats{Source: store, Weights: cfg.KPIWeights, Location: cfg.Location},
		Export: store, Calendars: svc, Location: cfg.Location, Metrics: mx.Handler(), ObserveRequest: mx.Request,
		Setup: setup, Waiting: store, Routes: svc, Examples: &examples{router: router, depts: store},
		Attachments: store, MaxAttachments: cfg.Attachments.MaxCount})
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	intake := newHTTPServer(ln, handler, cfg.ShutdownTimeout, log)
	log.Info("http: listening", "addr", ln.Addr().String())
	intakeParts := []part{{"http", intake.Run}}
	if cfg.WebAddr != "" {
		view, err := web.New(store, web.Options{URL: cfg.WebURL, Public: cfg.WebPublic, Admins: cfg.Admins,
			Weights: cfg.KPIWeights, Location: cfg.Location, Lang: cfg.Language, Now: time.Now, Log: log})
		if err != nil {
			return errors.Join(err, ln.Close())
		}
		wln, err := net.Listen("tcp", cfg.WebAddr)
		if err != nil {
			return errors.Join(fmt.Errorf("web: %w", err), ln.Close())
		}
		site := newHTTPServer(wln, view, cfg.ShutdownTimeout, log)
		log.Info("web: listening", "addr", wln.Addr().String(), "url", cfg.WebURL, "public", cfg.WebPublic)
		intakeParts = append(intakeParts, part{"web", site.Run})
	}

	var updates []part
	for _, tr := range trs {
		b := bot.New(tr, cmds, store, time.Now, log)
		// One instance at a time reads updates: Telegram allows one poller,
		// and a Matrix sync token is one stream position.
		lease := map[string]string{"telegram": "updates", "matrix": "matrix-updates"}[tr.Network()]
		if lease != "" && !(tr.Network() == "telegram" && cfg.TelegramWebhookURL != "") {
			updates = append(updates, part{"chat", (&leader{store: store, name: lease, log: log, run: b.Run}).Run})
			continue
		}
		updates = append(updates, part{"chat", func(ctx context.Context) error {
			err := b.Run(ctx)
			if err == nil && ctx.Err() == nil {
				log.Info("chat: input ended")
			}
			return err
		}})
	}

	deliverer := &delivery{store: store, wake: deliveryWake, grace: cfg.ShutdownTimeout, log: log,
		worker: func(life context.Context) *bot.Deliverer {
			return bot.NewDeliverer(store, rnd, trs, time.Now, log, bot.DeliveryOptions{CoalesceAfter: cfg.CoalesceAfter,
				Observer: mx, Life: life, Wakeup: deliveryWake, SpinClock: time.Now, Admins: cfg.Admins})
		}}
	err = runStages(ctx, log,
		stage{"intake", intakeParts},
		stage{"updates", updates},
		// One instance scans at a time; the stages' unique keys would keep
		// a second one from sending anything twice all the same. One
		// instance at a time runs the digest schedules; the digests
		// table's unique key stops a period going out twice even when
		// leadership changes hands mid-run.
		stage{"schedules", []part{
			// One instance trains; every instance loads what it stored.
			{"router-train", (&leader{store: store, name: "router-train", log: log, run: router.RunTrainer}).Run},
			{"router-load", router.RunLoader},
			{"reminders", (&leader{store: store, name: "reminders", log: log, run: scanner.Run}).Run},
			{"digests", (&leader{store: store, name: "digests", log: log, run: digests.Run}).Run},
		}},
		stage{"delivery", []part{
			{"delivery", deliverer.Run},
			{"callbacks", func(ctx context.Context) error {
				err := sender.Run(ctx)
				if err := drain(sender, 5*time.Second); err != nil {
					log.Warn("callbacks: final drain", "err", err)
				}
				return err
			}},
		}},
	)
	log.Info("stopped")
	return err
}

// logGaps lists, once at start, every gap of the setup that keeps messages
// from their first choice (a department without a chat or a leader, no
// dispatch or supervision chat, no admin), one WARN line each, with where
// those messages go now. A setup that cannot be read is only logged: the
// start goes on.
func logGaps(ctx context.Context, setup func(context.Context) (appeal.Setup, error), log *slog.Logger) {
	s, err := setup(ctx)
	if err != nil {
		log.Warn("setup: cannot read the bindings and roles", "err", err)
		return
	}
	for _, g := range s.Gaps() {
		to := g.Recipient()
		now := "no one: they wait until a chat is bound or a role granted"
		if lv := s.Reach(to); lv != appeal.LevelNone {
			now = string(lv)
		}
		switch g.Level {
		case appeal.LevelDepartment:
			log.Warn("setup: department has no bound chat", "department", g.Department, "its_appeals_go_to", now)
		case appeal.LevelLeaders:
			log.Warn("setup: department has no leader", "department", g.Department, "messages_for_its_leaders_go_to", now)
		case appeal.LevelDispatch:
			log.Warn("setup: no dispatch chat is bound", "dispatch_messages_go_to", now)
		case appeal.LevelSupervision:
			log.Warn("setup: no supervision chat is bound", "supervision_reports_go_to", now)
		case appeal.LevelAdmins:
			log.Warn("setup: there is no admin (APPEALBOT_ADMINS, /admin add): a message no one else can receive waits")
		}
	}
}

// delivery sends the outbox's chat messages while this instance holds the
// "delivery" lease, and sends what is due once more when it stops.
type delivery struct {
	store *storage.Store
	// worker makes the worker of one term of leadership; life bounds how
	// long it may try to record a send while the database is away.
	worker func(life context.Context) *bot.Deliverer
	// wake is the worker's Wakeup: the store's commits and, on
	// PostgreSQL, other instances' commits signal it.
	wake chan struct{}
	// grace is how long after the stop the worker may go on recording.
	grace time.Duration
	log   *slog.Logger
}

func (p *delivery) Run(ctx context.Context) error {
	// What the worker sent while the database did not answer is recorded
	// once it does: across terms of leadership, and after the stop for
	// grace at most.
	life, endLife := context.WithCancel(context.WithoutCancel(ctx))
	defer endLife()
	defer context.AfterFunc(ctx, func() { time.AfterFunc(p.grace, endLife) })()
	l := &leader{store: p.store, name: "delivery", log: p.log, run: func(lctx context.Context) error {
		return p.lead(ctx, lctx, life)
	}}
	return l.Run(ctx)
}

// lead delivers for one term of leadership, until lctx ends. When ctx has
// ended too, serve is stopping: what is due is sent once more.
func (p *delivery) lead(ctx, lctx, life context.Context) error {
	d := p.worker(life)
	var listen sync.WaitGroup
	listen.Go(func() {
		if err := p.store.ListenOutbox(lctx, func() { notify(p.wake) }); err != nil {
			p.log.Error("delivery: cannot hear other instances' outbox writes; polling instead", "err", err)
		}
	})
	err := d.Run(lctx)
	listen.Wait()
	if ctx.Err() != nil { // stopping, not losing the lease
		if err := drain(d, 5*time.Second); err != nil {
			p.log.Warn("delivery: final drain", "err", err)
		}
	}
	return err
}

// openStore opens the database and applies the migrations; onOutbox, when
// set, hears of every commit that wrote outbox rows.
func openStore(ctx context.Context, cfg Config, log *slog.Logger, onOutbox func()) (*storage.Store, error) {
	store, err := storage.Open(ctx, storage.Config{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, OnOutbox: onOutbox,
		Figures: storage.FiguresConfig{Zone: cfg.Location, Hours: cfg.WorkingHours, Weekdays: cfg.WorkingDays,
			MaxReaders: cfg.FiguresMaxReaders}}, log)
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		return nil, errors.Join(err, store.Close())
	}
	return store, nil
}
