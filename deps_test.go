// Package appealbot_test keeps the module's boundaries: which packages may
// link a chat protocol, an SQL driver or the plotting library, that the
// deployed binary links no test helper, and that only cmd reads the wall
// clock.
package appealbot_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/appealbot/appealbot"

// pkg is a package as go list sees it.
type pkg struct {
	importPath string
	module     string // "" for the standard library
	dir        string
	goFiles    []string
	imports    []string
	deps       []string // every package it links, transitively
}

// rel is the package's path inside the module ("" for its root).
func (p *pkg) rel() string {
	return strings.TrimPrefix(strings.TrimPrefix(p.importPath, module), "/")
}

// listPackages returns every package of the module and every package they
// link, by import path; ours lists the module's own, sorted.
func listPackages(t *testing.T) (all map[string]*pkg, ours []*pkg) {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to read the packages' dependencies: %v", err)
	}
	const format = "{{.ImportPath}}\t{{with .Module}}{{.Path}}{{end}}\t{{.Dir}}\t" +
		`{{join .GoFiles " "}}` + "\t" + `{{join .Imports " "}}` + "\t" + `{{join .Deps " "}}`
	cmd := exec.Command(goCmd, "list", "-deps", "-f", format, "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	all = map[string]*pkg{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			t.Fatalf("go list printed %q", line)
		}
		p := &pkg{importPath: f[0], module: f[1], dir: f[2], goFiles: strings.Fields(f[3]),
			imports: strings.Fields(f[4]), deps: strings.Fields(f[5])}
		all[p.importPath] = p
		if p.module == module {
			ours = append(ours, p)
		}
	}
	slices.SortFunc(ours, func(a, b *pkg) int { return strings.Compare(a.importPath, b.importPath) })
	if len(ours) < 10 {
		t.Fatalf("go list found only %d packages of the module", len(ours))
	}
	return all, ours
}

// under reports whether rel is one of the trees named (a package path and
// every package below it).
func under(rel string, trees ...string) bool {
	for _, tree := range trees {
		if rel == tree || strings.HasPrefix(rel, tree+"/") {
			return true
		}
	}
	return false
}

// testHelper reports whether the package, or one it lies below, is a test
// helper (storage/storagetest, bot/botapitest, bot/matrix/matrixtest/...):
// such packages serve tests and tools and are never linked into the
// deployed binary (see TestDeployedBinaryLinksNoTestHelper).
func testHelper(rel string) bool {
	for _, elem := range strings.Split(rel, "/") {
		if strings.HasSuffix(elem, "test") {
			return true
		}
	}
	return false
}

// TestDependencyBoundaries: chat protocols stay in bot and cmd, SQL drivers
// in storage, the plotting library in the chart code. Each package that
// breaks a rule is reported once per dependency, with the imports that
// bring the dependency in.
func TestDependencyBoundaries(t *testing.T) {
	all, ours := listPackages(t)
	rules := []struct {
		modules []string // module paths; a prefix matches every module below
		allowed func(rel string) bool
		who     string
	}{
		{
			modules: []string{"github.com/mymmrac/telego", "maunium.net/go/mautrix"},
			allowed: func(rel string) bool { return under(rel, "bot", "cmd") },
			who:     "bot/... and cmd/...",
		},
		{
			modules: []string{"github.com/lib/pq", "github.com/jmoiron/sqlx", "modernc.org/sqlite"},
			allowed: func(rel string) bool { return under(rel, "storage", "cmd") || testHelper(rel) },
			who:     "storage, cmd/... and test helpers",
		},
		{
			modules: []string{"gonum.org/"},
			allowed: func(rel string) bool { return strings.Contains(rel, "chart") || under(rel, "cmd") },
			who:     "the chart packages and cmd/...",
		},
	}
	// forbidden returns the rule's module that the package at importPath
	// belongs to, if any.
	forbidden := func(modules []string, importPath string) string {
		p := all[importPath]
		if p == nil {
			return ""
		}
		for _, m := range modules {
			if p.module == m || strings.HasSuffix(m, "/") && strings.HasPrefix(p.module, m) {
				return p.module
			}
		}
		return ""
	}
	for _, p := range ours {
		for _, r := range rules {
			if r.allowed(p.rel()) {
				continue
			}
			found := map[string]bool{}
			for _, d := range p.deps {
				if m := forbidden(r.modules, d); m != "" {
					found[m] = true
				}
			}
			for _, m := range slices.Sorted(func(yield func(string) bool) {
				for m := range found {
					if !yield(m) {
						return
					}
				}
			}) {
				t.Errorf("%s links %s (through %s); only %s may", p.rel(), m, strings.Join(through(all, p, m), ", "), r.who)
			}
		}
	}
}

// through lists p's direct imports that are in module m or link a package
// of it, shortened to the module's own paths where they are ours.
func through(all map[string]*pkg, p *pkg, m string) []string {
	var via []string
	for _, imp := range p.imports {
		q := all[imp]
		if q == nil {
			continue
		}
		brings := q.module == m || slices.ContainsFunc(q.deps, func(d string) bool {
			dp := all[d]
			return dp != nil && dp.module == m
		})
		if brings {
			via = append(via, strings.TrimPrefix(imp, module+"/"))
		}
	}
	return via
}

// TestDeployedBinaryLinksNoTestHelper: the load tests and the fake chat
// servers stay out of what is deployed.
func TestDeployedBinaryLinksNoTestHelper(t *testing.T) {
	all, _ := listPackages(t)
	bin := all[module+"/cmd/appealbot"]
	if bin == nil {
		t.Fatal("go list did not list cmd/appealbot")
	}
	for _, d := range bin.deps {
		rel, ours := strings.CutPrefix(d, module+"/")
		if ours && testHelper(rel) || d == "net/http/httptest" || d == "testing" {
			t.Errorf("cmd/appealbot links %s", d)
		}
	}
}

// TestOnlyCmdReadsTheWallClock: below cmd, time is a parameter (a clock
// given by serve, a fake one in tests), so no library package calls
// time.Now, time.Since or time.Until outside its tests. Test helpers are
// exempt.
func TestOnlyCmdReadsTheWallClock(t *testing.T) {
	_, ours := listPackages(t)
	fset := token.NewFileSet()
	for _, p := range ours {
		if under(p.rel(), "cmd") || testHelper(p.rel()) {
			continue
		}
		for _, name := range p.goFiles {
			file := filepath.Join(p.dir, name)
			f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, at := range wallClockCalls(f) {
				pos := fset.Position(at)
				t.Errorf("%s:%d: reads the wall clock; take a clock instead", path.Join(p.rel(), name), pos.Line)
			}
		}
	}
}

// wallClockCalls returns where f calls time.Now, time.Since or time.Until.
func wallClockCalls(f *ast.File) []token.Pos {
	name := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
			name = "time"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	if name == "" || name == "_" {
		return nil
	}
	var at []token.Pos
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == name && slices.Contains([]string{"Now", "Since", "Until"}, sel.Sel.Name) {
			at = append(at, call.Pos())
		}
		return true
	})
	return at
}
