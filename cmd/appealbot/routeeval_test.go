package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestRouteEvalPrintsItsReport: `appealbot route-eval` cross-validates a small
// labelled CSV whose columns are named by flags, and prints one JSON object
// with every figure the router is judged by, each within its range.
func TestRouteEvalPrintsItsReport(t *testing.T) {
	for _, mode := range []struct {
		name  string
		extra []string
	}{
		{"cv", []string{"--folds", "3", "--seed", "7"}},
		{"replay", []string{"--replay", "--time-col", "", "--replay-step", "9"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			args := append([]string{"route-eval", "--csv", "testdata/route-eval.csv",
				"--title-col", "主题", "--body-col", "详情", "--label-col", "承办单位"}, mode.extra...)
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), args, envFunc(nil), &stdout, &stderr); err != nil {
				t.Fatalf("route-eval: %v\n%s", err, stderr.String())
			}
			if n := strings.Count(stdout.String(), "\n"); n != 1 {
				t.Fatalf("want one line of JSON, got %d: %s", n, stdout.String())
			}
			var rep map[string]any
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatalf("not JSON: %v: %s", err, stdout.String())
			}
			if rep["mode"] != mode.name {
				t.Errorf("mode = %v, want %s", rep["mode"], mode.name)
			}
			unit := func(key string, v any) {
				f, ok := v.(float64)
				if !ok || f < 0 || f > 1 {
					t.Errorf("%s = %v, want a number in [0, 1]", key, v)
				}
			}
			for _, k := range []string{"accuracy", "macro_f1", "top2_accuracy", "coverage_at_precision_097", "precision_at_threshold_097"} {
				unit(k, rep[k])
			}
			if rep["top2_accuracy"].(float64) < rep["accuracy"].(float64) {
				t.Errorf("top-2 accuracy %v below accuracy %v", rep["top2_accuracy"], rep["accuracy"])
			}
			if th := rep["threshold_for_precision_097"]; th != nil {
				unit("threshold_for_precision_097", th)
			}
			perClass, _ := rep["per_class_f1"].(map[string]any)
			if len(perClass) != 3 {
				t.Errorf("per_class_f1 = %v, want the three departments", rep["per_class_f1"])
			}
			for k, v := range perClass {
				unit("per_class_f1."+k, v)
			}
			cov, _ := rep["precision_at_coverage"].(map[string]any)
			for _, k := range []string{"50", "60", "70", "80", "90"} {
				if _, ok := cov[k]; !ok {
					t.Errorf("precision_at_coverage has no %s: %v", k, cov)
				}
			}
			for k, v := range cov {
				unit("precision_at_coverage."+k, v)
			}
			for _, k := range []string{"train_seconds", "predict_p50_ms", "predict_p99_ms"} {
				if f, ok := rep[k].(float64); !ok || f < 0 {
					t.Errorf("%s = %v, want a duration", k, rep[k])
				}
			}
			if rep["predict_p99_ms"].(float64) < rep["predict_p50_ms"].(float64) {
				t.Errorf("p99 %v below p50 %v", rep["predict_p99_ms"], rep["predict_p50_ms"])
			}
			if b, ok := rep["model_bytes"].(float64); !ok || b <= 0 {
				t.Errorf("model_bytes = %v, want a size", rep["model_bytes"])
			}
			if rep["examples"] != 36.0 {
				t.Errorf("examples = %v, want the fixture's 36 rows", rep["examples"])
			}
		})
	}
}

// TestRouteEvalRefusesBadFlags: a missing file or column is an error that
// names it, not an empty report.
func TestRouteEvalRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"route-eval"}, "--csv is required"},
		{[]string{"route-eval", "--csv", "testdata/none.csv"}, "none.csv"},
		{[]string{"route-eval", "--csv", "testdata/route-eval.csv"}, "title"},
		{[]string{"route-eval", "--csv", "testdata/route-eval.csv", "--title-col", "主题", "--body-col", "详情", "--label-col", "承办单位", "--folds", "1"}, "--folds"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), tc.args, envFunc(nil), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one naming %q", tc.args, err, tc.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q printed %s", tc.args, stdout.String())
		}
	}
}

// TestRoutingImport: `appealbot routing-import --csv FILE` stores a CSV of
// past appeals as the router's examples in the configured store, and
// refuses a file naming a department that does not exist, storing nothing.
func TestRoutingImport(t *testing.T) {
	dir := t.TempDir()
	env := envFunc(map[string]string{"APPEALBOT_DATA_DIR": dir})
	var stdout, stderr bytes.Buffer
	args := []string{"routing-import", "--csv", "testdata/route-eval.csv"}
	// The fixture's columns are not the import's: its header must name
	// title, body and department (or label).
	err := run(t.Context(), args, env, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "no department (or label) column") {
		t.Fatalf("a file without a department column: %v", err)
	}
	csvPath := filepath.Join(dir, "past.csv")
	if err := os.WriteFile(csvPath, []byte("title,body,label\n水管漏水,楼道水管漏水,water\n路灯不亮,长安街路灯坏了,roads\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = run(t.Context(), []string{"routing-import", "--csv", csvPath}, env, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), `"water"`) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("unknown departments: %v", err)
	}
	ctx := t.Context()
	store, err := storage.Open(ctx, storage.Config{DataDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"water", "roads"} {
		if _, err := store.SaveDepartment(ctx, appeal.Department{Code: d, Name: d, Timezone: "Asia/Shanghai", SLA: appeal.DefaultPolicy, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if err := run(t.Context(), []string{"routing-import", "--csv=" + csvPath}, env, &stdout, &stderr); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "imported 2 examples") {
		t.Errorf("stdout: %s", stdout.String())
	}
	store, err = storage.Open(ctx, storage.Config{DataDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ex, err := store.RoutingExamples(ctx, 10)
	if err != nil || len(ex) != 2 || ex[1].Department != "water" {
		t.Errorf("stored examples %+v %v", ex, err)
	}
}
