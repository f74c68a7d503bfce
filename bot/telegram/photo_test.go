package telegram

import (
	"bytes"
	"testing"
	"time"

	"github.com/mymmrac/telego"

	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/botapitest"
)

// The largest size within the limit is taken, never a thumbnail in place
// of a photo too large.
func TestPhotoOf(t *testing.T) {
	sizes := []telego.PhotoSize{
		{FileID: "s", Width: 90, Height: 60, FileSize: 1000},
		{FileID: "m", Width: 320, Height: 240, FileSize: 20000},
		{FileID: "x", Width: 1280, Height: 960, FileSize: 200000},
	}
	for _, tc := range []struct {
		limit    int64
		want     string
		tooLarge bool
	}{{1 << 20, "x", false}, {100000, "m", false}, {10000, "", true}} {
		ref, tooLarge := photoOf(&telego.Message{Photo: sizes}, tc.limit)
		got := ""
		if ref != nil {
			got = ref.fileID
		}
		if got != tc.want || tooLarge != tc.tooLarge {
			t.Errorf("limit %d: %q, too large %v; want %q, %v", tc.limit, got, tooLarge, tc.want, tc.tooLarge)
		}
	}
	// A tiny photo is itself.
	if ref, _ := photoOf(&telego.Message{Photo: sizes[:1]}, 1<<20); ref == nil || ref.fileID != "s" {
		t.Errorf("tiny photo: %+v", ref)
	}
	// An image sent as a file, but not another file.
	doc := &telego.Document{FileID: "d", FileName: "a.png", MimeType: "image/png", FileSize: 10}
	if ref, _ := photoOf(&telego.Message{Document: doc}, 1<<20); ref == nil || ref.mime != "image/png" || ref.name != "a.png" {
		t.Errorf("image document: %+v", ref)
	}
	if ref, tooLarge := photoOf(&telego.Message{Document: &telego.Document{FileID: "p", MimeType: "application/pdf"}}, 1<<20); ref != nil || tooLarge {
		t.Errorf("pdf: %+v", ref)
	}
}

// Received over the real client: a captioned photo is a command with the
// photo's bytes; a photo larger than said is caught while downloading; a
// photo without a caption, replying to nothing, is chatter.
func TestReceivePhoto(t *testing.T) {
	s := botapitest.New(t)
	tr := newTransport(t, s, func(c *Config) { c.MaxPhotoBytes = 1000 })
	r := startReceive(t, tr)
	photo := bytes.Repeat([]byte{0xff, 0xd8}, 300)
	s.UserMessage(botapitest.Incoming{ChatID: -100, From: ann, Text: "/answer 7 修好了", Photo: photo})
	s.UserMessage(botapitest.Incoming{ChatID: -100, From: ann, Photo: photo})
	// Said to be small, but larger than the limit when fetched.
	s.UserMessage(botapitest.Incoming{ChatID: -100, From: ann, Text: "/answer 8 ok", Photo: bytes.Repeat([]byte{1}, 2000), PhotoFileSize: 500})
	ups := r.next(t, 2, 10*time.Second)
	byArgs := map[string]bot.Update{}
	for _, u := range ups {
		byArgs[u.Args] = u
	}
	u := byArgs["7 修好了"]
	if u.Kind != bot.UpdateCommand || u.Command != "answer" || len(u.Attachments) != 1 || !bytes.Equal(u.Attachments[0].Data, photo) ||
		u.Attachments[0].MIME != "image/jpeg" || u.PhotoProblem != 0 {
		t.Errorf("captioned photo: %+v", u)
	}
	if u := byArgs["8 ok"]; u.PhotoProblem != bot.PhotoTooLarge || len(u.Attachments) != 0 {
		t.Errorf("photo larger than said: %+v", u)
	}
	select {
	case u := <-r.updates:
		t.Errorf("a photo without a caption came through: %+v", u)
	case <-time.After(300 * time.Millisecond):
	}
}
