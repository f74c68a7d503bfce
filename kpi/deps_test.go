package kpi

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports: the figures are a pure computation: the package imports
// the domain and the standard library, and nothing that speaks SQL, HTTP
// or a chat protocol.
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			third := strings.Contains(strings.Split(p, "/")[0], ".")
			if third && p != "github.com/appealbot/appealbot/appeal" || strings.HasPrefix(p, "database/") || strings.HasPrefix(p, "net") {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}
