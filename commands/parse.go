package commands

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/appealbot/appealbot/appeal"
)

// args reads a command's arguments: words from the front, then the rest as
// free text (an answer, a reason), which keeps its inner line breaks.
type args struct{ s string }

func newArgs(s string) *args { return &args{s: clean(s)} }

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

// maxDuration bounds every duration typed in chat.
const maxDuration = 366 * 24 * time.Hour

// parseDuration reads a positive span: a Go duration ("90m", "2h30m") with
// days allowed in front ("3d", "1d12h").
func parseDuration(s string) (time.Duration, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 32 {
		return 0, false
	}
	var d time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		if i == 0 || i > 3 || strings.Trim(s[:i], "0123456789") != "" {
			return 0, false
		}
		n, _ := strconv.Atoi(s[:i])
		d = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
	}
	if s != "" {
		if s[0] == '-' || s[0] == '+' {
			return 0, false
		}
		r, err := time.ParseDuration(s)
		if err != nil || r < 0 || r > maxDuration {
			return 0, false
		}
		d += r
	}
	if d < time.Minute || d > maxDuration {
		return 0, false
	}
	return d, true
}

// slaKeys are the keys /dept sla accepts, with where each one goes.
var slaKeys = map[string]func(p *appeal.Policy) *time.Duration{
	"claim":          func(p *appeal.Policy) *time.Duration { return &p.Normal.Claim },
	"answer":         func(p *appeal.Policy) *time.Duration { return &p.Normal.Answer },
	"resolve":        func(p *appeal.Policy) *time.Duration { return &p.Normal.Resolve },
	"normal.claim":   func(p *appeal.Policy) *time.Duration { return &p.Normal.Claim },
	"normal.answer":  func(p *appeal.Policy) *time.Duration { return &p.Normal.Answer },
	"normal.resolve": func(p *appeal.Policy) *time.Duration { return &p.Normal.Resolve },
	"urgent.claim":   func(p *appeal.Policy) *time.Duration { return &p.Urgent.Claim },
	"urgent.answer":  func(p *appeal.Policy) *time.Duration { return &p.Urgent.Answer },
	"urgent.resolve": func(p *appeal.Policy) *time.Duration { return &p.Urgent.Resolve },
}

// parseSLA applies "key=duration" words to p. On a bad word it returns the
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
		d, ok := parseDuration(v)
		if !ok {
			return p, w, false
		}
		*f(&p) = d
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

// Button data is "c:" + command + ":" + appeal number, with ":a" (answer)
// or ":e" (extension) for approve and reject: compact, well inside 64
// bytes, and nothing in it is trusted beyond naming what to do. Who may do
// it is decided from stored roles when it is pressed.
var buttonPattern = regexp.MustCompile(`^c:(claim|reassign|return|answer|appeal|approve|reject):([1-9][0-9]{0,17})(?::([ae]))?$`)

// Kinds of pending item that approve and reject act on.
const (
	pendingAnswer    = "answer"
	pendingExtension = "extension"
)

// buttonData is the data of a button that runs command cmd on appeal id;
// kind is "", pendingAnswer or pendingExtension.
func buttonData(cmd string, id appeal.ID, kind string) string {
	d := "c:" + cmd + ":" + strconv.FormatInt(int64(id), 10)
	switch kind {
	case pendingAnswer:
		d += ":a"
	case pendingExtension:
		d += ":e"
	}
	return d
}

// ParseButton maps button data back to a command and its arguments; ok is
// false for anything this version did not make.
func ParseButton(data string) (command, args string, ok bool) {
	m := buttonPattern.FindStringSubmatch(data)
	if m == nil {
		return "", "", false
	}
	cmd, id, kind := m[1], m[2], m[3]
	if kind != "" && cmd != "approve" && cmd != "reject" {
		return "", "", false
	}
	switch kind {
	case "a":
		return cmd, id + " " + pendingAnswer, true
	case "e":
		return cmd, id + " " + pendingExtension, true
	}
	return cmd, id, true
}
