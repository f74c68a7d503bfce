package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/dispatch"
)

// examples imports past appeals into the router, checking their
// departments in the store.
type examples struct {
	router *dispatch.Router
	depts  dispatch.Departments
}

func (e *examples) Import(ctx context.Context, ex []appeal.RoutingExample) (int, error) {
	return e.router.Import(ctx, e.depts, ex)
}

// routingImport is `appealbot routing-import --csv FILE [settings]`: it
// stores the file's past appeals as examples for the learned router, which
// the running bot's trainer learns from at its next look.
func routingImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	// --csv is this command's own; the rest are the usual settings (the
	// database above all).
	var path string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--csv" || a == "-csv":
			if i+1 >= len(args) {
				return UsageError{errors.New("routing-import: --csv needs a file")}
			}
			path = args[i+1]
			i++
		case strings.HasPrefix(a, "--csv=") || strings.HasPrefix(a, "-csv="):
			_, path, _ = strings.Cut(a, "=")
		default:
			rest = append(rest, a)
		}
	}
	cfg, err := ParseConfig("routing-import", rest, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stderr, "\nusage: appealbot routing-import --csv FILE [settings]\n\n"+
			"Stores a CSV of past appeals (header row: title, body, department or label, and\n"+
			"optionally category and location) for the department router to learn from.")
		return err
	}
	if err != nil {
		return UsageError{fmt.Errorf("configuration:\n%w", err)}
	}
	if path == "" {
		return UsageError{errors.New("routing-import: --csv FILE is required")}
	}
	log := newLogger(cfg, stderr)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("routing-import: %w", err)
	}
	defer f.Close()
	ex, err := dispatch.ReadExamples(f, true)
	if err != nil {
		return fmt.Errorf("routing-import: %s: %w", path, err)
	}
	store, err := openStore(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	r := dispatch.New(store, dispatch.Config{}, time.Now, slog.New(slog.DiscardHandler))
	n, err := r.Import(ctx, store, ex)
	if err != nil {
		return fmt.Errorf("routing-import: %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "imported %d examples; the router learns from them within APPEALBOT_ROUTER_INTERVAL\n", n)
	return nil
}
