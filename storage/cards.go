package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

const cardColumns = `appeal_id, network, chat_id, topic_id, message_id, digest`

type cardRow struct {
	AppealID  int64  `db:"appeal_id"`
	Network   string `db:"network"`
	ChatID    string `db:"chat_id"`
	TopicID   string `db:"topic_id"`
	MessageID string `db:"message_id"`
	Digest    bool   `db:"digest"`
}

func (r cardRow) card() appeal.Card {
	return appeal.Card{AppealID: appeal.ID(r.AppealID), Network: r.Network, ChatID: r.ChatID,
		TopicID: r.TopicID, MessageID: r.MessageID, Digest: r.Digest}
}

// SaveCard records the card of c.AppealID in a chat and topic; saving it
// again, as when the card is posted anew, replaces its message id and
// digest mark.
// ErrNotFound when the appeal does not exist.
func (s *Store) SaveCard(ctx context.Context, c appeal.Card) error {
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO cards
		(appeal_id, network, chat_id, topic_id, message_id, digest, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, `+s.nowSQL+`, `+s.nowSQL+`)
		ON CONFLICT (appeal_id, network, chat_id, topic_id) DO UPDATE SET
			message_id = excluded.message_id, digest = excluded.digest, updated_at = excluded.updated_at`),
		int64(c.AppealID), c.Network, c.ChatID, c.TopicID, c.MessageID, c.Digest); err != nil {
		return fail(fmt.Sprintf("save card of appeal %d in %s/%s", c.AppealID, c.Network, c.ChatID), err)
	}
	return nil
}

// Cards returns the cards of appeal id, ordered by network, chat and topic.
func (s *Store) Cards(ctx context.Context, id appeal.ID) ([]appeal.Card, error) {
	var rows []cardRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT `+cardColumns+` FROM cards
		WHERE appeal_id = ? ORDER BY network, chat_id, topic_id`), int64(id)); err != nil {
		return nil, fail(fmt.Sprintf("cards of appeal %d", id), err)
	}
	out := make([]appeal.Card, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.card())
	}
	return out, nil
}

// CardByMessage returns the card that a chat message is, for a button
// pressed under it; ErrNotFound when the message is no card.
func (s *Store) CardByMessage(ctx context.Context, network, chatID, messageID string) (appeal.Card, error) {
	var r cardRow
	// Message ids are unique within a chat; should two cards claim one all
	// the same, the one saved last is the message's.
	if err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+cardColumns+` FROM cards
		WHERE network = ? AND chat_id = ? AND message_id = ?
		ORDER BY updated_at DESC, appeal_id DESC LIMIT 1`), network, chatID, messageID); err != nil {
		return appeal.Card{}, fail(fmt.Sprintf("card of message %s/%s/%s", network, chatID, messageID), err)
	}
	return r.card(), nil
}

// MarkUpdate records that the chat update updateID of network is handled and
// reports whether it is the first to do so: false means the update was seen
// before (the network redelivered it, or another instance has it) and must
// not be handled again. The primary key decides, so of concurrent callers
// exactly one gets true. A zero at takes the database's clock.
//
// Marking before handling gives at-most-once (a crash in between drops the
// update); marking after gives at-least-once. The caller chooses.
func (s *Store) MarkUpdate(ctx context.Context, network, updateID string, at time.Time) (bool, error) {
	op := fmt.Sprintf("mark update %s/%s", network, updateID)
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO processed_updates (network, update_id, processed_at)
		VALUES (?, ?, COALESCE(?, `+s.nowSQL+`)) ON CONFLICT (network, update_id) DO NOTHING`),
		network, updateID, tm(at))
	if err != nil {
		return false, fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fail(op, err)
	}
	return n == 1, nil
}

// PruneUpdates forgets the updates processed before before and returns how
// many it forgot. Keep them longer than a network may redeliver an update.
func (s *Store) PruneUpdates(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM processed_updates WHERE processed_at < ?`), tm(before))
	if err != nil {
		return 0, fail("prune updates", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fail("prune updates", err)
	}
	return n, nil
}

// SetChatLanguage sets the language messages to a chat are rendered in; ""
// unsets it, so that the default applies again.
func (s *Store) SetChatLanguage(ctx context.Context, network, chatID, lang string) error {
	var err error
	if lang == "" {
		_, err = s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM chat_settings WHERE network = ? AND chat_id = ?`),
			network, chatID)
	} else {
		_, err = s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO chat_settings (network, chat_id, language, updated_at)
			VALUES (?, ?, ?, `+s.nowSQL+`)
			ON CONFLICT (network, chat_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`),
			network, chatID, lang)
	}
	if err != nil {
		return fail(fmt.Sprintf("set language of chat %s/%s", network, chatID), err)
	}
	return nil
}

// ChatLanguage returns the language set for a chat, "" when none is.
func (s *Store) ChatLanguage(ctx context.Context, network, chatID string) (string, error) {
	var lang string
	err := s.db.GetContext(ctx, &lang, s.db.Rebind(`SELECT language FROM chat_settings
		WHERE network = ? AND chat_id = ?`), network, chatID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fail(fmt.Sprintf("language of chat %s/%s", network, chatID), err)
	}
	return lang, nil
}

// CardsOf returns the cards of several appeals at once, by appeal: the
// deliverer reads them for a whole claimed batch in one query.
func (s *Store) CardsOf(ctx context.Context, ids []appeal.ID) (map[appeal.ID][]appeal.Card, error) {
	out := make(map[appeal.ID][]appeal.Card, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = int64(id)
	}
	q, qargs, err := sqlx.In(`SELECT `+cardColumns+` FROM cards WHERE appeal_id IN (?)
		ORDER BY appeal_id, network, chat_id, topic_id`, args)
	if err != nil {
		return nil, fail("cards of appeals", err)
	}
	var rows []cardRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), qargs...); err != nil {
		return nil, fail("cards of appeals", err)
	}
	for _, r := range rows {
		c := r.card()
		out[c.AppealID] = append(out[c.AppealID], c)
	}
	return out, nil
}

// AnswerableMessage returns the appeal that a message delivered to a chat
// lets its reader answer by replying to it: the contact details and the
// "assigned to you" message a responder gets, and the prompt for an
// answer (a reply about an appeal). ErrNotFound for any other message.
func (s *Store) AnswerableMessage(ctx context.Context, network, chatID, messageID string) (appeal.ID, error) {
	var id int64
	if err := s.db.GetContext(ctx, &id, s.db.Rebind(`SELECT o.appeal_id FROM outbox_deliveries d
		JOIN outbox o ON o.id = d.outbox_id
		WHERE d.network = ? AND d.chat_id = ? AND d.message_id = ? AND o.appeal_id IS NOT NULL
			AND o.kind IN (?, ?, ?)
		ORDER BY d.outbox_id DESC LIMIT 1`), network, chatID, messageID,
		string(appeal.MsgContact), string(appeal.MsgAssignedYou), string(appeal.MsgReply)); err != nil {
		return 0, fail(fmt.Sprintf("appeal of message %s/%s/%s", network, chatID, messageID), err)
	}
	return appeal.ID(id), nil
}
