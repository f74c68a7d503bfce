package commands

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// args reads a command's arguments: words from the front, then the rest as
// free text (an answer, a reason), which keeps its inner line breaks.
type args struct{ s string }

func newArgs(s string) *args { return &args{s: render.Clean(s)} }

// next returns the next word, or "" and false when none is left.
func (a *args) next() (string, bool) {
	s := strings.TrimLeftFunc(a.s, unicode.IsSpace)
	if s == "" {
		a.s = ""
		return "", false
	}
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		a.s = ""
		return s, true
	}
	a.s = s[i:]
	return s[:i], true
}

// peek returns the next word without consuming it.
func (a *args) peek() string {
	c := *a
	w, _ := c.next()
	return w
}

// rest returns everything left, trimmed, and consumes it.
func (a *args) rest() string {
	s := strings.TrimSpace(a.s)
	a.s = ""
	return s
}

// empty reports whether nothing but white space is left.
func (a *args) empty() bool { return strings.TrimSpace(a.s) == "" }

// maxIDDigits keeps appeal numbers within int64 and button data short.
const maxIDDigits = 18

// parseID reads an appeal number given as "12" or "#12".
func parseID(s string) (appeal.ID, bool) {
	s = strings.TrimPrefix(s, "#")
	if s == "" || len(s) > maxIDDigits {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return appeal.ID(n), true
}

// parseSpan reads a positive span as people type it in chat: calendar
// time ("90m", "2h", "3d"), working hours ("8wh", "1.5wh") or working days
// ("5wd"), as appeal.ParseSpan reads them, at least a minute long.
func parseSpan(s string) (appeal.Span, bool) {
	sp, err := readSpan(s)
	return sp, err == nil
}

// readSpan is parseSpan with the reason for a refusal: an
// *appeal.SpanError, of code too_short for less than a minute.
func readSpan(s string) (appeal.Span, error) {
	if len(s) > 32 {
		return appeal.Span{}, &appeal.SpanError{Input: s, Code: "syntax", Message: "is too long to be a span"}
	}
	sp, err := appeal.ParseSpan(s)
	if err != nil {
		return appeal.Span{}, err
	}
	if sp.Unit != appeal.WorkingDays && sp.D < time.Minute {
		return appeal.Span{}, &appeal.SpanError{Input: s, Code: "too_short", Message: "is too short: at least a minute"}
	}
	return sp, nil
}

// slaSpanProblem is why the span of a "key=span" word with a known key
// cannot be used; nil when the word is not one (or its span is fine).
func slaSpanProblem(word string) (key, span string, err error) {
	k, v, ok := strings.Cut(word, "=")
	if _, known := slaKeys[strings.ToLower(k)]; !ok || !known {
		return "", "", nil
	}
	_, err = readSpan(v)
	return strings.ToLower(k), v, err
}

// slaKeys are the keys /dept sla accepts, with where each one goes.
var slaKeys = map[string]func(p *appeal.Policy) *appeal.Span{
	"claim":          func(p *appeal.Policy) *appeal.Span { return &p.Normal.Claim },
	"answer":         func(p *appeal.Policy) *appeal.Span { return &p.Normal.Answer },
	"resolve":        func(p *appeal.Policy) *appeal.Span { return &p.Normal.Resolve },
	"normal.claim":   func(p *appeal.Policy) *appeal.Span { return &p.Normal.Claim },
	"normal.answer":  func(p *appeal.Policy) *appeal.Span { return &p.Normal.Answer },
	"normal.resolve": func(p *appeal.Policy) *appeal.Span { return &p.Normal.Resolve },
	"urgent.claim":   func(p *appeal.Policy) *appeal.Span { return &p.Urgent.Claim },
	"urgent.answer":  func(p *appeal.Policy) *appeal.Span { return &p.Urgent.Answer },
	"urgent.resolve": func(p *appeal.Policy) *appeal.Span { return &p.Urgent.Resolve },
}

// parseSLA applies "key=span" words to p. On a bad word it returns the
// word and false.
func parseSLA(words []string, p appeal.Policy) (appeal.Policy, string, bool) {
	if len(words) == 0 {
		return p, "", false
	}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			return p, w, false
		}
		f, ok := slaKeys[strings.ToLower(k)]
		if !ok {
			return p, w, false
		}
		sp, ok := parseSpan(v)
		if !ok {
			return p, w, false
		}
		*f(&p) = sp
	}
	return p, "", true
}

// parseOnOff reads on/off, yes/no, true/false, 1/0 and 开/关.
func parseOnOff(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "on", "yes", "true", "1", "开", "是":
		return true, true
	case "off", "no", "false", "0", "关", "否":
		return false, true
	}
	return false, false
}
