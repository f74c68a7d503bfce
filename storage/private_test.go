package storage_test

import (
	"context"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestAnswerableMessage: the private messages a reply to which answers an
// appeal (contact details, "assigned to you", a prompt for the answer) are
// found by network, chat and message id; any other message is not.
func TestAnswerableMessage(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		member := appeal.Recipient{Kind: appeal.ToMember, Ref: "7"}
		chat := appeal.Recipient{Kind: appeal.ToChat}
		a := enqueue(t, s, "answerable", t0,
			appeal.Message{Kind: appeal.MsgContact, To: member},
			appeal.Message{Kind: appeal.MsgAssignedYou, To: member},
			appeal.Message{Kind: appeal.MsgReminder, To: member})
		if err := s.EnqueueMessages(ctx, t0, []appeal.Message{
			{Kind: appeal.MsgReply, To: chat, AppealID: a.ID, Args: map[string]string{"html": "prompt"}},
			{Kind: appeal.MsgReply, To: chat, Args: map[string]string{"html": "help"}},
		}); err != nil {
			t.Fatal(err)
		}
		pending, err := s.Outbox(ctx, 500)
		if err != nil {
			t.Fatal(err)
		}
		msgID := map[string]string{}
		for i, m := range pending {
			id := string(m.Kind)
			if m.Kind == appeal.MsgReply {
				id += ":" + m.Args["html"]
			}
			msgID[id] = string(rune('a' + i))
			if err := s.MarkDelivered(ctx, appeal.Delivery{OutboxID: m.ID, Network: "telegram", ChatID: "200",
				MessageID: msgID[id], At: t0}); err != nil {
				t.Fatal(err)
			}
		}
		for _, k := range []string{"contact", "assigned_you", "reply:prompt"} {
			if got, err := s.AnswerableMessage(ctx, "telegram", "200", msgID[k]); err != nil || got != a.ID {
				t.Errorf("%s: %d, %v; want %d", k, got, err, a.ID)
			}
		}
		for _, k := range []string{"reminder", "reply:help"} {
			_, err := s.AnswerableMessage(ctx, "telegram", "200", msgID[k])
			isNotFound(t, k, err)
		}
		_, err = s.AnswerableMessage(ctx, "telegram", "201", msgID["contact"])
		isNotFound(t, "another chat", err)
		_, err = s.AnswerableMessage(ctx, "matrix", "200", msgID["contact"])
		isNotFound(t, "another network", err)
	})
}
