// Package matrix is the Matrix side of the bot: a bot.Transport on the
// mautrix client, for administrations that run their own homeserver.
//
// Messages are m.text events with the HTML in formatted_body and its text
// in body. Matrix has no inline buttons, so a message's buttons become
// reactions: the bot reacts to its own message with one emoji per button
// (✋ claim, ↩️ return, ℹ️ details, …, listed under the text) and a
// responder's reaction with one of them is a button press. The emoji →
// button map travels in the event's content under "org.appealbot.actions"
// (and in m.new_content of every edit), so reactions keep working after a
// restart and after the card changed. A card update is an edit
// (m.replace): the room shows one live card per appeal; the edit adds the
// reactions of new buttons and takes back the bot's reactions of buttons
// that are gone.
//
// A press's notice (what Telegram shows as a popup) is posted as a short
// m.notice replying to the card, naming who reacted.
//
// Commands are "!claim 12" or "/claim 12"; a reply to a card is its answer,
// as in Telegram. Reply fallbacks (the quoted lines older clients put in
// front) are removed. Edits of people's messages are not commands again.
// An m.image (or an m.file of an image type) is read the same way, its
// caption (the body, when it differs from the filename) being the text;
// its bytes are fetched, at most Config.MaxPhotoBytes, only when it is a
// command or a reply to the bot, and an image that cannot be had (too
// large, encrypted, gone) marks the update with a bot.PhotoProblem.
//
// A room upgrade (m.room.tombstone) is a chat migration: the bot joins the
// new room, the department's binding moves there, and cards are posted
// there anew (the old room's cards cannot be edited from the new one).
//
// A chat id is a room id ("!abc:server"); a user id ("@alice:server") as a
// chat id means that person's direct chat with the bot, which is found in
// the bot's m.direct account data or created (and recorded there).
//
// Every failed call returns a *bot.Error:
//   - M_LIMIT_EXCEEDED / HTTP 429 → RateLimited and Global (homeservers
//     limit an account, not a room), RetryAfter from retry_after_ms (or
//     Retry-After; at least 100 ms, 1 s when absent);
//   - other 4xx (M_FORBIDDEN, M_UNKNOWN_TOKEN, not in the room, …) →
//     Permanent with the server's errcode and message as Reason;
//   - 5xx, network errors and timeouts → Temporary.
//
// mautrix's own retries and rate-limit sleeps are off: the outbox owns
// retries. The access token is never logged.
package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/png" // chart sizes
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/appealbot/appealbot/bot"
)

// Network is the name of the Matrix network in stored chat and user ids.
const Network = "matrix"

// actionsKey is the content key that carries a message's reactions.
const actionsKey = "org.appealbot.actions"

// StateStore keeps where the sync was read up to.
type StateStore interface {
	SyncState(ctx context.Context, network, key string) (string, error)
	SaveSyncState(ctx context.Context, network, key, value string) error
}

// Config configures a Transport.
type Config struct {
	// Homeserver is the client-server API's base URL.
	Homeserver string
	// UserID is the bot's Matrix id, e.g. "@appealbot:gov.example".
	UserID string
	// AccessToken is the bot's access token.
	AccessToken string
	// State stores the sync token; required for Receive.
	State StateStore
	// PollTimeout is how long one sync waits on the server; 0 means 30s.
	PollTimeout time.Duration
	// TimelineLimit is how many events of one room one sync returns at
	// most; 0 means 200.
	TimelineLimit int
	// Limits are sending budgets for the outbox; zero is none (the
	// homeserver's 429s are honoured all the same).
	Limits bot.Limits
	// MaxPhotoBytes is the largest image fetched from a message; 0 means
	// DefaultMaxPhotoBytes.
	MaxPhotoBytes int64
}

// requestTimeout bounds a call whose context has no deadline.
const requestTimeout = 20 * time.Second

// Transport is the Matrix bot.Transport.
type Transport struct {
	cli    *mautrix.Client
	cfg    Config
	log    *slog.Logger
	me     id.UserID
	server string

	mu sync.Mutex
	// cards caches the reactions of the bot's messages, by event id.
	cards map[id.EventID]*card
	// presses remembers where a reaction was, for AnswerButton.
	presses map[string]press
	// direct maps people to their direct chat with the bot; directRooms
	// is the reverse.
	direct      map[id.UserID]id.RoomID
	directRooms map[id.RoomID]bool
	directReady bool
	names       map[id.UserID]string
	dmMu        sync.Mutex // one direct chat created at a time
	joins       sync.WaitGroup
	receiving   atomic.Bool
}

// card is what the bot knows of one of its messages' reactions.
type card struct {
	room id.RoomID
	// actions maps emoji (normalised) to button data.
	actions map[string]string
	// own maps emoji (as sent) to the bot's reaction event.
	own map[string]id.EventID
	// ownKnown: own holds every reaction of the bot's (else fetch them).
	ownKnown bool
}

type press struct {
	room   id.RoomID
	card   id.EventID
	sender id.UserID
}

// maxCached bounds the cards remembered; older ones are fetched again
// from the homeserver when someone reacts to them.
const maxCached = 20000

// maxPresses bounds the presses waiting for AnswerButton.
const maxPresses = 1000

var _ bot.Transport = (*Transport)(nil)

// New builds the client. It checks the settings but does not call the
// homeserver; Check does, and Receive waits for it to answer.
func New(cfg Config, log *slog.Logger) (*Transport, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var problems []error
	uid := id.UserID(cfg.UserID)
	_, server, err := uid.Parse()
	if err != nil || !strings.HasPrefix(cfg.UserID, "@") {
		problems = append(problems, fmt.Errorf("user id %q is not a Matrix id like @bot:example.org", cfg.UserID))
	}
	if cfg.AccessToken == "" {
		problems = append(problems, errors.New("access token is empty"))
	}
	if !strings.HasPrefix(cfg.Homeserver, "http://") && !strings.HasPrefix(cfg.Homeserver, "https://") {
		problems = append(problems, fmt.Errorf("homeserver %q is not an http(s) URL", cfg.Homeserver))
	}
	if err := errors.Join(problems...); err != nil {
		return nil, fmt.Errorf("matrix: config: %w", err)
	}
	cli, err := mautrix.NewClient(cfg.Homeserver, uid, cfg.AccessToken)
	if err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	cli.Client = &http.Client{}
	cli.DefaultHTTPRetries = 0
	cli.IgnoreRateLimit = true
	cli.UserAgent = "appealbot"
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.TimelineLimit <= 0 {
		cfg.TimelineLimit = 200
	}
	return &Transport{cli: cli, cfg: cfg, log: log, me: uid, server: server,
		cards: map[id.EventID]*card{}, presses: map[string]press{},
		direct: map[id.UserID]id.RoomID{}, directRooms: map[id.RoomID]bool{}, names: map[id.UserID]string{}}, nil
}

// Check asks the homeserver who the access token belongs to. A token it
// refuses, or one of another user's, is a Permanent error; an unreachable
// homeserver a Temporary one.
func (t *Transport) Check(ctx context.Context) error {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	who, err := t.cli.Whoami(ctx)
	if err != nil {
		return t.classify(err)
	}
	if who.UserID != t.me {
		return &bot.Error{Kind: bot.Permanent, Reason: fmt.Sprintf("the access token is %s's, not %s's", who.UserID, t.me)}
	}
	return nil
}

// Network implements bot.Transport.
func (t *Transport) Network() string { return Network }

// UserID is the bot's Matrix id.
func (t *Transport) UserID() string { return string(t.me) }

// Limits implements bot.Limited.
func (t *Transport) Limits() bot.Limits { return t.cfg.Limits }

// IsGroup implements bot.Limited: every room but a direct chat.
func (t *Transport) IsGroup(chatID string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.HasPrefix(chatID, "!") && !t.directRooms[id.RoomID(chatID)]
}

// content is a message's content: HTML, text and reactions.
func content(m bot.Outgoing) (map[string]any, []action) {
	as := actionsOf(m.Buttons)
	body, fb := plain(m.HTML), formatted(m.HTML)
	if lp, lh := legend(as); lp != "" {
		body += "\n\n" + lp
		fb += "<br><br>" + lh
	}
	c := map[string]any{
		"msgtype":        "m.text",
		"body":           body,
		"format":         "org.matrix.custom.html",
		"formatted_body": fb,
		actionsKey:       actionMap(as),
	}
	return c, as
}

// Send implements bot.Transport. The reactions of m's buttons are added
// after the message; one that cannot be added is logged, not an error (the
// message is out, and sending it again would post it twice).
func (t *Transport) Send(ctx context.Context, m bot.Outgoing) (string, error) {
	rctx, rcancel := reactionContext(ctx)
	defer rcancel()
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	room, err := t.room(ctx, m.Chat.ChatID)
	if err != nil {
		return "", err
	}
	var c map[string]any
	var as []action
	if len(m.Photo) > 0 {
		c, err = t.image(ctx, m)
		if err != nil {
			return "", err
		}
	} else {
		c, as = content(m)
		if len(as) == 0 { // not a card: nothing to carry
			delete(c, actionsKey)
		}
	}
	if m.ReplyTo != "" {
		c["m.relates_to"] = map[string]any{"m.in_reply_to": map[string]any{"event_id": m.ReplyTo}}
	}
	resp, err := t.cli.SendMessageEvent(ctx, room, event.EventMessage, c)
	if err != nil {
		return "", t.classify(err)
	}
	cd := &card{room: room, actions: normMap(actionMap(as)), own: map[string]id.EventID{}, ownKnown: true}
	t.remember(resp.EventID, cd)
	for _, a := range as {
		t.react(rctx, cd, resp.EventID, a.Emoji)
	}
	return string(resp.EventID), nil
}

// reactionContext bounds the adding of a message's reactions once the
// message is out: they are finished even if the caller stops meanwhile,
// and may wait out rate limits longer than one request takes.
func reactionContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 2*maxReactionWait)
}

// image uploads m.Photo and returns the m.image content with m.HTML as
// its caption.
func (t *Transport) image(ctx context.Context, m bot.Outgoing) (map[string]any, error) {
	up, err := t.cli.UploadBytesWithName(ctx, m.Photo, "image/png", "chart.png")
	if err != nil {
		return nil, t.classify(err)
	}
	info := map[string]any{"mimetype": "image/png", "size": len(m.Photo)}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(m.Photo)); err == nil {
		info["w"], info["h"] = cfg.Width, cfg.Height
	}
	c := map[string]any{
		"msgtype":  "m.image",
		"body":     "chart.png",
		"filename": "chart.png",
		"url":      up.ContentURI.CUString(),
		"info":     info,
	}
	if m.HTML != "" {
		c["body"], c["format"], c["formatted_body"] = plain(m.HTML), "org.matrix.custom.html", formatted(m.HTML)
	}
	return c, nil
}

// Edit implements bot.Transport with an m.replace edit, then brings the
// card's reactions in line with its new buttons.
func (t *Transport) Edit(ctx context.Context, chat bot.ChatRef, messageID string, m bot.Outgoing) error {
	rctx, rcancel := reactionContext(ctx)
	defer rcancel()
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	room, err := t.room(ctx, chat.ChatID)
	if err != nil {
		return err
	}
	nc, as := content(m)
	c := map[string]any{
		"msgtype":        "m.text",
		"body":           "* " + nc["body"].(string),
		"format":         "org.matrix.custom.html",
		"formatted_body": "* " + nc["formatted_body"].(string),
		"m.new_content":  nc,
		"m.relates_to":   map[string]any{"rel_type": "m.replace", "event_id": messageID},
	}
	cardID := id.EventID(messageID)
	cd, err := t.lookupCard(ctx, room, cardID)
	if err != nil {
		// Gone (or in the room this one replaced): the outbox posts a
		// new card instead.
		return err
	}
	if cd == nil {
		return &bot.Error{Kind: bot.Permanent, Reason: fmt.Sprintf("message %s not found: it is not the bot's", cardID)}
	}
	if _, err := t.cli.SendMessageEvent(ctx, room, event.EventMessage, c); err != nil {
		return t.classify(err)
	}
	t.mu.Lock()
	cd.actions = normMap(actionMap(as))
	t.mu.Unlock()
	t.remember(cardID, cd)
	t.syncReactions(rctx, cd, cardID, as)
	return nil
}

// syncReactions adds the bot's reactions for as and redacts its others.
func (t *Transport) syncReactions(ctx context.Context, cd *card, cardID id.EventID, as []action) {
	t.mu.Lock()
	known := cd.ownKnown
	t.mu.Unlock()
	if !known {
		t.loadOwnReactions(ctx, cd, cardID)
	}
	want := map[string]bool{}
	for _, a := range as {
		want[normEmoji(a.Emoji)] = true
	}
	t.mu.Lock()
	have := map[string]bool{}
	var stale []id.EventID
	for e, ev := range cd.own {
		if want[normEmoji(e)] {
			have[normEmoji(e)] = true
			continue
		}
		stale = append(stale, ev)
		delete(cd.own, e)
	}
	t.mu.Unlock()
	for _, ev := range stale {
		if _, err := t.cli.RedactEvent(ctx, cd.room, ev); err != nil {
			t.log.Info("matrix: stale reaction not taken back", "event", ev, "err", t.classify(err))
		}
	}
	for _, a := range as {
		if !have[normEmoji(a.Emoji)] {
			t.react(ctx, cd, cardID, a.Emoji)
		}
	}
}

// loadOwnReactions reads the bot's reactions on a card from the server.
func (t *Transport) loadOwnReactions(ctx context.Context, cd *card, cardID id.EventID) {
	resp, err := t.cli.GetRelations(ctx, cd.room, cardID, &mautrix.ReqGetRelations{
		RelationType: event.RelAnnotation, EventType: event.EventReaction, Limit: 100})
	if err != nil {
		t.log.Info("matrix: reactions of a card not read", "event", cardID, "err", t.classify(err))
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, ev := range resp.Chunk {
		if ev.Sender != t.me {
			continue
		}
		var rc struct {
			RelatesTo struct {
				Key string `json:"key"`
			} `json:"m.relates_to"`
		}
		if json.Unmarshal(ev.Content.VeryRaw, &rc) == nil && rc.RelatesTo.Key != "" {
			cd.own[rc.RelatesTo.Key] = ev.ID
		}
	}
	cd.ownKnown = true
}

// maxReactionWait bounds how long adding one reaction waits out rate
// limits.
const maxReactionWait = 30 * time.Second

// react adds the bot's reaction emoji to a message, waiting out rate
// limits for a while.
func (t *Transport) react(ctx context.Context, cd *card, target id.EventID, emoji string) {
	waited := time.Duration(0)
	for {
		resp, err := t.cli.SendReaction(ctx, cd.room, target, emoji)
		if err == nil {
			t.mu.Lock()
			cd.own[emoji] = resp.EventID
			t.mu.Unlock()
			return
		}
		e := t.classify(err).(*bot.Error)
		wait := time.Second
		if e.Kind == bot.RateLimited {
			wait = e.RetryAfter
		}
		waited += wait
		if e.Kind == bot.Permanent || waited > maxReactionWait || !sleep(ctx, wait) {
			t.log.Warn("matrix: reaction not added", "event", target, "reaction", emoji, "err", e)
			return
		}
	}
}

// AnswerButton implements bot.Transport: a notice is posted as a short
// m.notice replying to the card, naming who reacted; no notice, no
// message (Matrix needs no acknowledgement).
func (t *Transport) AnswerButton(ctx context.Context, pressID, notice string) error {
	t.mu.Lock()
	p, ok := t.presses[pressID]
	delete(t.presses, pressID)
	t.mu.Unlock()
	if !ok || notice == "" {
		return nil
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	name := t.displayName(p.sender)
	c := map[string]any{
		"msgtype":        "m.notice",
		"body":           name + ": " + notice,
		"format":         "org.matrix.custom.html",
		"formatted_body": `<a href="https://matrix.to/#/` + escape(string(p.sender)) + `">` + escape(name) + `</a>: ` + escape(notice),
		"m.mentions":     map[string]any{"user_ids": []string{string(p.sender)}},
		"m.relates_to":   map[string]any{"m.in_reply_to": map[string]any{"event_id": string(p.card)}},
	}
	_, err := t.cli.SendMessageEvent(ctx, p.room, event.EventMessage, c)
	return t.classify(err)
}

func (t *Transport) displayName(u id.UserID) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := t.names[u]; n != "" {
		return n
	}
	return string(u)
}

// remember caches a card, forgetting an arbitrary one when full.
func (t *Transport) remember(ev id.EventID, cd *card) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.cards[ev]; !ok && len(t.cards) >= maxCached {
		for k := range t.cards {
			delete(t.cards, k)
			break
		}
	}
	t.cards[ev] = cd
}

// cardOf returns the reactions of the bot's message ev: from the cache,
// else from the homeserver (the event and its latest edit by the bot).
// Another's message has no reactions of the bot's (nil, or an empty card
// once remembered); nil also when ev cannot be read.
func (t *Transport) cardOf(ctx context.Context, room id.RoomID, ev id.EventID) *card {
	cd, err := t.lookupCard(ctx, room, ev)
	if err != nil {
		t.log.Info("matrix: reacted-to event not read", "event", ev, "err", err)
	}
	return cd
}

// lookupCard is cardOf with the error: a message not in room (gone, or in
// a room this one replaced) is a Permanent "not found".
func (t *Transport) lookupCard(ctx context.Context, room id.RoomID, ev id.EventID) (*card, error) {
	t.mu.Lock()
	cd := t.cards[ev]
	t.mu.Unlock()
	if cd != nil {
		if cd.room != room {
			return nil, &bot.Error{Kind: bot.Permanent, Reason: fmt.Sprintf("message %s not found in room %s", ev, room)}
		}
		return cd, nil
	}
	orig, err := t.cli.GetEvent(ctx, room, ev)
	if err != nil {
		return nil, t.classify(err)
	}
	if orig.RoomID != "" && orig.RoomID != room { // some servers look events up by id alone
		return nil, &bot.Error{Kind: bot.Permanent, Reason: fmt.Sprintf("message %s not found in room %s", ev, room)}
	}
	if orig.Sender != t.me {
		// Someone else's message: remembered as one without buttons, so
		// that more reactions to it cost no request.
		t.remember(ev, &card{room: room, actions: map[string]string{}, own: map[string]id.EventID{}, ownKnown: true})
		return nil, nil
	}
	actions, _ := actionsIn(orig.Content.VeryRaw, false)
	// The newest edit of the bot's wins.
	var newest int64 = -1
	from := ""
	for range 20 {
		resp, err := t.cli.GetRelations(ctx, room, ev, &mautrix.ReqGetRelations{
			RelationType: event.RelReplace, EventType: event.EventMessage, Limit: 100, From: from})
		if err != nil {
			t.log.Info("matrix: edits of a card not read", "event", ev, "err", t.classify(err))
			break
		}
		for _, e := range resp.Chunk {
			if e.Sender != t.me || e.Timestamp < newest {
				continue
			}
			if a, ok := actionsIn(e.Content.VeryRaw, true); ok {
				actions, newest = a, e.Timestamp
			}
		}
		if resp.NextBatch == "" {
			break
		}
		from = resp.NextBatch
	}
	cd = &card{room: room, actions: normMap(actions), own: map[string]id.EventID{}}
	t.remember(ev, cd)
	return cd, nil
}

// actionsIn reads the reactions a message (or, with edit, an edit's
// m.new_content) carries.
func actionsIn(raw json.RawMessage, edit bool) (map[string]string, bool) {
	var c struct {
		Actions    map[string]string `json:"org.appealbot.actions"`
		NewContent *struct {
			Actions map[string]string `json:"org.appealbot.actions"`
		} `json:"m.new_content"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return nil, false
	}
	if edit {
		if c.NewContent == nil || c.NewContent.Actions == nil {
			return nil, false
		}
		return c.NewContent.Actions, true
	}
	return c.Actions, c.Actions != nil
}

func normMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[normEmoji(k)] = v
	}
	return out
}

// room resolves a chat id: a room id as is, a user id to the direct chat
// with that person.
func (t *Transport) room(ctx context.Context, chatID string) (id.RoomID, error) {
	switch {
	case strings.HasPrefix(chatID, "!"):
		return id.RoomID(chatID), nil
	case strings.HasPrefix(chatID, "@"):
		return t.directRoom(ctx, id.UserID(chatID))
	}
	return "", &bot.Error{Kind: bot.Permanent, Reason: fmt.Sprintf("chat id %q is not a Matrix room or user id", chatID)}
}

// directRoom finds or creates the direct chat with u.
func (t *Transport) directRoom(ctx context.Context, u id.UserID) (id.RoomID, error) {
	t.dmMu.Lock()
	defer t.dmMu.Unlock()
	if err := t.loadDirect(ctx); err != nil {
		return "", err
	}
	t.mu.Lock()
	r, ok := t.direct[u]
	t.mu.Unlock()
	if ok {
		return r, nil
	}
	resp, err := t.cli.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "trusted_private_chat", Invite: []id.UserID{u}, IsDirect: true})
	if err != nil {
		return "", t.classify(err)
	}
	t.mu.Lock()
	t.direct[u], t.directRooms[resp.RoomID] = resp.RoomID, true
	t.mu.Unlock()
	if err := t.saveDirect(ctx); err != nil {
		t.log.Warn("matrix: direct chats not recorded", "err", err)
	}
	return resp.RoomID, nil
}

// loadDirect reads the bot's m.direct account data once.
func (t *Transport) loadDirect(ctx context.Context) error {
	t.mu.Lock()
	ready := t.directReady
	t.mu.Unlock()
	if ready {
		return nil
	}
	var d map[id.UserID][]id.RoomID
	if err := t.cli.GetAccountData(ctx, event.AccountDataDirectChats.Type, &d); err != nil && !errors.Is(err, mautrix.MNotFound) {
		return t.classify(err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for u, rooms := range d {
		for _, r := range rooms {
			t.directRooms[r] = true
		}
		if len(rooms) > 0 {
			if _, ok := t.direct[u]; !ok {
				t.direct[u] = rooms[len(rooms)-1]
			}
		}
	}
	t.directReady = true
	return nil
}

func (t *Transport) saveDirect(ctx context.Context) error {
	t.mu.Lock()
	d := map[id.UserID][]id.RoomID{}
	for u, r := range t.direct {
		d[u] = []id.RoomID{r}
	}
	t.mu.Unlock()
	return t.classify(t.cli.SetAccountData(ctx, event.AccountDataDirectChats.Type, d))
}

func withDefaultTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, requestTimeout)
}

// classify turns a mautrix error into a *bot.Error (see the package doc).
func (t *Transport) classify(err error) error {
	if err == nil {
		return nil
	}
	var be *bot.Error
	if errors.As(err, &be) {
		return be
	}
	var he mautrix.HTTPError
	if !errors.As(err, &he) || he.Response == nil {
		return &bot.Error{Kind: bot.Temporary, Reason: err.Error(), Err: err}
	}
	code := he.Response.StatusCode
	e := &bot.Error{Reason: fmt.Sprintf("HTTP %d", code), Err: err}
	errcode := ""
	if re := he.RespError; re != nil {
		errcode = re.ErrCode
		e.Reason = re.ErrCode + ": " + re.Err
	}
	switch {
	case code == http.StatusTooManyRequests || errcode == "M_LIMIT_EXCEEDED":
		// A homeserver counts per account, not per room.
		e.Kind, e.RetryAfter, e.Global = bot.RateLimited, retryAfter(he), true
	case code >= 500 || code == http.StatusRequestTimeout:
		e.Kind = bot.Temporary
	default:
		e.Kind = bot.Permanent
	}
	return e
}

// retryAfter reads how long a 429 asks to wait.
func retryAfter(he mautrix.HTTPError) time.Duration {
	d := time.Duration(0)
	if re := he.RespError; re != nil {
		if ms, ok := re.ExtraData["retry_after_ms"].(float64); ok && ms > 0 {
			d = time.Duration(ms) * time.Millisecond
		}
	}
	if d == 0 && he.Response != nil {
		if s, err := strconv.Atoi(he.Response.Header.Get("Retry-After")); err == nil && s > 0 {
			d = time.Duration(s) * time.Second
		}
	}
	if d == 0 {
		return time.Second
	}
	return max(d, 100*time.Millisecond)
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
