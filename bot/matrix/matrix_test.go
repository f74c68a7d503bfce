package matrix_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/matrix"
	"github.com/appealbot/appealbot/bot/matrix/matrixtest"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// receiver runs a transport's Receive and collects its updates.
type receiver struct {
	tr   *matrix.Transport
	stop func()
	mu   sync.Mutex
	ups  []bot.Update
	done chan error
}

func newTransport(t *testing.T, hs *matrixtest.Server, u matrixtest.User, st matrix.StateStore) *matrix.Transport {
	t.Helper()
	tr, err := matrix.New(matrix.Config{Homeserver: hs.URL, UserID: u.ID, AccessToken: u.Token, State: st,
		PollTimeout: 2 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func receive(t *testing.T, tr *matrix.Transport) *receiver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &receiver{tr: tr, done: make(chan error, 1)}
	go func() {
		r.done <- tr.Receive(ctx, func(_ context.Context, u bot.Update) {
			r.mu.Lock()
			r.ups = append(r.ups, u)
			r.mu.Unlock()
		})
	}()
	r.stop = func() {
		cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("Receive: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("Receive did not stop")
		}
	}
	t.Cleanup(func() { cancel() })
	return r
}

func (r *receiver) updates() []bot.Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Update(nil), r.ups...)
}

// wait returns the first update after the first n that matches.
func (r *receiver) wait(t *testing.T, from int, what string, ok func(bot.Update) bool) bot.Update {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ups := r.updates()
		for _, u := range ups[min(from, len(ups)):] {
			if ok(u) {
				return u
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no update: %s; got %+v", what, r.updates())
	return bot.Update{}
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting: %s", what)
}

// room makes a room of owner's, invites the bot and waits for it to join.
func room(t *testing.T, owner *mautrix.Client, botID string, others ...*mautrix.Client) id.RoomID {
	t.Helper()
	ctx := context.Background()
	resp, err := owner.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "public_chat", Invite: []id.UserID{id.UserID(botID)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range others {
		if _, err := c.JoinRoomByID(ctx, resp.RoomID); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the bot joins the room", func() bool {
		ms, err := owner.JoinedMembers(ctx, resp.RoomID)
		if err != nil {
			return false
		}
		_, ok := ms.Joined[id.UserID(botID)]
		return ok
	})
	// The member list can show the join before the room's current state,
	// against which the server authorises the bot's next event, does: on
	// a busy machine a send right after was refused as "not in room".
	eventually(t, "the bot's join is in the room's state", func() bool {
		var m event.MemberEventContent
		return owner.StateEvent(ctx, resp.RoomID, event.StateMember, botID, &m) == nil && m.Membership == event.MembershipJoin
	})
	return resp.RoomID
}

func content(t *testing.T, c *mautrix.Client, r id.RoomID, ev string) map[string]any {
	t.Helper()
	var e *event.Event
	var err error
	// A member who just joined sees the room's events once the server
	// has caught up.
	for range 100 {
		if e, err = c.GetEvent(context.Background(), r, id.EventID(ev)); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(e.Content.VeryRaw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// reactions lists the live reactions of sender on ev, by key.
func reactions(t *testing.T, c *mautrix.Client, r id.RoomID, ev, sender string) map[string]bool {
	t.Helper()
	resp, err := c.GetRelations(context.Background(), r, id.EventID(ev), &mautrix.ReqGetRelations{
		RelationType: event.RelAnnotation, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, e := range resp.Chunk {
		var c struct {
			RelatesTo struct {
				Key string `json:"key"`
			} `json:"m.relates_to"`
		}
		_ = json.Unmarshal(e.Content.VeryRaw, &c)
		if string(e.Sender) == sender && c.RelatesTo.Key != "" {
			out[c.RelatesTo.Key] = true
		}
	}
	return out
}

// latestEdit returns m.new_content of the newest edit of ev.
func latestEdit(t *testing.T, c *mautrix.Client, r id.RoomID, ev string) map[string]any {
	t.Helper()
	resp, err := c.GetRelations(context.Background(), r, id.EventID(ev), &mautrix.ReqGetRelations{
		RelationType: event.RelReplace, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var best map[string]any
	var ts int64 = -1
	for _, e := range resp.Chunk {
		var m struct {
			New map[string]any `json:"m.new_content"`
		}
		_ = json.Unmarshal(e.Content.VeryRaw, &m)
		if e.Timestamp >= ts {
			best, ts = m.New, e.Timestamp
		}
	}
	return best
}

func send(t *testing.T, c *mautrix.Client, r id.RoomID, content map[string]any) string {
	t.Helper()
	resp, err := c.SendMessageEvent(context.Background(), r, event.EventMessage, content)
	if err != nil {
		t.Fatal(err)
	}
	return string(resp.EventID)
}

func react(t *testing.T, c *mautrix.Client, r id.RoomID, ev, key string) string {
	t.Helper()
	resp, err := c.SendReaction(context.Background(), r, id.EventID(ev), key)
	if err != nil {
		t.Fatal(err)
	}
	return string(resp.EventID)
}

// TestMatrixCardReactionsRepliesAndRestart runs the transport against a
// real homeserver: it joins the room it is invited to, posts a card whose
// buttons are its own reactions, turns a responder's reaction into a press
// and "!cmd"/"/cmd" messages into commands, a reply into an answer without
// the quoted fallback; an edit replaces the card's reactions; after a
// restart nothing old comes again and reactions to the edited card still
// work.
func TestMatrixCardReactionsRepliesAndRestart(t *testing.T) {
	hs := matrixtest.Start(t, matrixtest.Options{})
	botU := hs.Register(t, "appealbot")
	aliceU := hs.Register(t, "alice")
	alice := hs.Client(t, aliceU)
	st := storagetest.Open(t, storage.SQLite)
	ctx := context.Background()

	tr := newTransport(t, hs, botU, st)
	r := receive(t, tr)
	rm := room(t, alice, botU.ID)
	chat := bot.ChatRef{ChatID: string(rm)}
	// Someone joining is told, so that admins can name them.
	daveU := hs.Register(t, "dave")
	if _, err := hs.Client(t, daveU).JoinRoomByID(ctx, rm); err != nil {
		t.Fatal(err)
	}
	joined := r.wait(t, 0, "Dave's join", func(u bot.Update) bool { return u.Kind == bot.UpdateJoined })
	if joined.Chat.ChatID != string(rm) || len(joined.Joined) != 1 || joined.Joined[0].ID != daveU.ID ||
		joined.Joined[0].Username != "dave:localhost" {
		t.Fatalf("join update %+v", joined)
	}
	if ups := r.updates(); len(ups) != 1 {
		t.Fatalf("the room's history before the bot joined was handled: %+v", ups)
	}

	cardID, err := tr.Send(ctx, bot.Outgoing{Chat: chat,
		HTML: "<b>#12</b> Burst &lt;pipe&gt;\nStatus: new",
		Buttons: [][]bot.Button{{{Label: "Claim", Data: "c:claim:12"}, {Label: "Return", Data: "c:return:12"}},
			{{Label: "Details", Data: "c:appeal:12"}}}})
	if err != nil {
		t.Fatal(err)
	}
	c := content(t, alice, rm, cardID)
	if c["body"] != "#12 Burst <pipe>\nStatus: new\n\n✋ Claim · ↩️ Return · ℹ️ Details" ||
		c["format"] != "org.matrix.custom.html" ||
		!strings.HasPrefix(c["formatted_body"].(string), "<b>#12</b> Burst &lt;pipe&gt;<br>Status: new<br><br>✋ Claim") {
		t.Fatalf("card content %v", c)
	}
	eventually(t, "the bot's reactions on the card", func() bool {
		rs := reactions(t, alice, rm, cardID, botU.ID)
		return rs["✋"] && rs["↩️"] && rs["ℹ️"] && len(rs) == 3
	})

	// Alice reacts ✋: a press of Claim.
	n := len(r.updates())
	reactID := react(t, alice, rm, cardID, "✋")
	press := r.wait(t, n, "the claim press", func(u bot.Update) bool { return u.Kind == bot.UpdateButton })
	if press.Data != "c:claim:12" || press.MessageID != cardID || press.From.ID != aliceU.ID || press.ID != reactID ||
		press.Chat.ChatID != string(rm) || press.From.Username != "alice:localhost" {
		t.Fatalf("press %+v", press)
	}
	// Its notice is posted as a reply to the card, naming Alice.
	if err := tr.AnswerButton(ctx, press.PressID, "Claimed #12"); err != nil {
		t.Fatal(err)
	}

	// Commands with either prefix, and a reply that quotes the card.
	send(t, alice, rm, map[string]any{"msgtype": "m.text", "body": "!claim 13"})
	send(t, alice, rm, map[string]any{"msgtype": "m.text", "body": "/Claim #14 now"})
	chatter := send(t, alice, rm, map[string]any{"msgtype": "m.text", "body": "just chatting"})
	react(t, alice, rm, chatter, "✋") // not the bot's message: no press
	react(t, alice, rm, chatter, "↩️")
	replyID := send(t, alice, rm, map[string]any{"msgtype": "m.text",
		"body":         "> <@appealbot:localhost> #12 Burst <pipe>\n> Status: new\n\nThe pipe is fixed.\nSecond line.",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": cardID}}})
	// An edit of that reply is not an answer again.
	send(t, alice, rm, map[string]any{"msgtype": "m.text", "body": "* changed",
		"m.new_content": map[string]any{"msgtype": "m.text", "body": "changed"},
		"m.relates_to":  map[string]any{"rel_type": "m.replace", "event_id": replyID}})
	cmdAsReply := send(t, alice, rm, map[string]any{"msgtype": "m.text", "body": "!role add water responder",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": cardID}}})
	last := r.wait(t, n, "the command given as a reply", func(u bot.Update) bool { return u.ID == cmdAsReply })
	if last.Kind != bot.UpdateCommand || last.Command != "role" || last.Args != "add water responder" ||
		last.ReplyTo != cardID || last.ReplyToUser == nil || last.ReplyToUser.ID != botU.ID {
		t.Fatalf("command as reply %+v", last)
	}
	var kinds []string
	for _, u := range r.updates()[n:] {
		switch u.Kind {
		case bot.UpdateCommand:
			kinds = append(kinds, "cmd:"+u.Command+":"+u.Args)
		case bot.UpdateReply:
			kinds = append(kinds, "reply:"+u.ReplyTo+":"+u.Text)
		case bot.UpdateButton:
			kinds = append(kinds, "press:"+u.Data)
		default:
			kinds = append(kinds, "other")
		}
	}
	want := []string{"press:c:claim:12", "cmd:claim:13", "cmd:claim:#14 now",
		"reply:" + cardID + ":The pipe is fixed.\nSecond line.", "cmd:role:add water responder"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Fatalf("updates\n got %q\nwant %q", kinds, want)
	}
	// The notice went to the room as a reply to the card.
	msgs, err := alice.Messages(ctx, rm, "", "", mautrix.DirectionBackward, nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	notice := false
	for _, e := range msgs.Chunk {
		var m struct {
			MsgType string `json:"msgtype"`
			Body    string `json:"body"`
		}
		_ = json.Unmarshal(e.Content.VeryRaw, &m)
		notice = notice || (e.Sender == id.UserID(botU.ID) && m.MsgType == "m.notice" && strings.HasSuffix(m.Body, ": Claimed #12"))
	}
	if !notice {
		t.Fatal("the press's notice is not in the room")
	}

	// The card changes: Claim goes, Answer comes.
	if err := tr.Edit(ctx, chat, cardID, bot.Outgoing{Chat: chat, HTML: "<b>#12</b> Status: claimed",
		Buttons: [][]bot.Button{{{Label: "Answer", Data: "c:answer:12"}, {Label: "Return", Data: "c:return:12"}}}}); err != nil {
		t.Fatal(err)
	}
	if nc := latestEdit(t, alice, rm, cardID); nc["body"] != "#12 Status: claimed\n\n✍️ Answer · ↩️ Return" {
		t.Fatalf("edit new content %v", nc)
	}
	eventually(t, "the card's reactions follow its buttons", func() bool {
		rs := reactions(t, alice, rm, cardID, botU.ID)
		return rs["✍️"] && rs["↩️"] && len(rs) == 2
	})
	n = len(r.updates())
	react(t, alice, rm, cardID, "✍️")
	if u := r.wait(t, n, "the answer press", func(u bot.Update) bool { return u.Kind == bot.UpdateButton }); u.Data != "c:answer:12" {
		t.Fatalf("press after edit %+v", u)
	}
	r.stop()

	// Restart: a new transport on the same store. Alice reacted with the
	// stale ✋ and the new ↩️ while it was down, and sent a command.
	n = 0
	react(t, alice, rm, cardID, "ℹ️") // not on the card any more: nothing
	react(t, alice, rm, cardID, "↩️")
	send(t, alice, rm, map[string]any{"msgtype": "m.text", "body": "!appeal 12"})
	tr2 := newTransport(t, hs, botU, st)
	r2 := receive(t, tr2)
	r2.wait(t, 0, "the command sent while down", func(u bot.Update) bool { return u.Command == "appeal" })
	got := r2.updates()
	if len(got) != 2 || got[0].Kind != bot.UpdateButton || got[0].Data != "c:return:12" {
		t.Fatalf("after restart got %+v, want the return press and the command only", got)
	}
	_ = reactID
	r2.stop()
}

// TestMatrixErrorsAndMedia: a room the bot is not in is a Permanent error;
// a photo is uploaded and sent as m.image with its size; a user id as chat
// is that person's direct chat, created once.
func TestMatrixErrorsAndMedia(t *testing.T) {
	hs := matrixtest.Start(t, matrixtest.Options{})
	botU := hs.Register(t, "appealbot")
	carolU := hs.Register(t, "carol")
	carol := hs.Client(t, carolU)
	ctx := context.Background()
	tr := newTransport(t, hs, botU, nil)

	resp, err := carol.CreateRoom(ctx, &mautrix.ReqCreateRoom{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.Send(ctx, bot.Outgoing{Chat: bot.ChatRef{ChatID: string(resp.RoomID)}, HTML: "x"})
	if kind, _ := bot.Classify(err); kind != bot.Permanent {
		t.Fatalf("send to a room the bot is not in: %v (kind %d), want Permanent", err, kind)
	}
	if _, err := tr.Send(ctx, bot.Outgoing{Chat: bot.ChatRef{ChatID: "12345"}, HTML: "x"}); err == nil {
		t.Fatal("a Telegram chat id was accepted")
	}
	bad, _ := matrix.New(matrix.Config{Homeserver: hs.URL, UserID: botU.ID, AccessToken: "wrong"}, nil)
	if _, err := bad.Send(ctx, bot.Outgoing{Chat: bot.ChatRef{ChatID: string(resp.RoomID)}, HTML: "x"}); err == nil {
		t.Fatal("a wrong token was accepted")
	} else if kind, _ := bot.Classify(err); kind != bot.Permanent {
		t.Fatalf("wrong token: %v, want Permanent", err)
	}

	// A direct chat with Carol, then a chart in it.
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	img.Set(1, 1, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	ev, err := tr.Send(ctx, bot.Outgoing{Chat: bot.ChatRef{ChatID: carolU.ID}, HTML: "<b>Weekly</b> digest", Photo: buf.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	ev2, err := tr.Send(ctx, bot.Outgoing{Chat: bot.ChatRef{ChatID: carolU.ID}, HTML: "second"})
	if err != nil {
		t.Fatal(err)
	}
	var invites []id.RoomID
	eventually(t, "Carol is invited to the direct chat", func() bool {
		s, err := carol.SyncRequest(ctx, 0, "", "", false, "")
		if err != nil {
			return false
		}
		invites = invites[:0]
		for r := range s.Rooms.Invite {
			invites = append(invites, r)
		}
		return len(invites) > 0
	})
	if len(invites) != 1 {
		t.Fatalf("Carol has %d invitations, want one direct chat", len(invites))
	}
	dm := invites[0]
	if _, err := carol.JoinRoomByID(ctx, dm); err != nil {
		t.Fatal(err)
	}
	c := content(t, carol, dm, ev)
	info, _ := c["info"].(map[string]any)
	if c["msgtype"] != "m.image" || c["body"] != "Weekly digest" || c["filename"] != "chart.png" ||
		!strings.HasPrefix(c["url"].(string), "mxc://") || info["mimetype"] != "image/png" ||
		info["w"] != float64(40) || info["h"] != float64(30) || info["size"] != float64(buf.Len()) {
		t.Fatalf("image content %v", c)
	}
	if c2 := content(t, carol, dm, ev2); c2["body"] != "second" {
		t.Fatalf("second message %v", c2)
	}

	// A new transport (a restart) finds the same direct chat.
	tr2 := newTransport(t, hs, botU, nil)
	ev3, err := tr2.Send(ctx, bot.Outgoing{Chat: bot.ChatRef{ChatID: carolU.ID}, HTML: "third"})
	if err != nil {
		t.Fatal(err)
	}
	if c3 := content(t, carol, dm, ev3); c3["body"] != "third" {
		t.Fatalf("after a restart the direct chat changed: %v", c3)
	}
}

// TestMatrixRoomUpgrade: an upgraded room is a migrated chat: the bot
// joins its successor and says so, and a card of the old room cannot be
// edited from the new one (so the outbox posts it anew there).
func TestMatrixRoomUpgrade(t *testing.T) {
	hs := matrixtest.Start(t, matrixtest.Options{})
	botU := hs.Register(t, "appealbot")
	alice := hs.Client(t, hs.Register(t, "alice"))
	ctx := context.Background()
	tr := newTransport(t, hs, botU, storagetest.Open(t, storage.SQLite))
	r := receive(t, tr)
	rm := room(t, alice, botU.ID)
	cardID, err := tr.Send(ctx, bot.Outgoing{Chat: bot.ChatRef{ChatID: string(rm)}, HTML: "#1 card",
		Buttons: [][]bot.Button{{{Label: "Claim", Data: "c:claim:1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var up struct {
		Replacement string `json:"replacement_room"`
	}
	if _, err := alice.MakeRequest(ctx, "POST", alice.BuildClientURL("v3", "rooms", rm, "upgrade"),
		map[string]any{"new_version": "10"}, &up); err != nil {
		t.Fatal(err)
	}
	u := r.wait(t, 0, "the migration", func(u bot.Update) bool { return u.Kind == bot.UpdateMigrated })
	if u.Chat.ChatID != string(rm) || u.NewChatID != up.Replacement {
		t.Fatalf("migration %+v, want %s → %s", u, rm, up.Replacement)
	}
	eventually(t, "the bot joins the new room", func() bool {
		ms, err := alice.JoinedMembers(ctx, id.RoomID(up.Replacement))
		if err != nil {
			return false
		}
		_, ok := ms.Joined[id.UserID(botU.ID)]
		return ok
	})
	err = tr.Edit(ctx, bot.ChatRef{ChatID: up.Replacement}, cardID, bot.Outgoing{HTML: "#1 edited"})
	if kind, be := bot.Classify(err); kind != bot.Permanent || !strings.Contains(strings.ToLower(be.Reason), "not found") {
		t.Fatalf("editing the old room's card in the new room: %v, want Permanent not found", err)
	}
	// A fresh transport (nothing cached) says the same.
	tr2 := newTransport(t, hs, botU, nil)
	err = tr2.Edit(ctx, bot.ChatRef{ChatID: up.Replacement}, cardID, bot.Outgoing{HTML: "#1 edited"})
	if kind, be := bot.Classify(err); kind != bot.Permanent || !strings.Contains(strings.ToLower(be.Reason), "not found") {
		t.Fatalf("uncached: %v, want Permanent not found", err)
	}
	if _, err := tr.Send(ctx, bot.Outgoing{Chat: bot.ChatRef{ChatID: up.Replacement}, HTML: "#1 card"}); err != nil {
		t.Fatalf("a card in the new room: %v", err)
	}
	r.stop()
}
