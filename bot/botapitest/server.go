// Package botapitest is a Telegram Bot API server for tests and load runs.
// It speaks the real wire protocol (POST /bot{token}/{method} with JSON,
// form or multipart bodies; {"ok":...} answers with Telegram's error codes
// and descriptions), so the real telego client can be pointed at it with
// telego.WithAPIServer(s.URL()).
//
// A test scripts the world through the server: it injects updates (commands,
// replies, button presses, joins, chat migrations, duplicate deliveries),
// injects faults (errors, 429 with retry_after, latency, hung requests, an
// unreachable server, a bot kicked from a chat), optionally enforces
// Telegram-like flood limits, and inspects what the bot sent, edited and
// answered. Every method is safe for concurrent use.
//
// Messages are validated as Telegram does it: empty or over-long text, bad
// HTML in parse mode HTML, callback data over 64 bytes, edits that change
// nothing, replies to missing messages.
//
// Updates are served by getUpdates (long polling with Telegram's offset
// semantics) or, once a webhook is set, POSTed one at a time to the webhook
// URL with the secret token header (plain http:// URLs are accepted).
// allowed_updates is not applied: every injected update is delivered.
// Chats need no setup: any numeric chat id is a chat, typed by its sign
// (positive private, -100… supergroup, other negative group) unless an
// injected message says otherwise.
package botapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// Token is the bot token the server accepts; other tokens get 401. It has
// the shape telego insists on (^\d+:[\w-]{35}$).
const Token = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"

// The bot that getMe describes.
const (
	BotID       int64 = 123456
	BotUsername       = "appeal_test_bot"
	BotName           = "Appeal Test Bot"
)

// MaxTextLength is Telegram's limit on a message's text, in characters
// after entity parsing.
const MaxTextLength = 4096

// MaxCaptionLength is Telegram's limit on a photo caption.
const MaxCaptionLength = 1024

// NotModified is the description of Telegram's answer to an edit that
// changes nothing.
const NotModified = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

// User is a Telegram user, for injected updates.
type User struct {
	ID           int64
	Username     string
	FirstName    string
	LastName     string
	LanguageCode string
	IsBot        bool
}

// BotUser is the bot itself as a User, e.g. to add it to a group with
// AddMembers.
func BotUser() User {
	return User{ID: BotID, Username: BotUsername, FirstName: BotName, IsBot: true}
}

// Button is an inline keyboard button as the bot sent it.
type Button struct {
	Text string
	Data string // callback_data
	URL  string
}

// Message is a message the bot sent (sendMessage or sendPhoto).
type Message struct {
	ChatID    int64
	MessageID int64
	ThreadID  int64
	// Text is the text as sent (the HTML source in parse mode HTML; the
	// caption of a photo); Plain is what the reader sees.
	Text      string
	Plain     string
	ParseMode string
	Buttons   [][]Button
	// ForceReply is set when the message asked the client to open a reply
	// to it (reply_markup force_reply).
	ForceReply bool
	// ReplyTo is the id of the message replied to, 0 for none.
	ReplyTo int64
	// PhotoSize is the size in bytes of an uploaded photo; 0 for text.
	PhotoSize int64
	At        time.Time
}

// Edit is an accepted editMessageText or editMessageReplyMarkup call.
type Edit struct {
	Method    string
	ChatID    int64
	MessageID int64
	Text      string // editMessageText only
	ParseMode string
	Buttons   [][]Button
	At        time.Time
}

// CallbackAnswer is an answerCallbackQuery call.
type CallbackAnswer struct {
	QueryID   string
	Text      string
	ShowAlert bool
	At        time.Time
}

// Command is one entry of a bot's command menu.
type Command struct {
	Command     string
	Description string
}

// Option configures a Server.
type Option func(*config)

type config struct {
	limits Limits
	now    func() time.Time
	addr   string
	onSend func(Message)
}

// WithOnSend calls fn with every message the server accepts (sendMessage
// and sendPhoto, not edits), as it accepts it; a load test measures when
// each appeal became visible with it. fn runs under the server's lock and
// must not call the server.
func WithOnSend(fn func(Message)) Option { return func(c *config) { c.onSend = fn } }

// WithLimits enforces flood limits (off by default).
func WithLimits(l Limits) Option { return func(c *config) { c.limits = l } }

// WithClock sets the clock used for flood limits and message dates.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithAddr sets the listen address (default 127.0.0.1:0, a free port).
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// Server is a running Bot API test server.
type Server struct {
	cfg config
	srv *httptest.Server
	// conns counts the connections clients opened.
	conns atomic.Int64
	ctx   context.Context // ends at Close
	stop  context.CancelFunc
	wg    sync.WaitGroup
	once  sync.Once

	mu        sync.Mutex
	wake      chan struct{} // closed and replaced when waiters should look again
	nextID    int64
	queue     []queued
	history   map[int64]json.RawMessage
	chats     map[int64]*chat
	sent      []Message
	edits     []Edit
	callbacks []CallbackAnswer
	queries   map[string]bool
	commands  map[string][]Command
	webhook   webhookInfo
	faults    []fault
	hangs     map[string]int
	latency   time.Duration
	down      bool
	calls     map[string]int
	pollGen   int // counts getUpdates calls; a newer one ends an older one
	n429      int
	limiter   limiter
	// files are what users sent (photos), by file_id, for getFile and
	// the file download path.
	files map[string]*file
}

// file is a file a user sent.
type file struct {
	id, uniqueID, path string
	data               []byte
	// size is the file_size told; it may differ from len(data) to
	// script a file that is larger than said.
	size int
}

type queued struct {
	id  int64
	raw json.RawMessage
	// forced updates (RepeatUpdate) are delivered once whatever the offset.
	forced bool
}

type chat struct {
	id         int64
	typ        string
	title      string
	firstName  string
	nextMsgID  int64
	msgs       map[int64]*stored
	botMsgs    []int64
	kicked     bool
	migratedTo int64
}

// stored is a message in a chat, the bot's or a user's.
type stored struct {
	Message
	from     User
	entities []map[string]any
	extra    map[string]any // service fields of user messages
}

type webhookInfo struct {
	url, secret string
	lastError   string
}

type fault struct {
	method      string
	n           int
	code        int
	description string
	retryAfter  int
}

// New starts a server that is closed when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := NewServer(opts...)
	if err != nil {
		t.Fatalf("botapitest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a server; Close stops it.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{now: time.Now, addr: "127.0.0.1:0"}
	for _, o := range opts {
		o(&cfg)
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		ctx:      ctx,
		stop:     stop,
		wake:     make(chan struct{}),
		nextID:   1,
		history:  map[int64]json.RawMessage{},
		chats:    map[int64]*chat{},
		queries:  map[string]bool{},
		commands: map[string][]Command{},
		hangs:    map[string]int{},
		calls:    map[string]int{},
		files:    map[string]*file{},
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.srv.Start()
	s.wg.Add(1)
	go s.deliverWebhooks()
	return s, nil
}

// URL is the server's base URL, for telego.WithAPIServer.
func (s *Server) URL() string { return s.srv.URL }

// Connections is how many connections clients have opened to the server.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// Close stops the server, ending hung and waiting requests.
func (s *Server) Close() {
	s.once.Do(func() {
		s.stop()
		s.srv.Close()
		s.wg.Wait()
	})
}

// now reads the clock; it is called with s.mu held or not, the clock must
// be safe for that.
func (s *Server) now() time.Time { return s.cfg.now() }

// notify wakes every request waiting for updates. Call with s.mu held.
func (s *Server) notify() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// apiError is a Telegram error answer.
type apiError struct {
	code        int
	description string
	retryAfter  int
	migrateTo   int64
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: 400, description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if path, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, r, path)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" || strings.Contains(method, "/") {
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error_code": 404, "description": "Not Found"})
		return
	}
	if token != Token {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	method = strings.ToLower(method)

	s.mu.Lock()
	s.calls[method]++
	down, latency := s.down, s.latency
	hang := s.hangs[method] > 0
	if hang {
		s.hangs[method]--
	}
	var f *fault
	if !down && !hang {
		f = s.takeFault(method)
	}
	s.mu.Unlock()

	if down {
		w.Header().Set("Connection", "close")
		http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
		return
	}
	if latency > 0 && !s.sleep(r.Context(), latency) {
		return
	}
	if hang {
		select {
		case <-r.Context().Done():
		case <-s.ctx.Done():
		}
		return
	}
	if f != nil {
		s.writeError(w, &apiError{code: f.code, description: f.description, retryAfter: f.retryAfter})
		return
	}

	p, err := readParams(r)
	if err != nil {
		s.writeError(w, badRequest("%v", err))
		return
	}
	h, ok := handlers[method]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error_code": 404, "description": "Not Found"})
		return
	}
	result, apiErr := h(s, r.Context(), p)
	if apiErr != nil {
		s.writeError(w, apiErr)
		return
	}
	if result == nil {
		return // the client is gone or the server is closing
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

// takeFault pops the next scripted failure for method. Call with s.mu held.
func (s *Server) takeFault(method string) *fault {
	for i := range s.faults {
		f := &s.faults[i]
		if f.method != "*" && f.method != method {
			continue
		}
		out := *f
		f.n--
		if f.n <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return &out
	}
	return nil
}

func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.ctx.Done():
	}
	return false
}

func (s *Server) writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"ok": false, "error_code": e.code, "description": e.description}
	params := map[string]any{}
	if e.retryAfter > 0 {
		params["retry_after"] = e.retryAfter
	}
	if e.migrateTo != 0 {
		params["migrate_to_chat_id"] = e.migrateTo
	}
	if len(params) > 0 {
		body["parameters"] = params
	}
	if e.code == http.StatusTooManyRequests {
		s.mu.Lock()
		s.n429++
		s.mu.Unlock()
	}
	writeJSON(w, e.code, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(data)
}

// params are a request's parameters. Every value is kept as JSON; form
// values become JSON strings, and the getters accept both forms, as
// Telegram does ("chat_id": 5 and chat_id=5 are the same).
type params struct {
	vals  map[string]json.RawMessage
	files map[string]int64
}

func readParams(r *http.Request) (params, error) {
	p := params{vals: map[string]json.RawMessage{}, files: map[string]int64{}}
	setForm := func(v url.Values) {
		for k, vs := range v {
			if len(vs) > 0 {
				raw, _ := json.Marshal(vs[0])
				p.vals[k] = raw
			}
		}
	}
	setForm(r.URL.Query())
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return p, err
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return p, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return p, errors.New("can't parse JSON encoded request parameters")
		}
		for k, v := range m {
			if string(v) != "null" {
				p.vals[k] = v
			}
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return p, err
		}
		setForm(r.PostForm)
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return p, err
		}
		setForm(r.MultipartForm.Value)
		for k, fhs := range r.MultipartForm.File {
			if len(fhs) > 0 {
				p.files[k] = fhs[0].Size
			}
		}
	}
	return p, nil
}

func (p params) has(key string) bool { _, ok := p.vals[key]; return ok }

// str returns a string parameter; a non-string JSON value is returned as
// its JSON text (numbers).
func (p params) str(key string) string {
	raw, ok := p.vals[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func (p params) int(key string) (int64, error) {
	s := strings.TrimSpace(p.str(key))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid %s specified", key)
	}
	return n, nil
}

func (p params) bool(key string) bool {
	s := p.str(key)
	return s == "true" || s == "1" || s == "True"
}

// obj decodes a JSON object parameter, given as JSON or as a JSON string.
func (p params) obj(key string, v any) error {
	raw, ok := p.vals[key]
	if !ok {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("can't parse %s JSON object", key)
	}
	return nil
}

// chatID reads chat_id; Telegram's error for a @username the server does
// not know is "chat not found".
func (p params) chatID() (int64, *apiError) {
	s := strings.TrimSpace(p.str("chat_id"))
	if s == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// chatLocked returns the chat, creating it on first use. Call with s.mu held.
func (s *Server) chatLocked(id int64) *chat {
	c, ok := s.chats[id]
	if !ok {
		c = &chat{id: id, typ: chatType(id), nextMsgID: 1, msgs: map[int64]*stored{}}
		if id < 0 {
			c.title = fmt.Sprintf("Group %d", id)
		}
		s.chats[id] = c
	}
	return c
}

// chatType guesses a chat's type from its id, as Telegram's ids go: users
// are positive, supergroups are -100…, basic groups other negatives.
func chatType(id int64) string {
	switch {
	case id > 0:
		return "private"
	case id <= -1000000000000:
		return "supergroup"
	}
	return "group"
}

// writable checks that the bot may post to the chat. Call with s.mu held.
func (c *chat) writable() *apiError {
	if c.migratedTo != 0 {
		e := badRequest("group chat was upgraded to a supergroup chat")
		e.migrateTo = c.migratedTo
		return e
	}
	if c.kicked {
		switch c.typ {
		case "private":
			return &apiError{code: 403, description: "Forbidden: bot was blocked by the user"}
		case "supergroup":
			return &apiError{code: 403, description: "Forbidden: bot was kicked from the supergroup chat"}
		}
		return &apiError{code: 403, description: "Forbidden: bot was kicked from the group chat"}
	}
	return nil
}

// checkLimits applies the flood limits. Call with s.mu held.
func (s *Server) checkLimits(chatID int64) *apiError {
	l := s.cfg.limits
	if l == (Limits{}) {
		return nil
	}
	if wait, ok := s.limiter.allow(l, chatID, s.now()); !ok {
		return &apiError{code: 429, description: fmt.Sprintf("Too Many Requests: retry after %d", wait), retryAfter: wait}
	}
	return nil
}

// checkText validates a message text or caption and returns what the
// reader sees.
func checkText(text, parseMode string, max int, tooLong string) (string, *apiError) {
	if !utf8.ValidString(text) {
		return "", badRequest("text must be encoded in UTF-8")
	}
	plain := text
	switch strings.ToLower(parseMode) {
	case "":
	case "html":
		var err error
		if plain, err = PlainText(text); err != nil {
			return "", badRequest("can't parse entities: %v", err)
		}
	case "markdown", "markdownv2":
	default:
		return "", badRequest("unsupported parse_mode")
	}
	if max == MaxTextLength && strings.TrimSpace(plain) == "" {
		return "", badRequest("message text is empty")
	}
	if utf8.RuneCountInString(plain) > max {
		return "", badRequest("%s", tooLong)
	}
	return plain, nil
}

// wireMarkup is reply_markup on the wire.
type wireMarkup struct {
	InlineKeyboard [][]wireButton `json:"inline_keyboard"`
	ForceReply     bool           `json:"force_reply"`
}

type wireButton struct {
	Text         string  `json:"text"`
	CallbackData *string `json:"callback_data,omitempty"`
	URL          string  `json:"url,omitempty"`
}

// readMarkup reads and validates an inline keyboard; other keyboards (reply
// keyboards, force_reply) are accepted and recorded as no buttons.
func readMarkup(p params) ([][]Button, *apiError) {
	if !p.has("reply_markup") {
		return nil, nil
	}
	var m wireMarkup
	if err := p.obj("reply_markup", &m); err != nil {
		return nil, badRequest("%v", err)
	}
	var rows [][]Button
	for _, row := range m.InlineKeyboard {
		var out []Button
		for _, b := range row {
			if b.Text == "" {
				return nil, badRequest("BUTTON_TEXT_INVALID")
			}
			bt := Button{Text: b.Text, URL: b.URL}
			switch {
			case b.CallbackData != nil:
				if n := len(*b.CallbackData); n == 0 || n > 64 {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
				bt.Data = *b.CallbackData
			case b.URL == "":
				return nil, badRequest("text buttons are unallowed in the inline keyboard")
			}
			out = append(out, bt)
		}
		if len(out) > 0 {
			rows = append(rows, out)
		}
	}
	return rows, nil
}

// forceReply reports whether reply_markup is a force_reply (read after
// readMarkup accepted it).
func forceReply(p params) bool {
	var m wireMarkup
	return p.has("reply_markup") && p.obj("reply_markup", &m) == nil && m.ForceReply
}

type handler func(s *Server, ctx context.Context, p params) (any, *apiError)

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"getme":                  (*Server).getMe,
		"getupdates":             (*Server).getUpdates,
		"setwebhook":             (*Server).setWebhook,
		"deletewebhook":          (*Server).deleteWebhook,
		"getwebhookinfo":         (*Server).getWebhookInfo,
		"sendmessage":            (*Server).sendMessage,
		"sendphoto":              (*Server).sendPhoto,
		"editmessagetext":        (*Server).editMessageText,
		"editmessagereplymarkup": (*Server).editMessageReplyMarkup,
		"answercallbackquery":    (*Server).answerCallbackQuery,
		"setmycommands":          (*Server).setMyCommands,
		"getmycommands":          (*Server).getMyCommands,
		"getfile":                (*Server).getFile,
	}
}

func (s *Server) getMe(context.Context, params) (any, *apiError) {
	return map[string]any{
		"id": BotID, "is_bot": true, "first_name": BotName, "username": BotUsername,
		"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
	}, nil
}

// getUpdates implements long polling: updates with update_id >= offset are
// returned (up to limit), the ones below offset are confirmed and dropped;
// with none waiting it blocks up to timeout seconds for new ones. As on
// Telegram, a second poller ends a waiting one with 409 Conflict.
func (s *Server) getUpdates(ctx context.Context, p params) (any, *apiError) {
	offset, err1 := p.int("offset")
	limit, err2 := p.int("limit")
	timeout, err3 := p.int("timeout")
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, badRequest("%v", err)
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout = min(max(timeout, 0), 50)
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	s.mu.Lock()
	s.pollGen++
	gen := s.pollGen
	s.notify()
	s.mu.Unlock()
	for {
		s.mu.Lock()
		if s.pollGen != gen {
			s.mu.Unlock()
			return nil, &apiError{code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
		if s.webhook.url != "" {
			s.mu.Unlock()
			return nil, &apiError{code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		if s.down {
			s.mu.Unlock()
			return nil, &apiError{code: 502, description: "Bad Gateway"}
		}
		s.confirm(offset)
		out := []json.RawMessage{}
		for i := range s.queue {
			q := &s.queue[i]
			if int64(len(out)) < limit && (q.id >= offset || q.forced) {
				out = append(out, q.raw)
				q.forced = false
			}
		}
		wake := s.wake
		s.mu.Unlock()
		if len(out) > 0 {
			return out, nil
		}
		select {
		case <-wake:
		case <-deadline.C:
			return []json.RawMessage{}, nil
		case <-ctx.Done():
			return nil, nil
		case <-s.ctx.Done():
			return nil, nil
		}
	}
}

// confirm drops the updates that offset confirms. A negative offset keeps
// only the last -offset updates. Call with s.mu held.
func (s *Server) confirm(offset int64) {
	if offset < 0 {
		if n := int(-offset); n < len(s.queue) {
			s.queue = append([]queued(nil), s.queue[len(s.queue)-n:]...)
		}
		return
	}
	kept := s.queue[:0]
	for _, q := range s.queue {
		if q.id >= offset || q.forced {
			kept = append(kept, q)
		}
	}
	s.queue = kept
}

func (s *Server) setWebhook(_ context.Context, p params) (any, *apiError) {
	u := p.str("url")
	if u != "" {
		parsed, err := url.Parse(u)
		if err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
			return nil, badRequest("bad webhook: invalid URL")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = webhookInfo{url: u, secret: p.str("secret_token")}
	if p.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.notify()
	return true, nil
}

func (s *Server) deleteWebhook(_ context.Context, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = webhookInfo{}
	if p.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.notify()
	return true, nil
}

func (s *Server) getWebhookInfo(context.Context, params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := map[string]any{"url": s.webhook.url, "has_custom_certificate": false, "pending_update_count": len(s.queue)}
	if s.webhook.lastError != "" {
		info["last_error_message"] = s.webhook.lastError
	}
	return info, nil
}

// reply reads reply_parameters (or the older reply_to_message_id) and
// checks the message exists. Call with s.mu held.
func readReply(p params, c *chat) (int64, *apiError) {
	var rp struct {
		MessageID                int64 `json:"message_id"`
		AllowSendingWithoutReply bool  `json:"allow_sending_without_reply"`
	}
	if p.has("reply_parameters") {
		if err := p.obj("reply_parameters", &rp); err != nil {
			return 0, badRequest("%v", err)
		}
	} else {
		id, err := p.int("reply_to_message_id")
		if err != nil {
			return 0, badRequest("%v", err)
		}
		rp.MessageID, rp.AllowSendingWithoutReply = id, p.bool("allow_sending_without_reply")
	}
	if rp.MessageID == 0 {
		return 0, nil
	}
	if _, ok := c.msgs[rp.MessageID]; !ok {
		if rp.AllowSendingWithoutReply {
			return 0, nil
		}
		return 0, badRequest("message to be replied not found")
	}
	return rp.MessageID, nil
}

func (s *Server) sendMessage(_ context.Context, p params) (any, *apiError) {
	return s.send(p, "sendmessage")
}

func (s *Server) sendPhoto(_ context.Context, p params) (any, *apiError) {
	return s.send(p, "sendphoto")
}

func (s *Server) send(p params, method string) (any, *apiError) {
	chatID, e := p.chatID()
	if e != nil {
		return nil, e
	}
	m := Message{ChatID: chatID, ParseMode: p.str("parse_mode")}
	var photo bool
	if method == "sendphoto" {
		photo = true
		if size, ok := p.files["photo"]; ok {
			m.PhotoSize = size
		} else if p.str("photo") == "" {
			return nil, badRequest("there is no photo in the request")
		}
		m.Text = p.str("caption")
		if m.Plain, e = checkText(m.Text, m.ParseMode, MaxCaptionLength, "message caption is too long"); e != nil {
			return nil, e
		}
	} else {
		m.Text = p.str("text")
		if m.Plain, e = checkText(m.Text, m.ParseMode, MaxTextLength, "message is too long"); e != nil {
			return nil, e
		}
	}
	if m.Buttons, e = readMarkup(p); e != nil {
		return nil, e
	}
	m.ForceReply = forceReply(p)
	thread, err := p.int("message_thread_id")
	if err != nil {
		return nil, badRequest("%v", err)
	}
	m.ThreadID = thread

	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	if e := c.writable(); e != nil {
		return nil, e
	}
	if m.ReplyTo, e = readReply(p, c); e != nil {
		return nil, e
	}
	if e := s.checkLimits(chatID); e != nil {
		return nil, e
	}
	m.MessageID = c.nextMsgID
	c.nextMsgID++
	m.At = s.now()
	st := &stored{Message: m, from: BotUser()}
	c.msgs[m.MessageID] = st
	c.botMsgs = append(c.botMsgs, m.MessageID)
	s.sent = append(s.sent, m)
	if s.cfg.onSend != nil {
		s.cfg.onSend(m)
	}
	wire := s.wireMessage(c, st, true)
	if photo {
		delete(wire, "text")
		wire["caption"] = m.Plain
		wire["photo"] = []map[string]any{{"file_id": fmt.Sprintf("photo-%d-%d", chatID, m.MessageID), "file_unique_id": fmt.Sprintf("p%d", m.MessageID), "width": 800, "height": 600, "file_size": m.PhotoSize}}
	}
	return wire, nil
}

func (s *Server) editMessageText(_ context.Context, p params) (any, *apiError) {
	return s.edit(p, "editMessageText")
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p params) (any, *apiError) {
	return s.edit(p, "editMessageReplyMarkup")
}

func (s *Server) edit(p params, method string) (any, *apiError) {
	if p.has("inline_message_id") {
		return nil, badRequest("inline messages are not supported by botapitest")
	}
	chatID, e := p.chatID()
	if e != nil {
		return nil, e
	}
	msgID, err := p.int("message_id")
	if err != nil {
		return nil, badRequest("%v", err)
	}
	ed := Edit{Method: method, ChatID: chatID, MessageID: msgID}
	var plain string
	if method == "editMessageText" {
		ed.Text, ed.ParseMode = p.str("text"), p.str("parse_mode")
		if plain, e = checkText(ed.Text, ed.ParseMode, MaxTextLength, "message is too long"); e != nil {
			return nil, e
		}
	}
	if ed.Buttons, e = readMarkup(p); e != nil {
		return nil, e
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	if e := c.writable(); e != nil {
		return nil, e
	}
	st, ok := c.msgs[msgID]
	if msgID == 0 || !ok {
		return nil, badRequest("message to edit not found")
	}
	if st.from.ID != BotID {
		return nil, badRequest("message can't be edited")
	}
	next := st.Message
	next.Buttons = ed.Buttons
	if method == "editMessageText" {
		next.Text, next.ParseMode, next.Plain = ed.Text, ed.ParseMode, plain
	}
	if next.Plain == st.Plain && next.Text == st.Text && buttonsEqual(next.Buttons, st.Buttons) {
		return nil, &apiError{code: 400, description: NotModified}
	}
	if e := s.checkLimits(chatID); e != nil {
		return nil, e
	}
	ed.At = s.now()
	st.Message = next
	s.edits = append(s.edits, ed)
	wire := s.wireMessage(c, st, true)
	wire["edit_date"] = ed.At.Unix()
	return wire, nil
}

func buttonsEqual(a, b [][]Button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func (s *Server) answerCallbackQuery(_ context.Context, p params) (any, *apiError) {
	a := CallbackAnswer{QueryID: p.str("callback_query_id"), Text: p.str("text"), ShowAlert: p.bool("show_alert")}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.queries[a.QueryID] {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf8.RuneCountInString(a.Text) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	a.At = s.now()
	s.callbacks = append(s.callbacks, a)
	return true, nil
}

func (s *Server) setMyCommands(_ context.Context, p params) (any, *apiError) {
	var cmds []struct {
		Command     string `json:"command"`
		Description string `json:"description"`
	}
	if err := p.obj("commands", &cmds); err != nil {
		return nil, badRequest("%v", err)
	}
	out := make([]Command, 0, len(cmds))
	for _, c := range cmds {
		if !validCommand(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(c.Description); n == 0 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
		out = append(out, Command(c))
	}
	lang := p.str("language_code")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[lang] = out
	return true, nil
}

func validCommand(c string) bool {
	if len(c) == 0 || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

func (s *Server) getMyCommands(_ context.Context, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]string{}
	for _, c := range s.commands[p.str("language_code")] {
		out = append(out, map[string]string{"command": c.Command, "description": c.Description})
	}
	return out, nil
}

// wireMessage renders a stored message as Telegram's Message object. With
// withReply the message it replies to is included (one level, as Telegram
// does). Call with s.mu held.
func (s *Server) wireMessage(c *chat, st *stored, withReply bool) map[string]any {
	m := map[string]any{
		"message_id": st.MessageID,
		"from":       wireUser(st.from),
		"chat":       wireChat(c),
		"date":       st.At.Unix(),
	}
	if st.Plain != "" || st.Text != "" {
		m["text"] = st.Plain
	}
	if len(st.entities) > 0 {
		m["entities"] = st.entities
	}
	if st.ThreadID != 0 {
		m["message_thread_id"] = st.ThreadID
		m["is_topic_message"] = true
	}
	if len(st.Buttons) > 0 {
		rows := [][]map[string]any{}
		for _, row := range st.Buttons {
			var out []map[string]any
			for _, b := range row {
				wb := map[string]any{"text": b.Text}
				if b.Data != "" {
					wb["callback_data"] = b.Data
				}
				if b.URL != "" {
					wb["url"] = b.URL
				}
				out = append(out, wb)
			}
			rows = append(rows, out)
		}
		m["reply_markup"] = map[string]any{"inline_keyboard": rows}
	}
	for k, v := range st.extra {
		m[k] = v
	}
	if withReply && st.ReplyTo != 0 {
		if r, ok := c.msgs[st.ReplyTo]; ok {
			m["reply_to_message"] = s.wireMessage(c, r, false)
		}
	}
	return m
}

func wireUser(u User) map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": u.IsBot, "first_name": u.FirstName}
	if u.FirstName == "" {
		m["first_name"] = fmt.Sprintf("User %d", u.ID)
	}
	if u.LastName != "" {
		m["last_name"] = u.LastName
	}
	if u.Username != "" {
		m["username"] = u.Username
	}
	if u.LanguageCode != "" {
		m["language_code"] = u.LanguageCode
	}
	return m
}

func wireChat(c *chat) map[string]any {
	m := map[string]any{"id": c.id, "type": c.typ}
	if c.typ == "private" {
		if c.firstName != "" {
			m["first_name"] = c.firstName
		}
	} else {
		m["title"] = c.title
	}
	if c.typ == "supergroup" && c.hasTopics() {
		m["is_forum"] = true
	}
	return m
}

func (c *chat) hasTopics() bool {
	for _, st := range c.msgs {
		if st.ThreadID != 0 {
			return true
		}
	}
	return false
}

// deliverWebhooks POSTs queued updates to the webhook, when one is set, one
// at a time and in order; an update leaves the queue once the bot answered
// 2xx. Failures are retried after a second, as Telegram does (more slowly).
func (s *Server) deliverWebhooks() {
	defer s.wg.Done()
	client := &http.Client{Timeout: 10 * time.Second}
	for {
		s.mu.Lock()
		wh, wake := s.webhook, s.wake
		var next *queued
		if wh.url != "" && len(s.queue) > 0 && !s.down {
			q := s.queue[0]
			next = &q
		}
		s.mu.Unlock()
		if next == nil {
			select {
			case <-wake:
				continue
			case <-s.ctx.Done():
				return
			}
		}
		err := s.post(client, wh, next.raw)
		s.mu.Lock()
		if err == nil {
			if len(s.queue) > 0 && s.queue[0].id == next.id {
				s.queue = s.queue[1:]
			}
			s.webhook.lastError = ""
		} else if s.webhook.url == wh.url {
			s.webhook.lastError = err.Error()
		}
		s.mu.Unlock()
		if err != nil && !s.sleep(s.ctx, time.Second) {
			return
		}
	}
}

func (s *Server) post(client *http.Client, wh webhookInfo, body []byte) error {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, wh.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if wh.secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", wh.secret)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("Wrong response from the webhook: %s", resp.Status)
	}
	return nil
}
