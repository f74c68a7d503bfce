package matrix

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/internal/backoff"
)

// syncKey is the key of the sync token in the StateStore.
const syncKey = "next_batch"

// Backoff of the sync loop after a failed sync.
const (
	backoffMin = 500 * time.Millisecond
	backoffMax = 15 * time.Second
)

// spread is a wait before a retry spread at random over its upper half
// (see internal/backoff), so that retries after an outage do not come in
// lockstep with everyone else's.
func spread(d time.Duration) time.Duration { return backoff.Jitter(d, nil) }

// Receive implements bot.Transport with a /sync loop.
//
// The sync token (next_batch) is stored after every event of a batch was
// handled, so a restart goes on where the last one stopped: nothing is
// handled twice (an event handled just before a crash comes again with
// the same id, which bot.Bot recognises) and nothing sent meanwhile is
// missed, up to Config.TimelineLimit events per room (more is logged). The
// very first sync, with no token stored, only learns the rooms: old
// history is never taken as commands.
//
// Invitations are accepted from people on the bot's own homeserver only;
// others are declined, so that a public room elsewhere cannot pull the
// bot in.
//
// Events are handled one at a time, in order. handle gets a context that
// is not cancelled with ctx, so an event being handled at shutdown is
// finished. Receive returns nil once ctx ends; a token the homeserver
// refuses is logged as an error and tried again every 15s.
func (t *Transport) Receive(ctx context.Context, handle func(context.Context, bot.Update)) error {
	if t.cfg.State == nil {
		return errors.New("matrix: Receive needs a StateStore")
	}
	if !t.receiving.CompareAndSwap(false, true) {
		return errors.New("matrix: Receive is already running")
	}
	defer t.receiving.Store(false)
	defer t.joins.Wait()
	hctx := context.WithoutCancel(ctx)

	var filterID string
	backoff := backoffMin
	for ctx.Err() == nil {
		err := t.start(ctx, &filterID)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		if kind, _ := bot.Classify(err); kind == bot.Permanent {
			// A revoked token: say so loudly, and try again now and then
			// in case it is restored.
			backoff = backoffMax
			t.log.Error("matrix: the homeserver refuses the bot", "retry_in", backoff, "err", err)
		} else {
			t.log.Warn("matrix: homeserver not ready; retrying", "in", backoff, "err", err)
		}
		if !sleep(ctx, spread(backoff)) {
			return nil
		}
		backoff = min(2*backoff, backoffMax)
	}

	var token string
	for backoff = backoffMin; ; backoff = min(2*backoff, backoffMax) {
		var err error
		if token, err = t.cfg.State.SyncState(ctx, Network, syncKey); err == nil {
			break
		}
		t.log.Warn("matrix: sync token not read; retrying", "in", backoff, "err", err)
		if !sleep(ctx, spread(backoff)) {
			return nil
		}
	}
	t.log.Info("matrix: receiving by sync", "user", string(t.me), "resume", token != "")
	backoff = backoffMin
	for ctx.Err() == nil {
		timeout := t.cfg.PollTimeout
		if token == "" {
			timeout = 0
		}
		callCtx, cancel := context.WithTimeout(ctx, timeout+30*time.Second)
		resp, err := t.cli.FullSyncRequest(callCtx, mautrix.ReqSync{
			Timeout: int(timeout / time.Millisecond), Since: token, FilterID: filterID})
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			e := t.classify(err).(*bot.Error)
			wait := spread(backoff)
			switch e.Kind {
			case bot.RateLimited:
				wait = e.RetryAfter
			case bot.Permanent:
				wait = backoffMax
			default:
				backoff = min(2*backoff, backoffMax)
			}
			t.log.Warn("matrix: sync failed", "err", e, "retry_in", wait)
			if !sleep(ctx, wait) {
				break
			}
			continue
		}
		backoff = backoffMin
		t.process(ctx, hctx, resp, token == "", handle)
		if resp.NextBatch != "" && resp.NextBatch != token {
			token = resp.NextBatch
			// A token not saved means the batch comes again after a
			// restart; handling is idempotent, so that is only noise.
			if err := t.cfg.State.SaveSyncState(hctx, Network, syncKey, token); err != nil {
				t.log.Warn("matrix: sync token not saved", "err", err)
			}
		}
	}
	return nil
}

// start checks the token and makes the sync filter.
func (t *Transport) start(ctx context.Context, filterID *string) error {
	if err := t.Check(ctx); err != nil {
		return err
	}
	callCtx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	if err := t.loadDirect(callCtx); err != nil {
		return err
	}
	none := &mautrix.FilterPart{NotTypes: []event.Type{{Type: "*"}}}
	f, err := t.cli.CreateFilter(callCtx, &mautrix.Filter{
		Presence:    none,
		AccountData: none,
		Room: &mautrix.RoomFilter{
			Timeline:    &mautrix.FilterPart{Limit: t.cfg.TimelineLimit},
			Ephemeral:   none,
			AccountData: none,
		},
	})
	if err != nil {
		return t.classify(err)
	}
	*filterID = f.FilterID
	return nil
}

// process handles one sync batch. On the first sync (initial) it only
// learns rooms, names and the bot's own cards.
func (t *Transport) process(ctx, hctx context.Context, resp *mautrix.RespSync, initial bool, handle func(context.Context, bot.Update)) {
	for roomID, inv := range resp.Rooms.Invite {
		t.invited(ctx, roomID, inv)
	}
	for roomID, jr := range resp.Rooms.Join {
		for _, ev := range jr.State.Events {
			t.learn(roomID, ev)
		}
		// In a room the bot has just joined, what came before its join is
		// history, not commands to it.
		skip := -1
		for i, ev := range jr.Timeline.Events {
			if t.isOwnJoin(ev) {
				skip = i
			}
		}
		if jr.Timeline.Limited && !initial && skip < 0 {
			t.log.Warn("matrix: more events came than one sync returns; the oldest were not read",
				"room", roomID, "limit", t.cfg.TimelineLimit)
		}
		for i, ev := range jr.Timeline.Events {
			ev.RoomID = roomID
			t.learn(roomID, ev)
			if initial || i <= skip {
				continue
			}
			if u, ok := t.convert(hctx, ev); ok {
				handle(hctx, u)
			}
		}
	}
}

// isOwnJoin reports the bot's own joining a room (not a change of its
// name while a member).
func (t *Transport) isOwnJoin(ev *event.Event) bool {
	if ev.Type != event.StateMember || ev.StateKey == nil || *ev.StateKey != string(t.me) {
		return false
	}
	return membership(ev.Content.VeryRaw) == "join" &&
		(ev.Unsigned.PrevContent == nil || membership(ev.Unsigned.PrevContent.VeryRaw) != "join")
}

func membership(raw json.RawMessage) string {
	var mc struct {
		Membership string `json:"membership"`
	}
	_ = json.Unmarshal(raw, &mc)
	return mc.Membership
}

// invited joins a room the bot was invited to by someone on its own
// homeserver, and declines other invitations.
func (t *Transport) invited(ctx context.Context, roomID id.RoomID, inv *mautrix.SyncInvitedRoom) {
	var inviter id.UserID
	direct := false
	for _, ev := range inv.State.Events {
		if ev.Type == event.StateMember && ev.StateKey != nil && *ev.StateKey == string(t.me) {
			inviter = ev.Sender
			var mc struct {
				IsDirect bool `json:"is_direct"`
			}
			_ = json.Unmarshal(ev.Content.VeryRaw, &mc)
			direct = mc.IsDirect
		}
	}
	_, server, _ := inviter.Parse()
	callCtx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	if server != t.server {
		t.log.Warn("matrix: invitation from another homeserver declined", "room", roomID, "inviter", inviter)
		if _, err := t.cli.LeaveRoom(callCtx, roomID); err != nil {
			t.log.Info("matrix: decline invitation", "room", roomID, "err", t.classify(err))
		}
		return
	}
	if err := t.join(callCtx, roomID); err != nil {
		if kind, _ := bot.Classify(err); kind == bot.Permanent {
			t.log.Warn("matrix: join failed", "room", roomID, "inviter", inviter, "err", err)
			return
		}
		// An invitation shows in one sync only: keep trying in the
		// background, as long as Receive runs.
		t.joins.Add(1)
		go func() {
			defer t.joins.Done()
			t.retryJoin(ctx, roomID, err)
		}()
	} else {
		t.log.Info("matrix: joined room", "room", roomID, "inviter", inviter, "direct", direct)
	}
	if direct {
		t.dmMu.Lock()
		t.mu.Lock()
		t.direct[inviter], t.directRooms[roomID] = roomID, true
		t.mu.Unlock()
		if err := t.saveDirect(callCtx); err != nil {
			t.log.Warn("matrix: direct chats not recorded", "err", err)
		}
		t.dmMu.Unlock()
	}
}

// join joins a room.
func (t *Transport) join(ctx context.Context, roomID id.RoomID) error {
	_, err := t.cli.JoinRoomByID(ctx, roomID)
	return t.classify(err)
}

// maxJoinTries bounds the attempts to join a room after a temporary
// failure.
const maxJoinTries = 20

// retryJoin joins roomID after a failed attempt, waiting out rate limits
// and backing off on other failures.
func (t *Transport) retryJoin(ctx context.Context, roomID id.RoomID, err error) {
	backoff := backoffMin
	for range maxJoinTries {
		_, e := bot.Classify(err)
		wait := spread(backoff)
		if e != nil && e.Kind == bot.RateLimited {
			wait = e.RetryAfter
		} else {
			backoff = min(2*backoff, backoffMax)
		}
		t.log.Info("matrix: join failed; retrying", "room", roomID, "retry_in", wait, "err", err)
		if !sleep(ctx, wait) {
			return
		}
		callCtx, cancel := withDefaultTimeout(ctx)
		err = t.join(callCtx, roomID)
		cancel()
		if err == nil {
			t.log.Info("matrix: joined room", "room", roomID)
			return
		}
		if kind, _ := bot.Classify(err); kind == bot.Permanent {
			break
		}
	}
	t.log.Warn("matrix: join failed", "room", roomID, "err", err)
}

// learn notes display names and the reactions of the bot's own messages.
func (t *Transport) learn(roomID id.RoomID, ev *event.Event) {
	switch ev.Type {
	case event.StateMember:
		if ev.StateKey == nil {
			return
		}
		var mc struct {
			Displayname string `json:"displayname"`
		}
		if json.Unmarshal(ev.Content.VeryRaw, &mc) == nil && mc.Displayname != "" {
			t.mu.Lock()
			t.names[id.UserID(*ev.StateKey)] = mc.Displayname
			t.mu.Unlock()
		}
	case event.EventMessage:
		if ev.Sender != t.me {
			return
		}
		rel := relationOf(ev.Content.VeryRaw)
		if rel.RelType == "m.replace" {
			if a, ok := actionsIn(ev.Content.VeryRaw, true); ok {
				t.mu.Lock()
				if cd := t.cards[id.EventID(rel.EventID)]; cd != nil {
					cd.actions = normMap(a)
				}
				t.mu.Unlock()
			}
			return
		}
		if a, ok := actionsIn(ev.Content.VeryRaw, false); ok && len(a) > 0 {
			t.mu.Lock()
			_, known := t.cards[ev.ID]
			t.mu.Unlock()
			if !known {
				t.remember(ev.ID, &card{room: roomID, actions: normMap(a), own: map[string]id.EventID{}})
			}
		}
	}
}

// relation is an event's m.relates_to.
type relation struct {
	RelType   string `json:"rel_type"`
	EventID   string `json:"event_id"`
	Key       string `json:"key"`
	InReplyTo *struct {
		EventID string `json:"event_id"`
	} `json:"m.in_reply_to"`
}

func relationOf(raw json.RawMessage) relation {
	var c struct {
		RelatesTo relation `json:"m.relates_to"`
	}
	_ = json.Unmarshal(raw, &c)
	return c.RelatesTo
}

// convert normalises a timeline event; ok is false for what the bot does
// not act on (its own events, edits, chatter, other event types).
func (t *Transport) convert(ctx context.Context, ev *event.Event) (up bot.Update, ok bool) {
	if ev.Sender == t.me {
		return bot.Update{}, false
	}
	up = bot.Update{
		ID:        string(ev.ID),
		Chat:      t.chatOf(ev.RoomID),
		From:      t.userOf(ev.Sender),
		MessageID: string(ev.ID),
	}
	switch ev.Type {
	case event.StateTombstone:
		// The room was upgraded: bindings and settings move to the new
		// room, where the bot follows (cards are posted there anew).
		var tc struct {
			Replacement string `json:"replacement_room"`
		}
		if json.Unmarshal(ev.Content.VeryRaw, &tc) != nil || !strings.HasPrefix(tc.Replacement, "!") {
			return bot.Update{}, false
		}
		callCtx, cancel := withDefaultTimeout(ctx)
		if err := t.join(callCtx, id.RoomID(tc.Replacement)); err != nil {
			t.log.Warn("matrix: the room was upgraded but its successor could not be joined; invite the bot there",
				"room", ev.RoomID, "new_room", tc.Replacement, "err", err)
		}
		cancel()
		up.Kind, up.NewChatID = bot.UpdateMigrated, tc.Replacement
		return up, true
	case event.StateMember:
		if ev.StateKey == nil || membership(ev.Content.VeryRaw) != "join" {
			return bot.Update{}, false
		}
		if prev := ev.Unsigned.PrevContent; prev != nil && membership(prev.VeryRaw) == "join" {
			return bot.Update{}, false // a changed name or avatar
		}
		up.Kind = bot.UpdateJoined
		up.Joined = []bot.User{t.userOf(id.UserID(*ev.StateKey))}
		return up, true
	case event.EventReaction:
		rel := relationOf(ev.Content.VeryRaw)
		if rel.RelType != "m.annotation" || rel.EventID == "" || rel.Key == "" {
			return bot.Update{}, false
		}
		cd := t.cardOf(ctx, ev.RoomID, id.EventID(rel.EventID))
		if cd == nil {
			return bot.Update{}, false
		}
		t.mu.Lock()
		data, ok := cd.actions[normEmoji(rel.Key)]
		if ok {
			if len(t.presses) >= maxPresses { // presses never answered
				clear(t.presses)
			}
			t.presses[string(ev.ID)] = press{room: ev.RoomID, card: id.EventID(rel.EventID), sender: ev.Sender}
		}
		t.mu.Unlock()
		if !ok {
			return bot.Update{}, false
		}
		up.Kind = bot.UpdateButton
		up.MessageID = rel.EventID
		up.PressID = string(ev.ID)
		up.Data = data
		return up, true
	case event.EventMessage:
		var mc struct {
			MsgType string `json:"msgtype"`
			Body    string `json:"body"`
		}
		if json.Unmarshal(ev.Content.VeryRaw, &mc) != nil {
			return bot.Update{}, false
		}
		img, isImage := imageOf(ev.Content.VeryRaw)
		if mc.MsgType != "m.text" && mc.MsgType != "m.notice" && !isImage {
			return bot.Update{}, false
		}
		rel := relationOf(ev.Content.VeryRaw)
		if rel.RelType == "m.replace" {
			return bot.Update{}, false // an edit: the original was handled
		}
		text := mc.Body
		if isImage {
			// An image is read like text, its caption being the text;
			// its bytes are fetched once it is known to be for the bot.
			text = img.caption()
			defer func() {
				if ok && (up.Kind == bot.UpdateCommand || up.Kind == bot.UpdateReply) {
					t.fetchImage(ctx, &up, img)
				}
			}()
		}
		if rel.InReplyTo != nil && rel.InReplyTo.EventID != "" {
			up.ReplyTo = rel.InReplyTo.EventID
			text = stripReplyFallback(text)
		}
		if name, args, ok := commandOf(text); ok {
			up.Kind, up.Command, up.Args = bot.UpdateCommand, name, args
			if up.ReplyTo != "" {
				up.ReplyToUser = t.authorOf(ctx, ev.RoomID, id.EventID(up.ReplyTo))
			}
			return up, true
		}
		if up.ReplyTo == "" || (strings.TrimSpace(text) == "" && !isImage) {
			return bot.Update{}, false
		}
		up.Kind, up.Text = bot.UpdateReply, strings.TrimSpace(text)
		return up, true
	}
	return bot.Update{}, false
}

// commandOf reads "!name args" or "/name args"; a name is letters, digits
// and '_' (an "@bot" suffix is dropped).
func commandOf(text string) (name, args string, ok bool) {
	text = strings.TrimLeftFunc(text, unicode.IsSpace)
	if len(text) < 2 || (text[0] != '!' && text[0] != '/') {
		return "", "", false
	}
	end := strings.IndexFunc(text, unicode.IsSpace)
	if end < 0 {
		end = len(text)
	}
	name, _, _ = strings.Cut(text[1:end], "@")
	if name == "" {
		return "", "", false
	}
	for _, r := range name {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "", "", false
		}
	}
	return strings.ToLower(name), strings.TrimLeftFunc(text[end:], unicode.IsSpace), true
}

// authorOf is who sent ev, for a command given as a reply.
func (t *Transport) authorOf(ctx context.Context, room id.RoomID, ev id.EventID) *bot.User {
	callCtx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	e, err := t.cli.GetEvent(callCtx, room, ev)
	if err != nil {
		return nil
	}
	u := t.userOf(e.Sender)
	return &u
}

func (t *Transport) chatOf(room id.RoomID) bot.Chat {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bot.Chat{ChatRef: bot.ChatRef{ChatID: string(room)}, Private: t.directRooms[room]}
}

// userOf describes a Matrix user: the id is the full "@name:server", the
// username the same without '@' (so "/role add … @alice:server" finds
// them once the bot has seen them).
func (t *Transport) userOf(u id.UserID) bot.User {
	t.mu.Lock()
	name := t.names[u]
	t.mu.Unlock()
	return bot.User{ID: string(u), Username: strings.TrimPrefix(string(u), "@"), DisplayName: name}
}
