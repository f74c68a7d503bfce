package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// jpegOf is a JPEG-looking photo of n bytes, different per seed.
func jpegOf(n int, seed byte) []byte {
	b := bytes.Repeat([]byte{seed, seed + 1, seed + 2}, n/3+1)[:n]
	copy(b, []byte{0xff, 0xd8, 0xff, 0xe0})
	return b
}

func getBytes(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// TestTelegramAnswerWithPhoto drives the real program over the real telego
// client and the Bot API test server: a responder answers with a photo whose
// caption is the /answer command, and with a captioned photo replying to a
// card; the cards count the photos, the API serves their bytes and the
// upstream is told of them once. A photo over the limit and an album are
// refused and answer nothing; the same update twice stores one photo.
func TestTelegramAnswerWithPhoto(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			tg := botapitest.New(t)
			up := &upstream{secret: "callback-signing-secret"}
			cbSrv := httptest.NewServer(up)
			defer cbSrv.Close()
			env := map[string]string{
				"APPEALBOT_DATA_DIR":             t.TempDir(),
				"APPEALBOT_TELEGRAM_TOKEN":       botapitest.Token,
				"APPEALBOT_TELEGRAM_API_URL":     tg.URL(),
				"APPEALBOT_ADMINS":               "100",
				"APPEALBOT_LANGUAGE":             "en",
				"APPEALBOT_WEBHOOK_SECRET":       up.secret,
				"APPEALBOT_CALLBACK_ALLOW":       "127.0.0.1/32",
				"APPEALBOT_ATTACHMENT_MAX_BYTES": "100000",
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
			const group = int64(-1001)
			admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Wang"}
			alice := botapitest.User{ID: 200, Username: "alice", FirstName: "Alice"}
			command(t, tg, group, admin, "/dept add roads Roads", "roads")
			command(t, tg, group, admin, "/dept bind roads", "roads")
			command(t, tg, group, admin, "/role add roads responder 200", "200")
			cards := map[int]int64{}
			for i := 1; i <= 5; i++ {
				st, m := postJSON(t, base+"/api/v1/appeals", "", fmt.Sprintf(`{"source":"12345","external_id":"R-%d",
					"title":"Pothole %d","body":"Deep hole","department":"roads","callback_url":"%s/cb"}`, i, i, cbSrv.URL))
				if st != 201 {
					t.Fatalf("intake %d: %d %v", i, st, m)
				}
				tg.WaitFor(t, func(s *botapitest.Server) bool {
					c, ok := lastIn(s, group, fmt.Sprintf("#%d", i))
					cards[i] = c.MessageID
					return ok
				}, 10*time.Second)
			}
			answerSent := func(id int) {
				t.Helper()
				tg.WaitFor(t, func(s *botapitest.Server) bool {
					_, ok := lastIn(s, group, fmt.Sprintf("Appeal #%d is answered", id))
					return ok
				}, 10*time.Second)
			}
			replyWith := func(want string) {
				t.Helper()
				tg.WaitFor(t, func(s *botapitest.Server) bool {
					_, ok := lastIn(s, group, want)
					return ok
				}, 10*time.Second)
			}
			answered := func(id int) bool {
				_, g := getJSON(t, fmt.Sprintf("%s/api/v1/appeals/%d", base, id), "")
				return g["status"] == "answered"
			}

			// 1: a photo whose caption is the command.
			photo1 := jpegOf(5000, 1)
			upd1, _ := tg.UserMessage(botapitest.Incoming{ChatID: group, From: alice, Text: "/answer 1 Filled and rolled.", Photo: photo1})
			answerSent(1)
			tg.WaitFor(t, func(s *botapitest.Server) bool {
				return strings.Contains(message(s, group, cards[1]).Plain, "📎 1 photo with the answer") && len(up.payloads()) == 1
			}, 15*time.Second)
			p := up.payloads()[0]
			if p.Event != "appeal.answered" || p.Answer == nil || p.Answer.Text != "Filled and rolled." || len(p.Answer.Attachments) != 1 {
				t.Fatalf("callback: %+v", p)
			}
			if a := p.Answer.Attachments[0]; a.N != 1 || a.MIME != "image/jpeg" || a.Size != int64(len(photo1)) ||
				a.URL != "/api/v1/appeals/1/attachments/1" || !strings.HasSuffix(a.Name, ".jpg") {
				t.Errorf("callback attachment: %+v", a)
			}
			resp, body := getBytes(t, base+"/api/v1/appeals/1/attachments/1")
			if resp.StatusCode != 200 || !bytes.Equal(body, photo1) || resp.Header.Get("Content-Type") != "image/jpeg" ||
				resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline; filename=") {
				t.Errorf("GET attachment 1: %d, %d bytes, %v", resp.StatusCode, len(body), resp.Header)
			}
			// The same update again: one answer, one photo, one callback.
			if !tg.RepeatUpdate(upd1) {
				t.Fatal("could not repeat the update")
			}
			tg.WaitFor(t, func(*botapitest.Server) bool {
				return strings.Contains(log.String(), "update seen before, ignored")
			}, 10*time.Second)
			_, g := getJSON(t, base+"/api/v1/appeals/1", "")
			if as, _ := g["answers"].([]any); len(as) != 1 {
				t.Errorf("answers after the repeat: %v", g["answers"])
			}
			if fs, _ := g["attachments"].([]any); len(fs) != 1 {
				t.Errorf("attachments after the repeat: %v", g["attachments"])
			}

			// 2: a captioned photo replying to the card.
			photo2 := jpegOf(7000, 9)
			tg.UserMessage(botapitest.Incoming{ChatID: group, From: alice, Text: "Done, see the photo.", Photo: photo2, ReplyTo: cards[2]})
			answerSent(2)
			tg.WaitFor(t, func(s *botapitest.Server) bool {
				return strings.Contains(message(s, group, cards[2]).Plain, "📎 1 photo with the answer")
			}, 10*time.Second)
			if _, body := getBytes(t, base+"/api/v1/appeals/2/attachments/1"); !bytes.Equal(body, photo2) {
				t.Errorf("GET attachment of #2: %d bytes", len(body))
			}

			// 3: an image sent as a file.
			png := append([]byte("\x89PNG\r\n\x1a\n"), jpegOf(300, 4)...)
			tg.UserMessage(botapitest.Incoming{ChatID: group, From: alice, Text: "/answer 3 Repaved.", Document: png,
				DocumentMIME: "image/png", DocumentName: "site.png"})
			answerSent(3)
			resp, body = getBytes(t, base+"/api/v1/appeals/3/attachments/1")
			if !bytes.Equal(body, png) || resp.Header.Get("Content-Type") != "image/png" ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "site.png") {
				t.Errorf("GET attachment of #3: %d bytes, %v", len(body), resp.Header)
			}

			// 4: a photo over the limit is refused, and the answer with it.
			tg.UserMessage(botapitest.Incoming{ChatID: group, From: alice, Text: "/answer 4 Fixed.", Photo: jpegOf(150000, 2)})
			replyWith("The photo is too large (limit 97 KB)")
			// 5: an album is refused as a whole.
			tg.UserMessage(botapitest.Incoming{ChatID: group, From: alice, Text: "Fixed.", Photo: jpegOf(900, 3),
				ReplyTo: cards[5], MediaGroupID: "album-1"})
			tg.UserMessage(botapitest.Incoming{ChatID: group, From: alice, Photo: jpegOf(900, 5), MediaGroupID: "album-1"})
			replyWith("Several photos at once are not taken")
			if answered(4) || answered(5) {
				t.Fatal("a refused photo answered its appeal")
			}
			for _, id := range []int{4, 5} {
				if _, g := getJSON(t, fmt.Sprintf("%s/api/v1/appeals/%d", base, id), ""); len(g["attachments"].([]any)) != 0 {
					t.Errorf("#%d stored attachments of a refused answer: %v", id, g["attachments"])
				}
			}
			// A photo with another command is refused.
			tg.UserMessage(botapitest.Incoming{ChatID: group, From: alice, Text: "/claim 4", Photo: jpegOf(900, 6)})
			replyWith("Photos are taken only with an answer")
			if _, g := getJSON(t, base+"/api/v1/appeals/4", ""); g["status"] != "assigned" {
				t.Errorf("#4 after /claim with a photo: %v", g["status"])
			}
			// The refused answer goes through with a smaller photo.
			tg.UserMessage(botapitest.Incoming{ChatID: group, From: alice, Text: "/answer 4 Fixed.", Photo: jpegOf(900, 7)})
			answerSent(4)

			if n := len(up.payloads()); n < 4 {
				tg.WaitFor(t, func(*botapitest.Server) bool { return len(up.payloads()) == 4 }, 10*time.Second)
			}
			per := map[int64]int{}
			for _, p := range up.payloads() {
				per[p.Appeal.ID]++
				if p.Answer == nil || len(p.Answer.Attachments) != 1 {
					t.Errorf("callback of #%d: %+v", p.Appeal.ID, p.Answer)
				}
			}
			if per[1] != 1 || per[2] != 1 || per[3] != 1 || per[4] != 1 || up.bad != 0 {
				t.Errorf("callbacks per appeal: %v (bad %d)", per, up.bad)
			}
			if err := stop(); err != nil {
				t.Fatalf("serve: %v", err)
			}
		})
	}
}

// TestTelegramPrivateAnswerWithPhoto: in her private chat Alice presses
// Answer and replies to the prompt with a captioned photo; the appeal is
// answered with it and the group card counts it.
func TestTelegramPrivateAnswerWithPhoto(t *testing.T) {
	w := newProcessWorld(t, "sqlite")
	tg := w.tg
	w.intake(1, "roads", w.roads)
	command(t, tg, w.alice.ID, w.alice, "/claim 1", "Alice claimed appeal #1")
	contact := w.wait(w.alice.ID, "Contact for", "#1")
	w.press(w.alice.ID, contact, w.alice, "answer")
	prompt := w.wait(w.alice.ID, "Reply to this message with your answer to #1")
	photo := jpegOf(3000, 11)
	tg.UserMessage(botapitest.Incoming{ChatID: w.alice.ID, From: w.alice, Text: "Filled on Monday.", Photo: photo, ReplyTo: prompt.MessageID})
	w.wait(w.alice.ID, "Appeal #1 is answered.")
	w.wait(w.roads, "#1", "Status: answered", "📎 1 photo with the answer")
	if resp, body := getBytes(t, w.base+"/api/v1/appeals/1/attachments/1"); resp.StatusCode != 200 || !bytes.Equal(body, photo) {
		t.Errorf("photo: %d, %d bytes", resp.StatusCode, len(body))
	}
}
