package render

import (
	"testing"
	"time"
)

func TestMasks(t *testing.T) {
	// Phone numbers keep their layout, the country and area codes and the
	// last four digits; the middle of the subscriber number is hidden.
	for _, c := range []struct{ in, want string }{
		// mainland mobiles
		{"13812345678", "138****5678"},
		{"138 1234 5678", "138 **** 5678"},
		{"+86 138-1234-5678", "+86 138-****-5678"},
		{"+8613812345678", "+86138****5678"},
		{"0086 13812345678", "0086 138****5678"},
		// landlines with area codes
		{"+86 (010) 1234-5678", "+86 (010) 1***-5678"},
		{"(010) 12345678", "(010) 1***5678"},
		{"010-12345678", "010-1***5678"},
		{"021 6543 2100", "021 6*** 2100"},
		{"0571-87654321", "0571-8***4321"},
		{"0571 8765432", "0571 8**5432"},
		{"+86 10 1234 5678", "+86 10 1*** 5678"},
		{"+86 571 8765 4321", "+86 571 8*** 4321"},
		{"+86-0571-87654321", "+86-0571-8***4321"},
		// local numbers without an area code
		{"12345678", "1***5678"},
		{"5551234", "5**1234"},
		// other shapes
		{"+1 555 123 4567", "+1 55* *** 4567"},
		{"12345", "***45"},
		{"12", "**"}, {"1", "*"}, {"", ""}, {"no digits", ""}, {"+86", "+**"},
	} {
		if got := maskPhone(c.in); got != c.want {
			t.Errorf("maskPhone(%q) = %q, want %q", c.in, got, c.want)
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
	if got := Esc("<b>&\"x\"</b>\x00\x07\xff"); got != "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;\uFFFD" {
		t.Errorf("esc: %q", got)
	}
	if got, cut := fitEscaped("a&b&c", 9); got != "a&amp;b…" || !cut {
		t.Errorf("fitEscaped: %q %v", got, cut)
	}
	if got, cut := fitEscaped("a&b", 7); got != "a&amp;b" || cut {
		t.Errorf("fitEscaped whole: %q %v", got, cut)
	}
	if got := Plain("❌ <b>x</b> &lt;y&gt; &amp;amp;"); got != "❌ x <y> &amp;" {
		t.Errorf("plain: %q", got)
	}
	for in, want := range map[string]string{"zh": "zh", "ZH-cn": "zh", "zh_Hans": "zh", "中文": "zh", "en": "en", "en-US": "en", "English": "en"} {
		if got, ok := NormLang(in); !ok || got != want {
			t.Errorf("NormLang(%q) = %q", in, got)
		}
	}
	if _, ok := NormLang("fr"); ok {
		t.Error("NormLang(fr) accepted")
	}
}
