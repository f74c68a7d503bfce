package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/bot/matrix/matrixtest"
	"github.com/appealbot/appealbot/render"
)

// mxMsg is a message of the bot's in a room, as it reads after its edits.
type mxMsg struct {
	ID      string
	Body    string
	HTML    string
	MsgType string
	ReplyTo string
	Actions map[string]string
	Edits   int
}

// mxRoom reads a room as one of its members.
type mxRoom struct {
	c    *mautrix.Client
	room id.RoomID
	bot  id.UserID
}

// events returns the room's timeline, oldest first.
func (r mxRoom) events(t *testing.T) []*event.Event {
	t.Helper()
	var out []*event.Event
	from := ""
	for range 20 {
		resp, err := r.c.Messages(context.Background(), r.room, from, "", mautrix.DirectionBackward, nil, 500)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, resp.Chunk...)
		if resp.End == "" || len(resp.Chunk) == 0 {
			break
		}
		from = resp.End
	}
	slices.Reverse(out)
	return out
}

// botMessages returns the bot's messages in order, edits applied.
func (r mxRoom) botMessages(t *testing.T) []*mxMsg {
	t.Helper()
	var out []*mxMsg
	byID := map[string]*mxMsg{}
	for _, e := range r.events(t) {
		if e.Sender != r.bot || e.Type != event.EventMessage {
			continue
		}
		var c struct {
			MsgType   string            `json:"msgtype"`
			Body      string            `json:"body"`
			HTML      string            `json:"formatted_body"`
			Actions   map[string]string `json:"org.appealbot.actions"`
			RelatesTo struct {
				RelType   string `json:"rel_type"`
				EventID   string `json:"event_id"`
				InReplyTo *struct {
					EventID string `json:"event_id"`
				} `json:"m.in_reply_to"`
			} `json:"m.relates_to"`
			New *struct {
				Body    string            `json:"body"`
				HTML    string            `json:"formatted_body"`
				Actions map[string]string `json:"org.appealbot.actions"`
			} `json:"m.new_content"`
		}
		if err := json.Unmarshal(e.Content.VeryRaw, &c); err != nil {
			t.Fatal(err)
		}
		if c.RelatesTo.RelType == "m.replace" {
			if m := byID[c.RelatesTo.EventID]; m != nil && c.New != nil {
				m.Body, m.HTML, m.Actions = c.New.Body, c.New.HTML, c.New.Actions
				m.Edits++
			}
			continue
		}
		m := &mxMsg{ID: string(e.ID), Body: c.Body, HTML: c.HTML, MsgType: c.MsgType, Actions: c.Actions}
		if c.RelatesTo.InReplyTo != nil {
			m.ReplyTo = c.RelatesTo.InReplyTo.EventID
		}
		out = append(out, m)
		byID[m.ID] = m
	}
	return out
}

// card returns the current card of appeal n.
func (r mxRoom) card(t *testing.T, n int) *mxMsg {
	t.Helper()
	// A card is the first message of the bot's that names the appeal
	// and answers nothing; another appeal's card that lists it as similar
	// does not name it.
	re := regexp.MustCompile(fmt.Sprintf(`#%d\b`, n))
	for _, m := range r.botMessages(t) {
		if m.ReplyTo == "" && m.MsgType == "m.text" && re.MatchString(render.WithoutMentions(m.Body)) {
			return m
		}
	}
	return nil
}

// wait waits for a message of the bot's whose text contains every one of
// want, and returns it.
func (r mxRoom) wait(t *testing.T, what string, want ...string) *mxMsg {
	t.Helper()
	var found *mxMsg
	waitMx(t, what, func() bool {
		for _, m := range r.botMessages(t) {
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(m.Body, w)
			}
			if ok {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

func waitMx(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting: %s", what)
}

func mxSend(t *testing.T, c *mautrix.Client, room id.RoomID, body, replyTo string) string {
	t.Helper()
	content := map[string]any{"msgtype": "m.text", "body": body}
	if replyTo != "" {
		content["m.relates_to"] = map[string]any{"m.in_reply_to": map[string]any{"event_id": replyTo}}
	}
	resp, err := c.SendMessageEvent(context.Background(), room, event.EventMessage, content)
	if err != nil {
		t.Fatal(err)
	}
	return string(resp.EventID)
}

// mxCommand sends a command and waits for the bot's reply to it that
// contains want.
func mxCommand(t *testing.T, r mxRoom, c *mautrix.Client, text, want string) {
	t.Helper()
	ev := mxSend(t, c, r.room, text, "")
	waitMx(t, "reply to "+text, func() bool {
		for _, m := range r.botMessages(t) {
			if m.ReplyTo == ev && strings.Contains(m.Body, want) {
				return true
			}
		}
		return false
	})
}

// mxSetup registers the bot, an admin and people, and returns the
// environment that connects appealbot to the homeserver.
func mxSetup(t *testing.T, hs *matrixtest.Server, people ...string) (map[string]string, matrixtest.User, map[string]*mautrix.Client) {
	t.Helper()
	botU := hs.Register(t, "appealbot")
	cs := map[string]*mautrix.Client{}
	for _, p := range append([]string{"boss"}, people...) {
		cs[p] = hs.Client(t, hs.Register(t, p))
	}
	env := map[string]string{
		"APPEALBOT_DATA_DIR":            t.TempDir(),
		"APPEALBOT_MATRIX_HOMESERVER":   hs.URL,
		"APPEALBOT_MATRIX_USER_ID":      botU.ID,
		"APPEALBOT_MATRIX_ACCESS_TOKEN": botU.Token,
		"APPEALBOT_ADMINS":              "@boss:localhost",
		"APPEALBOT_LANGUAGE":            "en",
		"APPEALBOT_QUIET_HOURS":         "off",
		"APPEALBOT_SCAN_SCHEDULE":       "@every 1s",
	}
	return env, botU, cs
}

// mxRoomWithBot has boss create a room, invite the bot, wait for it to
// join, and then has the others join.
func mxRoomWithBot(t *testing.T, boss *mautrix.Client, botID string, others ...*mautrix.Client) mxRoom {
	t.Helper()
	ctx := context.Background()
	resp, err := boss.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "public_chat", Invite: []id.UserID{id.UserID(botID)}})
	if err != nil {
		t.Fatal(err)
	}
	r := mxRoom{c: boss, room: resp.RoomID, bot: id.UserID(botID)}
	waitMx(t, "the bot joins", func() bool {
		ms, err := boss.JoinedMembers(ctx, resp.RoomID)
		if err != nil {
			return false
		}
		_, ok := ms.Joined[id.UserID(botID)]
		return ok
	})
	for _, c := range others {
		if _, err := c.JoinRoomByID(ctx, resp.RoomID); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// mxDirect has c open a direct chat with the bot and waits for the bot to
// join it.
func mxDirect(t *testing.T, c *mautrix.Client, botID string) mxRoom {
	t.Helper()
	ctx := context.Background()
	resp, err := c.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "trusted_private_chat",
		Invite: []id.UserID{id.UserID(botID)}, IsDirect: true})
	if err != nil {
		t.Fatal(err)
	}
	waitMx(t, "the bot joins the direct chat", func() bool {
		ms, err := c.JoinedMembers(ctx, resp.RoomID)
		if err != nil {
			return false
		}
		_, ok := ms.Joined[id.UserID(botID)]
		return ok
	})
	return mxRoom{c: c, room: resp.RoomID, bot: id.UserID(botID)}
}

// TestMatrixFullFlow runs the whole program against a real Matrix
// homeserver: the bot joins the room it is invited to, an admin sets up a
// department there, appeals posted through the API appear as cards, one is
// claimed by reacting ✋, two by "!claim N" and "/claim N", one is answered
// by replying to its card, every card is edited in place, a reminder
// reaches the room, and after a restart nothing old is handled again while
// a new command is handled once.
func TestMatrixFullFlow(t *testing.T) {
	hs := matrixtest.Start(t, matrixtest.Options{})
	env, botU, cs := mxSetup(t, hs, "alice", "bob")
	boss, alice, bob := cs["boss"], cs["alice"], cs["bob"]
	base, log, stop := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	r := mxRoomWithBot(t, boss, botU.ID, alice, bob)
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range r.botMessages(t) {
				t.Logf("bot %s (edits %d, reply to %s): %s", m.ID, m.Edits, m.ReplyTo, m.Body)
			}
		}
	})

	mxCommand(t, r, boss, "!dept add water Water Company", "water")
	mxCommand(t, r, boss, "!dept bind water", "water")
	mxCommand(t, r, boss, "!role add water responder @alice:localhost", "alice")
	mxCommand(t, r, boss, "/role add water responder @bob:localhost", "bob")

	post := func(n int) *mxMsg {
		t.Helper()
		st, m := postJSON(t, base+"/api/v1/appeals", "", fmt.Sprintf(`{"source":"12345","external_id":"M-%d",
			"title":"Burst <pipe> %d","body":"Water on <b>Elm</b> St.","department":"water",
			"citizen":{"name":"Li Wei","phone":"13812345678"}}`, n, n))
		if st != 201 {
			t.Fatalf("intake: %d %v", st, m)
		}
		var c *mxMsg
		waitMx(t, fmt.Sprintf("card #%d", n), func() bool { c = r.card(t, n); return c != nil })
		return c
	}
	card := post(1)
	if !strings.Contains(card.Body, "Burst <pipe> 1") || !strings.Contains(card.Body, "<b>Elm</b>") ||
		!strings.Contains(card.HTML, "Burst &lt;pipe&gt; 1") || !strings.Contains(card.HTML, "<b>") || card.MsgType != "m.text" {
		t.Fatalf("card text:\n%s\n%s", card.Body, card.HTML)
	}
	if !strings.Contains(card.Body, "138****5678") || strings.Contains(card.Body, "13812345678") {
		t.Fatalf("the card must mask the phone number:\n%s", card.Body)
	}
	claim := ""
	for e, data := range card.Actions {
		if c, _, ok := render.ParseButton(data); ok && c == "claim" {
			claim = e
		}
	}
	if claim != "✋" {
		t.Fatalf("card actions %v, want ✋ for Claim", card.Actions)
	}

	// Alice claims #1 by reacting ✋.
	if _, err := alice.SendReaction(context.Background(), r.room, id.EventID(card.ID), "✋"); err != nil {
		t.Fatal(err)
	}
	waitMx(t, "card #1 claimed", func() bool {
		c := r.card(t, 1)
		return strings.Contains(c.Body, "Status: claimed") && strings.Contains(c.Body, "alice") && c.Edits > 0
	})
	// Full contact details go to Alice in a direct chat the bot opens.
	var dm id.RoomID
	waitMx(t, "Alice invited to a direct chat", func() bool {
		s, err := alice.SyncRequest(context.Background(), 0, "", "", false, "")
		if err != nil {
			return false
		}
		for room := range s.Rooms.Invite {
			dm = room
		}
		return dm != ""
	})
	if _, err := alice.JoinRoomByID(context.Background(), dm); err != nil {
		t.Fatal(err)
	}
	waitMx(t, "the contact details in the direct chat", func() bool {
		for _, m := range (mxRoom{c: alice, room: dm, bot: id.UserID(botU.ID)}).botMessages(t) {
			if strings.Contains(m.Body, "13812345678") {
				return true
			}
		}
		return false
	})

	// Bob claims #2 with "!claim 2", Alice #3 with "/claim 3".
	post(2)
	post(3)
	mxCommand(t, r, bob, "!claim 2", "claimed")
	mxCommand(t, r, alice, "/claim 3", "claimed")
	waitMx(t, "cards #2 and #3 claimed", func() bool {
		return strings.Contains(r.card(t, 2).Body, "Status: claimed") && strings.Contains(r.card(t, 3).Body, "Status: claimed")
	})

	// Alice answers #1 by replying to its card (with a reply fallback).
	mxSend(t, alice, r.room, "> <@appealbot:localhost> #1 Burst\n\nThe pipe was fixed at 15:00.", card.ID)
	waitMx(t, "card #1 answered", func() bool { return strings.Contains(r.card(t, 1).Body, "Status: answered") })
	_, g := getJSON(t, base+"/api/v1/appeals/1", "")
	if ans, _ := g["answers"].([]any); len(ans) != 1 || ans[0].(map[string]any)["text"] != "The pipe was fixed at 15:00." {
		t.Fatalf("answers %v", g["answers"])
	}

	// A reminder: with a claim limit of seconds, #4 waits unclaimed past
	// it, the reminder scan (every second here) queues the department's
	// reminder, and it reaches the room.
	sla := `{"claim":"4s","answer":"1h","resolve":"2h"}`
	req, _ := http.NewRequest(http.MethodPut, base+"/api/v1/departments/water", strings.NewReader(
		`{"name":"Water Company","sla":{"normal":`+sla+`,"urgent":`+sla+`}}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("set the claim limit: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	post(4)
	waitMx(t, "the reminder in the room", func() bool {
		for _, m := range r.botMessages(t) {
			if strings.Contains(m.Body, "attention") && strings.Contains(m.Body, "#4") {
				return true
			}
		}
		return false
	})

	// Restart.
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	before := r.botMessages(t)
	base, log2, _ := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log after restart:\n%s", log2)
		}
	})
	_ = base
	waitMx(t, "sync resumed", func() bool { return strings.Contains(log2.String(), "resume=true") })
	mxCommand(t, r, bob, "!claim 4", "claimed")
	waitMx(t, "card #4 claimed", func() bool { return strings.Contains(r.card(t, 4).Body, "Status: claimed") })
	time.Sleep(2 * time.Second) // room for anything replayed to show up
	after := r.botMessages(t)
	var added []string
	known := map[string]bool{}
	for _, m := range before {
		known[m.ID] = true
	}
	for _, m := range after {
		// #4's reminders go on while it waits; they are new, not replayed.
		if !known[m.ID] && !strings.Contains(m.Body, "attention") {
			added = append(added, m.Body)
		}
	}
	if len(added) != 1 || !strings.Contains(added[0], "claimed") {
		t.Fatalf("after the restart the bot posted %q; want only the reply to the new command", added)
	}
	if strings.Contains(log2.String(), "update seen before") {
		t.Fatalf("old events came again after the restart:\n%s", log2)
	}
}

// TestMatrixAndTelegramBothBound: a department bound to a Telegram group
// and a Matrix room gets each card in both, and a claim in Telegram edits
// both.
func TestMatrixAndTelegramBothBound(t *testing.T) {
	hs := matrixtest.Start(t, matrixtest.Options{})
	env, botU, cs := mxSetup(t, hs)
	tg := botapitest.New(t)
	env["APPEALBOT_TELEGRAM_TOKEN"] = botapitest.Token
	env["APPEALBOT_TELEGRAM_API_URL"] = tg.URL()
	env["APPEALBOT_ADMINS"] = "100,@boss:localhost"
	base, log, stop := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	const group = int64(-1001)
	admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Boss"}
	alice := botapitest.User{ID: 200, Username: "alice", FirstName: "Alice"}
	command(t, tg, group, admin, "/dept add water Water Company", "water")
	command(t, tg, group, admin, "/dept bind water", "water")
	command(t, tg, group, admin, "/role add water responder 200", "200")
	r := mxRoomWithBot(t, cs["boss"], botU.ID)
	mxCommand(t, r, cs["boss"], "!dept bind water", "water")

	if st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"B-1","title":"Leak","body":"Main street","department":"water"}`); st != 201 {
		t.Fatalf("intake: %d %v", st, m)
	}
	var tgCard botapitest.Message
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		var ok bool
		tgCard, ok = lastIn(s, group, "#1")
		return ok && len(tgCard.Buttons) > 0
	}, 15*time.Second)
	waitMx(t, "the card in the Matrix room", func() bool { return r.card(t, 1) != nil })

	claim := ""
	for _, row := range tgCard.Buttons {
		for _, b := range row {
			if c, _, ok := render.ParseButton(b.Data); ok && c == "claim" {
				claim = b.Data
			}
		}
	}
	tg.PressButton(group, tgCard.MessageID, alice, claim)
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		return strings.Contains(message(s, group, tgCard.MessageID).Plain, "Status: claimed")
	}, 15*time.Second)
	waitMx(t, "the Matrix card edited too", func() bool {
		c := r.card(t, 1)
		return strings.Contains(c.Body, "Status: claimed") && strings.Contains(c.Body, "Alice") && c.Edits > 0
	})
	if n := len(r.botMessages(t)); n != 2 { // the bind reply and the card
		t.Fatalf("the Matrix room has %d messages of the bot's, want the card edited in place", n)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// TestMatrixConfig: the three Matrix settings go together and are checked
// at start; the token may come from a file; a token the homeserver refuses
// stops the start with the reason.
func TestMatrixConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("syt_from_file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := map[string]string{"APPEALBOT_MATRIX_HOMESERVER": "https://matrix.gov.example",
		"APPEALBOT_MATRIX_USER_ID": "@appealbot:gov.example", "APPEALBOT_MATRIX_ACCESS_TOKEN": "syt_secret"}
	with := func(k, v string) map[string]string {
		m := maps.Clone(ok)
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"all three", ok, ""},
		{"token from a file", with("APPEALBOT_MATRIX_ACCESS_TOKEN_FILE", file), "both set"},
		{"no token", with("APPEALBOT_MATRIX_ACCESS_TOKEN", ""), "APPEALBOT_MATRIX_ACCESS_TOKEN"},
		{"no homeserver", with("APPEALBOT_MATRIX_HOMESERVER", ""), "APPEALBOT_MATRIX_HOMESERVER"},
		{"bad homeserver", with("APPEALBOT_MATRIX_HOMESERVER", "matrix.gov.example"), "APPEALBOT_MATRIX_HOMESERVER"},
		{"bad user id", with("APPEALBOT_MATRIX_USER_ID", "appealbot"), "APPEALBOT_MATRIX_USER_ID"},
		{"Matrix admins", with("APPEALBOT_ADMINS", "@boss:gov.example,100"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseConfig("serve", nil, envFunc(tc.env), &bytes.Buffer{})
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if err == nil && (c.MatrixHomeserver != ok["APPEALBOT_MATRIX_HOMESERVER"] || c.MatrixAccessToken != "syt_secret") {
				t.Fatalf("config %+v", c)
			}
		})
	}
	env := with("APPEALBOT_MATRIX_ACCESS_TOKEN", "")
	env["APPEALBOT_MATRIX_ACCESS_TOKEN_FILE"] = file
	if c, err := parseConfig("serve", nil, envFunc(env), &bytes.Buffer{}); err != nil || c.MatrixAccessToken != "syt_from_file" {
		t.Fatalf("token from file: %q %v", c.MatrixAccessToken, err)
	}

	hs := matrixtest.Start(t, matrixtest.Options{})
	botU := hs.Register(t, "appealbot")
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"serve"}, envFunc(map[string]string{
		"APPEALBOT_DATA_DIR": t.TempDir(), "APPEALBOT_HTTP_ADDR": freeAddr(t),
		"APPEALBOT_MATRIX_HOMESERVER": hs.URL, "APPEALBOT_MATRIX_USER_ID": botU.ID, "APPEALBOT_MATRIX_ACCESS_TOKEN": "wrong-token",
	}), &bytes.Buffer{}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "M_UNKNOWN_TOKEN") || strings.Contains(stderr.String(), "wrong-token") {
		t.Fatalf("a refused token: %v\n%s", err, stderr.String())
	}
}

// TestMatrixLeaderDigestInDirectChat: a leader opens a direct chat with the
// bot and asks for a digest there; its text and its chart (an uploaded
// m.image) come back in that chat, which the bot treats as private.
func TestMatrixLeaderDigestInDirectChat(t *testing.T) {
	hs := matrixtest.Start(t, matrixtest.Options{})
	env, botU, cs := mxSetup(t, hs, "lee")
	base, log, stop := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	r := mxRoomWithBot(t, cs["boss"], botU.ID, cs["lee"])
	mxCommand(t, r, cs["boss"], "!dept add water Water Company", "water")
	mxCommand(t, r, cs["boss"], "!dept bind water", "water")
	mxCommand(t, r, cs["boss"], "!role add water leader @lee:localhost", "lee")
	if st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"D-1","title":"No water","body":"Whole building","department":"water"}`); st != 201 {
		t.Fatalf("intake: %d %v", st, m)
	}

	dm := mxDirect(t, cs["lee"], botU.ID)
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range dm.botMessages(t) {
				t.Logf("bot in the direct chat (%s): %s", m.MsgType, m.Body)
			}
		}
	})
	mxSend(t, cs["lee"], dm.room, "!digest now water", "")
	var text, chart *mxMsg
	waitMx(t, "the digest and its chart", func() bool {
		text, chart = nil, nil
		for _, m := range dm.botMessages(t) {
			switch {
			case m.MsgType == "m.image":
				chart = m
			case strings.Contains(m.Body, "Water Company"):
				text = m
			}
		}
		return text != nil && chart != nil
	})
	var c struct {
		URL  string         `json:"url"`
		Info map[string]any `json:"info"`
	}
	for _, e := range dm.events(t) {
		if string(e.ID) == chart.ID {
			_ = json.Unmarshal(e.Content.VeryRaw, &c)
		}
	}
	if !strings.HasPrefix(c.URL, "mxc://localhost/") || c.Info["mimetype"] != "image/png" || c.Info["w"] == nil || c.Info["size"].(float64) < 1000 {
		t.Fatalf("chart content %+v", c)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// TestMatrixRoomUpgradeKeepsBinding: a department's room that is upgraded
// to a new room keeps its binding there: new cards go to the new room, and
// a card of the old room is posted anew in the new one when it changes.
func TestMatrixRoomUpgradeKeepsBinding(t *testing.T) {
	hs := matrixtest.Start(t, matrixtest.Options{})
	env, botU, cs := mxSetup(t, hs, "alice")
	base, log, stop := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	boss, alice := cs["boss"], cs["alice"]
	old := mxRoomWithBot(t, boss, botU.ID, alice)
	mxCommand(t, old, boss, "!dept add roads Roads", "roads")
	mxCommand(t, old, boss, "!dept bind roads", "roads")
	mxCommand(t, old, boss, "!role add roads responder @alice:localhost", "alice")
	intake := func(n int) {
		t.Helper()
		if st, m := postJSON(t, base+"/api/v1/appeals", "", fmt.Sprintf(`{"source":"web","external_id":"U-%d","title":"Pothole %d","body":"Deep","department":"roads"}`, n, n)); st != 201 {
			t.Fatalf("intake: %d %v", st, m)
		}
	}
	intake(1)
	waitMx(t, "card #1 in the old room", func() bool { return old.card(t, 1) != nil })

	var up struct {
		Replacement string `json:"replacement_room"`
	}
	if _, err := boss.MakeRequest(context.Background(), "POST", boss.BuildClientURL("v3", "rooms", old.room, "upgrade"),
		map[string]any{"new_version": "10"}, &up); err != nil {
		t.Fatal(err)
	}
	waitMx(t, "binding moved", func() bool { return strings.Contains(log.String(), "chat migrated, bindings kept") })
	if _, err := alice.JoinRoomByID(context.Background(), id.RoomID(up.Replacement)); err != nil {
		t.Fatal(err)
	}
	nr := mxRoom{c: boss, room: id.RoomID(up.Replacement), bot: id.UserID(botU.ID)}
	intake(2)
	waitMx(t, "card #2 in the new room", func() bool { return nr.card(t, 2) != nil })
	mxCommand(t, nr, alice, "!claim 1", "claimed")
	waitMx(t, "card #1 posted anew in the new room, claimed", func() bool {
		c := nr.card(t, 1)
		return c != nil && strings.Contains(c.Body, "Status: claimed")
	})
	if c := old.card(t, 1); c.Edits != 0 {
		t.Fatalf("the old room's card was edited %d times", c.Edits)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// TestMatrixDecidedPromptLosesReactions: on Matrix a return waits for
// review as a prompt in the dispatch room with reactions for buttons; once
// approved by reacting ✅, the prompt is edited to show who decided, and it
// offers no reaction any more.
func TestMatrixDecidedPromptLosesReactions(t *testing.T) {
	hs := matrixtest.Start(t, matrixtest.Options{})
	env, botU, cs := mxSetup(t, hs, "alice")
	boss, alice := cs["boss"], cs["alice"]
	base, log, _ := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	water := mxRoomWithBot(t, boss, botU.ID, alice)
	dispatch := mxRoomWithBot(t, boss, botU.ID)
	mxCommand(t, water, boss, "!dept add water Water Company", "water")
	mxCommand(t, water, boss, "!dept bind water", "water")
	mxCommand(t, water, boss, "!role add water responder @alice:localhost", "alice")
	mxCommand(t, dispatch, boss, "!dispatch bind", "ispatch")
	if st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"MR-1","title":"Leak","body":"Drip.","department":"water"}`); st != 201 {
		t.Fatalf("intake: %d %v", st, m)
	}
	waitMx(t, "card #1", func() bool { return water.card(t, 1) != nil })
	mxCommand(t, water, alice, "!return 1 not a water matter", "until dispatch's review decides")
	prompt := dispatch.wait(t, "the review prompt", "asks to return")
	approve := ""
	for e, data := range prompt.Actions {
		if c, args, ok := render.ParseButton(data); ok && c == "approve" && strings.HasSuffix(args, render.PendingReview) {
			approve = e
		}
	}
	if approve == "" {
		t.Fatalf("prompt actions %v, want one to approve", prompt.Actions)
	}
	if _, err := boss.SendReaction(context.Background(), dispatch.room, id.EventID(prompt.ID), approve); err != nil {
		t.Fatal(err)
	}
	waitMx(t, "the prompt closed", func() bool {
		for _, m := range dispatch.botMessages(t) {
			if m.ID == prompt.ID {
				return m.Edits > 0 && strings.Contains(m.Body, "Approved by") && len(m.Actions) == 0
			}
		}
		return false
	})
	_, g := getJSON(t, base+"/api/v1/appeals/1", "")
	if g["status"] != "returned" {
		t.Fatalf("after the approval: %v", g["status"])
	}
}
