// Package eval measures how well the routing model suggests departments, on a labelled
// CSV of appeals: stratified k-fold cross-validation, or a replay in time order that
// learns only from earlier appeals, as the product does. It prints one JSON object.
package eval

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/appealbot/appealbot/routing"
)

// Report is the JSON object that Main prints.
type Report struct {
	Mode string `json:"mode"` // "cv" or "replay"
	quality
	// TrainSeconds is the mean time to train one model; TrainExamples the mean number
	// of examples it was trained on; Models how many were trained.
	TrainSeconds  float64 `json:"train_seconds"`
	TrainExamples int     `json:"train_examples"`
	Models        int     `json:"models"`
	// ModelBytes is the largest in-memory size of a trained model.
	ModelBytes int `json:"model_bytes"`
	// Examples are the labelled rows read, Skipped the rows without a label, Predicted
	// the rows scored (in a replay, all but the first step).
	Examples   int    `json:"examples"`
	Skipped    int    `json:"skipped"`
	Predicted  int    `json:"predicted"`
	Folds      int    `json:"folds"`
	ReplayStep int    `json:"replay_step,omitempty"`
	Seed       uint64 `json:"seed"`
}

// cst is the local time of the message boards' timestamps (UTC+8); only their order matters.
var cst = time.FixedZone("UTC+8", 8*3600)

// Main runs `route-eval`. now is the clock that training and prediction times are
// read from.
func Main(args []string, stdout, stderr io.Writer, now func() time.Time) error {
	fs := flag.NewFlagSet("route-eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: route-eval --csv FILE [flags]\n\n"+
			"Cross-validates the department classifier on a labelled CSV (RFC 4180, header row,\n"+
			"UTF-8 with or without BOM) and prints one JSON object.\n\n")
		fs.PrintDefaults()
	}
	path := fs.String("csv", "", "labelled appeals (required)")
	var cols columns
	fs.StringVar(&cols.title, "title-col", "title", "column of the title (empty: none)")
	fs.StringVar(&cols.body, "body-col", "body", "column of the body (empty: none)")
	fs.StringVar(&cols.label, "label-col", "label", "column of the department")
	fs.StringVar(&cols.category, "category-col", "", "column of an upstream category, used as a feature (optional)")
	fs.StringVar(&cols.location, "location-col", "", "column of the location, used as a feature (optional)")
	timeCol := fs.String("time-col", "created", "column of the creation time for --replay (RFC 3339 or YYYY/M/D H:MM:SS in UTC+8)")
	folds := fs.Int("folds", 5, "folds of the stratified cross-validation")
	seed := fs.Uint64("seed", 1, "seed of the folds and of training")
	replay := fs.Bool("replay", false, "replay in time order, predicting each step of rows from a model trained on all earlier rows")
	step := fs.Int("replay-step", 0, "rows per replay step (default: a twentieth of the rows)")
	trainRows := fs.Int("train-rows", 0, "train each fold's model on a stratified sample of this many of its training rows, for learning curves (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		fs.Usage()
		return errors.New("route-eval: --csv is required")
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("route-eval: unexpected arguments %q", fs.Args())
	}
	if *replay {
		cols.time = *timeCol
	} else if *folds < 2 {
		return fmt.Errorf("route-eval: --folds %d: need at least 2", *folds)
	}
	f, err := os.Open(*path)
	if err != nil {
		return fmt.Errorf("route-eval: %w", err)
	}
	rows, skipped, err := readCSV(f, cols, cst)
	_ = f.Close()
	if err != nil {
		return fmt.Errorf("route-eval: %s: %w", *path, err)
	}
	opts := routing.Options{Seed: *seed}
	var rep Report
	if *replay {
		rep, err = replayRun(rows, *step, opts, now)
	} else {
		rep, err = crossValidate(rows, *folds, *trainRows, opts, now)
	}
	if err != nil {
		return fmt.Errorf("route-eval: %w", err)
	}
	rep.Examples, rep.Skipped, rep.Seed = len(rows), skipped, *seed
	enc := json.NewEncoder(stdout)
	return enc.Encode(rep)
}

// trainer trains models and scores held-out rows, keeping the timings.
type trainer struct {
	now      func() time.Time
	opts     routing.Options
	out      []outcome
	trainSec float64
	trained  int
	models   int
	maxBytes int
}

func (t *trainer) train(ex []routing.Example) (*routing.Model, error) {
	start := t.now()
	m, err := routing.Train(ex, t.opts)
	if err != nil {
		return nil, err
	}
	t.trainSec += t.now().Sub(start).Seconds()
	t.trained += len(ex)
	t.models++
	t.maxBytes = max(t.maxBytes, m.Size())
	return m, nil
}

func (t *trainer) score(m *routing.Model, rows []row) {
	for _, r := range rows {
		start := t.now()
		s := m.Predict(r.ex.Input())
		o := outcome{truth: r.ex.Label, first: s[0].Label, confidence: s[0].Confidence, seconds: t.now().Sub(start).Seconds()}
		if len(s) > 1 {
			o.second = s[1].Label
		}
		t.out = append(t.out, o)
	}
}

func (t *trainer) report(mode string) Report {
	r := Report{Mode: mode, quality: measure(t.out), Models: t.models, ModelBytes: t.maxBytes, Predicted: len(t.out)}
	if t.models > 0 {
		r.TrainSeconds = round(t.trainSec / float64(t.models))
		r.TrainExamples = t.trained / t.models
	}
	return r
}

func crossValidate(rows []row, k, trainRows int, opts routing.Options, now func() time.Time) (Report, error) {
	labels := make([]string, len(rows))
	for i, r := range rows {
		labels[i] = r.ex.Label
	}
	fold := routing.StratifiedFolds(labels, k, opts.Seed)
	t := &trainer{now: now, opts: opts}
	for f := 0; f < k; f++ {
		var train []routing.Example
		var test []row
		for i, r := range rows {
			if fold[i] == f {
				test = append(test, r)
			} else {
				train = append(train, r.ex)
			}
		}
		if len(test) == 0 {
			continue
		}
		if trainRows > 0 && trainRows < len(train) {
			train = sample(train, trainRows, opts.Seed+uint64(f))
		}
		m, err := t.train(train)
		if err != nil {
			return Report{}, fmt.Errorf("fold %d: %w", f+1, err)
		}
		t.score(m, test)
	}
	rep := t.report("cv")
	rep.Folds = k
	return rep, nil
}

// sample returns n of the examples in their order, each label keeping its share
// (rounded down, the rest to the largest remainders), the rows chosen by seed.
func sample(ex []routing.Example, n int, seed uint64) []routing.Example {
	rng := rand.New(rand.NewPCG(seed, 0x5a))
	byLabel := map[string][]int{}
	var labels []string
	for i, e := range ex {
		if _, ok := byLabel[e.Label]; !ok {
			labels = append(labels, e.Label)
		}
		byLabel[e.Label] = append(byLabel[e.Label], i)
	}
	slices.Sort(labels)
	quota := map[string]int{}
	left := n
	for _, l := range labels {
		quota[l] = len(byLabel[l]) * n / len(ex)
		left -= quota[l]
	}
	rem := slices.Clone(labels)
	slices.SortStableFunc(rem, func(a, b string) int {
		return len(byLabel[b])*n%len(ex) - len(byLabel[a])*n%len(ex)
	})
	for i := 0; i < left; i++ {
		quota[rem[i%len(rem)]]++
	}
	var keep []int
	for _, l := range labels {
		rows := byLabel[l]
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		keep = append(keep, rows[:min(quota[l], len(rows))]...)
	}
	slices.Sort(keep)
	out := make([]routing.Example, len(keep))
	for i, r := range keep {
		out[i] = ex[r]
	}
	return out
}

func replayRun(rows []row, step int, opts routing.Options, now func() time.Time) (Report, error) {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b row) int { return a.at.Compare(b.at) })
	if step <= 0 {
		step = max(1, (len(rows)+19)/20)
	}
	t := &trainer{now: now, opts: opts}
	for lo := step; lo < len(rows); lo += step {
		train := make([]routing.Example, lo)
		for i := range train {
			train[i] = rows[i].ex
		}
		m, err := t.train(train)
		if errors.Is(err, routing.ErrTooFewLabels) {
			continue // nothing to learn from yet: these rows are not predicted
		}
		if err != nil {
			return Report{}, fmt.Errorf("replay at row %d: %w", lo, err)
		}
		t.score(m, rows[lo:min(lo+step, len(rows))])
	}
	rep := t.report("replay")
	rep.ReplayStep = step
	return rep, nil
}
