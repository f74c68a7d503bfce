package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestBench runs a small bench on each store and checks the result line;
// latencies are not judged here (shared machines are noisy).
func TestBench(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			args := []string{"bench", "--appeals", "300", "--departments", "10", "--trickle-appeals", "20",
				"--burst-window", "3s", "--concurrency", "16", "--drain-timeout", "20s"}
			if backend == "postgres" {
				args = append(args, "--database-url", storagetest.PostgresURL(t))
			}
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), args, &stdout, &stderr); err != nil {
				t.Fatalf("bench: %v\n%s", err, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			last := lines[len(lines)-1]
			var got map[string]any
			if err := json.Unmarshal([]byte(last), &got); err != nil {
				t.Fatalf("last line is not JSON: %v\n%s", err, last)
			}
			typ := reflect.TypeFor[benchResult]()
			for i := range typ.NumField() {
				name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
				if _, ok := got[name]; !ok {
					t.Errorf("field %s missing from %s", name, last)
				}
			}
			var res benchResult
			if err := json.Unmarshal([]byte(last), &res); err != nil {
				t.Fatal(err)
			}
			if res.Store != backend || res.Appeals != 300 || res.Delivered != 300 || res.Lost != 0 ||
				res.Duplicates != 0 || res.HTTP429 != 0 || res.IntakeErrors != 0 || res.TrickleLost != 0 ||
				res.MessagesSent == 0 {
				t.Errorf("result: %s\n%s", last, stderr.String())
			}
		})
	}
}

func TestBenchFlags(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"bench", "-h"}, &bytes.Buffer{}, &stderr)
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "-drain-timeout") {
		t.Fatalf("help: %v\n%s", err, stderr.String())
	}
	err = run(t.Context(), []string{"bench", "--appeals", "0", "--hot", "99", "--database-url", "mysql://x", "--chat-tolerance", "1s"},
		&bytes.Buffer{}, &bytes.Buffer{})
	if exitCode(err, &bytes.Buffer{}) != 2 {
		t.Fatalf("bad flags: want exit 2, got %v", err)
	}
	for _, want := range []string{"--appeals", "--hot", "--database-url", "--chat-tolerance"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}
