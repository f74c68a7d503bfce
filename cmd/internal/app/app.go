// Package app is the appealbot program below its main package: it parses
// the settings, builds every component and runs `serve` or `migrate`,
// owning the signals and the shutdown order. cmd/appealbot is the deployed
// binary around it; cmd/appealbench runs the same serve in its own process
// to load-test it.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // departments name IANA zones; containers may have none
)

// UsageError is a mistake in how a command was called: exit status 2.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// ExitCode reports err on stderr after the program's name and returns the
// exit status: 0 for no error or a request for help, 2 for a UsageError,
// else 1.
func ExitCode(program string, err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, program+":", err)
	var ue UsageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// Run is `appealbot serve`, `appealbot migrate` or `appealbot
// figures-check` or `appealbot routing-import` (command) with the
// command line args and the environment getenv: it parses the settings,
// opens and migrates the store, and for serve runs until ctx ends or
// SIGINT or SIGTERM arrives.
func Run(ctx context.Context, command, version string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if command == "routing-import" {
		return routingImport(ctx, args, getenv, stdout, stderr)
	}
	var from, to string
	var rebuild bool
	if command == "figures-check" {
		var err error
		if from, to, rebuild, args, err = splitCheckFlags(args); err != nil {
			return UsageError{err}
		}
	}
	cfg, err := ParseConfig(command, args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return UsageError{fmt.Errorf("configuration:\n%w", err)}
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch command {
	case "migrate":
		return migrate(ctx, cfg, log)
	case "figures-check":
		c, err := parseCheckPeriod(from, to, time.Now(), cfg.Location)
		if err != nil {
			return UsageError{err}
		}
		c.Rebuild = rebuild
		return checkFigures(ctx, cfg, c, stdout, log)
	}
	return serve(ctx, cfg, version, stdout, log)
}

// migrate applies the migrations and closes the store.
func migrate(ctx context.Context, cfg Config, log *slog.Logger) error {
	store, err := openStore(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	log.Info("migrations applied", "store", store.Driver())
	return store.Close()
}
