package matrix

import (
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
)

// formatted turns the shared HTML subset (Telegram's, where a newline is a
// line break) into a Matrix formatted_body: newlines outside <pre> become
// <br>.
func formatted(s string) string {
	var b strings.Builder
	pre := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			tag := strings.ToLower(s[i : i+j+1])
			if strings.HasPrefix(tag, "<pre") {
				pre++
			} else if strings.HasPrefix(tag, "</pre") && pre > 0 {
				pre--
			}
			b.WriteString(s[i : i+j+1])
			i += j
		case c == '\n' && pre == 0:
			b.WriteString("<br>")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// plain is the text of the shared HTML subset without its markup: the body
// that clients without HTML show, and that notifications quote.
func plain(s string) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return b.String()
		case xhtml.TextToken:
			b.Write(z.Text()) // Text unescapes entities
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if name, _ := z.TagName(); string(name) == "br" {
				b.WriteByte('\n')
			}
		}
	}
}

// stripReplyFallback removes the quote of the replied-to message that
// older clients put at the start of a reply's body: lines starting with
// '>' and the blank line after them.
func stripReplyFallback(body string) string {
	if !strings.HasPrefix(body, ">") {
		return body
	}
	lines := strings.Split(body, "\n")
	i := 0
	for i < len(lines) && strings.HasPrefix(lines[i], ">") {
		i++
	}
	if i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	return strings.Join(lines[i:], "\n")
}

// escape is html.EscapeString for text put into formatted_body.
func escape(s string) string { return html.EscapeString(s) }
