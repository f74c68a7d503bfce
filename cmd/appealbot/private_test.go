package main

import (
	"strings"
	"testing"

	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/render"
)

// TestTelegramPrivateWork: a responder works from their private chat with
// the bot. Alice claims privately; her contact card has Answer (and no
// Claim, the appeal being hers); pressing it brings a forced-reply prompt,
// and her reply to the prompt answers the appeal and edits the group card.
// Ray, assigned an appeal by a leader, answers by replying to the contact
// card itself. Walt, of water, is refused roads' appeal privately as he
// would be in a wrong group.
func TestTelegramPrivateWork(t *testing.T) {
	w := newProcessWorld(t, "sqlite")
	tg := w.tg
	w.intake(1, "roads", w.roads)
	w.intake(2, "roads", w.roads)
	w.intake(3, "roads", w.roads)

	// Walt is no responder of roads: the reply is that of a wrong group.
	command(t, tg, w.walt.ID, w.walt, "/claim 3", "There is no appeal #3 that you may see.")

	command(t, tg, w.alice.ID, w.alice, "/claim 1", "Alice claimed appeal #1")
	w.wait(w.roads, "#1", "Status: claimed · Alice")
	contact := w.wait(w.alice.ID, "Contact for", "#1")
	if hasButton(contact, "claim") || !hasButton(contact, "answer") {
		t.Fatalf("contact card buttons: %+v", contact.Buttons)
	}
	notice := w.press(w.alice.ID, contact, w.alice, "answer")
	if !strings.Contains(notice, "Reply to this message") {
		t.Fatalf("press of Answer: %q", notice)
	}
	prompt := w.wait(w.alice.ID, "Reply to this message with your answer to #1")
	if !prompt.ForceReply || len(prompt.Buttons) != 0 {
		t.Fatalf("prompt: force_reply %v, buttons %+v", prompt.ForceReply, prompt.Buttons)
	}
	tg.SendText(w.alice.ID, w.alice, "Filled the hole on Monday.", prompt.MessageID)
	w.wait(w.alice.ID, "Appeal #1 is answered.")
	w.wait(w.roads, "#1", "Status: answered")

	// Assigned by a leader, Ray answers by replying to the contact card.
	command(t, tg, w.lee.ID, w.lee, "/assign 2 @ray", "assigned to Ray")
	mine := w.wait(w.ray.ID, "Lee assigned", "#2")
	if !hasButton(mine, "answer") || !hasButton(mine, "appeal") {
		t.Fatalf("assigned-to-you buttons: %+v", mine.Buttons)
	}
	card := w.wait(w.ray.ID, "Contact for", "#2")
	tg.SendText(w.ray.ID, w.ray, "Patched it.", card.MessageID)
	w.wait(w.ray.ID, "Appeal #2 is answered.")
	w.wait(w.roads, "#2", "Status: answered")

	// Claimed privately, answered with a reply to the group card as before.
	command(t, tg, w.ray.ID, w.ray, "/claim 3", "Ray claimed appeal #3")
	group := w.wait(w.roads, "#3", "Status: claimed · Ray")
	tg.SendText(w.roads, w.ray, "Done.", group.MessageID)
	w.wait(w.roads, "#3", "Status: answered")
}

// hasButton reports whether m has a button running cmd.
func hasButton(m botapitest.Message, cmd string) bool {
	for _, row := range m.Buttons {
		for _, b := range row {
			if c, _, ok := render.ParseButton(b.Data); ok && c == cmd {
				return true
			}
		}
	}
	return false
}
