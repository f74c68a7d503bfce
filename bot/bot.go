package bot

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/commands"
	"github.com/appealbot/appealbot/internal/backoff"
	"github.com/appealbot/appealbot/render"
)

// Commands is what the bot needs from the command layer.
type Commands interface {
	Handle(ctx context.Context, r commands.Request) commands.Reply
}

// UpdateStore is what update handling needs from storage.
type UpdateStore interface {
	MarkUpdate(ctx context.Context, network, updateID string, at time.Time) (bool, error)
	CardByMessage(ctx context.Context, network, chatID, messageID string) (appeal.Card, error)
	// AnswerableMessage finds the appeal a private message about it (the
	// contact details, "assigned to you", a prompt for the answer) is for.
	AnswerableMessage(ctx context.Context, network, chatID, messageID string) (appeal.ID, error)
	MigrateChat(ctx context.Context, network, oldChatID, newChatID string) error
	SaveMember(ctx context.Context, m appeal.Member) (appeal.Member, error)
	PruneUpdates(ctx context.Context, before time.Time) (int64, error)
	EnqueueMessages(ctx context.Context, at time.Time, msgs []appeal.Message) error
}

// UpdateMemory is how long handled update ids are remembered. Telegram
// keeps an undelivered update for at most 24 hours, so an update older than
// this can never come again.
const UpdateMemory = 72 * time.Hour

// UpdateWait is how long an update waits for a database that does not
// answer before it is dropped (the person sees no reply and can send it
// again). A database restart takes seconds.
const UpdateWait = 30 * time.Second

// RecordWait bounds the wait of a reply in a private chat for the record
// of the bot's message it replies to (written just after the network took
// the message): about twice this in all.
const RecordWait = 1600 * time.Millisecond

// Bot turns one network's updates into command requests and sends the
// replies back.
type Bot struct {
	tr    Transport
	cmds  Commands
	store UpdateStore
	now   func() time.Time
	log   *slog.Logger
}

// New returns a bot for transport tr.
func New(tr Transport, cmds Commands, store UpdateStore, now func() time.Time, log *slog.Logger) *Bot {
	return &Bot{tr: tr, cmds: cmds, store: store, now: now, log: log.With("network", tr.Network())}
}

// Run receives updates until ctx ends, and forgets old update ids hourly.
func (b *Bot) Run(ctx context.Context) error {
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			if n, err := b.store.PruneUpdates(pctx, b.now().Add(-UpdateMemory)); err != nil && pctx.Err() == nil {
				b.log.Warn("bot: prune update ids", "err", err)
			} else if n > 0 {
				b.log.Debug("bot: pruned update ids", "count", n)
			}
			select {
			case <-pctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	err := b.tr.Receive(ctx, b.Handle)
	cancel()
	<-done
	return err
}

// Handle processes one update once: an update the network delivers again
// (after a restart, or twice in a row) is recognised by its id and ignored.
// The id is recorded before the update is acted on, so a crash in between
// drops that one command rather than running it twice; the person sees no
// reply and can send it again. While the database does not answer (a
// restart, a failover) the update waits for it, up to UpdateWait, rather
// than being dropped.
func (b *Bot) Handle(ctx context.Context, u Update) {
	net := b.tr.Network()
	first, err := b.store.MarkUpdate(ctx, net, u.ID, b.now())
	if errors.Is(err, appeal.ErrUnavailable) {
		b.log.Warn("bot: database unavailable; the update waits for it", "update", u.ID, "err", err)
		first, err = b.markWhenBack(ctx, u.ID)
	}
	if err != nil {
		b.log.Error("bot: record update", "update", u.ID, "err", err)
		if u.Kind == UpdateButton {
			_ = b.tr.AnswerButton(ctx, u.PressID, "")
		}
		return
	}
	if !first {
		b.log.Info("bot: update seen before, ignored", "update", u.ID)
		return
	}
	switch u.Kind {
	case UpdateCommand:
		b.reply(ctx, u, b.cmds.Handle(ctx, b.request(u, u.Command, u.Args, false)))
	case UpdateButton:
		cmd, args, ok := render.ParseButton(u.Data)
		if !ok {
			b.answer(ctx, u, commands.Reply{Notice: "?", Silent: true})
			return
		}
		b.answer(ctx, u, b.cmds.Handle(ctx, b.request(u, cmd, args, true)))
	case UpdateReply:
		id, err := b.answered(ctx, u)
		// A private message is recorded just after the network took it;
		// a reply quicker than that record is waited for, briefly.
		for wait := 100 * time.Millisecond; errors.Is(err, appeal.ErrNotFound) && u.Chat.Private && wait <= RecordWait; wait *= 2 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			id, err = b.answered(ctx, u)
		}
		if errors.Is(err, appeal.ErrNotFound) {
			return // a reply to some other message of the bot's: not an answer
		}
		if err != nil {
			b.log.Error("bot: find card", "update", u.ID, "err", err)
			return
		}
		args := strconv.FormatInt(int64(id), 10) + " " + u.Text
		b.reply(ctx, u, b.cmds.Handle(ctx, b.request(u, "answer", args, false)))
	case UpdateJoined:
		// Remember who joined, so that admins can name them by @username.
		for _, p := range u.Joined {
			if _, err := b.store.SaveMember(ctx, appeal.Member{Network: net, ExternalID: p.ID,
				Username: p.Username, DisplayName: p.DisplayName}); err != nil {
				b.log.Error("bot: save member", "update", u.ID, "err", err)
			}
		}
	case UpdateMigrated:
		if err := b.store.MigrateChat(ctx, net, u.Chat.ChatID, u.NewChatID); err != nil {
			b.log.Error("bot: migrate chat", "from", u.Chat.ChatID, "to", u.NewChatID, "err", err)
			return
		}
		b.log.Info("bot: chat migrated, bindings kept", "from", u.Chat.ChatID, "to", u.NewChatID)
	}
}

// answered finds the appeal that reply u answers: the appeal whose card it
// replies to or, in a private chat, whose private message (the contact
// details, "assigned to you", the prompt for an answer). Private messages
// are addressed to the person (their user id), which on some networks
// (Matrix) is not the id of the room they arrive in: both are looked at.
func (b *Bot) answered(ctx context.Context, u Update) (appeal.ID, error) {
	card, err := b.store.CardByMessage(ctx, b.tr.Network(), u.Chat.ChatID, u.ReplyTo)
	if err == nil || !errors.Is(err, appeal.ErrNotFound) || !u.Chat.Private {
		return card.AppealID, err
	}
	id, err := b.store.AnswerableMessage(ctx, b.tr.Network(), u.Chat.ChatID, u.ReplyTo)
	if errors.Is(err, appeal.ErrNotFound) && u.From.ID != "" && u.From.ID != u.Chat.ChatID {
		id, err = b.store.AnswerableMessage(ctx, b.tr.Network(), u.From.ID, u.ReplyTo)
	}
	return id, err
}

func (b *Bot) request(u Update, cmd, args string, button bool) commands.Request {
	r := commands.Request{
		Network: b.tr.Network(),
		Chat:    commands.Chat{ID: u.Chat.ChatID, TopicID: u.Chat.TopicID, Private: u.Chat.Private, Title: u.Chat.Title},
		From:    commands.User(u.From),
		Command: cmd,
		Args:    args,
		Button:  button,
		Now:     b.now(),
	}
	if u.ReplyToUser != nil {
		ru := commands.User(*u.ReplyToUser)
		r.ReplyToUser = &ru
	}
	for _, a := range u.Attachments {
		r.Attachments = append(r.Attachments, appeal.Attachment{Name: a.Name, MIME: a.MIME, Data: a.Data})
	}
	switch u.PhotoProblem {
	case PhotoTooLarge:
		r.PhotoProblem = commands.PhotoTooLarge
	case PhotoFailed:
		r.PhotoProblem = commands.PhotoFailed
	case PhotoAlbum:
		r.PhotoProblem = commands.PhotoAlbum
	}
	return r
}

// answer acknowledges a button press with the reply's notice and posts the
// reply itself unless it is silent.
func (b *Bot) answer(ctx context.Context, u Update, r commands.Reply) {
	if err := b.tr.AnswerButton(ctx, u.PressID, r.Notice); err != nil {
		b.log.Warn("bot: answer button", "update", u.ID, "err", err)
	}
	if !r.Silent {
		b.reply(ctx, u, r)
	}
}

// reply queues a command's reply where it belongs: in the chat, as an
// answer to the command, or privately to the person who asked. Replies go
// through the outbox like everything else, so they keep to the network's
// limits and survive a restart.
func (b *Bot) reply(ctx context.Context, u Update, r commands.Reply) {
	if r.Silent || r.HTML == "" {
		return
	}
	chat, topic, replyTo := u.Chat.ChatID, u.Chat.TopicID, ""
	if r.Private {
		chat, topic = u.From.ID, ""
	} else if u.Kind != UpdateButton {
		replyTo = u.MessageID
	}
	m, err := render.ReplyMessage(b.tr.Network(), chat, topic, replyTo, r.Rendered)
	// A prompt for an answer is about its appeal, so that a reply to it
	// is found to answer that appeal (AnswerableMessage).
	m.AppealID = r.AnswerFor
	if err == nil {
		err = b.store.EnqueueMessages(ctx, b.now(), []appeal.Message{m})
	}
	if err != nil {
		b.log.Error("bot: queue reply", "update", u.ID, "chat", chat, "err", err)
	}
}

func toButtons(rows [][]render.Button) [][]Button {
	out := make([][]Button, 0, len(rows))
	for _, row := range rows {
		r := make([]Button, 0, len(row))
		for _, btn := range row {
			r = append(r, Button(btn))
		}
		out = append(out, r)
	}
	return out
}

// markWhenBack records update id once the database answers again, trying
// every second at most, for UpdateWait at most.
func (b *Bot) markWhenBack(ctx context.Context, id string) (first bool, err error) {
	deadline := b.now().Add(UpdateWait)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(backoff.Jitter(wait, nil)):
		}
		first, err = b.store.MarkUpdate(ctx, b.tr.Network(), id, b.now())
		if !errors.Is(err, appeal.ErrUnavailable) || b.now().After(deadline) {
			return first, err
		}
	}
}
