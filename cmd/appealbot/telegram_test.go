package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api/callback"
	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// upstream is the callback endpoint of the system the appeals come from; it
// accepts only correctly signed bodies.
type upstream struct {
	secret string
	mu     sync.Mutex
	got    []callback.Payload
	bad    int
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	defer u.mu.Unlock()
	if r.Header.Get(callback.SignatureHeader) != callback.Sign(u.secret, body) {
		u.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var p callback.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		u.bad++
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	u.got = append(u.got, p)
}

// count is how many requests arrived, good or bad.
func (u *upstream) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.got) + u.bad
}

func (u *upstream) payloads() []callback.Payload {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]callback.Payload(nil), u.got...)
}

// lastIn returns the newest message the bot sent to chat whose plain text
// contains want.
func lastIn(tg *botapitest.Server, chat int64, want string) (botapitest.Message, bool) {
	var found botapitest.Message
	ok := false
	for _, m := range tg.Messages(chat) {
		if strings.Contains(m.Plain, want) {
			found, ok = m, true
		}
	}
	return found, ok
}

// message returns the current state (after edits) of message id in chat.
func message(tg *botapitest.Server, chat, id int64) botapitest.Message {
	for _, m := range tg.Messages(chat) {
		if m.MessageID == id {
			return m
		}
	}
	return botapitest.Message{}
}

// command sends a command and waits for the bot's reply in the same chat
// that contains want: handlers run concurrently, so set-up steps wait for
// each other.
func command(t *testing.T, tg *botapitest.Server, chat int64, from botapitest.User, text, want string) {
	t.Helper()
	before := len(tg.Messages(chat))
	tg.SendCommand(chat, chatType(chat), from, text)
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		ms := s.Messages(chat)
		for _, m := range ms[min(before, len(ms)):] {
			if strings.Contains(m.Plain, want) {
				return true
			}
		}
		return false
	}, 10*time.Second)
}

func chatType(id int64) string {
	if id > 0 {
		return "private"
	}
	return "group"
}

// TestTelegramFullFlow drives the real program against the Bot API test
// server with the real telego client: an admin sets a department up in its
// group, an appeal arrives through the API, its card appears, a responder
// claims it with the button and answers by replying to the card, the answer
// reaches the upstream system signed, and the card ends up "answered".
func TestTelegramFullFlow(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			tg := botapitest.New(t)
			up := &upstream{secret: "callback-signing-secret"}
			cbSrv := httptest.NewServer(up)
			defer cbSrv.Close()
			env := map[string]string{
				"APPEALBOT_DATA_DIR":         t.TempDir(),
				"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
				"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
				"APPEALBOT_ADMINS":           "100",
				"APPEALBOT_LANGUAGE":         "en",
				"APPEALBOT_WEBHOOK_SECRET":   up.secret,
				"APPEALBOT_CALLBACK_ALLOW":   "127.0.0.1/32", // where the receiver listens
			}
			if backend == "postgres" {
				env["APPEALBOT_DATABASE_URL"] = storagetest.PostgresURL(t)
			}
			base, log, stop := startServe(t, env)
			t.Cleanup(func() {
				if t.Failed() {
					for _, m := range tg.Sent() {
						t.Logf("sent to %d (#%d): %s", m.ChatID, m.MessageID, m.Plain)
					}
					t.Logf("log:\n%s", log)
				}
			})

			if got := tg.Commands(); len(got["zh"]) == 0 || len(got["en"]) == 0 {
				t.Fatalf("command menu not registered in both languages: %v", got)
			}

			const group = int64(-1001)
			admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Wang", LastName: "Boss"}
			alice := botapitest.User{ID: 200, Username: "alice", FirstName: "Alice"}
			command(t, tg, group, admin, "/dept add water Water Company", "water")
			command(t, tg, group, admin, "/dept bind water", "water")
			command(t, tg, group, admin, "/role add water responder 200", "200")

			st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"W-1",
				"title":"Burst <pipe> & leak","body":"Water everywhere on <b>Elm</b> St.","department":"water",
				"citizen":{"name":"Li Wei","phone":"13812345678"},"callback_url":"`+cbSrv.URL+`/cb"}`)
			if st != 201 || m["status"] != "assigned" {
				t.Fatalf("intake: %d %v", st, m)
			}

			var card botapitest.Message
			tg.WaitFor(t, func(s *botapitest.Server) bool {
				var ok bool
				card, ok = lastIn(s, group, "#1")
				return ok && len(card.Buttons) > 0
			}, 10*time.Second)
			if !strings.Contains(card.Plain, "Burst <pipe> & leak") || !strings.Contains(card.Plain, "<b>Elm</b>") {
				t.Fatalf("appeal text must show literally on the card:\n%s", card.Plain)
			}
			if !strings.Contains(card.Plain, "138****5678") || strings.Contains(card.Plain, "13812345678") {
				t.Fatalf("the card must mask the phone number:\n%s", card.Plain)
			}

			// Alice presses Claim.
			claim := ""
			for _, row := range card.Buttons {
				for _, b := range row {
					if c, _, ok := render.ParseButton(b.Data); ok && c == "claim" {
						claim = b.Data
					}
				}
			}
			if claim == "" {
				t.Fatalf("no Claim button on the card: %+v", card.Buttons)
			}
			press := tg.PressButton(group, card.MessageID, alice, claim)
			tg.WaitFor(t, func(s *botapitest.Server) bool {
				m := message(s, group, card.MessageID)
				answered := false
				for _, a := range s.Callbacks() {
					answered = answered || a.QueryID == press
				}
				return answered && strings.Contains(m.Plain, "Status: claimed") && strings.Contains(m.Plain, "Alice")
			}, 10*time.Second)
			// Full contact details go to Alice privately, never to the group.
			tg.WaitFor(t, func(s *botapitest.Server) bool {
				_, ok := lastIn(s, alice.ID, "13812345678")
				return ok
			}, 10*time.Second)

			// Alice answers by replying to the card.
			reply := tg.SendText(group, alice, "The pipe was fixed at 15:00.", card.MessageID)
			tg.WaitFor(t, func(s *botapitest.Server) bool {
				m := message(s, group, card.MessageID)
				return strings.Contains(m.Plain, "Status: answered") && len(up.payloads()) == 1
			}, 15*time.Second)
			p := up.payloads()[0]
			if p.Appeal.ID != 1 || p.Appeal.ExternalID != "W-1" || p.Answer.Text != "The pipe was fixed at 15:00." || up.bad != 0 {
				t.Fatalf("callback %+v (bad signatures: %d)", p, up.bad)
			}
			// Three set-up replies, the card (edited in place) and the
			// answer's confirmation, which waits its turn in the chat.
			tg.WaitFor(t, func(s *botapitest.Server) bool {
				_, ok := lastIn(s, group, "is answered")
				return ok
			}, 10*time.Second)
			if msgs := tg.Messages(group); len(msgs) != 5 {
				for _, m := range msgs {
					t.Logf("%d: %s", m.MessageID, m.Plain)
				}
				t.Fatalf("group has %d messages, want the card edited in place", len(msgs))
			}
			tg.WaitFor(t, func(*botapitest.Server) bool {
				_, g := getJSON(t, base+"/api/v1/appeals/1", "")
				cbs, _ := g["callbacks"].([]any)
				return g["status"] == "answered" && len(cbs) == 1 && cbs[0].(map[string]any)["state"] == "sent"
			}, 10*time.Second)

			// The same update again (a redelivery) changes nothing.
			_, before := getJSON(t, base+"/api/v1/appeals/1", "")
			if !tg.RepeatUpdate(reply) {
				t.Fatal("could not repeat the update")
			}
			tg.WaitFor(t, func(*botapitest.Server) bool {
				return strings.Contains(log.String(), "update seen before, ignored")
			}, 10*time.Second)
			_, after := getJSON(t, base+"/api/v1/appeals/1", "")
			if len(after["events"].([]any)) != len(before["events"].([]any)) || len(after["answers"].([]any)) != 1 {
				t.Fatalf("a repeated update changed the appeal: %v", after["events"])
			}
			if err := stop(); err != nil {
				t.Fatalf("serve: %v", err)
			}
		})
	}
}

// TestTelegramGroupMigrationKeepsBinding: a group that becomes a supergroup
// gets a new chat id; the department's binding follows it, so the next card
// arrives in the supergroup.
func TestTelegramGroupMigrationKeepsBinding(t *testing.T) {
	tg := botapitest.New(t)
	env := map[string]string{
		"APPEALBOT_DATA_DIR":         t.TempDir(),
		"APPEALBOT_DATABASE_URL":     storagetest.PostgresURL(t),
		"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
		"APPEALBOT_ADMINS":           "100",
	}
	base, log, _ := startServe(t, env)
	admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Boss"}
	const group, super = int64(-2002), int64(-1002002)
	command(t, tg, group, admin, "/dept add roads 道路", "roads")
	command(t, tg, group, admin, "/dept bind roads", "roads")
	tg.MigrateChat(group, super)
	tg.WaitFor(t, func(*botapitest.Server) bool {
		return strings.Contains(log.String(), "chat migrated, bindings kept")
	}, 10*time.Second)

	if st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"web","external_id":"R-1","title":"坑","body":"路面塌陷","department":"roads"}`); st != 201 {
		t.Fatalf("intake: %d %v", st, m)
	}
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		_, ok := lastIn(s, super, "#1")
		return ok
	}, 10*time.Second)
	if _, ok := lastIn(tg, group, "#1"); ok {
		t.Fatal("the card went to the old group id")
	}
}

// TestServeWithoutChatNetworkKeepsWorking: with no token and no terminal
// (a service manager), the API still takes appeals and the log says that no
// chat network is connected.
func TestServeWithoutChatNetworkKeepsWorking(t *testing.T) {
	base, log, _ := startServe(t, map[string]string{"APPEALBOT_DATA_DIR": t.TempDir()})
	if st, m := postJSON(t, base+"/api/v1/appeals", "", appealBody); st != 201 {
		t.Fatalf("intake: %d %v", st, m)
	}
	if !strings.Contains(log.String(), "no chat network is connected") {
		t.Fatalf("log does not say that no chat network is connected:\n%s", log)
	}
}
