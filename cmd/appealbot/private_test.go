package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/bot/matrix/matrixtest"
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
	// The prompt is the press's answer: no notice besides it.
	if notice := w.press(w.alice.ID, contact, w.alice, "answer"); notice != "" {
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

// TestMatrixPrivateWork: the same from a Matrix direct chat. Alice opens a
// direct chat with the bot and claims there; the contact details arrive
// there with an Answer action; a reply to them answers the appeal, and the
// card in the department's room shows it. The Answer action brings the
// prompt, and a reply to the prompt answers another appeal.
func TestMatrixPrivateWork(t *testing.T) {
	hs := matrixtest.Start(t, matrixtest.Options{})
	env, botU, cs := mxSetup(t, hs, "alice")
	base, log, stop := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	alice := cs["alice"]
	r := mxRoomWithBot(t, cs["boss"], botU.ID, alice)
	mxCommand(t, r, cs["boss"], "!dept add water Water Company", "water")
	mxCommand(t, r, cs["boss"], "!dept bind water", "water")
	mxCommand(t, r, cs["boss"], "!role add water responder @alice:localhost", "alice")
	for n := 1; n <= 2; n++ {
		if st, m := postJSON(t, base+"/api/v1/appeals", "", fmt.Sprintf(`{"source":"12345","external_id":"DM-%d","title":"No water %d",
			"body":"Whole building","department":"water","citizen":{"name":"Li Wei","phone":"13812345678"}}`, n, n)); st != 201 {
			t.Fatalf("intake: %d %v", st, m)
		}
		waitMx(t, fmt.Sprintf("card #%d", n), func() bool { return r.card(t, n) != nil })
	}

	ctx := context.Background()
	dm := mxDirect(t, alice, botU.ID)
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range dm.botMessages(t) {
				t.Logf("bot in the direct chat %s (reply to %s): %s %v", m.ID, m.ReplyTo, m.Body, m.Actions)
			}
		}
	})
	contactOf := func(n int) *mxMsg {
		return dm.wait(t, fmt.Sprintf("contact of #%d in the direct chat", n), fmt.Sprintf("#%d", n), "13812345678")
	}
	mxCommand(t, dm, alice, "!claim 1", "claimed appeal #1")
	contact := contactOf(1)
	mxSend(t, alice, dm.room, "Water is back on.", contact.ID)
	waitMx(t, "card #1 answered", func() bool { return strings.Contains(r.card(t, 1).Body, "Status: answered") })

	mxCommand(t, dm, alice, "!claim 2", "claimed appeal #2")
	contact = contactOf(2)
	answer := ""
	for e, data := range contact.Actions {
		if c, _, ok := render.ParseButton(data); ok && c == "answer" {
			answer = e
		}
	}
	if answer == "" {
		t.Fatalf("contact actions %v: no Answer", contact.Actions)
	}
	if _, err := alice.SendReaction(ctx, dm.room, id.EventID(contact.ID), answer); err != nil {
		t.Fatal(err)
	}
	prompt := dm.wait(t, "the prompt for the answer", "Reply to this message with your answer to #2")
	mxSend(t, alice, dm.room, "Pipe replaced.", prompt.ID)
	waitMx(t, "card #2 answered", func() bool { return strings.Contains(r.card(t, 2).Body, "Status: answered") })
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}
