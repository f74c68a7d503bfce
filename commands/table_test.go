package commands

import (
	"slices"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
)

// TestHelpTextsArePlain: the help texts of the table are plain text in
// every language, for the networks' command menus (a placeholder would be
// reported by TestMain).
func TestHelpTextsArePlain(t *testing.T) {
	for _, r := range table() {
		for _, k := range []render.Key{r.help, r.menu} {
			if k == "" {
				continue
			}
			for _, l := range render.Languages {
				if s := tr(l, k, nil); strings.ContainsAny(s, "<>&{") {
					t.Errorf("%s: help text must be plain: %q", k, s)
				}
			}
		}
	}
}

// TestHelp lists what each role may use, in each language.
func TestHelp(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	for _, lang := range render.Languages {
		e.do(rAdmin, privateChat("9006"), "lang "+lang)
		e.do(rNone, privateChat("9000"), "lang "+lang)
		rep := e.do(rAdmin, privateChat("9006"), "help")
		if err := render.Check(rep.Rendered); err != nil {
			t.Fatal(err)
		}
		adminRoles := roles{admin: true}
		for _, r := range table() {
			want := "<code>" + render.Esc(r.usage) + "</code> — " + tr(lang, r.help, nil)
			if listed := strings.Contains(rep.HTML, want); listed != (r.name != "start" && adminRoles.holdsAny(r.roles)) {
				t.Errorf("(%s) admin help lists %s: %v", lang, r.usage, listed)
			}
		}
		rep = e.do(rNone, privateChat("9000"), "help")
		if strings.Count(rep.HTML, "<code>/") != 3 || !strings.Contains(rep.HTML, tr(lang, render.MsgHelpNoRole, kv{"id": "9000"})) {
			t.Errorf("(%s) help for nobody:\n%s", lang, rep.HTML)
		}
	}
	rep := e.do(rLeader, roadsChat, "help")
	for _, cmd := range []string{"/approve ID [answer|extension|review]", "/reject ID REASON", "/claim ID", "/extend ID DURATION REASON",
		"/assign ID [DEPT|@USER]", "/reopen ID REASON"} {
		if !strings.Contains(rep.HTML, "<code>"+render.Esc(cmd)+"</code>") {
			t.Errorf("leader help lacks %s", cmd)
		}
	}
	if strings.Contains(rep.HTML, "/dept add") || strings.Contains(rep.HTML, "/dispatch bind") {
		t.Errorf("leader help lists dispatcher or admin commands:\n%s", rep.HTML)
	}
}

func TestCommands(t *testing.T) {
	cs := Commands()
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.Name] {
			t.Errorf("command %s listed twice", c.Name)
		}
		seen[c.Name] = true
		for _, l := range render.Languages {
			if h := c.Help[l]; h == "" || len([]rune(h)) > 256 || strings.ContainsAny(h, "<>&") {
				t.Errorf("%s: help[%s] = %q", c.Name, l, h)
			}
		}
		if !strings.HasPrefix(c.Usage, "/"+c.Name) {
			t.Errorf("%s: usage %q", c.Name, c.Usage)
		}
	}
	get := func(name string) CommandInfo {
		for _, c := range cs {
			if c.Name == name {
				return c
			}
		}
		t.Fatalf("no command %s", name)
		return CommandInfo{}
	}
	if c := get("dept"); strings.Count(c.Usage, "\n") != 5 || len(c.Roles) != 4 {
		t.Errorf("dept: %+v", c)
	}
	if c := get("help"); c.Roles != nil {
		t.Errorf("help roles: %v", c.Roles)
	}
	if c := get("approve"); !slices.Equal(c.Roles, []appeal.Role{appeal.RoleLeader, appeal.RoleDispatcher, appeal.RoleAdmin}) {
		t.Errorf("approve roles: %v", c.Roles)
	}
}

// TestSpansExplainedInBothLanguages: /help lists every unit of a span
// with an example that works, and a span that cannot be used is answered
// with the rule it broke, in Chinese as in English.
func TestSpansExplainedInBothLanguages(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	adm := privateChat("9006")
	for _, c := range []struct {
		lang  string
		units []string
		sla   string
	}{
		{render.LangEN, []string{"30m (minutes)", "4h or 1h30m (hours)", "2d (days, around the clock)", "8wh or 1.5wh (working hours)", "3wd (working days)"},
			"The claim limit “999wd” cannot be used: it is too long: at most 365 working days. Spans: 30m (minutes)"},
		{render.LangZH, []string{"30m（分钟）", "4h 或 1h30m（小时）", "2d（天，全天计）", "8wh 或 1.5wh（工作小时）", "3wd（工作日）"},
			"claim 时限“999wd”无法使用：太长：最多 365个工作日。时长写法：30m（分钟）"},
	} {
		e.do(rAdmin, adm, "lang "+c.lang)
		help := e.do(rAdmin, adm, "help")
		for _, u := range c.units {
			if !strings.Contains(help.HTML, u) {
				t.Errorf("(%s) /help does not list %q:\n%s", c.lang, u, help.HTML)
			}
			// Every example /help gives is a span the commands take.
			for _, w := range strings.FieldsFunc(u, func(r rune) bool { return r == ' ' || r == '(' || r == '（' }) {
				if w[0] >= '0' && w[0] <= '9' {
					if _, err := readSpan(w); err != nil {
						t.Errorf("(%s) /help gives %q as an example, which is refused: %v", c.lang, w, err)
					}
				}
			}
		}
		if rep := e.do(rAdmin, adm, "dept sla roads claim=999wd"); !strings.Contains(rep.HTML, c.sla) {
			t.Errorf("(%s) /dept sla roads claim=999wd:\n got  %s\n want %s", c.lang, rep.HTML, c.sla)
		}
	}
}
