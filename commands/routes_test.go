package commands

import (
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestRouteCommands: admins build the catalogue in chat, in order, and
// see which rule an appeal would meet; the rules assign at intake.
func TestRouteCommands(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	adm := privateChat("9006")
	want := func(rep Reply, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(rep.HTML, p) {
				t.Errorf("reply lacks %q:\n%s", p, rep.HTML)
			}
		}
	}
	want(e.do(rAdmin, adm, "route list"), "The routing catalogue is empty")
	want(e.do(rAdmin, adm, "route add water keywords=漏水,停水"), "Rule 1 added: <b>r1</b> keywords=漏水,停水 → Water (water)")
	want(e.do(rAdmin, adm, "route add roads 关键词=漏水 地点=*人民路* name=renmin at=1"),
		"Rule 1 added: <b>renmin</b> keywords=漏水 location=*人民路* → Roads (roads)")
	want(e.do(rAdmin, adm, "route add ROADS category=交通"), "Rule 3 added: <b>r2</b> category=交通")
	want(e.do(rAdmin, adm, "route list"), "Routing catalogue, 3 rules", "1. <b>renmin</b>", "2. <b>r1</b>", "3. <b>r2</b>")
	want(e.do(rDispatcher, dispatchChat, "route test location=上海人民路 楼道漏水"), "Rule 1 matches: <b>renmin</b>")
	want(e.do(rDispatcher, dispatchChat, "route test 楼道漏水"), "Rule 2 matches: <b>r1</b>")
	want(e.do(rDispatcher, dispatchChat, "route test 路灯不亮"), "No rule matches")

	a := e.intake("", func(in *appeal.Intake) { in.Title, in.Location = "小区停水", "解放街" })
	if a.Department != "water" || a.Status != appeal.StatusAssigned {
		t.Errorf("a rule's appeal: %s %s", a.Department, a.Status)
	}

	want(e.do(rAdmin, adm, "route remove renmin"), "Rule removed: <b>renmin</b>")
	want(e.do(rAdmin, adm, "route rm 2"), "Rule removed: <b>r2</b>")
	want(e.do(rAdmin, adm, "route list"), "1 rule,", "1. <b>r1</b>")
}

// TestRouteCommandsBadInput: every mistake says what is wrong and changes
// nothing; only admins change the catalogue.
func TestRouteCommandsBadInput(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	adm := privateChat("9006")
	e.do(rAdmin, adm, "route add water keywords=漏水 name=leak")
	for _, tc := range []struct {
		role, text, want string
	}{
		{rAdmin, "route", "/route add"},
		{rAdmin, "route add", "Say which department the rule sends appeals to"},
		{rAdmin, "route add keywords=漏水", "Say which department the rule sends appeals to"},
		{rAdmin, "route add water", "A rule needs a category, keywords or a location"},
		{rAdmin, "route add water keywords=", "A rule needs a category, keywords or a location"},
		{rAdmin, "route add sewers keywords=污水", "There is no department sewers"},
		{rAdmin, "route add water colour=blue", "“colour=blue” is not a condition"},
		{rAdmin, "route add water 漏水", "“漏水” is not a condition"},
		{rAdmin, "route add water keywords=水 at=0", "“at=0” is not a position"},
		{rAdmin, "route add water keywords=水 name=leak", "A rule is already named leak"},
		{rAdmin, "route add water keywords=水 name=bad/name", "The rule’s name must be letters"},
		{rAdmin, "route add water location=" + strings.Repeat("路", 201), "The rule’s location is longer than 200 characters"},
		{rAdmin, "route remove", "Say which rule to remove"},
		{rAdmin, "route remove nosuch", "There is no rule nosuch"},
		{rAdmin, "route remove leak now", "Too many arguments"},
		{rAdmin, "route list all", "Too many arguments"},
		{rDispatcher, "route test", "Give the appeal’s text to test"},
		{rDispatcher, "route add water keywords=水", "admin"},
		{rResp, "route list", "dispatcher"},
	} {
		rep := e.do(tc.role, adm, tc.text)
		if !isError(rep) || !strings.Contains(rep.HTML, tc.want) {
			t.Errorf("%s /%s:\n%s\nwant an error holding %q", tc.role, tc.text, rep.HTML, tc.want)
		}
	}
	rules, err := e.svc.Routes(t.Context())
	if err != nil || len(rules) != 1 || rules[0].Name != "leak" {
		t.Errorf("catalogue after bad input: %+v %v", rules, err)
	}
}
