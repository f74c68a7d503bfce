package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestBenchExport runs a small export benchmark on each store and checks
// that every loaded appeal came out; times and memory are not judged.
func TestBenchExport(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			args := []string{"bench-export", "--appeals", "2500", "--departments", "3", "--batch", "1000"}
			if backend == "postgres" {
				args = append(args, "--database-url", storagetest.PostgresURL(t))
			}
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), args, &stdout, &stderr); err != nil {
				t.Fatalf("bench-export: %v\n%s", err, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			var res benchExportResult
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
				t.Fatalf("last line is not JSON: %v\n%s", err, stdout.String())
			}
			if res.Store != backend || res.Appeals != 2500 || res.Rows != 2500 || res.MB <= 0 || res.PeakHeapMB <= 0 {
				t.Errorf("result: %+v\n%s", res, stderr.String())
			}
		})
	}
}

func TestBenchExportFlags(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"bench-export", "-h"}, &bytes.Buffer{}, &stderr)
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "-appeals") {
		t.Fatalf("help: %v\n%s", err, stderr.String())
	}
	err = run(t.Context(), []string{"bench-export", "--appeals", "0", "--departments", "0", "--database-url", "mysql://x"},
		&bytes.Buffer{}, &bytes.Buffer{})
	if exitCode(err, &bytes.Buffer{}) != 2 {
		t.Fatalf("bad flags: want exit 2, got %v", err)
	}
	for _, want := range []string{"--appeals", "--departments", "--database-url"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}
