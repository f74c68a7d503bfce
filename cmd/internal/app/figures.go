package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
)

// FiguresCheck is what `appealbot figures-check` compares: the period
// [From, To) in the deployment's zone, and whether to build the kept
// figures again from the log first.
type FiguresCheck struct {
	From, To time.Time
	Rebuild  bool
}

// splitCheckFlags takes figures-check's own flags (-from, -to as
// YYYY-MM-DD, -rebuild) out of args and returns the rest (the settings).
func splitCheckFlags(args []string) (from, to string, rebuild bool, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			rest = append(rest, a)
			continue
		}
		switch name {
		case "rebuild":
			rebuild = !hasVal || val == "true"
			continue
		case "from", "to":
			if !hasVal {
				if i+1 >= len(args) {
					return "", "", false, nil, fmt.Errorf("-%s needs a date (YYYY-MM-DD)", name)
				}
				i++
				val = args[i]
			}
			if name == "from" {
				from = val
			} else {
				to = val
			}
			continue
		}
		rest = append(rest, a)
	}
	return from, to, rebuild, rest, nil
}

// parseCheckPeriod reads -from and -to as dates in loc (to included);
// the defaults are the 30 days up to today.
func parseCheckPeriod(from, to string, now time.Time, loc *time.Location) (FiguresCheck, error) {
	y, m, d := now.In(loc).Date()
	c := FiguresCheck{To: time.Date(y, m, d+1, 0, 0, 0, 0, loc)}
	c.From = c.To.AddDate(0, 0, -30)
	if to != "" {
		t, err := time.ParseInLocation("2006-01-02", to, loc)
		if err != nil {
			return c, fmt.Errorf("-to %q: want a date YYYY-MM-DD", to)
		}
		c.To = t.AddDate(0, 0, 1)
	}
	if from != "" {
		t, err := time.ParseInLocation("2006-01-02", from, loc)
		if err != nil {
			return c, fmt.Errorf("-from %q: want a date YYYY-MM-DD", from)
		}
		c.From = t
	}
	if !c.From.Before(c.To) {
		return c, errors.New("-from must not be after -to")
	}
	return c, nil
}

// checkFigures compares the figures of the period read from the kept sums
// with those computed from the event log and prints the differences; an
// error when there are any. The recomputation reads the log of the
// appeals active in the period into memory: check a month at a time on a
// large deployment.
func checkFigures(ctx context.Context, cfg Config, c FiguresCheck, stdout io.Writer, log *slog.Logger) error {
	store, err := openStore(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	if c.Rebuild {
		log.Info("building the figures again from the log")
		if err := store.RebuildFigures(ctx); err != nil {
			return err
		}
	}
	now := time.Now()
	cals := appeal.Calendars{Hours: cfg.WorkingHours, Weekdays: cfg.WorkingDays, Days: store}
	started := time.Now()
	got, err := kpi.Load(ctx, store, c.From, c.To, now, cfg.KPIWeights, "")
	if err != nil {
		return err
	}
	fromSums := time.Since(started)
	started = time.Now()
	want, err := kpi.LoadFromLog(ctx, store, cals, c.From, c.To, now, cfg.KPIWeights, "")
	if err != nil {
		return err
	}
	fromLog := time.Since(started)
	diffs := kpi.Differences(got, want)
	fmt.Fprintf(stdout, "figures of %s to %s (%s), %d departments: from the sums in %v, from the log in %v\n",
		c.From.Format("2006-01-02"), c.To.AddDate(0, 0, -1).Format("2006-01-02"), c.From.Location(),
		len(want.Departments), fromSums.Round(time.Millisecond), fromLog.Round(time.Millisecond))
	if len(diffs) == 0 {
		fmt.Fprintln(stdout, "no differences")
		return nil
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, d)
	}
	return fmt.Errorf("figures-check: %d differences between the kept figures and the log (appealbot figures-check -rebuild builds them again)", len(diffs))
}
