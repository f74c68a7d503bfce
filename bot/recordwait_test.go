package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/bot/telegram"
	"github.com/appealbot/appealbot/commands"
	"github.com/appealbot/appealbot/internal/worldtest"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// watchedStore is the real store, telling when a lookup of a replied-to
// message first finds nothing and when the card of one is looked up again,
// and counting the lookups of private messages.
type watchedStore struct {
	*storage.Store
	cardMiss, cardAgain, answerableMiss chan struct{}
	cardOnce, againOnce, answerableOnce sync.Once
	cards, answerables                  atomic.Int32
}

func (s *watchedStore) CardByMessage(ctx context.Context, network, chatID, messageID string) (appeal.Card, error) {
	if s.cards.Add(1) == 2 {
		s.againOnce.Do(func() { close(s.cardAgain) })
	}
	c, err := s.Store.CardByMessage(ctx, network, chatID, messageID)
	if errors.Is(err, appeal.ErrNotFound) {
		s.cardOnce.Do(func() { close(s.cardMiss) })
	}
	return c, err
}

func (s *watchedStore) AnswerableMessage(ctx context.Context, network, chatID, messageID string) (appeal.ID, error) {
	s.answerables.Add(1)
	id, err := s.Store.AnswerableMessage(ctx, network, chatID, messageID)
	if errors.Is(err, appeal.ErrNotFound) {
		s.answerableOnce.Do(func() { close(s.answerableMiss) })
	}
	return id, err
}

// replyWorld is a bot on the Telegram transport (against the Bot API test
// server) and a real store, with appeal a of roads claimed by its
// responder.
type replyWorld struct {
	w    *worldtest.World
	st   *watchedStore
	tg   *botapitest.Server
	b    *bot.Bot
	a    appeal.Appeal
	resp bot.User
	seq  int
}

func newReplyWorld(t *testing.T, backend string) *replyWorld {
	t.Helper()
	clock := func() time.Time { return worldtest.T0 }
	w := worldtest.New(t, backend, clock)
	log := slog.New(slog.DiscardHandler)
	tg := botapitest.New(t)
	tr, err := telegram.New(t.Context(), telegram.Config{Token: botapitest.Token, APIURL: tg.URL()}, log)
	if err != nil {
		t.Fatal(err)
	}
	rnd := render.New(w.Store, w.Svc, render.Config{DefaultLang: "en"}, log)
	cmds := commands.New(w.Svc, w.Store, rnd, commands.Config{}, log)
	st := &watchedStore{Store: w.Store, cardMiss: make(chan struct{}), cardAgain: make(chan struct{}),
		answerableMiss: make(chan struct{})}
	m := w.Members[worldtest.Resp]
	rw := &replyWorld{w: w, st: st, tg: tg, b: bot.New(tr, cmds, st, clock, log), a: w.Intake("roads"),
		resp: bot.User{ID: m.ExternalID, Username: m.Username, DisplayName: m.DisplayName}}
	w.Act(rw.a.ID, worldtest.Resp, appeal.Command{Action: appeal.ActClaim})
	return rw
}

// private is the responder's private chat with the bot.
func (rw *replyWorld) private() bot.Chat {
	return bot.Chat{ChatRef: bot.ChatRef{ChatID: rw.resp.ID}, Private: true}
}

// prompt presses Answer in the responder's private chat and returns the
// queued prompt for the answer: not yet sent, so without a record.
func (rw *replyWorld) prompt(t *testing.T) appeal.OutboxMessage {
	t.Helper()
	uid, _ := strconv.ParseInt(rw.resp.ID, 10, 64)
	data := render.ButtonData("answer", rw.a.ID, "")
	press := rw.tg.PressButton(uid, 1, botapitest.User{ID: uid, Username: rw.resp.Username, FirstName: rw.resp.DisplayName}, data)
	rw.seq++
	rw.b.Handle(t.Context(), bot.Update{ID: fmt.Sprintf("press-%d", rw.seq), Kind: bot.UpdateButton, Chat: rw.private(),
		From: rw.resp, MessageID: "1", PressID: press, Data: data})
	rows, err := rw.st.Outbox(t.Context(), 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Kind == appeal.MsgReply && r.AppealID == rw.a.ID && r.Args[appeal.ArgChat] == rw.resp.ID &&
			r.Args[appeal.ArgForceReply] != "" {
			return r
		}
	}
	t.Fatalf("no prompt for the answer to #%d among %+v", rw.a.ID, rows)
	return appeal.OutboxMessage{}
}

// reply hands the bot, in the background, a reply in chat to message
// replyTo; the returned channel is closed once Handle has returned.
func (rw *replyWorld) reply(t *testing.T, chat bot.Chat, msgID, replyTo, text string) <-chan struct{} {
	rw.seq++
	done := make(chan struct{})
	u := bot.Update{ID: fmt.Sprintf("reply-%d", rw.seq), Kind: bot.UpdateReply, Chat: chat, From: rw.resp,
		MessageID: msgID, Text: text, ReplyTo: replyTo}
	go func() {
		defer close(done)
		rw.b.Handle(t.Context(), u)
	}()
	return done
}

// confirmations are the texts of the bot's replies queued in chat to the
// person's message msgID.
func (rw *replyWorld) confirmations(t *testing.T, chat, msgID string) []string {
	t.Helper()
	rows, err := rw.st.Outbox(t.Context(), 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if r.Kind == appeal.MsgReply && r.Args[appeal.ArgChat] == chat && r.Args[appeal.ArgReplyTo] == msgID {
			out = append(out, r.Args[appeal.ArgHTML])
		}
	}
	return out
}

// answeredWith fails the test unless the appeal is answered (or its answer
// waits for approval) with text, and the replier, in chat, was told so in
// reply to msgID.
func (rw *replyWorld) answeredWith(t *testing.T, chat, msgID, text string) {
	t.Helper()
	a := rw.w.Appeal(rw.a.ID)
	want := fmt.Sprintf("Appeal #%d is answered.", a.ID)
	switch a.Status {
	case appeal.StatusAnswered:
	case appeal.StatusPendingApproval:
		want = fmt.Sprintf("Your answer to #%d waits for a leader's approval.", a.ID)
	default:
		t.Fatalf("appeal #%d is %s, want answered: the reply was not taken as the answer", a.ID, a.Status)
	}
	if len(a.Answers) != 1 || a.Answers[0].Text != text || a.Answers[0].Author != rw.w.IDs[worldtest.Resp] {
		t.Fatalf("answers %+v, want one by the responder: %q", a.Answers, text)
	}
	if got := rw.confirmations(t, chat, msgID); len(got) != 1 || !strings.Contains(got[0], want) {
		t.Fatalf("replies to the answer: %q, want one saying %q", got, want)
	}
}

// notAnswered fails the test if the appeal got an answer or the message
// msgID in chat a reply.
func (rw *replyWorld) notAnswered(t *testing.T, chat, msgID string) {
	t.Helper()
	if a := rw.w.Appeal(rw.a.ID); a.Status != appeal.StatusClaimed || len(a.Answers) != 0 {
		t.Fatalf("appeal #%d is %s with answers %+v, want it claimed and unanswered", a.ID, a.Status, a.Answers)
	}
	if got := rw.confirmations(t, chat, msgID); len(got) != 0 {
		t.Fatalf("the reply was answered: %q", got)
	}
}

// within waits for ch, failing the test after a generous bound.
func within(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("waited 10s for %s", what)
	}
}

// TestQuickPrivateReplyWaitsForTheRecord: the responder replies to the
// forced-reply prompt before the record of the prompt is written (it is
// written just after Telegram took the message, here some 250 ms after the
// bot first looked for it and found nothing). The bot waits for the
// record: the reply is the answer, and the responder is told so.
func TestQuickPrivateReplyWaitsForTheRecord(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			rw := newReplyWorld(t, backend)
			prompt := rw.prompt(t)
			const promptMsg, replyMsg, text = "501", "502", "Filled the hole on Monday."

			// The record lands only once the reply has been looked up and
			// not found, with the same call delivery makes once the network
			// took the message.
			recorded := make(chan error, 1)
			go func() {
				select {
				case <-rw.st.answerableMiss:
				case <-t.Context().Done():
					recorded <- t.Context().Err()
					return
				}
				time.Sleep(250 * time.Millisecond)
				recorded <- rw.st.RecordSend(t.Context(), nil, []appeal.Delivery{{OutboxID: prompt.ID, Network: "telegram",
					ChatID: rw.resp.ID, MessageID: promptMsg, At: worldtest.T0}})
			}()
			done := rw.reply(t, rw.private(), replyMsg, promptMsg, text)
			within(t, done, "the reply to be handled")
			select {
			case err := <-recorded:
				if err != nil {
					t.Fatalf("record the prompt: %v", err)
				}
			default: // not yet written: the reply cannot have been the answer
			}
			rw.answeredWith(t, rw.resp.ID, replyMsg, text)
		})
	}
}

// TestGroupReplyDoesNotWaitForTheRecord: in a group the bot's message
// replied to is a card, recorded before anyone can reply to it; a reply to
// a message without a record is no answer, at once. The card's record,
// written only after the reply was handled, does not make it one; a reply
// once it is written is.
func TestGroupReplyDoesNotWaitForTheRecord(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			rw := newReplyWorld(t, backend)
			group := bot.Chat{ChatRef: bot.ChatRef{ChatID: worldtest.RoadsChat}, Title: "Roads"}
			const cardMsg, replyMsg, text = "601", "602", "Patched it."

			// The card is recorded once the reply was handled, or once the
			// card is looked up again: a wait for it.
			var waited atomic.Bool
			recorded := make(chan error, 1)
			done := make(chan struct{})
			go func() {
				select {
				case <-rw.st.cardMiss:
				case <-t.Context().Done():
					recorded <- t.Context().Err()
					return
				}
				select {
				case <-done:
				case <-rw.st.cardAgain:
					waited.Store(true)
				case <-t.Context().Done():
					recorded <- t.Context().Err()
					return
				}
				recorded <- rw.st.RecordSend(t.Context(), []appeal.Card{{AppealID: rw.a.ID, Network: "telegram",
					ChatID: worldtest.RoadsChat, MessageID: cardMsg}}, nil)
			}()
			handled := rw.reply(t, group, replyMsg, cardMsg, text)
			within(t, handled, "the reply to be handled")
			close(done)
			select {
			case err := <-recorded:
				if err != nil {
					t.Fatalf("record the card: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the card was not recorded")
			}
			if waited.Load() {
				t.Fatal("the reply in a group waited for the record of the card")
			}
			rw.notAnswered(t, worldtest.RoadsChat, replyMsg)

			// With the card recorded, the same reply is the answer.
			const again = "603"
			within(t, rw.reply(t, group, again, cardMsg, text), "the second reply to be handled")
			rw.answeredWith(t, worldtest.RoadsChat, again, text)
		})
	}
}

// TestPrivateReplyToAnUnrecordedMessageIsIgnored: a private reply to a
// message of the bot's whose record never comes (the prompt is never
// recorded) is no answer: the bot looks again for a while, then gives up
// without a word.
func TestPrivateReplyToAnUnrecordedMessageIsIgnored(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			rw := newReplyWorld(t, backend)
			rw.prompt(t)
			const replyMsg = "702"
			within(t, rw.reply(t, rw.private(), replyMsg, "701", "Filled the hole."), "the reply to be given up")
			rw.notAnswered(t, rw.resp.ID, replyMsg)
			if n := rw.st.answerables.Load(); n < 2 {
				t.Fatalf("the private message was looked up %d times, want it looked for again before the reply was given up", n)
			}
		})
	}
}
