package appeal

import (
	"errors"
	"strings"
	"testing"
)

func TestMatchRuleTakesTheFirstInOrder(t *testing.T) {
	rules := NormalizeRules([]Rule{
		{Name: "leak-renmin", Keywords: []string{"漏水"}, Location: "*人民路*", Department: "water-east"},
		{Name: "leak", Keywords: []string{"漏水", "停水"}, Department: "water"},
		{Name: "traffic", Category: "交通", Department: "traffic"},
		{Keywords: []string{"Noise"}, Department: "env"},
	})
	for _, tc := range []struct {
		title, body, cat, loc string
		want                  string
	}{
		{"楼道漏水", "三天了", "", "人民路 1 号", "leak-renmin"},
		{"楼道漏水", "三天了", "", "解放街 3 号", "leak"},
		{"小区停水", "", "交通", "", "leak"}, // the earlier rule wins over the category
		{"信号灯坏了", "", " 交通 ", "", "traffic"},
		{"loud noise at night", "", "", "", "r1"},
		{"路灯不亮", "", "城管", "", ""},
	} {
		r, ok := MatchRule(rules, tc.title, tc.body, tc.cat, tc.loc)
		if got := map[bool]string{true: r.Name}[ok]; got != tc.want {
			t.Errorf("%q %q %q: rule %q, want %q", tc.title, tc.cat, tc.loc, got, tc.want)
		}
	}
}

func TestRuleLocationPatterns(t *testing.T) {
	for _, tc := range []struct {
		pattern, loc string
		want         bool
	}{
		{"人民路", "上海市人民路 1 号", true},
		{"人民路*", "上海市人民路 1 号", false},
		{"*人民路*", "上海市人民路 1 号", true},
		{"上海市?区*", "上海市黄区人民路", true},
		{"上海市?区*", "上海市黄浦区人民路", false},
		{"*路*号", "人民路 1 号", true},
		{"*", "", true},
	} {
		r := Rule{Location: tc.pattern, Department: "d"}
		if got := r.Matches("", "", "", tc.loc); got != tc.want {
			t.Errorf("%q on %q: %v, want %v", tc.pattern, tc.loc, got, tc.want)
		}
	}
}

func TestValidateRulesNamesTheFieldAtFault(t *testing.T) {
	ok := Rule{Name: "a", Keywords: []string{"水"}, Department: "water"}
	for _, tc := range []struct {
		rules []Rule
		field string
	}{
		{[]Rule{ok, {Name: "b", Department: "water"}}, "routes[1].keywords"},
		{[]Rule{ok, {Name: "a", Category: "x", Department: "water"}}, "routes[1].name"},
		{[]Rule{{Name: "bad name", Category: "x", Department: "water"}}, "routes[0].name"},
		{[]Rule{{Category: "x", Department: "水务 局"}}, "routes[0].department"},
		{[]Rule{{Category: "x"}}, "routes[0].department"},
		{[]Rule{ok, {Name: "b", Category: "c", Department: "w"}, {Keywords: []string{"x", strings.Repeat("长", MaxRuleKeyword+1)}, Department: "w"}}, "routes[2].keywords[1]"},
		{[]Rule{{Location: strings.Repeat("路", MaxRuleLocation+1), Department: "w"}}, "routes[0].location"},
		{[]Rule{{Category: strings.Repeat("c", MaxCategoryLen+1), Department: "w"}}, "routes[0].category"},
	} {
		err := ValidateRules(NormalizeRules(tc.rules))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: error %v, want one on %s", tc.rules, err, tc.field)
		}
	}
	if err := ValidateRules(NormalizeRules([]Rule{ok, {Keywords: []string{" 路灯 ", ""}, Department: " Roads "}})); err != nil {
		t.Errorf("a good catalogue: %v", err)
	}
}

func TestNormalizeRulesNamesUnnamedRulesAfterFreeNames(t *testing.T) {
	got := NormalizeRules([]Rule{{Department: "a"}, {Name: "r1", Department: "b"}, {Department: "C "}})
	if got[0].Name != "r2" || got[1].Name != "r1" || got[2].Name != "r3" || got[2].Department != "c" {
		t.Errorf("names %+v", got)
	}
}
