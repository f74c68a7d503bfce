package telegram

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/mymmrac/telego"

	"github.com/appealbot/appealbot/bot"
)

// convert normalises an update; ok is false for the updates the bot does
// not act on (edited messages, channel posts, plain group chatter, commands
// addressed to another bot, ...).
//
// A message with a photo (or an image sent as a file) is read like text,
// its caption being the text; photo is the photo to fetch before the
// update is handled, nil when there is none or the update is already
// marked with a PhotoProblem.
func (t *Transport) convert(u telego.Update) (up bot.Update, photo *photoRef, ok bool) {
	id := strconv.Itoa(u.UpdateID)
	switch {
	case u.Message != nil:
		return t.convertMessage(id, u.Message)
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		if q.Message == nil { // a button of an inline-mode message: not ours
			return bot.Update{}, nil, false
		}
		up := bot.Update{
			ID:        id,
			Kind:      bot.UpdateButton,
			Chat:      chatOf(q.Message.GetChat(), nil),
			From:      userOf(&q.From),
			MessageID: strconv.Itoa(q.Message.GetMessageID()),
			PressID:   q.ID,
			Data:      q.Data,
		}
		if m := q.Message.Message(); m != nil {
			up.Chat = chatOf(m.Chat, m)
		}
		return up, nil, true
	}
	return bot.Update{}, nil, false
}

func (t *Transport) convertMessage(id string, m *telego.Message) (bot.Update, *photoRef, bool) {
	up := bot.Update{
		ID:        id,
		Chat:      chatOf(m.Chat, m),
		From:      userOf(m.From),
		MessageID: strconv.Itoa(m.MessageID),
	}
	switch {
	case m.MigrateToChatID != 0:
		up.Kind = bot.UpdateMigrated
		up.NewChatID = strconv.FormatInt(m.MigrateToChatID, 10)
		return up, nil, true
	case len(m.NewChatMembers) > 0:
		up.Kind = bot.UpdateJoined
		for i := range m.NewChatMembers {
			up.Joined = append(up.Joined, userOf(&m.NewChatMembers[i]))
		}
		return up, nil, true
	}
	text, entities := m.Text, m.Entities
	photo, tooLarge := photoOf(m, t.maxPhoto())
	hasPhoto := photo != nil || tooLarge
	if hasPhoto {
		text, entities = m.Caption, m.CaptionEntities
	}
	if text == "" && !hasPhoto {
		return bot.Update{}, nil, false
	}

	reply := m.ReplyToMessage
	if reply != nil && reply.ForumTopicCreated != nil {
		// In a forum every message "replies" to its topic's first message.
		reply = nil
	}
	if reply != nil {
		up.ReplyTo = strconv.Itoa(reply.MessageID)
		if reply.From != nil {
			u := userOf(reply.From)
			up.ReplyToUser = &u
		}
	}

	if name, args, ok := commandOf(text, entities); ok {
		target := ""
		name, target, _ = strings.Cut(name, "@")
		if target != "" && !strings.EqualFold(target, t.Username()) {
			return bot.Update{}, nil, false // "/claim@other_bot": for another bot
		}
		up.Kind = bot.UpdateCommand
		up.Command = strings.ToLower(name)
		up.Args = args
		return withPhoto(up, m, photo, tooLarge)
	}
	if reply != nil && reply.From != nil && reply.From.ID == t.BotID() {
		up.Kind = bot.UpdateReply
		up.Text = text
		return withPhoto(up, m, photo, tooLarge)
	}
	// Photos of an album after the first come without a caption: not a
	// command, not a reply, and so ignored like chatter; the captioned
	// one is refused (withPhoto), so no answer goes without them.
	return bot.Update{}, nil, false
}

// withPhoto marks a command or reply with its photo's problem, or hands
// on the photo to fetch. One photo per message is taken: an album
// (several photos sent at once, each a message of the same media group)
// is refused as a whole rather than answered with one of its photos.
func withPhoto(up bot.Update, m *telego.Message, photo *photoRef, tooLarge bool) (bot.Update, *photoRef, bool) {
	switch {
	case m.MediaGroupID != "" && (photo != nil || tooLarge):
		up.PhotoProblem = bot.PhotoAlbum
		return up, nil, true
	case tooLarge:
		up.PhotoProblem = bot.PhotoTooLarge
		return up, nil, true
	}
	return up, photo, true
}

// commandOf finds a bot_command entity at offset 0 of text (a message's
// text or a photo's caption) and returns the command (without '/', with
// any "@botname") and the text after it, leading space trimmed. Entity
// offsets count UTF-16 code units.
func commandOf(text string, entities []telego.MessageEntity) (name, args string, ok bool) {
	for _, e := range entities {
		if e.Type != telego.EntityTypeBotCommand || e.Offset != 0 {
			continue
		}
		units := utf16.Encode([]rune(text))
		if e.Length < 2 || e.Length > len(units) {
			return "", "", false
		}
		cmd := string(utf16.Decode(units[:e.Length]))
		rest := string(utf16.Decode(units[e.Length:]))
		return strings.TrimPrefix(cmd, "/"), strings.TrimLeftFunc(rest, unicode.IsSpace), true
	}
	return "", "", false
}

// chatOf describes a chat; m, when known, gives the forum topic.
func chatOf(c telego.Chat, m *telego.Message) bot.Chat {
	out := bot.Chat{
		ChatRef: bot.ChatRef{ChatID: strconv.FormatInt(c.ID, 10)},
		Private: c.Type == telego.ChatTypePrivate,
		Title:   c.Title,
	}
	if m != nil && m.IsTopicMessage && m.MessageThreadID != 0 {
		out.TopicID = strconv.Itoa(m.MessageThreadID)
	}
	return out
}

func userOf(u *telego.User) bot.User {
	if u == nil {
		return bot.User{}
	}
	return bot.User{
		ID:          strconv.FormatInt(u.ID, 10),
		Username:    u.Username,
		DisplayName: strings.TrimSpace(u.FirstName + " " + u.LastName),
		Language:    u.LanguageCode,
	}
}
