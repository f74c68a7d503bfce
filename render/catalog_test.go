package render

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
)

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// TestCatalog: every message exists in every language, with the same
// placeholders, as valid HTML. (That help texts are plain text for menus
// is TestHelpTextsArePlain's, in package commands.)
func TestCatalog(t *testing.T) {
	for k, v := range catalog {
		if strings.TrimSpace(v.zh) == "" || strings.TrimSpace(v.en) == "" {
			t.Errorf("%s: missing a language: %+v", k, v)
			continue
		}
		pz, pe := placeholder.FindAllString(v.zh, -1), placeholder.FindAllString(v.en, -1)
		slices.Sort(pz)
		slices.Sort(pe)
		if !slices.Equal(slices.Compact(pz), slices.Compact(pe)) {
			t.Errorf("%s: placeholders differ: zh %v, en %v", k, pz, pe)
		}
		for _, s := range []string{v.zh, v.en} {
			if err := ValidHTML(placeholder.ReplaceAllString(s, "x")); err != nil {
				t.Errorf("%s: %v in %q", k, err, s)
			}
		}
		if v.zh == v.en && !regexp.MustCompile(`^[{}a-z ]*$`).MatchString(v.en) {
			t.Errorf("%s: Chinese text is the English one: %q", k, v.zh)
		}
	}
}

// TestCatalogKeys reads the source of this package and of commands, which
// renders its replies from the catalogue: every Key constant has a
// catalogue entry, no entry lacks a constant, and no call passes a string
// literal where a Key belongs (it would bypass the catalogue).
func TestCatalogKeys(t *testing.T) {
	fset := token.NewFileSet()
	var files []string
	for _, dir := range []string{".", "../commands"} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(fs) == 0 {
			t.Fatalf("source of %s: %v", dir, err)
		}
		files = append(files, fs...)
	}
	// isKey reports whether a parameter's type is Key, here or as
	// render.Key.
	isKey := func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.Ident:
			return e.Name == "Key"
		case *ast.SelectorExpr:
			x, ok := e.X.(*ast.Ident)
			return ok && x.Name == "render" && e.Sel.Name == "Key"
		}
		return false
	}
	consts := map[Key]string{}
	keyFuncs := map[string]int{} // function name → index of its Key parameter
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				if d.Tok != token.CONST {
					continue
				}
				for _, s := range d.Specs {
					vs := s.(*ast.ValueSpec)
					if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Key" {
						continue
					}
					for i, n := range vs.Names {
						v, err := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
						if err != nil {
							t.Fatal(err)
						}
						if prev, dup := consts[Key(v)]; dup {
							t.Errorf("key %q is both %s and %s", v, prev, n.Name)
						}
						consts[Key(v)] = n.Name
					}
				}
			case *ast.FuncDecl:
				i := 0
				for _, p := range d.Type.Params.List {
					n := max(len(p.Names), 1)
					if isKey(p.Type) {
						keyFuncs[d.Name.Name] = i
					}
					i += n
				}
			}
		}
	}
	for k, name := range consts {
		if _, ok := catalog[k]; !ok {
			t.Errorf("%s (%q) has no catalogue entry", name, k)
		}
	}
	for k := range catalog {
		if _, ok := consts[k]; !ok {
			t.Errorf("catalogue entry %q has no constant", k)
		}
	}
	if len(keyFuncs) < 3 {
		t.Fatalf("found only %v taking a Key", keyFuncs)
	}
	for _, f := range parsed {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			}
			if i, ok := keyFuncs[name]; ok && i < len(call.Args) {
				if lit, ok := call.Args[i].(*ast.BasicLit); ok {
					t.Errorf("%s: %s(%s): a literal where a Key constant belongs", fset.Position(lit.Pos()), name, lit.Value)
				}
			}
			return true
		})
	}
}

// TestEveryTextWithCounts renders every catalogue entry with each of its
// placeholders 0, 1 and 2, in both languages: English nouns follow the
// count ("1 holiday", "2 holidays", "(1 case)"), nothing of the plural
// syntax is left over, and no text doubles its quotes.
func TestEveryTextWithCounts(t *testing.T) {
	names := regexp.MustCompile(`\{([a-z0-9]+)(?::[^}]*)?\}`)
	doubled := regexp.MustCompile(`[“”"]{2}|[‘’']{2}|[“"]\s*[“"]|[”"]\s*[”"]`)
	// A count, the words that may come between it and its noun ("2 new
	// appeals", "1 more department", "2 holiday days"), and the word after
	// them.
	counted := regexp.MustCompile(`\b([012])((?: (?:new|more|make-up|working|holiday)\b)*) ([a-z]+)\b`)
	nouns := map[string]bool{}
	for _, n := range strings.Fields("appeal day holiday case hour minute department character year message") {
		nouns[n], nouns[n+"s"] = true, false
	}
	// agree returns the first noun that does not agree with its count.
	agree := func(out string) string {
		for _, m := range counted.FindAllStringSubmatch(strings.ToLower(out), -1) {
			if singular, ok := nouns[m[3]]; ok && singular != (m[1] == "1") {
				return m[0]
			}
		}
		return ""
	}
	for k, v := range catalog {
		for _, n := range []int{0, 1, 2} {
			args := Args{}
			for _, m := range names.FindAllStringSubmatch(v.zh+v.en, -1) {
				args[m[1]] = n
			}
			for _, lang := range Languages {
				out := Plain(Text(lang, k, args))
				if strings.ContainsAny(out, "{}") {
					t.Errorf("%s (%s, %d): placeholder syntax left in %q", k, lang, n, out)
				}
				if m := doubled.FindString(out); m != "" {
					t.Errorf("%s (%s, %d): doubled quotes %q in %q", k, lang, n, m, out)
				}
				if m := agree(out); lang == LangEN && m != "" {
					t.Errorf("%s: %q in %q", k, m, out)
				}
			}
		}
	}
}

// TestRoleListsReadAsEnglish: a list of roles ends with "and" in English
// ("responders, leaders, dispatchers and admins"), with 、 in Chinese.
func TestRoleListsReadAsEnglish(t *testing.T) {
	all := []appeal.Role{appeal.RoleResponder, appeal.RoleLeader, appeal.RoleDispatcher, appeal.RoleAdmin}
	for _, c := range []struct {
		roles  []appeal.Role
		en, zh string
	}{
		{all, "responders, leaders, dispatchers and admins", "承办人、负责人、调度员、管理员"},
		{all[2:], "dispatchers and admins", "调度员、管理员"},
		{all[3:], "admins", "管理员"},
	} {
		if got := RolesText(LangEN, c.roles); got != c.en {
			t.Errorf("RolesText(en, %v) = %q, want %q", c.roles, got, c.en)
		}
		if got := RolesText(LangZH, c.roles); got != c.zh {
			t.Errorf("RolesText(zh, %v) = %q, want %q", c.roles, got, c.zh)
		}
	}
}
