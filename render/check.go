package render

// What a chat network accepts, as a checker for tests of everything that
// renders.

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	entityPattern = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});`)
	hrefPattern   = regexp.MustCompile(`^href="[^"<>]*"$`)
	allowedTags   = map[string]bool{"b": true, "i": true, "u": true, "s": true, "code": true, "pre": true, "a": true}
)

// ValidHTML checks s against what Telegram's parse_mode=HTML accepts and
// Matrix shows alike: valid UTF-8; only <b>, <i>, <u>, <s>, <code>, <pre>
// and <a href="...">, properly nested, nothing inside <code> or <pre>; and
// no '<', '>' or '&' outside tags and entities.
func ValidHTML(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("invalid UTF-8")
	}
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return fmt.Errorf("bare '<' at %d", i)
			}
			tag := s[i+1 : i+j]
			if name, ok := strings.CutPrefix(tag, "/"); ok {
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return fmt.Errorf("</%s> at %d closes nothing open (open: %v)", name, i, stack)
				}
				stack = stack[:len(stack)-1]
			} else {
				name, attrs, _ := strings.Cut(tag, " ")
				if !allowedTags[name] {
					return fmt.Errorf("tag <%s> at %d is not allowed", tag, i)
				}
				if name == "a" && !hrefPattern.MatchString(attrs) || name != "a" && attrs != "" {
					return fmt.Errorf("bad attributes in <%s> at %d", tag, i)
				}
				if n := len(stack); n > 0 && (stack[n-1] == "code" || stack[n-1] == "pre") {
					return fmt.Errorf("<%s> inside <%s> at %d", name, stack[n-1], i)
				}
				stack = append(stack, name)
			}
			i += j + 1
		case '>':
			return fmt.Errorf("bare '>' at %d", i)
		case '&':
			m := entityPattern.FindString(s[i:])
			if m == "" {
				return fmt.Errorf("bare '&' at %d: %q", i, s[i:min(len(s), i+10)])
			}
			i += len(m)
		default:
			i++
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("unclosed tags %v", stack)
	}
	return nil
}

// Check checks a rendered message against every limit of a chat network:
// its length, its HTML, and its buttons' labels and data. Rendering keeps
// to them by construction; tests hold every message to them.
func Check(r Rendered) error {
	if n := utf8.RuneCountInString(r.HTML); n > MaxText {
		return fmt.Errorf("%d characters, more than %d", n, MaxText)
	}
	if err := ValidHTML(r.HTML); err != nil {
		return err
	}
	for _, row := range r.Buttons {
		for _, b := range row {
			if len(b.Data) == 0 || len(b.Data) > 64 {
				return fmt.Errorf("button %q: data of %d bytes", b.Label, len(b.Data))
			}
			if _, _, ok := ParseButton(b.Data); !ok {
				return fmt.Errorf("button %q: data %q does not parse", b.Label, b.Data)
			}
			if b.Label == "" {
				return fmt.Errorf("button without a label")
			}
		}
	}
	return nil
}
