// Package telegram is the Telegram side of the bot: a bot.Transport on the
// telego client. It sends and edits HTML messages with inline buttons,
// answers button presses, and receives updates by long polling or a
// webhook, normalised into bot.Update.
//
// Every failed call returns a *bot.Error, so the outbox knows what to do:
//   - 429 → RateLimited, RetryAfter from parameters.retry_after (at least
//     1s). Global stays false: Telegram does not say which limit was hit.
//   - A chat that became a supergroup (400 with migrate_to_chat_id) →
//     Permanent with MovedTo set to the new chat id; Reason is Telegram's
//     description followed by MigratedReason and the new chat id.
//   - Other 4xx (400 bad request, 401, 403 kicked or blocked, 404) →
//     Permanent with Telegram's description as Reason.
//   - 5xx, 409, network errors, timeouts and cancellations → Temporary.
//
// A photo (or an image sent as a file) is read like a text message, its
// caption being the text: a captioned "/answer 12 …" is a command, a
// captioned reply to the bot a reply. Its bytes are fetched (getFile, then
// the file URL of the same API server) in the update's handler goroutine,
// at most Config.MaxPhotoBytes; a photo that cannot be had, and one of an
// album, mark the update with a bot.PhotoProblem instead.
//
// The bot token is removed from every error message and log line.
//
// telego is used only as a typed HTTP client over net/http: retries and
// pacing belong to the outbox, so no telego retry caller is installed, and
// long polling is a loop of our own that ends with its context and honours
// retry_after. Calls whose context has no deadline time out after 20s.
package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mymmrac/telego"
	"github.com/mymmrac/telego/telegoapi"

	"github.com/appealbot/appealbot/bot"
)

// CommandInfo is one entry of the bot's command menu.
type CommandInfo struct {
	// Name is the command without '/': 1–32 of a–z, 0–9 and '_'.
	Name string
	// Description by language code ("zh", "en"): 1–256 characters.
	Description map[string]string
}

// Config configures a Transport.
type Config struct {
	Token string
	// APIURL is a self-hosted Bot API server (or a test server); "" is
	// https://api.telegram.org.
	APIURL string
	// WebhookURL is the public HTTPS URL Telegram posts updates to; ""
	// receives by long polling instead.
	WebhookURL string
	// WebhookSecret is the secret_token Telegram sends with every webhook
	// request (1–256 of A–Z, a–z, 0–9, '_', '-'); required with WebhookURL.
	WebhookSecret string
	// WebhookListen is the address Receive's own HTTP server listens on in
	// webhook mode (e.g. "127.0.0.1:8443", behind a TLS-terminating proxy).
	// It serves the path of WebhookURL; required with WebhookURL.
	WebhookListen string
	// PollTimeout is the long-poll timeout (whole seconds, at least 1);
	// 0 means 30s.
	PollTimeout time.Duration
	// Commands is the command menu, registered at start for every language
	// that has descriptions and, as the default menu, in DefaultLanguage.
	Commands []CommandInfo
	// DefaultLanguage picks the descriptions of the default menu (shown to
	// clients in other languages); "" means "zh".
	DefaultLanguage string
	// Limits are the sending budgets the outbox keeps to; zero means
	// bot.TelegramLimits().
	Limits bot.Limits
	// MaxPhotoBytes is the largest photo fetched from a message; 0 means
	// DefaultMaxPhotoBytes.
	MaxPhotoBytes int64
}

// requestTimeout bounds a call other than getUpdates whose context has no
// deadline, so that a hung connection cannot stall a sender for ever.
const requestTimeout = 20 * time.Second

// Transport is the Telegram bot.Transport.
type Transport struct {
	bot         *telego.Bot
	http        *http.Client
	cfg         Config
	log         *slog.Logger
	redact      *strings.Replacer
	mu          sync.Mutex // guards id and username
	id          int64
	username    string
	pollTimeout int // seconds
	receiving   atomic.Bool
}

var _ bot.Transport = (*Transport)(nil)

var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// New builds the telego client on net/http (so that a cancelled context
// aborts a long poll at once), learns the bot's id and username with getMe
// and registers the command menu. A refused menu is logged and ignored. A
// getMe refused for good (a wrong token) is an error; when Telegram cannot
// be reached, New still succeeds so that the rest of appealbot runs through
// the outage, and Receive asks again until Telegram answers.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Transport, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var problems []error
	if cfg.Token == "" {
		problems = append(problems, errors.New("token is empty"))
	}
	if cfg.WebhookURL != "" {
		if u, err := url.Parse(cfg.WebhookURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			problems = append(problems, errors.New("webhook URL must be an absolute http(s) URL"))
		}
		if !secretRE.MatchString(cfg.WebhookSecret) {
			problems = append(problems, errors.New("webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -"))
		}
		if cfg.WebhookListen == "" {
			problems = append(problems, errors.New("webhook listen address is empty"))
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, fmt.Errorf("telegram: config: %w", err)
	}
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.DefaultLanguage == "" {
		cfg.DefaultLanguage = "zh"
	}
	t := &Transport{
		cfg:         cfg,
		log:         log,
		redact:      tokenReplacer(cfg.Token),
		pollTimeout: max(1, int(cfg.PollTimeout/time.Second)),
	}

	// Delivery sends several messages at once and the long poll holds one
	// more connection: keep that many idle connections to the API instead
	// of net/http's two, so that no send waits for a new TCP and TLS
	// handshake.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 32
	httpClient := &http.Client{Transport: tr}
	t.http = httpClient
	opts := []telego.BotOption{
		telego.WithHTTPClient(httpClient),
		telego.WithLogger(telegoLogger{log: log, redact: t.redact}),
	}
	if cfg.APIURL != "" {
		opts = append(opts, telego.WithAPIServer(strings.TrimRight(cfg.APIURL, "/")))
	}
	b, err := telego.NewBot(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err) // telego's message never holds the token
	}
	t.bot = b

	if cfg.Limits == (bot.Limits{}) {
		t.cfg.Limits = bot.TelegramLimits()
	}
	if err := t.identify(ctx); err != nil {
		if kind, _ := bot.Classify(err); kind == bot.Permanent {
			return nil, fmt.Errorf("telegram: getMe: %w", err)
		}
		log.Warn("telegram: not reachable at start; will keep trying", "err", err)
	}
	return t, nil
}

// identify learns the bot's id and username and registers the menu.
func (t *Transport) identify(ctx context.Context) error {
	callCtx, cancel := withDefaultTimeout(ctx)
	me, err := t.bot.GetMe(callCtx)
	cancel()
	if err != nil {
		return t.classify(err)
	}
	t.mu.Lock()
	t.id, t.username = me.ID, me.Username
	t.mu.Unlock()
	t.setCommands(ctx)
	return nil
}

// Limits implements bot.Limited.
func (t *Transport) Limits() bot.Limits { return t.cfg.Limits }

// IsGroup implements bot.Limited: group and supergroup ids are negative.
func (t *Transport) IsGroup(chatID string) bool { return strings.HasPrefix(chatID, "-") }

// Network implements bot.Transport.
func (t *Transport) Network() string { return "telegram" }

// BotID is the bot's user id, from getMe.
func (t *Transport) BotID() int64 { t.mu.Lock(); defer t.mu.Unlock(); return t.id }

// Username is the bot's username (without '@'), from getMe.
func (t *Transport) Username() string { t.mu.Lock(); defer t.mu.Unlock(); return t.username }

// setCommands registers the menu per language and the default menu; a
// language missing a description falls back to the default language's.
func (t *Transport) setCommands(ctx context.Context) {
	if len(t.cfg.Commands) == 0 {
		return
	}
	langs := map[string]bool{}
	for _, c := range t.cfg.Commands {
		for l := range c.Description {
			langs[l] = true
		}
	}
	codes := []string{""}
	for l := range langs {
		codes = append(codes, l)
	}
	slices.Sort(codes)
	for _, code := range codes {
		var cmds []telego.BotCommand
		for _, c := range t.cfg.Commands {
			d := c.Description[code]
			if code == "" || d == "" {
				d = c.Description[t.cfg.DefaultLanguage]
			}
			if d == "" {
				d = c.Name
			}
			cmds = append(cmds, telego.BotCommand{Command: c.Name, Description: d})
		}
		callCtx, cancel := withDefaultTimeout(ctx)
		err := t.bot.SetMyCommands(callCtx, &telego.SetMyCommandsParams{Commands: cmds, LanguageCode: code})
		cancel()
		if err != nil {
			t.log.Warn("telegram: command menu not registered", "language_code", code, "err", t.classify(err))
		}
	}
}

// Send implements bot.Transport: sendMessage in parse mode HTML without
// link previews, in the topic given, as a reply when ReplyTo is set (still
// sent if that message is gone), with the buttons as an inline keyboard.
// With a Photo it is sendPhoto instead (a multipart upload), the HTML being
// the caption. A chat, topic or reply id that is not a number is a
// Permanent error.
func (t *Transport) Send(ctx context.Context, m bot.Outgoing) (string, error) {
	chatID, err := parseID("chat id", m.Chat.ChatID)
	if err != nil {
		return "", err
	}
	if len(m.Photo) > 0 {
		return t.sendPhoto(ctx, chatID, m)
	}
	p := &telego.SendMessageParams{
		ChatID:             telego.ChatID{ID: chatID},
		Text:               m.HTML,
		ParseMode:          telego.ModeHTML,
		LinkPreviewOptions: &telego.LinkPreviewOptions{IsDisabled: true},
	}
	pl, err := place(m)
	if err != nil {
		return "", err
	}
	p.MessageThreadID, p.ReplyParameters = pl.thread, pl.reply
	switch {
	case pl.keyboard != nil:
		p.ReplyMarkup = pl.keyboard
	case m.ForceReply:
		// The client opens a reply to the prompt; the reply is the text
		// the prompt asks for.
		p.ReplyMarkup = &telego.ForceReply{ForceReply: true, Selective: true}
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	msg, err := t.bot.SendMessage(ctx, p)
	if err != nil {
		return "", t.classify(err)
	}
	return strconv.Itoa(msg.MessageID), nil
}

// placement is where a message goes within its chat, and its buttons.
type placement struct {
	thread   int
	reply    *telego.ReplyParameters
	keyboard *telego.InlineKeyboardMarkup
}

// place reads m's forum topic, the message it answers and its buttons.
func place(m bot.Outgoing) (placement, error) {
	var pl placement
	if m.Chat.TopicID != "" {
		topic, err := parseID("topic id", m.Chat.TopicID)
		if err != nil {
			return pl, err
		}
		pl.thread = int(topic)
	}
	if m.ReplyTo != "" {
		reply, err := parseID("reply-to message id", m.ReplyTo)
		if err != nil {
			return pl, err
		}
		pl.reply = &telego.ReplyParameters{MessageID: int(reply), AllowSendingWithoutReply: true}
	}
	pl.keyboard = keyboard(m.Buttons)
	return pl, nil
}

// sendPhoto sends m.Photo with m.HTML as its caption.
func (t *Transport) sendPhoto(ctx context.Context, chatID int64, m bot.Outgoing) (string, error) {
	p := &telego.SendPhotoParams{
		ChatID:    telego.ChatID{ID: chatID},
		Photo:     telego.InputFile{File: namedReader{Reader: bytes.NewReader(m.Photo), name: "chart.png"}},
		Caption:   m.HTML,
		ParseMode: telego.ModeHTML,
	}
	pl, err := place(m)
	if err != nil {
		return "", err
	}
	p.MessageThreadID, p.ReplyParameters = pl.thread, pl.reply
	if pl.keyboard != nil {
		p.ReplyMarkup = pl.keyboard
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	msg, err := t.bot.SendPhoto(ctx, p)
	if err != nil {
		return "", t.classify(err)
	}
	return strconv.Itoa(msg.MessageID), nil
}

// namedReader is an upload with a file name, as telego wants it.
type namedReader struct {
	*bytes.Reader
	name string
}

func (r namedReader) Name() string { return r.name }

// Edit implements bot.Transport with editMessageText: the text and the
// buttons are both replaced (no buttons removes the keyboard). Telegram's
// "message is not modified" is success.
func (t *Transport) Edit(ctx context.Context, chat bot.ChatRef, messageID string, m bot.Outgoing) error {
	chatID, err := parseID("chat id", chat.ChatID)
	if err != nil {
		return err
	}
	msgID, err := parseID("message id", messageID)
	if err != nil {
		return err
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	_, err = t.bot.EditMessageText(ctx, &telego.EditMessageTextParams{
		ChatID:             telego.ChatID{ID: chatID},
		MessageID:          int(msgID),
		Text:               m.HTML,
		ParseMode:          telego.ModeHTML,
		LinkPreviewOptions: &telego.LinkPreviewOptions{IsDisabled: true},
		ReplyMarkup:        keyboard(m.Buttons),
	})
	var apiErr *telegoapi.Error
	if errors.As(err, &apiErr) && apiErr.ErrorCode == http.StatusBadRequest &&
		strings.Contains(apiErr.Description, "message is not modified") {
		return nil
	}
	return t.classify(err)
}

// AnswerButton implements bot.Transport with answerCallbackQuery.
func (t *Transport) AnswerButton(ctx context.Context, pressID, notice string) error {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	return t.classify(t.bot.AnswerCallbackQuery(ctx, &telego.AnswerCallbackQueryParams{
		CallbackQueryID: pressID,
		Text:            notice,
	}))
}

func keyboard(buttons [][]bot.Button) *telego.InlineKeyboardMarkup {
	var rows [][]telego.InlineKeyboardButton
	for _, row := range buttons {
		var out []telego.InlineKeyboardButton
		for _, b := range row {
			out = append(out, telego.InlineKeyboardButton{Text: b.Label, CallbackData: b.Data})
		}
		if len(out) > 0 {
			rows = append(rows, out)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return &telego.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func parseID(what, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &bot.Error{Kind: bot.Permanent, Reason: fmt.Sprintf("%s %q is not a Telegram id", what, s), Err: err}
	}
	return id, nil
}

func withDefaultTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, requestTimeout)
}

// MigratedReason is how the Reason of a Permanent error for a chat that
// became a supergroup ends: "; migrate_to_chat_id=<new id>". Telegram's own
// description comes first.
const MigratedReason = "; migrate_to_chat_id="

// classify turns a telego error into a *bot.Error (see the package doc),
// with the bot token removed from its message.
func (t *Transport) classify(err error) error {
	if err == nil {
		return nil
	}
	var be *bot.Error
	if errors.As(err, &be) {
		return be
	}
	clean := &redactedError{msg: t.redact.Replace(err.Error()), err: err}
	var apiErr *telegoapi.Error
	if !errors.As(err, &apiErr) {
		return &bot.Error{Kind: bot.Temporary, Reason: clean.msg, Err: clean}
	}
	e := &bot.Error{Reason: apiErr.Description, Err: clean}
	if e.Reason == "" {
		e.Reason = fmt.Sprintf("error %d", apiErr.ErrorCode)
	}
	params := apiErr.Parameters
	switch code := apiErr.ErrorCode; {
	case code == http.StatusTooManyRequests:
		e.Kind, e.RetryAfter = bot.RateLimited, time.Second
		if params != nil && params.RetryAfter > 0 {
			e.RetryAfter = time.Duration(params.RetryAfter) * time.Second
		}
	case params != nil && params.MigrateToChatID != 0:
		e.Kind = bot.Permanent
		e.MovedTo = strconv.FormatInt(params.MigrateToChatID, 10)
		e.Reason += MigratedReason + e.MovedTo
	case code >= 500 || code == http.StatusConflict || code == 0:
		e.Kind = bot.Temporary
	default:
		e.Kind = bot.Permanent
	}
	return e
}

// redactedError is an error whose message had the token removed; it still
// unwraps to the original, for errors.Is(err, context.DeadlineExceeded).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func tokenReplacer(token string) *strings.Replacer {
	pairs := []string{token, "<token>"}
	if _, secret, ok := strings.Cut(token, ":"); ok && secret != "" {
		pairs = append(pairs, secret, "<token>")
	}
	return strings.NewReplacer(pairs...)
}

// telegoLogger sends telego's own error lines to slog at debug level (the
// errors also come back to the caller, classified) and drops its debug
// lines, which hold request URLs and so the token.
type telegoLogger struct {
	log    *slog.Logger
	redact *strings.Replacer
}

func (telegoLogger) Debugf(string, ...any) {}

func (l telegoLogger) Errorf(format string, args ...any) {
	l.log.Debug("telego", "detail", l.redact.Replace(fmt.Sprintf(format, args...)))
}
