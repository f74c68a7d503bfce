package botapitest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// AddUpdate queues an update and returns the update_id it was given. u is
// anything that marshals to a JSON object in the shape of Telegram's Update
// (a map[string]any, a telego.Update, a struct with json tags); its own
// update_id, if any, is replaced. It panics if u is not such a value.
func (s *Server) AddUpdate(u any) int64 {
	raw, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("botapitest: AddUpdate: %v", err))
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(fmt.Sprintf("botapitest: AddUpdate: not a JSON object: %v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addUpdateLocked(m)
}

func (s *Server) addUpdateLocked(m map[string]json.RawMessage) int64 {
	id := s.nextID
	s.nextID++
	m["update_id"] = json.RawMessage(fmt.Sprint(id))
	raw, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("botapitest: AddUpdate: %v", err))
	}
	s.history[id] = raw
	s.queue = append(s.queue, queued{id: id, raw: raw})
	s.notify()
	return id
}

// addLocked queues {key: value}. Call with s.mu held.
func (s *Server) addLocked(key string, value any) int64 {
	raw, err := json.Marshal(value)
	if err != nil {
		panic(fmt.Sprintf("botapitest: %v", err))
	}
	return s.addUpdateLocked(map[string]json.RawMessage{key: raw})
}

// RepeatUpdate queues update updateID again, with the same update_id, as
// Telegram does when it is not sure the bot got it. It is delivered once
// more whatever offset the bot confirms. It reports false for an unknown id.
func (s *Server) RepeatUpdate(updateID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, ok := s.history[updateID]
	if !ok {
		return false
	}
	s.queue = append(s.queue, queued{id: updateID, raw: raw, forced: true})
	s.notify()
	return true
}

// Pending is the number of updates not yet confirmed by the bot.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Incoming is a message a user posts, for UserMessage.
type Incoming struct {
	ChatID int64
	// ChatType is "private", "group" or "supergroup"; "" keeps the type
	// the chat already has (by default guessed from the id: positive ids are
	// private chats, -100… supergroups, other negatives groups).
	ChatType  string
	ChatTitle string
	// ThreadID is a forum topic; the message is then a topic message.
	ThreadID int64
	From     User
	// Text is the message text; a leading "/command" or
	// "/command@botname" gets a bot_command entity, as clients do.
	Text string
	// ReplyTo is the id of a message in the chat that this one answers.
	ReplyTo int64
	// Photo makes the message a photo, Text being its caption (with the
	// same command entity). Telegram's two sizes are given: a 90×60
	// thumbnail (of the first bytes) and the photo itself, 1280×960,
	// both downloadable with getFile. PhotoFileSize, when set, is the
	// file_size told of the photo instead of its length.
	Photo         []byte
	PhotoFileSize int
	// Document, with DocumentMIME and DocumentName, makes the message a
	// file instead (an image sent "as a file"), Text being its caption.
	Document     []byte
	DocumentMIME string
	DocumentName string
	// MediaGroupID makes the message one of an album.
	MediaGroupID string
}

var commandRE = regexp.MustCompile(`^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?`)

// UserMessage queues a message update from a user and returns the update's
// and the message's ids.
func (s *Server) UserMessage(in Incoming) (updateID, messageID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.userChatLocked(in.ChatID, in.ChatType, in.ChatTitle, in.From)
	st := s.newUserMessageLocked(c, in.From)
	st.ThreadID, st.ReplyTo = in.ThreadID, in.ReplyTo
	st.Text, st.Plain = in.Text, in.Text
	if cmd := commandRE.FindString(in.Text); cmd != "" {
		st.entities = []map[string]any{{"type": "bot_command", "offset": 0, "length": len(utf16.Encode([]rune(cmd)))}}
	}
	if in.Photo != nil || in.Document != nil {
		// The text is the caption.
		st.extra = map[string]any{}
		if in.Text != "" {
			st.extra["caption"] = in.Text
		}
		if st.entities != nil {
			st.extra["caption_entities"] = st.entities
		}
		st.Text, st.Plain, st.entities = "", "", nil
		if in.MediaGroupID != "" {
			st.extra["media_group_id"] = in.MediaGroupID
		}
	}
	if in.Photo != nil {
		thumb := s.addFileLocked(in.Photo[:min(len(in.Photo), 16)], 0, ".jpg")
		full := s.addFileLocked(in.Photo, in.PhotoFileSize, ".jpg")
		st.extra["photo"] = []map[string]any{
			{"file_id": thumb.id, "file_unique_id": thumb.uniqueID, "width": 90, "height": 60, "file_size": thumb.size},
			{"file_id": full.id, "file_unique_id": full.uniqueID, "width": 1280, "height": 960, "file_size": full.size},
		}
	} else if in.Document != nil {
		f := s.addFileLocked(in.Document, 0, "")
		st.extra["document"] = map[string]any{"file_id": f.id, "file_unique_id": f.uniqueID, "file_name": in.DocumentName,
			"mime_type": in.DocumentMIME, "file_size": f.size}
	}
	return s.addLocked("message", s.wireMessage(c, st, true)), st.MessageID
}

func (s *Server) userChatLocked(id int64, typ, title string, from User) *chat {
	c := s.chatLocked(id)
	if typ != "" {
		c.typ = typ
	}
	if title != "" {
		c.title = title
	}
	if c.typ == "private" && c.firstName == "" {
		c.firstName = wireUser(from)["first_name"].(string)
	}
	return c
}

func (s *Server) newUserMessageLocked(c *chat, from User) *stored {
	st := &stored{Message: Message{ChatID: c.id, MessageID: c.nextMsgID, At: s.now()}, from: from}
	c.nextMsgID++
	c.msgs[st.MessageID] = st
	return st
}

// SendCommand queues a command message (e.g. "/claim 12" or
// "/claim@appeal_test_bot 12") and returns its update id. chatType may be
// "" (see Incoming.ChatType).
func (s *Server) SendCommand(chatID int64, chatType string, from User, text string) int64 {
	id, _ := s.UserMessage(Incoming{ChatID: chatID, ChatType: chatType, From: from, Text: text})
	return id
}

// SendText queues a text message, replying to replyToMessageID unless it is
// 0, and returns its update id.
func (s *Server) SendText(chatID int64, from User, text string, replyToMessageID int64) int64 {
	id, _ := s.UserMessage(Incoming{ChatID: chatID, From: from, Text: text, ReplyTo: replyToMessageID})
	return id
}

// PressButton queues a callback query for a button of message messageID
// and returns the query id, which answerCallbackQuery then accepts. The
// update carries the message's current state; for an unknown message it
// carries an inaccessible message (date 0).
func (s *Server) PressButton(chatID, messageID int64, from User, data string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	id := fmt.Sprint(4_000_000_000_000_000_000 + len(s.queries) + 1)
	s.queries[id] = true
	q := map[string]any{
		"id": id, "from": wireUser(from), "chat_instance": fmt.Sprint(-chatID), "data": data,
	}
	if st, ok := c.msgs[messageID]; ok {
		q["message"] = s.wireMessage(c, st, false)
	} else {
		q["message"] = map[string]any{"chat": wireChat(c), "message_id": messageID, "date": 0}
	}
	s.addLocked("callback_query", q)
	return id
}

// AddMembers queues a service message: users joined chatID (the first of
// them is its sender). Include BotUser() to add the bot. It returns the
// update id.
func (s *Server) AddMembers(chatID int64, users ...User) int64 {
	if len(users) == 0 {
		panic("botapitest: AddMembers without users")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	st := s.newUserMessageLocked(c, users[0])
	var members []map[string]any
	for _, u := range users {
		members = append(members, wireUser(u))
	}
	st.extra = map[string]any{"new_chat_members": members}
	return s.addLocked("message", s.wireMessage(c, st, false))
}

// MigrateChat turns group oldID into supergroup newID: it queues the
// service message in the old chat (migrate_to_chat_id) and the one in the
// new chat (migrate_from_chat_id), as Telegram does, and from then on
// answers sends to oldID with 400 and parameters.migrate_to_chat_id. It
// returns the update id of the first.
func (s *Server) MigrateChat(oldID, newID int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.chatLocked(oldID)
	nc := s.chatLocked(newID)
	nc.typ, nc.title = "supergroup", old.title
	old.migratedTo = newID
	admin := User{ID: 1, FirstName: "Admin"}
	st := s.newUserMessageLocked(old, admin)
	st.extra = map[string]any{"migrate_to_chat_id": newID}
	id := s.addLocked("message", s.wireMessage(old, st, false))
	st2 := s.newUserMessageLocked(nc, admin)
	st2.extra = map[string]any{"migrate_from_chat_id": oldID}
	s.addLocked("message", s.wireMessage(nc, st2, false))
	return id
}

// KickFrom removes the bot from chatID: sends and edits there get 403
// "Forbidden: bot was kicked from the group chat" (…from the supergroup
// chat, or "bot was blocked by the user" in a private chat).
func (s *Server) KickFrom(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(chatID).kicked = true
}

// FailNext makes the next n calls of method (as named in the URL, case
// does not matter; "*" for any method) fail with code and description
// and, when retryAfter > 0, parameters.retry_after. An empty description
// gets Telegram's usual one for the code. Failures queue up in order.
// Codes of 500 and up reach telego as a plain error, as from Telegram.
func (s *Server) FailNext(method string, n, code int, description string, retryAfter int) {
	if description == "" {
		description = defaultDescription(code, retryAfter)
	}
	if n <= 0 {
		return
	}
	m := strings.ToLower(method)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{method: m, n: n, code: code, description: description, retryAfter: retryAfter})
}

func defaultDescription(code, retryAfter int) string {
	switch code {
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden: bot was kicked from the group chat"
	case 404:
		return "Not Found"
	case 409:
		return "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case 429:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	}
	return http.StatusText(code)
}

// SetLatency delays every answer by d (0 turns it off).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Hang makes the next n calls of method never answer: the request is held
// until the client gives up (or the server closes).
func (s *Server) Hang(method string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangs[strings.ToLower(method)] += n
}

// SetDown with true takes the server down in effect: open connections
// (long polls included) are cut and every request gets 502 Bad Gateway,
// as from a proxy whose upstream is gone. SetDown(false) brings it back.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.notify()
	s.mu.Unlock()
	if down {
		s.srv.CloseClientConnections()
	}
}

// Count429 is the number of 429 answers given (flood limits and FailNext).
func (s *Server) Count429() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n429
}

// Calls is the number of requests for method (any outcome).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToLower(method)]
}

// Webhook returns the webhook URL and secret token set by the bot.
func (s *Server) Webhook() (url, secretToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url, s.webhook.secret
}

// Sent returns the accepted sendMessage and sendPhoto calls, in order.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.sent))
	for i, m := range s.sent {
		out[i] = cloneMessage(m)
	}
	return out
}

// Edits returns the accepted edits, in order.
func (s *Server) Edits() []Edit {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Edit, len(s.edits))
	for i, e := range s.edits {
		e.Buttons = cloneButtons(e.Buttons)
		out[i] = e
	}
	return out
}

// Callbacks returns the accepted answerCallbackQuery calls, in order.
func (s *Server) Callbacks() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.callbacks)
}

// Commands returns the command menus set with setMyCommands, by
// language_code ("" is the default menu).
func (s *Server) Commands() map[string][]Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := maps.Clone(s.commands)
	for k, v := range out {
		out[k] = slices.Clone(v)
	}
	return out
}

// Messages returns the bot's messages in chatID as they are now (after
// edits), in the order they were sent.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	out := make([]Message, 0, len(c.botMsgs))
	for _, id := range c.botMsgs {
		out = append(out, cloneMessage(c.msgs[id].Message))
	}
	return out
}

// WaitFor polls cond every 10ms until it holds and fails the test if it
// does not within timeout. Call it from the test's goroutine.
func (s *Server) WaitFor(t testing.TB, cond func(*Server) bool, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond(s) {
		if time.Now().After(deadline) {
			t.Fatalf("botapitest: condition not met within %s", timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func cloneMessage(m Message) Message {
	m.Buttons = cloneButtons(m.Buttons)
	return m
}

func cloneButtons(b [][]Button) [][]Button {
	if b == nil {
		return nil
	}
	out := make([][]Button, len(b))
	for i, row := range b {
		out[i] = slices.Clone(row)
	}
	return out
}
