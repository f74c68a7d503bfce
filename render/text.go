package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/appealbot/appealbot/appeal"
)

// Languages every text exists in.
const (
	LangZH = "zh"
	LangEN = "en"
)

// Languages lists the supported languages.
var Languages = []string{LangZH, LangEN}

// MaxText is the longest message a chat network must show, in characters.
// Rendered HTML is kept within it, which is stricter than counting only the
// visible text.
const MaxText = 4096

// MaxNotice is the longest text of a button-press notice (Telegram's
// answerCallbackQuery allows 200 characters).
const MaxNotice = 200

// Key names one entry of the message catalogue.
type Key string

// text is one catalogue entry: HTML in the supported subset, with {name}
// placeholders that are filled with escaped values. An English text says
// a noun in the number of a count with {name:one|other}: the first form
// when the placeholder name holds 1, else the second ("{n} {n:day|days}
// off"). Chinese has no plural forms.
type text struct{ zh, en string }

// NormLang folds a language name or client language code to "zh" or "en";
// ok is false when it is neither.
func NormLang(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "zh" || strings.HasPrefix(s, "zh-") || strings.HasPrefix(s, "zh_") || s == "cn" || s == "中文":
		return LangZH, true
	case s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_") || s == "english":
		return LangEN, true
	}
	return "", false
}

// Args holds the values of a message's placeholders. A string value is
// escaped; a HTML value is inserted as it is; other values are formatted
// with fmt.
type Args map[string]any

// HTML is text that is already valid HTML in the supported subset.
type HTML string

// MissingArg is called when a message names a placeholder the caller did
// not fill; tests make it fail.
var MissingArg = func(k Key, name string) {}

// Text renders catalogue entry k in lang, with args filling its placeholders.
func Text(lang string, k Key, args Args) string {
	t, ok := catalog[k]
	if !ok {
		MissingArg(k, "")
		return Esc(string(k))
	}
	s := t.en
	if lang == LangZH {
		s = t.zh
	}
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		name := s[i+1 : i+j]
		name, forms, plural := strings.Cut(name, ":")
		v, ok := args[name]
		if !ok {
			MissingArg(k, name)
		}
		if plural {
			one, other, _ := strings.Cut(forms, "|")
			if isOne(v) {
				b.WriteString(one)
			} else {
				b.WriteString(other)
			}
		} else {
			b.WriteString(argHTML(v))
		}
		s = s[i+j+1:]
	}
	return b.String()
}

// isOne reports whether a count is one, which takes the singular in
// English.
func isOne(v any) bool {
	switch v := v.(type) {
	case int:
		return v == 1
	case int64:
		return v == 1
	case string:
		return v == "1"
	}
	return fmt.Sprint(v) == "1"
}

// argHTML formats one placeholder value as HTML.
func argHTML(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case HTML:
		return string(v)
	case string:
		return Esc(v)
	case appeal.ID:
		return strconv.FormatInt(int64(v), 10)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return Esc(fmt.Sprint(v))
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// Esc makes plain text safe inside HTML text or a quoted attribute. Invalid
// UTF-8 and control characters other than newline and tab, which no chat
// network accepts, are replaced first.
func Esc(s string) string { return escaper.Replace(Clean(s)) }

// Clean replaces invalid UTF-8 with U+FFFD and drops control characters
// except newline and tab.
func Clean(s string) string {
	ok := utf8.ValidString(s)
	if ok {
		for i := 0; i < len(s); i++ {
			if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				ok = false
				break
			}
		}
	}
	if ok {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// OneLine folds runs of white space, newlines included, into one space.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Cut returns the first max runes of plain text s, with "…" appended when
// anything was left off. Cutting happens before escaping, so it can never
// split an entity or a tag.
func Cut(s string, max int) (string, bool) {
	if max < 1 {
		max = 1
	}
	if utf8.RuneCountInString(s) <= max {
		return s, false
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRight(s[:i], " \n\t") + "…", true
		}
		n++
	}
	return s, false
}

// EscCut escapes as much of plain text s as fits in max runes of HTML,
// ending in "…" when it had to cut: a bound on what the text takes of a
// message, however many characters escaping expands.
func EscCut(s string, max int) string {
	h, _ := fitEscaped(s, max)
	return h
}

// fitEscaped escapes as much of plain text s as fits in budget runes of
// HTML, adding "…" when it had to cut. It reports whether it cut.
func fitEscaped(s string, budget int) (string, bool) {
	s = Clean(s)
	if all := escaper.Replace(s); runes(all) <= budget {
		return all, false
	}
	if budget < 1 {
		return "", true
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		e := escaper.Replace(string(r))
		w := runes(e)
		if n+w > budget-1 {
			break
		}
		b.WriteString(e)
		n += w
	}
	return strings.TrimRight(b.String(), " \n\t") + "…", true
}

// runes counts the characters of s.
func runes(s string) int { return utf8.RuneCountInString(s) }

// Plain turns HTML from this package back into plain text, for notices.
func Plain(h string) string {
	var b strings.Builder
	in := false
	for _, r := range h {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	s := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&").Replace(b.String())
	return strings.TrimSpace(s)
}

// fmtDur formats a span with its two largest units: "3d 4h", "2h 15m",
// "5m"; in Chinese "3天4小时", "2小时15分", "5分".
func fmtDur(lang string, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	days := int64(d / (24 * time.Hour))
	hours := int64(d % (24 * time.Hour) / time.Hour)
	mins := int64(d % time.Hour / time.Minute)
	type part struct {
		n    int64
		unit [2]string // en, zh
	}
	var parts []part
	switch {
	case days > 0:
		parts = []part{{days, [2]string{"d", "天"}}, {hours, [2]string{"h", "小时"}}}
	case hours > 0:
		parts = []part{{hours, [2]string{"h", "小时"}}, {mins, [2]string{"m", "分"}}}
	case mins > 0:
		parts = []part{{mins, [2]string{"m", "分"}}}
	default:
		if lang == LangZH {
			return "不到1分"
		}
		return "<1m"
	}
	var out []string
	for i, p := range parts {
		if p.n == 0 && i > 0 {
			continue
		}
		if lang == LangZH {
			out = append(out, strconv.FormatInt(p.n, 10)+p.unit[1])
		} else {
			out = append(out, strconv.FormatInt(p.n, 10)+p.unit[0])
		}
	}
	if lang == LangZH {
		return strings.Join(out, "")
	}
	return strings.Join(out, " ")
}

// timeLeft says how long until t, or how long past it: "2h 15m left",
// "overdue by 1h 5m".
func timeLeft(lang string, t, now time.Time) string {
	if now.After(t) {
		return Text(lang, msgOverdueBy, Args{"dur": fmtDur(lang, now.Sub(t))})
	}
	return Text(lang, msgLeft, Args{"dur": fmtDur(lang, t.Sub(now))})
}

// paren puts s in parentheses after a space, or in full-width ones in
// Chinese.
func paren(lang, s string) string {
	if lang == LangZH {
		return "（" + s + "）"
	}
	return " (" + s + ")"
}

// Time formats t in loc, with the date.
func Time(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04")
}

// ShortTime formats t in loc without the year.
func ShortTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("01-02 15:04")
}

// maskPhone hides the middle of a phone number's subscriber part and
// keeps what says where it rings, in the number's own layout: the country
// code, a landline's area code, a mainland mobile's first three digits, and
// the last four digits of the subscriber number ("+86 (010) 1***-5678",
// "138****5678", "0571-8***4321"). A number of another shape keeps its
// first three and last four digits, or, under eight digits, its last two.
func maskPhone(p string) string {
	var out []rune
	var digits []byte
	for _, r := range strings.TrimSpace(p) {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
			out = append(out, r)
		case strings.ContainsRune(" +-()", r):
			out = append(out, r)
		}
	}
	if len(digits) == 0 {
		return ""
	}
	head, tail := phoneShape(string(digits), strings.HasPrefix(strings.TrimSpace(string(out)), "+"))
	i := 0
	for k, r := range out {
		if r < '0' || r > '9' {
			continue
		}
		if i >= head && i < len(digits)-tail {
			out[k] = '*'
		}
		i++
	}
	return strings.TrimSpace(string(out))
}

// phoneShape says how many leading and trailing digits of a phone number
// stay readable. plus tells whether it was written with a leading "+".
func phoneShape(d string, plus bool) (head, tail int) {
	cc := 0 // the digits of the country code, when it is China's
	switch {
	case plus && strings.HasPrefix(d, "86"):
		cc = 2
	case !plus && strings.HasPrefix(d, "0086"):
		cc = 4
	case plus:
		return genericShape(len(d))
	}
	nat := d[cc:]
	var area int
	switch {
	case nat == "":
		return genericShape(len(d))
	case len(nat) == 11 && nat[0] == '1':
		return cc + 3, 4 // a mainland mobile: 138****5678
	case strings.HasPrefix(nat, "01") || strings.HasPrefix(nat, "02"):
		area = 3 // Beijing 010, and 020–029
	case strings.HasPrefix(nat, "0"):
		area = 4 // every other area code: 0571
	case cc > 0 && (nat[0] == '1' || nat[0] == '2') && len(nat) == 10:
		area = 2 // +86 10 …, the area code without its 0
	case cc > 0 && len(nat) >= 10:
		area = 3 // +86 571 …
	default:
		area = 0 // a local number without its area code
	}
	if sub := len(nat) - area; sub == 7 || sub == 8 {
		return cc + area + 1, 4
	}
	return genericShape(len(d))
}

// genericShape keeps the first three and last four of eight or more
// digits, else the last two (none of one or two).
func genericShape(n int) (head, tail int) {
	switch {
	case n >= 8:
		return 3, 4
	case n <= 2:
		return 0, 0
	}
	return 0, 2
}

// maskEmail keeps the first character of an address's mailbox and its
// domain, which says little of who wrote: z***@example.org.
func maskEmail(email string) string {
	email = strings.TrimSpace(Clean(email))
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return maskName(email)
	}
	r, size := utf8.DecodeRuneInString(email)
	if size == 0 || at == 0 {
		return "***" + email[at:]
	}
	return string(r) + "***" + email[at:]
}

// maskName keeps a name's first character: 张** for 张三丰.
func maskName(name string) string {
	name = strings.TrimSpace(Clean(name))
	r, size := utf8.DecodeRuneInString(name)
	if size == 0 {
		return ""
	}
	return string(r) + "**"
}

// Fit is the last guard on a reply's length: replies are built to
// fit, but one that does not is cut at a line break rather than refused by
// the network.
func Fit(s string) string {
	if runes(s) <= MaxText {
		return s
	}
	lines := strings.Split(s, "\n")
	for len(lines) > 1 && runes(strings.Join(lines, "\n"))+2 > MaxText {
		lines = lines[:len(lines)-1]
	}
	out := strings.Join(lines, "\n")
	if runes(out)+2 > MaxText {
		// One enormous line: nothing here makes those, but never send one.
		return Esc(plainCut(out, MaxText/2))
	}
	return out + "\n…"
}

func plainCut(h string, n int) string {
	s, _ := Cut(Plain(h), n)
	return s
}
