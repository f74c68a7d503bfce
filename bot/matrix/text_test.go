package matrix

import (
	"reflect"
	"testing"

	"github.com/appealbot/appealbot/bot"
)

func TestMatrixStripReplyFallback(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"> <@bot:hs> #1 card\n> line two\n\nThe answer.", "The answer."},
		{"> <@bot:hs> #1 card\n\nline one\n\nline two", "line one\n\nline two"},
		{"No fallback here.\n> not a quote at the start", "No fallback here.\n> not a quote at the start"},
		{"> only a quote", ""},
	} {
		if got := stripReplyFallback(c.in); got != c.want {
			t.Errorf("stripReplyFallback(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMatrixCommandOf(t *testing.T) {
	for _, c := range []struct {
		in         string
		name, args string
		ok         bool
	}{
		{"!claim 12", "claim", "12", true},
		{"/claim 12", "claim", "12", true},
		{"  !Claim@appealbot   #12 now", "claim", "#12 now", true},
		{"!help", "help", "", true},
		{"!", "", "", false},
		{"! claim", "", "", false},
		{"hello !claim 12", "", "", false},
		{"/claim-12", "", "", false},
	} {
		name, args, ok := commandOf(c.in)
		if name != c.name || args != c.args || ok != c.ok {
			t.Errorf("commandOf(%q) = %q, %q, %v; want %q, %q, %v", c.in, name, args, ok, c.name, c.args, c.ok)
		}
	}
}

func TestMatrixHTML(t *testing.T) {
	in := "<b>#3</b> a &lt;b&gt; &amp; c\n<pre>x\ny</pre>\n<a href=\"https://e.x/?a=1&amp;b=2\">link</a>"
	if got, want := formatted(in), "<b>#3</b> a &lt;b&gt; &amp; c<br><pre>x\ny</pre><br><a href=\"https://e.x/?a=1&amp;b=2\">link</a>"; got != want {
		t.Errorf("formatted = %q, want %q", got, want)
	}
	if got, want := plain(in), "#3 a <b> & c\nx\ny\nlink"; got != want {
		t.Errorf("plain = %q, want %q", got, want)
	}
}

func TestMatrixActionsOf(t *testing.T) {
	got := actionsOf([][]bot.Button{
		{{Label: "Claim", Data: "c:claim:1"}, {Label: "Return", Data: "c:return:1"}},
		{{Label: "Details #1", Data: "c:appeal:1"}, {Label: "Details #2", Data: "c:appeal:2"}},
		{{Label: "Approve", Data: "c:approve:1:a"}, {Label: "Odd", Data: "something else"}},
	})
	want := []action{
		{"✋", "Claim", "c:claim:1"}, {"↩️", "Return", "c:return:1"},
		{"ℹ️", "Details #1", "c:appeal:1"}, {"1️⃣", "Details #2", "c:appeal:2"},
		{"✅", "Approve", "c:approve:1:a"}, {"2️⃣", "Odd", "something else"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("actionsOf = %v, want %v", got, want)
	}
	if normEmoji("↩️") != normEmoji("↩") || normEmoji("✋🏽") != normEmoji("✋") {
		t.Error("a reaction without the variation selector or with a skin tone must match")
	}
}
