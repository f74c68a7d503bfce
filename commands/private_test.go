package commands

import (
	"fmt"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
)

// TestAnswerButtonPrivately: in the responder's private chat the Answer
// button asks for the text with a forced reply whose reply answers the
// appeal; in a group it still explains how to answer. It is refused when
// the appeal cannot be answered, or someone else holds it.
func TestAnswerButtonPrivately(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	a := e.intake("roads")
	own := privateChat(e.users[rResp].ID)
	data := render.ButtonData("answer", a.ID, "")
	prompt := fmt.Sprintf("✍️ Reply to this message with your answer to #%d.", a.ID)

	cases := []struct {
		name    string
		role    string
		chat    Chat
		prepare func(id appeal.ID)
		// want is the prompt's text, "" when the press only gets a notice;
		// notice is the notice the press gets (none with a prompt: the
		// prompt answers the press, and Matrix would show a notice as a
		// second prompt that no reply could answer).
		want, notice string
		alert        bool
	}{
		{name: "private, unclaimed", role: rResp, chat: own, want: prompt},
		{name: "group", role: rResp, chat: roadsChat,
			notice: fmt.Sprintf("To answer, reply to the card with your text, or send /answer %d TEXT.", a.ID), alert: true},
		{name: "private, other department", role: rRespOther, chat: privateChat(e.users[rRespOther].ID),
			notice: fmt.Sprintf("❌ There is no appeal #%d that you may see. Usage: /answer ID TEXT", a.ID), alert: true},
		{name: "private, claimed by another", role: rResp2, chat: privateChat(e.users[rResp2].ID),
			prepare: func(id appeal.ID) { e.act(id, rResp, appeal.Command{Action: appeal.ActClaim}) },
			notice:  fmt.Sprintf("❌ Appeal #%d is claimed by Rita Roads; only they or a leader may answer it.", a.ID), alert: true},
		{name: "private, claimed by them", role: rResp, chat: own, want: prompt},
		{name: "private, answered", role: rResp, chat: own,
			prepare: func(id appeal.ID) { e.act(id, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "done"}) },
			notice:  fmt.Sprintf("❌ Appeal #%d is answered; it cannot be answered.", a.ID), alert: true},
	}
	for _, c := range cases {
		if c.prepare != nil {
			c.prepare(a.ID)
		}
		rep := e.press(c.role, c.chat, data)
		if rep.HTML != c.want || rep.Notice != c.notice || rep.Alert != c.alert {
			t.Errorf("%s: got html %q notice %q alert %v; want %q, %q, %v", c.name, rep.HTML, rep.Notice, rep.Alert, c.want, c.notice, c.alert)
		}
		if c.want != "" && (!rep.Private || !rep.ForceReply || rep.AnswerFor != a.ID || len(rep.Buttons) != 0) {
			t.Errorf("%s: prompt %+v: want private, forced reply, about #%d, no buttons", c.name, rep, a.ID)
		}
		if c.want == "" && (rep.AnswerFor != 0 || rep.ForceReply) {
			t.Errorf("%s: a notice is no prompt: %+v", c.name, rep)
		}
	}
}
