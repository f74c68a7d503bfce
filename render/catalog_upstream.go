package render

import (
	"strings"

	"github.com/appealbot/appealbot/appeal"
)

// Texts of citizens' urges (催办): the message that tells whoever holds
// the appeal, the count on the card, the event.
const (
	msgUrgeMsg  Key = "urge_msg"
	msgUrgeNote Key = "urge_note"
	msgCardUrge Key = "card_urges"
	msgEvUrged  Key = "ev_urged"

	msgRoleListTitle Key = "role_list_title"
	msgRoleListLine  Key = "role_list_line"
	msgRoleListNone  Key = "role_list_none"
	// MsgHelpRoleList is /role list's line in /help.
	MsgHelpRoleList Key = "help_role_list"
)

var upstreamTexts = map[Key]text{
	msgUrgeMsg: {
		en: "The citizen urges an answer to {appeal} (urge {n}).",
		zh: "市民催办 {appeal}（第 {n} 次催办）。",
	},
	msgUrgeNote: {
		en: "They say: {note}",
		zh: "市民留言：{note}",
	},
	msgCardUrge: {
		en: "Urged by the citizen: {n}",
		zh: "催办 {n} 次",
	},
	msgEvUrged: {
		en: "urged by the citizen",
		zh: "市民催办",
	},
	msgRoleListTitle: {
		en: "People of {dept}",
		zh: "{dept} 的人员",
	},
	msgRoleListLine: {
		en: "{role} ({n}): {names}",
		zh: "{role}（{n}）：{names}",
	},
	msgRoleListNone: {
		en: "nobody yet",
		zh: "暂无",
	},
	MsgHelpRoleList: {
		en: "List a department's leaders and responders",
		zh: "查看部门负责人和承办人",
	},
}

// RoleList is the answer of /role list: the leaders and responders of
// department dept (its name), each with their chat name.
func RoleList(lang, dept string, leaders, responders []appeal.Member) string {
	lines := []string{"👥 <b>" + Text(lang, msgRoleListTitle, Args{"dept": dept}) + "</b>"}
	for _, g := range []struct {
		role appeal.Role
		ms   []appeal.Member
	}{{appeal.RoleLeader, leaders}, {appeal.RoleResponder, responders}} {
		names := make([]string, 0, len(g.ms))
		for _, m := range g.ms {
			n := EscCut(cutName(MemberName(m)), 40)
			if m.Username != "" && strings.TrimSpace(m.DisplayName) != "" {
				n += " (@" + EscCut(m.Username, 40) + ")"
			}
			names = append(names, n)
		}
		list := strings.Join(names, ", ")
		if len(names) == 0 {
			list = Text(lang, msgRoleListNone, nil)
		}
		lines = append(lines, Text(lang, msgRoleListLine, Args{"role": Text(lang, roleKey(g.role), nil), "n": len(g.ms),
			"names": HTML(list)}))
	}
	return Fit(strings.Join(lines, "\n"))
}
