package commands

import (
	"strings"
	"testing"

	"github.com/appealbot/appealbot/storage"
)

// TestRoleList: /role list names a department's leaders and responders,
// and says clearly what is wrong with the department asked for.
func TestRoleList(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	rep := e.do(rResp, privateChat("9001"), "role list roads")
	for _, want := range []string{"People of Roads", "leaders (1): Lee Leader (@leader)",
		"responders (2): ", "Rita Roads (@responder)", "Ray Roads (@responder2)"} {
		if !strings.Contains(rep.HTML, want) {
			t.Errorf("/role list roads lacks %q:\n%s", want, rep.HTML)
		}
	}
	e.do(rAdmin, privateChat("9006"), "dept add parks 园林局")
	rep = e.do(rAdmin, privateChat("9006"), "role list parks")
	if !strings.Contains(rep.HTML, "leaders (0): nobody yet") || !strings.Contains(rep.HTML, "responders (0): nobody yet") {
		t.Errorf("/role list of an empty department:\n%s", rep.HTML)
	}
	for _, c := range []struct{ role, text, want string }{
		{rAdmin, "role list nowhere", "nowhere"},
		{rAdmin, "role list", "department"},
		{rAdmin, "role list roads extra", "Too many arguments"},
		{rNone, "role list roads", ""},
	} {
		rep := e.do(c.role, privateChat("9000"), c.text)
		if strings.Contains(rep.HTML, "People of") || !strings.Contains(rep.HTML, c.want) {
			t.Errorf("/%s by %s: %s", c.text, c.role, rep.HTML)
		}
	}
	e.do(rLeader, privateChat("9003"), "lang zh")
	if rep := e.do(rLeader, privateChat("9003"), "role list roads"); !strings.Contains(rep.HTML, "负责人（1）：Lee Leader (@leader)") {
		t.Errorf("/role list in Chinese:\n%s", rep.HTML)
	}
}
