package botapitest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// htmlTags are the tags Telegram's HTML parse mode accepts, with the
// attributes each may carry. Any other attribute is ignored, as Telegram does.
var htmlTags = map[string][]string{
	"b": nil, "strong": nil,
	"i": nil, "em": nil,
	"u": nil, "ins": nil,
	"s": nil, "strike": nil, "del": nil,
	"code":       {"class"},
	"pre":        nil,
	"a":          {"href"},
	"span":       {"class"},
	"tg-spoiler": nil,
	"blockquote": {"expandable"},
	"tg-emoji":   {"emoji-id"},
}

// PlainText parses text in Telegram's HTML parse mode and returns what the
// reader sees: tags removed, character references decoded. The error is the
// part of Telegram's answer after "Bad Request: can't parse entities: ".
//
// It follows Telegram's rules: only the tags b, strong, i, em, u, ins, s,
// strike, del, code, pre, a (href), span class="tg-spoiler", tg-spoiler,
// blockquote and tg-emoji, properly nested (names in any case); only the
// named references &lt; &gt; &amp; &quot; and numeric ones; a '<' or '&'
// that does not start a tag or reference is an error, a bare '>' is text.
func PlainText(text string) (string, error) {
	var b strings.Builder
	var stack []string
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case '<':
			end, err := tagEnd(text, i)
			if err != nil {
				return "", err
			}
			inner := text[i+1 : end]
			if strings.HasPrefix(inner, "/") {
				name := strings.ToLower(strings.TrimSpace(inner[1:]))
				if len(stack) == 0 {
					return "", fmt.Errorf("Unexpected end tag at byte offset %d", i)
				}
				if top := stack[len(stack)-1]; name != top {
					return "", fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top, name)
				}
				stack = stack[:len(stack)-1]
			} else {
				name, err := checkStartTag(inner, i)
				if err != nil {
					return "", err
				}
				stack = append(stack, name)
			}
			i = end + 1
		case '&':
			r, n, err := charRef(text, i)
			if err != nil {
				return "", err
			}
			b.WriteRune(r)
			i += n
		default:
			b.WriteByte(c)
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1])
	}
	return b.String(), nil
}

// tagEnd returns the index of the '>' closing the tag that starts at i,
// skipping quoted attribute values.
func tagEnd(text string, i int) (int, error) {
	var quote byte
	for j := i + 1; j < len(text); j++ {
		c := text[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j, nil
		case c == '<':
			return 0, fmt.Errorf("Unclosed start tag at byte offset %d", i)
		}
	}
	if i+1 < len(text) && text[i+1] == '/' {
		return 0, fmt.Errorf("Unclosed end tag at byte offset %d", i)
	}
	return 0, fmt.Errorf("Unclosed start tag at byte offset %d", i)
}

// checkStartTag validates the inside of a start tag (between '<' and '>')
// and returns the lower-cased tag name.
func checkStartTag(inner string, offset int) (string, error) {
	nameEnd := strings.IndexAny(inner, " \t\r\n")
	if nameEnd < 0 {
		nameEnd = len(inner)
	}
	name := strings.ToLower(inner[:nameEnd])
	allowed, ok := htmlTags[name]
	if !ok {
		return "", fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, offset)
	}
	attrs, err := parseAttrs(inner[nameEnd:], offset)
	if err != nil {
		return "", err
	}
	for k := range attrs {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			delete(attrs, k)
		}
	}
	switch name {
	case "span":
		if attrs["class"] != "tg-spoiler" {
			return "", fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", offset)
		}
	case "tg-emoji":
		if _, err := strconv.ParseInt(attrs["emoji-id"], 10, 64); err != nil {
			return "", fmt.Errorf("Tag \"tg-emoji\" must have attribute \"emoji-id\" at byte offset %d", offset)
		}
	}
	return name, nil
}

// parseAttrs reads name, name=value, name="value" and name='value' pairs.
func parseAttrs(s string, offset int) (map[string]string, error) {
	attrs := map[string]string{}
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		if s == "" {
			return attrs, nil
		}
		n := strings.IndexAny(s, "= \t\r\n")
		if n < 0 {
			n = len(s)
		}
		name := strings.ToLower(s[:n])
		if name == "" || strings.ContainsAny(name, "\"'/") {
			return nil, fmt.Errorf("Expected equal sign in declaration of an attribute of a start tag at byte offset %d", offset)
		}
		s = strings.TrimLeft(s[n:], " \t\r\n")
		if !strings.HasPrefix(s, "=") {
			attrs[name] = ""
			continue
		}
		s = strings.TrimLeft(s[1:], " \t\r\n")
		var raw string
		if s != "" && (s[0] == '"' || s[0] == '\'') {
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				return nil, fmt.Errorf("Unclosed start tag at byte offset %d", offset)
			}
			raw, s = s[1:1+end], s[2+end:]
		} else {
			end := strings.IndexAny(s, " \t\r\n")
			if end < 0 {
				end = len(s)
			}
			raw, s = s[:end], s[end:]
		}
		value, err := PlainText(raw)
		if err != nil || strings.Contains(raw, "<") {
			return nil, fmt.Errorf("Bad attribute value at byte offset %d", offset)
		}
		attrs[name] = value
	}
}

// charRef decodes the character reference at text[i] ('&') and returns the
// character and the length of the reference.
func charRef(text string, i int) (rune, int, error) {
	semi := strings.IndexByte(text[i:], ';')
	if semi < 0 || semi > 12 {
		return 0, 0, fmt.Errorf("Character entity expected at byte offset %d", i)
	}
	name := text[i+1 : i+semi]
	switch name {
	case "lt":
		return '<', semi + 1, nil
	case "gt":
		return '>', semi + 1, nil
	case "amp":
		return '&', semi + 1, nil
	case "quot":
		return '"', semi + 1, nil
	}
	if num, ok := strings.CutPrefix(name, "#"); ok {
		base := 10
		if hex, ok := strings.CutPrefix(strings.ToLower(num), "x"); ok {
			num, base = hex, 16
		}
		v, err := strconv.ParseUint(num, base, 32)
		if err == nil && v != 0 && utf8.ValidRune(rune(v)) {
			return rune(v), semi + 1, nil
		}
	}
	return 0, 0, fmt.Errorf("Unsupported HTML entity \"&%s;\" at byte offset %d", name, i)
}
