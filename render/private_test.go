package render

import (
	"slices"
	"strconv"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/worldtest"
)

// TestPrivateMessagesCarryButtons: the contact details and "assigned to
// you" a responder gets privately carry Claim while no one holds the
// appeal, Answer while it can be answered, and nothing once it is
// answered; "assigned to you" keeps Details.
func TestPrivateMessagesCarryButtons(t *testing.T) {
	e := newEnv(t, "sqlite")
	a := e.intake("roads")
	me := appeal.Recipient{Kind: appeal.ToMember, Ref: strconv.FormatInt(int64(e.ids[worldtest.Resp]), 10)}
	cmds := func(kind appeal.MessageKind) []string {
		t.Helper()
		m := appeal.Message{Kind: kind, To: me, AppealID: a.ID, Args: map[string]string{appeal.ArgBy: "0"}}
		r, err := e.r.RenderMessage(t.Context(), m, "en", e.clock())
		if err != nil || Check(r) != nil {
			t.Fatalf("%s: %+v %v", kind, r, err)
		}
		var out []string
		for _, row := range r.Buttons {
			for _, b := range row {
				c, _, _ := ParseButton(b.Data)
				out = append(out, c)
			}
		}
		return out
	}
	steps := []struct {
		name           string
		act            *appeal.Command
		contact, yours []string
	}{
		{name: "unclaimed", contact: []string{"claim", "answer"}, yours: []string{"claim", "answer", "appeal"}},
		{name: "claimed", act: &appeal.Command{Action: appeal.ActClaim}, contact: []string{"answer"}, yours: []string{"answer", "appeal"}},
		{name: "answered", act: &appeal.Command{Action: appeal.ActAnswer, Text: "done"}, contact: nil, yours: []string{"appeal"}},
	}
	for _, s := range steps {
		if s.act != nil {
			e.act(a.ID, worldtest.Resp, *s.act)
		}
		if got := cmds(appeal.MsgContact); !slices.Equal(got, s.contact) {
			t.Errorf("%s: contact buttons %v, want %v", s.name, got, s.contact)
		}
		if got := cmds(appeal.MsgAssignedYou); !slices.Equal(got, s.yours) {
			t.Errorf("%s: assigned-to-you buttons %v, want %v", s.name, got, s.yours)
		}
	}
}

// TestPromptKeepsForcedReply: a reply that asks for a text keeps asking
// for it through the outbox.
func TestPromptKeepsForcedReply(t *testing.T) {
	e := newEnv(t, "sqlite")
	m, err := ReplyMessage("telegram", "200", "", "", Rendered{HTML: "answer?", ForceReply: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.r.RenderMessage(t.Context(), m, "en", e.clock())
	if err != nil || !got.ForceReply || got.HTML != "answer?" {
		t.Fatalf("prompt: %+v %v", got, err)
	}
	m, _ = ReplyMessage("telegram", "200", "", "", Rendered{HTML: "plain"})
	if got, _ := e.r.RenderMessage(t.Context(), m, "en", e.clock()); got.ForceReply {
		t.Fatalf("a plain reply forces a reply: %+v", got)
	}
}
