package render

import (
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
)

func TestButtons(t *testing.T) {
	for _, c := range []struct {
		cmd  string
		id   appeal.ID
		kind string
		args string
	}{
		{"claim", 12, "", "12"}, {"return", 1, "", "1"}, {"answer", 7, "", "7"}, {"appeal", 999999999999999999, "", "999999999999999999"},
		{"approve", 12, PendingAnswer, "12 answer"}, {"reject", 12, PendingExtension, "12 extension"}, {"approve", 3, "", "3"},
	} {
		d := ButtonData(c.cmd, c.id, c.kind)
		if len(d) > 64 {
			t.Errorf("%s: %d bytes", d, len(d))
		}
		cmd, args, ok := ParseButton(d)
		if !ok || cmd != c.cmd || args != c.args {
			t.Errorf("ParseButton(%q) = %q, %q, %v", d, cmd, args, ok)
		}
	}
	for _, d := range []string{"", "c:", "c:claim", "c:claim:", "c:claim:0", "c:claim:012", "c:claim:-1", "c:claim:12:a", "c:answer:12:e",
		"c:approve:12:x", "c:approve:12:", "c:claim:12 ", " c:claim:12", "c:CLAIM:12", "c:dept:12", "c:close:12", "x:claim:12",
		"claim:12", "claim 12", "c:claim:1234567890123456789", "c:claim:12\n", `{"a":"claim","id":12}`, strings.Repeat("c", 65)} {
		if cmd, args, ok := ParseButton(d); ok {
			t.Errorf("ParseButton(%q) = %q, %q, want refused", d, cmd, args)
		}
	}
}

// TestAssignButtonsApart: a suggestion's button names a department, an
// assignment's a member, and neither reads as the other, whatever the
// department's code (one may be called "m5").
func TestAssignButtonsApart(t *testing.T) {
	for _, c := range []struct {
		data, args string
	}{
		{AssignButton(12, "m5"), "12 m5"},
		{AssignButton(999999999999999999, strings.Repeat("w", 32)), "999999999999999999 " + strings.Repeat("w", 32)},
		{AssignButtonData(12, 5), "12 " + MemberArg + "5"},
	} {
		if len(c.data) > 64 {
			t.Errorf("%s: %d bytes", c.data, len(c.data))
		}
		cmd, args, ok := ParseButton(c.data)
		if !ok || cmd != "assign" || args != c.args {
			t.Errorf("ParseButton(%q) = %q, %q, %v; want assign %q", c.data, cmd, args, ok, c.args)
		}
	}
}
