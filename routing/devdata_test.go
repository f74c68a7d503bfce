package routing

import (
	"bytes"
	"encoding/csv"
	"os"
	"testing"

	"github.com/appealbot/appealbot/routing/internal/devdata"
)

// devData reads the labelled development set (see package devdata), or skips.
func devData(t testing.TB) []Example {
	t.Helper()
	path := devdata.Path(".")
	if path == "" {
		t.Skip(devdata.SkipMessage)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var ex []Example
	for _, r := range recs[1:] {
		ex = append(ex, Example{Title: r[col["title"]], Body: r[col["body"]], Label: r[col["label"]]})
	}
	return ex
}
