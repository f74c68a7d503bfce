// Command appealbot runs the appeal bot: the intake API, the chat bot and
// its schedules. See the README for settings.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/appealbot/appealbot/cmd/internal/app"
	"github.com/appealbot/appealbot/routing/eval"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr), os.Stderr))
}

func exitCode(err error, stderr io.Writer) int { return app.ExitCode("appealbot", err, stderr) }

const usage = `usage: appealbot [command] [flags]

commands:
  serve       run the bot and its HTTP API (default)
  migrate     apply database migrations (and build the kept figures) and exit
  figures-check [-from YYYY-MM-DD] [-to YYYY-MM-DD] [-rebuild]
              compare the kept figures of the period (default the last 30
              days) with a recomputation from the event log; -rebuild builds
              them again from the log first
  route-eval  measure the department router on a labelled CSV of past
              appeals and print one JSON object ("appealbot route-eval -h")
  routing-import --csv FILE
              store past appeals (title, body, department) for the router
              to learn from before the centre has a history of its own
  version     print the version

Run "appealbot serve -h" for the settings. The load tests are a separate
program, appealbench.
`

// run is the whole program: it picks the command and leaves the rest to
// app.Run, which builds every component and owns the signals and the
// shutdown order.
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
	case "route-eval":
		// It reads a file and prints one JSON object: no settings, no store.
		return eval.Main(args, stdout, stderr, time.Now)
	case "serve", "migrate", "figures-check", "routing-import":
		return app.Run(ctx, cmd, version, args, getenv, stdout, stderr)
	default:
		fmt.Fprint(stderr, usage)
		return app.UsageError{Err: fmt.Errorf("unknown command %q", cmd)}
	}
}
