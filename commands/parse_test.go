package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

func TestParseID(t *testing.T) {
	for in, want := range map[string]appeal.ID{"12": 12, "#12": 12, "007": 7, "999999999999999999": 999999999999999999} {
		if got, ok := parseID(in); !ok || got != want {
			t.Errorf("parseID(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "#", "0", "-1", "+1", "1.5", "１２", "12a", "##12", "1000000000000000000", "9223372036854775808"} {
		if got, ok := parseID(in); ok {
			t.Errorf("parseID(%q) = %d, want refused", in, got)
		}
	}
}

func TestParseSpan(t *testing.T) {
	h := func(d time.Duration) appeal.Span { return appeal.CalendarSpan(d) }
	for in, want := range map[string]appeal.Span{
		"2d": h(48 * time.Hour), "4h": h(4 * time.Hour), "30m": h(30 * time.Minute),
		"2h30m": h(150 * time.Minute), "3D": h(72 * time.Hour), "365d": h(365 * 24 * time.Hour), "1.5h": h(90 * time.Minute),
		"8wh": appeal.WorkingHoursSpan(8 * time.Hour), "1.5WH": appeal.WorkingHoursSpan(90 * time.Minute),
		"5wd": appeal.WorkingDaysSpan(5), "1wd": appeal.WorkingDaysSpan(1),
	} {
		if got, ok := parseSpan(in); !ok || got != want {
			t.Errorf("parseSpan(%q) = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "0", "0d", "30s", "30swh", "-2h", "+2h", "2", "d", "2dd", "-1d", "+1d", "1d-2h", "1d12h",
		"366d", "9999h", "2w", "1d2d", "0wd", "1.5wd", "366wd", "wd", "2wdx"} {
		if got, ok := parseSpan(in); ok {
			t.Errorf("parseSpan(%q) = %v, want refused", in, got)
		}
	}
}

func TestParseSLA(t *testing.T) {
	p, bad, ok := parseSLA(strings.Fields("claim=1h urgent.answer=90m normal.resolve=10wd answer=8WH"), appeal.DefaultPolicy)
	if !ok || bad != "" || p.Normal.Claim != appeal.CalendarSpan(time.Hour) || p.Urgent.Answer != appeal.CalendarSpan(90*time.Minute) ||
		p.Normal.Resolve != appeal.WorkingDaysSpan(10) || p.Normal.Answer != appeal.WorkingHoursSpan(8*time.Hour) ||
		p.Urgent.Claim != appeal.DefaultPolicy.Urgent.Claim {
		t.Errorf("parseSLA: %+v %q %v", p, bad, ok)
	}
	for _, in := range []string{"claim", "claim=", "=1h", "claim=x", "foo=1h", "claim=1h foo", "claim=0wd", "claim=2w"} {
		if _, _, ok := parseSLA(strings.Fields(in), appeal.DefaultPolicy); ok {
			t.Errorf("parseSLA(%q) accepted", in)
		}
	}
}

func TestArgs(t *testing.T) {
	a := newArgs("  12   water  the reason\nhas two lines  ")
	if w, _ := a.next(); w != "12" {
		t.Errorf("first %q", w)
	}
	if w := a.peek(); w != "water" {
		t.Errorf("peek %q", w)
	}
	if w, _ := a.next(); w != "water" {
		t.Errorf("second %q", w)
	}
	if r := a.rest(); r != "the reason\nhas two lines" {
		t.Errorf("rest %q", r)
	}
	if w, ok := a.next(); ok || w != "" || !a.empty() {
		t.Errorf("after rest: %q %v", w, ok)
	}
}

func TestButtons(t *testing.T) {
	for _, c := range []struct {
		cmd  string
		id   appeal.ID
		kind string
		args string
	}{
		{"claim", 12, "", "12"}, {"return", 1, "", "1"}, {"answer", 7, "", "7"}, {"appeal", 999999999999999999, "", "999999999999999999"},
		{"approve", 12, pendingAnswer, "12 answer"}, {"reject", 12, pendingExtension, "12 extension"}, {"approve", 3, "", "3"},
	} {
		d := buttonData(c.cmd, c.id, c.kind)
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

func TestMasks(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678": "138****5678", "+86 138-1234-5678": "861******5678", "12345678": "123*5678",
		"5551234": "*****34", "12": "**", "1": "*", "": "", "no digits": "",
	} {
		if got := maskPhone(in); got != want {
			t.Errorf("maskPhone(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"张三丰": "张**", "Li Lei": "L**", " 王 ": "王**", "": "", "🚧x": "🚧**"} {
		if got := maskName(in); got != want {
			t.Errorf("maskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTimeLeft(t *testing.T) {
	now := t0
	for _, c := range []struct {
		d      time.Duration
		en, zh string
	}{
		{2*time.Hour + 15*time.Minute, "2h 15m left", "剩余 2小时15分"},
		{-(time.Hour + 5*time.Minute), "overdue by 1h 5m", "已超时 1小时5分"},
		{3*24*time.Hour + 4*time.Hour + 59*time.Minute, "3d 4h left", "剩余 3天4小时"},
		{48 * time.Hour, "2d left", "剩余 2天"},
		{2 * time.Hour, "2h left", "剩余 2小时"},
		{59 * time.Minute, "59m left", "剩余 59分"},
		{30 * time.Second, "&lt;1m left", "剩余 不到1分"},
	} {
		if got := timeLeft(LangEN, now.Add(c.d), now); got != c.en {
			t.Errorf("timeLeft(%v, en) = %q, want %q", c.d, got, c.en)
		}
		if got := timeLeft(LangZH, now.Add(c.d), now); got != c.zh {
			t.Errorf("timeLeft(%v, zh) = %q, want %q", c.d, got, c.zh)
		}
	}
}

func TestTextHelpers(t *testing.T) {
	if got := esc("<b>&\"x\"</b>\x00\x07\xff"); got != "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;\uFFFD" {
		t.Errorf("esc: %q", got)
	}
	if got, cut := fitEscaped("a&b&c", 9); got != "a&amp;b…" || !cut {
		t.Errorf("fitEscaped: %q %v", got, cut)
	}
	if got, cut := fitEscaped("a&b", 7); got != "a&amp;b" || cut {
		t.Errorf("fitEscaped whole: %q %v", got, cut)
	}
	if got := plain("❌ <b>x</b> &lt;y&gt; &amp;amp;"); got != "❌ x <y> &amp;" {
		t.Errorf("plain: %q", got)
	}
	for in, want := range map[string]string{"zh": "zh", "ZH-cn": "zh", "zh_Hans": "zh", "中文": "zh", "en": "en", "en-US": "en", "English": "en"} {
		if got, ok := normLang(in); !ok || got != want {
			t.Errorf("normLang(%q) = %q", in, got)
		}
	}
	if _, ok := normLang("fr"); ok {
		t.Error("normLang(fr) accepted")
	}
}
