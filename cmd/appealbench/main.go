// Command appealbench load-tests appealbot: `bench` runs the real serve in
// this process against a Telegram-like test server and measures delivery,
// `bench-export` measures the CSV export of a million appeals,
// `bench-figures` the figures of a year of a city's appeals. It is kept
// apart from the deployed binary, which links no test server. See
// BENCHMARKS.md for the figures.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/appealbot/appealbot/cmd/internal/app"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

func exitCode(err error, stderr io.Writer) int { return app.ExitCode("appealbench", err, stderr) }

const usage = `usage: appealbench command [flags]

commands:
  bench     load-test the whole bot in-process against a Telegram-like server
  bench-export
            measure the CSV export of a million appeals (time and memory)
  bench-figures
            bulk-load realistic histories and time the figures (GET
            /api/v1/stats) and the first /metrics scrape

Run "appealbench bench -h" for a command's flags.
`

// run picks the benchmark; each prints its progress to stderr and one JSON
// object with the results as the last line of stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := ""
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "bench":
		return runBench(ctx, args, stdout, stderr)
	case "bench-export":
		return runBenchExport(ctx, args, stdout, stderr)
	case "bench-figures":
		return runBenchFigures(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		if cmd == "" {
			return app.UsageError{Err: fmt.Errorf("no command")}
		}
		return app.UsageError{Err: fmt.Errorf("unknown command %q", cmd)}
	}
}
