package commands

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// ruleOptions are the words of /route add and /route test: key=value, the
// keys in English or Chinese.
var ruleOptions = map[string]string{
	"category": "category", "类别": "category", "分类": "category",
	"keywords": "keywords", "keyword": "keywords", "关键词": "keywords", "关键字": "keywords",
	"location": "location", "地点": "location", "位置": "location",
	"name": "name", "名称": "name",
	"at": "at", "序号": "at",
}

// ruleOption splits "key=value" (also with a full-width ＝) into the
// option it names and its value.
func ruleOption(word string) (key, value string, ok bool) {
	word = strings.Replace(word, "＝", "=", 1)
	k, v, found := strings.Cut(word, "=")
	if !found {
		return "", "", false
	}
	key, ok = ruleOptions[strings.ToLower(k)]
	return key, v, ok
}

// splitKeywords splits a keywords value at commas, full-width commas and
// 、.
func splitKeywords(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '、' })
}

// routeAdd is /route add DEPT [name=…] [category=…] [keywords=a,b] [location=…] [at=N].
func (c *call) routeAdd(ctx context.Context) (Reply, error) {
	dept, ok := c.args.next()
	if !ok {
		return Reply{}, c.bad(render.MsgRouteNeedDept, nil)
	}
	if _, _, isOpt := ruleOption(dept); isOpt {
		return Reply{}, c.bad(render.MsgRouteNeedDept, nil)
	}
	rule := appeal.Rule{Department: dept}
	at := 0
	for {
		w, ok := c.args.next()
		if !ok {
			break
		}
		key, v, ok := ruleOption(w)
		if !ok {
			return Reply{}, c.bad(render.MsgRouteBadOption, kv{"arg": w})
		}
		switch key {
		case "category":
			rule.Category = v
		case "keywords":
			rule.Keywords = append(rule.Keywords, splitKeywords(v)...)
		case "location":
			rule.Location = v
		case "name":
			rule.Name = v
		case "at":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return Reply{}, c.bad(render.MsgRouteBadPosition, kv{"arg": w})
			}
			at = n
		}
	}
	added, pos, err := c.h.svc.AddRoute(ctx, rule, at)
	if err != nil {
		return Reply{}, c.ruleError(err, rule)
	}
	return reply("✅ " + tr(c.lang, render.MsgRouteAdded, kv{"pos": pos,
		"rule": render.Rule(c.lang, added, c.h.render.DeptName(ctx, added.Department))})), nil
}

// ruleError turns the service's refusal of rule into a reply naming what
// is wrong.
func (c *call) ruleError(err error, rule appeal.Rule) error {
	var fe *appeal.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	_, field, _ := strings.Cut(fe.Field, ".")
	switch {
	case fe.Code == "unknown" && field == "department":
		return c.refuse(render.MsgRouteUnknownDept, kv{"dept": strings.ToLower(strings.TrimSpace(rule.Department))})
	case fe.Code == "duplicate" && field == "name":
		return c.refuse(render.MsgRouteDuplicateName, kv{"name": strings.TrimSpace(rule.Name)})
	case fe.Code == "required" && field == "keywords":
		return c.bad(render.MsgRouteNeedCondition, nil)
	}
	if field == "" {
		field = fe.Field
	}
	return c.bad(render.MsgRouteBadField, kv{"field": field, "msg": fe.Message})
}

// routeRemove is /route remove NAME|N.
func (c *call) routeRemove(ctx context.Context) (Reply, error) {
	name, ok := c.args.next()
	if !ok {
		return Reply{}, c.bad(render.MsgRouteNeedName, nil)
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	r, err := c.h.svc.RemoveRoute(ctx, name)
	if errors.Is(err, appeal.ErrNotFound) {
		return Reply{}, c.refuse(render.MsgRouteNotFound, kv{"name": name})
	}
	if err != nil {
		return Reply{}, err
	}
	return reply("🗑 " + tr(c.lang, render.MsgRouteRemoved, kv{"rule": render.Rule(c.lang, r, c.h.render.DeptName(ctx, r.Department))})), nil
}

// routeList is /route list.
func (c *call) routeList(ctx context.Context) (Reply, error) {
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	rules, err := c.h.svc.Routes(ctx)
	if err != nil {
		return Reply{}, err
	}
	if len(rules) == 0 {
		return reply(tr(c.lang, render.MsgRouteEmpty, nil)), nil
	}
	lines := []string{"🧭 " + tr(c.lang, render.MsgRouteListTitle, kv{"n": len(rules)})}
	for i, r := range rules {
		lines = append(lines, render.RuleLine(c.lang, i+1, r, c.h.render.DeptName(ctx, r.Department)))
	}
	return reply(strings.Join(lines, "\n")), nil
}

// routeTest is /route test [category=…] [location=…] TEXT…: which rule
// an appeal with this text would meet.
func (c *call) routeTest(ctx context.Context) (Reply, error) {
	var category, location string
	for {
		key, v, ok := ruleOption(c.args.peek())
		if !ok || (key != "category" && key != "location") {
			break
		}
		c.args.next()
		if key == "category" {
			category = v
		} else {
			location = v
		}
	}
	text := c.args.rest()
	if text == "" {
		return Reply{}, c.bad(render.MsgRouteNeedText, nil)
	}
	rules, err := c.h.svc.Routes(ctx)
	if err != nil {
		return Reply{}, err
	}
	line := "🧭 " + tr(c.lang, render.MsgRouteTestNone, nil)
	for i, r := range rules {
		if r.Matches(text, "", category, location) {
			line = "🧭 " + tr(c.lang, render.MsgRouteTestMatch, kv{"pos": i + 1,
				"rule": render.Rule(c.lang, r, c.h.render.DeptName(ctx, r.Department))})
			break
		}
	}
	// What the learned router would suggest, for comparison.
	sg, err := c.h.svc.Suggestions(ctx, appeal.Appeal{Title: text, Category: category, Location: location})
	if err != nil {
		return Reply{}, err
	}
	if len(sg) > 0 {
		var parts []string
		for _, s := range sg {
			parts = append(parts, render.Esc(c.h.render.DeptName(ctx, s.Department))+" "+strconv.Itoa(render.Percent(s.Confidence))+"%")
		}
		line += "\n💡 " + tr(c.lang, render.MsgRouteTestRouter, kv{"list": render.HTML(strings.Join(parts, " · "))})
	}
	return reply(line), nil
}
