package matrix

import (
	"strings"

	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/render"
)

// Matrix has no buttons: a card's buttons become reactions that the bot
// puts on the card itself, and a responder who reacts with one of them
// presses that button. Each command has its own emoji, so that people
// learn them; a second button of the same command on one message (a list
// of several appeals) gets a number instead.
var commandEmoji = map[string]string{
	"claim":    "✋",
	"return":   "↩️",
	"appeal":   "ℹ️",
	"answer":   "✍️",
	"approve":  "✅",
	"reject":   "❌",
	"reassign": "🔁",
	"unclaim":  "🔓",
	"assign":   "📌",
}

var numberEmoji = []string{"1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟"}

// action is one button of a message as a reaction.
type action struct {
	Emoji string
	Label string
	Data  string
}

// actionsOf maps a message's buttons to reactions, in the buttons' order.
// Buttons beyond the emoji available are dropped.
func actionsOf(rows [][]bot.Button) []action {
	var out []action
	used := map[string]bool{}
	next := 0
	for _, row := range rows {
		for _, b := range row {
			e := ""
			if cmd, _, ok := render.ParseButton(b.Data); ok {
				e = commandEmoji[cmd]
			}
			if e == "" || used[e] {
				e = ""
				for next < len(numberEmoji) && used[numberEmoji[next]] {
					next++
				}
				if next == len(numberEmoji) {
					continue
				}
				e = numberEmoji[next]
			}
			used[e] = true
			out = append(out, action{Emoji: e, Label: b.Label, Data: b.Data})
		}
	}
	return out
}

// actionMap is what a card event carries under actionsKey: emoji → button
// data.
func actionMap(as []action) map[string]string {
	m := make(map[string]string, len(as))
	for _, a := range as {
		m[a.Emoji] = a.Data
	}
	return m
}

// legend tells people which reaction does what, below the card's text.
func legend(as []action) (plainText, html string) {
	if len(as) == 0 {
		return "", ""
	}
	parts := make([]string, len(as))
	hparts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Emoji + " " + a.Label
		hparts[i] = a.Emoji + " " + escape(a.Label)
	}
	return strings.Join(parts, " · "), strings.Join(hparts, " · ")
}

// normEmoji compares reaction keys without the variation selector some
// clients add or drop, and without a skin tone.
func normEmoji(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\ufe0f' || r >= 0x1f3fb && r <= 0x1f3ff {
			return -1
		}
		return r
	}, s)
}
