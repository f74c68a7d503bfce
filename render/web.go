package render

import (
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Names for the web view, which shows them as plain text.

// EventName names event kind k in lang: "claimed", "认领".
func EventName(lang string, k appeal.EventKind) string { return Plain(Text(lang, eventKey(k), nil)) }

// AnswerStateName names answer state s in lang.
func AnswerStateName(lang string, s appeal.AnswerState) string {
	return Plain(Text(lang, answerStateKey(s), nil))
}

// Duration formats a span with its two largest units: "3d 4h", "3天4小时".
func Duration(lang string, d time.Duration) string { return fmtDur(lang, d) }

// OutcomeName names an event's outcome (a resolution or a citizen's
// verdict) in lang: "unresolved", "不满意"; "" when it is none of them.
func OutcomeName(lang, outcome string) string {
	if k := outcomeKey(outcome); k != "" {
		return Plain(Text(lang, k, nil))
	}
	return ""
}
