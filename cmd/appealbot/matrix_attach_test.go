package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/appealbot/appealbot/bot/matrix/matrixtest"
)

// mxImage sends an image of data as c: body is its caption when it differs
// from name (Matrix 1.10), size what its info says (0: the real size).
func mxImage(t *testing.T, c *mautrix.Client, room id.RoomID, name, body, mime string, data []byte, size int, replyTo string) {
	t.Helper()
	ctx := context.Background()
	up, err := c.UploadBytesWithName(ctx, data, mime, name)
	if err != nil {
		t.Fatal(err)
	}
	if size == 0 {
		size = len(data)
	}
	content := map[string]any{"msgtype": "m.image", "body": body, "filename": name, "url": up.ContentURI.String(),
		"info": map[string]any{"mimetype": mime, "size": size, "w": 640, "h": 480}}
	if replyTo != "" {
		content["m.relates_to"] = map[string]any{"m.in_reply_to": map[string]any{"event_id": replyTo}}
	}
	if _, err := c.SendMessageEvent(ctx, room, event.EventMessage, content); err != nil {
		t.Fatal(err)
	}
}

// TestMatrixAnswerWithImage runs the program against a real homeserver: an
// image whose caption is "!answer N TEXT", and a captioned image replying to
// a card, answer their appeals with the image stored and served; an image
// over the limit is refused and answers nothing.
func TestMatrixAnswerWithImage(t *testing.T) {
	hs := matrixtest.Start(t, matrixtest.Options{})
	env, botU, cs := mxSetup(t, hs, "alice")
	env["APPEALBOT_ATTACHMENT_MAX_BYTES"] = "100000"
	boss, alice := cs["boss"], cs["alice"]
	base, log, stop := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	r := mxRoomWithBot(t, boss, botU.ID, alice)
	mxCommand(t, r, boss, "!dept add roads Roads", "roads")
	mxCommand(t, r, boss, "!dept bind roads", "roads")
	mxCommand(t, r, boss, "!role add roads responder @alice:localhost", "alice")
	cards := map[int]*mxMsg{}
	for n := 1; n <= 3; n++ {
		st, m := postJSON(t, base+"/api/v1/appeals", "", fmt.Sprintf(`{"source":"12345","external_id":"MI-%d",
			"title":"Pothole %d","body":"Deep","department":"roads"}`, n, n))
		if st != 201 {
			t.Fatalf("intake: %d %v", st, m)
		}
		waitMx(t, fmt.Sprintf("card #%d", n), func() bool { cards[n] = r.card(t, n); return cards[n] != nil })
	}
	photo := func(n int, seed byte) []byte {
		b := bytes.Repeat([]byte{seed, seed + 3}, n/2)
		copy(b, []byte{0xff, 0xd8, 0xff, 0xe0})
		return b
	}
	served := func(n int, want []byte, mime string) {
		t.Helper()
		waitMx(t, fmt.Sprintf("#%d answered with its photo", n), func() bool {
			return strings.Contains(r.card(t, n).Body, "📎 1 photo with the answer")
		})
		resp, body := getBytes(t, fmt.Sprintf("%s/api/v1/appeals/%d/attachments/1", base, n))
		if resp.StatusCode != 200 || !bytes.Equal(body, want) || resp.Header.Get("Content-Type") != mime {
			t.Errorf("#%d's photo: %d, %d bytes, %q", n, resp.StatusCode, len(body), resp.Header.Get("Content-Type"))
		}
		if _, g := getJSON(t, fmt.Sprintf("%s/api/v1/appeals/%d", base, n), ""); g["status"] != "answered" {
			t.Errorf("#%d: %v", n, g["status"])
		}
	}

	p1 := photo(4000, 1)
	mxImage(t, alice, r.room, "fix.jpg", "!answer 1 Filled and rolled.", "image/jpeg", p1, 0, "")
	served(1, p1, "image/jpeg")

	p2 := append([]byte("\x89PNG\r\n\x1a\n"), photo(3000, 7)...)
	mxImage(t, alice, r.room, "after.png", "Repaired, see the photo.", "image/png", p2, 0, cards[2].ID)
	served(2, p2, "image/png")
	if _, g := getJSON(t, base+"/api/v1/appeals/2", ""); g["answers"].([]any)[0].(map[string]any)["text"] != "Repaired, see the photo." {
		t.Errorf("#2's answer: %v", g["answers"])
	}

	mxImage(t, alice, r.room, "big.jpg", "!answer 3 Fixed.", "image/jpeg", photo(150000, 2), 0, "")
	r.wait(t, "the refusal of a large image", "The photo is too large (limit 97 KB)")
	if _, g := getJSON(t, base+"/api/v1/appeals/3", ""); g["status"] != "assigned" || len(g["attachments"].([]any)) != 0 {
		t.Errorf("#3 after a refused image: %v, %v", g["status"], g["attachments"])
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
