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
