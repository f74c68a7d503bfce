package render

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Digest lines are short, so that a busy group's burst fits in few messages:
// about a hundred and twenty appeals to a message. A group can be sent one
// message every three seconds, so this is what it can take in a burst.
const digestTitle = 12

// RenderDigest renders new appeals of one department as one message instead
// of one card each, for a group that receives more than it can be sent.
// Each line names the appeal and its claim deadline; /claim ID works on
// every one. It includes as many of ids, in order, as fit in one message
// and returns how many that was (at least one).
func (r *Renderer) RenderDigest(ctx context.Context, dept string, ids []appeal.ID, lang string, now time.Time) (Rendered, int, error) {
	lang = r.Lang(lang)
	loc := r.Location(ctx, dept)
	head := "📥 " + Text(lang, msgDigestTitle, Args{"n": len(ids), "dept": r.DeptName(ctx, dept)})
	foot := "👉 " + Text(lang, msgDigestHint, nil)
	lines := []string{head}
	size := runes(head) + runes(foot) + 2
	n := 0
	for _, id := range ids {
		a, err := r.store.Appeal(ctx, id)
		if err != nil {
			return Rendered{}, 0, fmt.Errorf("render: digest: appeal %d: %w", id, err)
		}
		line := fmt.Sprintf("#%d ", a.ID)
		if a.Priority == appeal.PriorityUrgent {
			line += "🔴 "
		}
		line += EscCut(OneLine(a.Title), digestTitle)
		if t, _ := nextDeadline(a); !t.IsZero() {
			line += " ⏰" + ShortTime(t, loc)
		}
		if size+runes(line)+1 > MaxText && n > 0 {
			break
		}
		lines = append(lines, line)
		size += runes(line) + 1
		n++
	}
	if n < len(ids) {
		lines[0] = "📥 " + Text(lang, msgDigestTitle, Args{"n": n, "dept": r.DeptName(ctx, dept)})
	}
	lines = append(lines, foot)
	return Rendered{HTML: Fit(strings.Join(lines, "\n"))}, n, nil
}
