package render

import (
	"strings"

	"github.com/appealbot/appealbot/appeal"
)

// What the fallback chains say to people: why a message reached a
// fallback, what a setup lacks and where each recipient's messages go now.

// GapText names one gap: "部门 roads 未绑定工作群".
func GapText(lang string, g appeal.Gap) string {
	keys := map[appeal.Level][2]Key{
		appeal.LevelDepartment:  {msgGapDeptChat, msgRefusedDeptChat},
		appeal.LevelLeaders:     {msgGapLeaders, msgRefusedLeaders},
		appeal.LevelDispatch:    {msgGapDispatch, msgRefusedDispatch},
		appeal.LevelSupervision: {msgGapSupervision, msgRefusedSupervision},
		appeal.LevelAdmins:      {msgGapAdmins, msgRefusedAdmins},
	}[g.Level]
	k := keys[0]
	if g.Refused {
		k = keys[1]
	}
	return Text(lang, k, Args{"dept": g.Department})
}

// gapsText joins gaps into one phrase.
func gapsText(lang string, gaps []appeal.Gap) string {
	parts := make([]string, len(gaps))
	for i, g := range gaps {
		parts[i] = GapText(lang, g)
	}
	sep := "; "
	if lang == LangZH {
		sep = "；"
	}
	return strings.Join(parts, sep)
}

// Detour is the line a message that reached a fallback starts with: the
// gaps it passed on its way here. "" for none.
func Detour(lang string, gaps []appeal.Gap) string {
	if len(gaps) == 0 {
		return ""
	}
	return Text(lang, msgDetour, Args{"why": HTML(gapsText(lang, gaps))})
}

// WithDetour puts the Detour line at the top of a rendered message, within
// the length its kind allows.
func WithDetour(out Rendered, lang string, gaps []appeal.Gap) Rendered {
	line := Detour(lang, gaps)
	if line == "" {
		return out
	}
	out.HTML = line + "\n" + out.HTML
	if len(out.Photo) > 0 && runes(out.HTML) > MaxCaption {
		// A caption too long for the detour keeps the detour: it says
		// why the picture is here at all.
		out.HTML = line
	}
	out.HTML = Fit(out.HTML)
	return out
}

// UndeliverableReason is the outbox's note on a message no one can
// receive, in English for the log and the API.
func UndeliverableReason(gaps []appeal.Gap) string {
	return Plain(Text(LangEN, msgUndeliverableReason, Args{"why": HTML(gapsText(LangEN, gaps))}))
}

// LevelText names where messages go: "部门 roads 的领导（私聊）". dept is
// the department of the department and leaders levels.
func LevelText(lang string, lv appeal.Level, dept string) string {
	k := map[appeal.Level]Key{
		appeal.LevelDepartment:  msgLevelDept,
		appeal.LevelLeaders:     msgLevelLeaders,
		appeal.LevelDispatch:    msgLevelDispatch,
		appeal.LevelSupervision: msgLevelSupervision,
		appeal.LevelAdmins:      msgLevelAdmins,
	}[lv]
	if k == "" {
		k = msgLevelNone
	}
	return Text(lang, k, Args{"dept": dept})
}

// RecipientText names whose messages: "部门 roads 的诉求和提醒".
func RecipientText(lang string, to appeal.Recipient) string {
	k := map[appeal.RecipientKind]Key{
		appeal.ToDepartment:  msgWhoDept,
		appeal.ToLeaders:     msgWhoLeaders,
		appeal.ToDispatch:    msgWhoDispatch,
		appeal.ToSupervision: msgWhoSupervision,
	}[to.Kind]
	if k == "" {
		return Esc(string(to.Kind))
	}
	return Text(lang, k, Args{"dept": to.Ref})
}

// GapLine is one gap of setup s with what it means: where the messages it
// keeps from their first choice go now.
func GapLine(lang string, s appeal.Setup, g appeal.Gap) string {
	to := g.Recipient()
	if to.Kind == "" {
		return Text(lang, msgGapAdminsLine, Args{"gap": HTML(GapText(lang, g))})
	}
	return Text(lang, msgGapLine, Args{"gap": HTML(GapText(lang, g)), "who": HTML(RecipientText(lang, to)),
		"where": HTML(reachText(lang, s, to))})
}

// reachText names where to's messages go under s.
func reachText(lang string, s appeal.Setup, to appeal.Recipient) string {
	lv := s.Reach(to)
	dept := ""
	if lv == appeal.LevelDepartment || lv == appeal.LevelLeaders {
		dept = to.Ref
	}
	return LevelText(lang, lv, dept)
}

// SetupGaps lists the gaps of s that concern no one department, each with
// what it means; "" when there are none.
func SetupGaps(lang string, s appeal.Setup) string {
	var lines []string
	for _, g := range s.Gaps() {
		if g.Department == "" {
			lines = append(lines, GapLine(lang, s, g))
		}
	}
	return strings.Join(lines, "\n")
}

// DepartmentGaps lists the gaps of department code under s, each with what
// it means.
func DepartmentGaps(lang string, s appeal.Setup, code string) []string {
	var lines []string
	for _, g := range s.Gaps() {
		if g.Department == code {
			lines = append(lines, GapLine(lang, s, g))
		}
	}
	return lines
}

// SetupComplete says that a setup has no gap.
func SetupComplete(lang string) string { return Text(lang, msgSetupComplete, nil) }

// SetupChange says what a change of the setup from before to after
// changes: the gaps it opened, with where their messages go now; the
// recipients whose messages go elsewhere now (except those that now reach
// their own first choice, which the reply about the change itself tells);
// and how many waiting messages it released. "" when nothing changed.
func SetupChange(lang string, before, after appeal.Setup, released int64) string {
	var lines []string
	opened := appeal.NewGaps(before, after)
	told := map[appeal.Recipient]bool{}
	for _, g := range opened {
		lines = append(lines, GapLine(lang, after, g))
		told[g.Recipient()] = true
	}
	for _, m := range appeal.Moves(before, after) {
		if told[m.To] || m.Now == appeal.Chain(m.To.Kind)[0] {
			continue
		}
		lines = append(lines, Text(lang, msgMoveLine, Args{"who": HTML(RecipientText(lang, m.To)),
			"where": HTML(reachText(lang, after, m.To))}))
	}
	if released > 0 {
		lines = append(lines, Text(lang, msgReleased, Args{"n": released}))
	}
	return strings.Join(lines, "\n")
}
