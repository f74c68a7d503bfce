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
	"syscall"
	"time"

	"github.com/appealbot/appealbot/api"
	"github.com/appealbot/appealbot/appeal"
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
	return serve(ctx, cfg, store, log)
}

// serve runs the API until ctx ends, then shuts down in order: stop taking
// requests, let those in flight finish, and return so the store closes.
func serve(ctx context.Context, cfg config, store *storage.Store, log *slog.Logger) error {
	svc := appeal.NewService(store, time.Now, cfg.Timezone)
	handler := api.New(svc, store, api.Options{Tokens: cfg.APITokens, Log: log})
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
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("http: listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("http: shutdown", "err", err)
	}
	<-errc
	log.Info("stopped")
	return nil
}
