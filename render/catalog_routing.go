package render

import (
	"strconv"
	"strings"

	"github.com/appealbot/appealbot/appeal"
)

// Texts of the routing catalogue (派单目录) and of dispatch suggestions.
const (
	MsgHelpRouteAdd       Key = "help_route_add"
	MsgHelpRouteRemove    Key = "help_route_remove"
	MsgHelpRouteList      Key = "help_route_list"
	MsgHelpRouteTest      Key = "help_route_test"
	MsgMenuRoute          Key = "menu_route"
	MsgRouteNeedDept      Key = "route_need_dept"
	MsgRouteBadOption     Key = "route_bad_option"
	MsgRouteBadPosition   Key = "route_bad_position"
	MsgRouteNeedCondition Key = "route_need_condition"
	MsgRouteUnknownDept   Key = "route_unknown_dept"
	MsgRouteDuplicateName Key = "route_duplicate_name"
	MsgRouteBadField      Key = "route_bad_field"
	MsgRouteAdded         Key = "route_added"
	MsgRouteNeedName      Key = "route_need_name"
	MsgRouteNotFound      Key = "route_not_found"
	MsgRouteRemoved       Key = "route_removed"
	MsgRouteEmpty         Key = "route_empty"
	MsgRouteListTitle     Key = "route_list_title"
	MsgRouteNeedText      Key = "route_need_text"
	MsgRouteTestMatch     Key = "route_test_match"
	MsgRouteTestNone      Key = "route_test_none"
	MsgRouteTestRouter    Key = "route_test_router"
	MsgRouteCategory      Key = "route_category"
	MsgRouteKeywords      Key = "route_keywords"
	MsgRouteLocation      Key = "route_location"
	MsgCardRule           Key = "card_rule"
	MsgCardSuggested      Key = "card_suggested"
	MsgCardSimilar        Key = "card_similar"
	MsgCardAutorouted     Key = "card_autorouted"
	MsgAssignConfirm      Key = "assign_confirm"
	MsgAssignNoSuggestion Key = "assign_no_suggestion"
	MsgBtnAssignTo        Key = "btn_assign_to"
	MsgStatsAutorouted    Key = "stats_autorouted"
	MsgDigestHotSpots     Key = "digest_hot_spots"
	MsgDigestHotSpot      Key = "digest_hot_spot"
)

// A digest lists at most maxHotSpots hot spots, each with at most
// maxHotSpotIDs appeal numbers.
const (
	maxHotSpots   = 5
	maxHotSpotIDs = 8
)

var routingTexts = map[Key]text{
	MsgHelpRouteAdd: {
		en: "add a rule to the routing catalogue: appeals matching it go to DEPT",
		zh: "向派单目录添加规则：符合条件的诉求派给该部门",
	},
	MsgHelpRouteRemove: {
		en: "remove a rule of the routing catalogue, by name or number",
		zh: "按名称或序号删除派单目录中的规则",
	},
	MsgHelpRouteList: {
		en: "list the routing catalogue in the order rules are tried",
		zh: "按匹配顺序列出派单目录",
	},
	MsgHelpRouteTest: {
		en: "show which rule an appeal with this text would meet",
		zh: "查看这段诉求文字会命中哪条规则",
	},
	MsgMenuRoute: {
		en: "routing catalogue: rules that assign appeals",
		zh: "派单目录：自动派单规则",
	},
	MsgRouteNeedDept: {
		en: "Say which department the rule sends appeals to, e.g. water.",
		zh: "请写明规则派往的部门代码，例如 water。",
	},
	MsgRouteBadOption: {
		en: "“{arg}” is not a condition; write category=…, keywords=…,… , location=… , name=… or at=N.",
		zh: "“{arg}”不是有效条件；请写 类别=…、关键词=…,…、地点=…、名称=… 或 位置=N。",
	},
	MsgRouteBadPosition: {
		en: "“{arg}” is not a position; write at=1 for the first rule.",
		zh: "“{arg}”不是有效位置；位置=1 表示第一条。",
	},
	MsgRouteNeedCondition: {
		en: "A rule needs a category, keywords or a location: without one it would take every appeal.",
		zh: "规则至少要有类别、关键词或地点之一，否则会接走所有诉求。",
	},
	MsgRouteUnknownDept: {
		en: "There is no department {dept}; see /dept list.",
		zh: "没有部门 {dept}；请查看 /dept list。",
	},
	MsgRouteDuplicateName: {
		en: "A rule is already named {name}; choose another name or remove that rule first.",
		zh: "已有名为 {name} 的规则；请换一个名称或先删除该规则。",
	},
	MsgRouteBadField: {
		en: "The rule’s {field} {msg}.",
		zh: "规则的 {field} 有误：{msg}。",
	},
	MsgRouteAdded: {
		en: "Rule {pos} added: {rule}",
		zh: "已添加第 {pos} 条规则：{rule}",
	},
	MsgRouteNeedName: {
		en: "Say which rule to remove: its name or number (see /route list).",
		zh: "请写明要删除的规则名称或序号（见 /route list）。",
	},
	MsgRouteNotFound: {
		en: "There is no rule {name}; see /route list.",
		zh: "没有规则 {name}；请查看 /route list。",
	},
	MsgRouteRemoved: {
		en: "Rule removed: {rule}",
		zh: "已删除规则：{rule}",
	},
	MsgRouteEmpty: {
		en: "The routing catalogue is empty; add a rule with /route add.",
		zh: "派单目录为空；用 /route add 添加规则。",
	},
	MsgRouteListTitle: {
		en: "Routing catalogue, {n} {n:rule|rules}, tried in this order:",
		zh: "派单目录，共 {n} 条规则，按以下顺序匹配：",
	},
	MsgRouteNeedText: {
		en: "Give the appeal’s text to test, e.g. /route test 人民路漏水.",
		zh: "请写上要测试的诉求文字，例如 /route test 人民路漏水。",
	},
	MsgRouteTestMatch: {
		en: "Rule {pos} matches: {rule}",
		zh: "命中第 {pos} 条规则：{rule}",
	},
	MsgRouteTestNone: {
		en: "No rule matches.",
		zh: "没有规则命中。",
	},
	MsgRouteTestRouter: {
		en: "The learned router suggests: {list}",
		zh: "学习模型建议：{list}",
	},
	MsgRouteCategory: {en: "category", zh: "类别"},
	MsgRouteKeywords: {en: "keywords", zh: "关键词"},
	MsgRouteLocation: {en: "location", zh: "地点"},
	MsgCardRule: {
		en: "Catalogue rule {pos}: {rule}",
		zh: "派单目录第 {pos} 条：{rule}",
	},
	MsgCardSuggested: {
		en: "Suggested (tap to assign):",
		zh: "建议派往（点按即派单）：",
	},
	MsgCardSimilar: {
		en: "Possible duplicates: {ids}",
		zh: "可能重复：{ids}",
	},
	MsgCardAutorouted: {
		en: "Auto-routed {pct}%",
		zh: "自动分拨 {pct}%",
	},
	MsgAssignConfirm: {
		en: "Assign #{id} to {dept} ({pct}% confident)? Tap to confirm, or give a department: /assign {id} DEPT.",
		zh: "将 #{id} 派往 {dept}（置信度 {pct}%）？点按钮确认，或指定部门：/assign {id} 部门代码。",
	},
	MsgAssignNoSuggestion: {
		en: "There is no suggestion for #{id} yet; give the department.",
		zh: "#{id} 暂无派单建议；请指定部门。",
	},
	MsgDigestHotSpots: {
		en: "Hot spots: {n} {n:group|groups} of {min} or more similar appeals",
		zh: "热点：{n} 组相似诉求（每组 {min} 件以上）",
	},
	MsgDigestHotSpot: {
		en: "{n} {n:appeal|appeals} like “{title}”: {ids}",
		zh: "{n} 件，如“{title}”：{ids}",
	},
	MsgStatsAutorouted: {
		en: "Auto-routed: {n}, of which {returned} came back as returns ({kept}% kept).",
		zh: "自动分拨 {n} 件，其中被退回 {returned} 件（留用率 {kept}%）。",
	},
	MsgBtnAssignTo: {
		en: "✅ Assign to {dept}",
		zh: "✅ 派往 {dept}",
	},
}

// Rule renders one rule of the catalogue on one line: its name, its
// conditions and the department, as deptName shows it (Renderer.DeptName).
func Rule(lang string, r appeal.Rule, deptName string) HTML {
	var conds []string
	if r.Category != "" {
		conds = append(conds, Text(lang, MsgRouteCategory, nil)+"="+EscCut(r.Category, 40))
	}
	if len(r.Keywords) > 0 {
		kw := strings.Join(r.Keywords, ",")
		conds = append(conds, Text(lang, MsgRouteKeywords, nil)+"="+EscCut(kw, 120))
	}
	if r.Location != "" {
		conds = append(conds, Text(lang, MsgRouteLocation, nil)+"="+EscCut(r.Location, 60))
	}
	dept := "<code>" + Esc(r.Department) + "</code>"
	if deptName != "" {
		dept = EscCut(deptName, 60)
	}
	return HTML("<b>" + Esc(r.Name) + "</b> " + strings.Join(conds, " ") + " → " + dept)
}

// RuleLine is Rule numbered by its position, counting from 1.
func RuleLine(lang string, pos int, r appeal.Rule, deptName string) string {
	return strconv.Itoa(pos) + ". " + string(Rule(lang, r, deptName))
}
