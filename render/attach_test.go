package render

import (
	"context"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// The card counts the answer's photos and links the intake's files, in
// both languages, escaped, and stays within a message however many and
// however long the links are.
func TestCardAttachments(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	a := e.intake("roads", func(in *appeal.Intake) {
		in.Attachments = []string{`https://files.example/a?x=1&y="2"<b>`, "https://files.example/dir/%E7%85%A7.jpg"}
	})
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "fixed", Attachments: []appeal.Attachment{
		{Name: "1.jpg", MIME: "image/jpeg", Data: []byte("x")}, {Name: "2.jpg", MIME: "image/jpeg", Data: []byte("y")}}})
	for lang, want := range map[string][]string{
		LangZH: {"📎 答复附 2 张照片", "🔗 附件: ", `<a href="https://files.example/a?x=1&amp;y=&quot;2&quot;&lt;b&gt;">a</a>`, `>照.jpg</a>`},
		LangEN: {"📎 2 photos with the answer", "🔗 Files: ", `&amp;y=&quot;2&quot;&lt;b&gt;">a</a>`},
	} {
		r := e.r.card(ctx, e.appeal(a.ID), view{dept: "roads"}, lang, e.clock())
		if err := Check(r); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		for _, s := range want {
			if !strings.Contains(r.HTML, s) {
				t.Errorf("%s: card lacks %q:\n%s", lang, s, r.HTML)
			}
		}
	}

	// Ten links of the longest length, and a long body: what does not fit
	// is counted.
	long := "https://files.example/" + strings.Repeat("x", appeal.MaxAttachmentURLLen-len("https://files.example/")-3) + "&<>"
	b := e.intake("roads", func(in *appeal.Intake) {
		in.Body = strings.Repeat("很长的内容&<>", 2000)
		in.Attachments = []string{"https://files.example/short.jpg"}
		for len(in.Attachments) < appeal.DefaultAttachmentMaxCount {
			in.Attachments = append(in.Attachments, long)
		}
	})
	for _, lang := range []string{LangZH, LangEN} {
		r := e.r.card(ctx, e.appeal(b.ID), view{dept: "roads"}, lang, e.clock())
		if err := Check(r); err != nil {
			t.Fatalf("%s, long links: %v", lang, err)
		}
		if !strings.Contains(r.HTML, ">short.jpg</a>") || !strings.Contains(r.HTML, "9") {
			t.Errorf("%s, long links:\n%s", lang, r.HTML)
		}
	}
	if r := e.r.card(ctx, e.appeal(b.ID), view{dept: "roads"}, LangEN, e.clock()); !strings.Contains(r.HTML, "and 9 more") {
		t.Errorf("long links, en: no count of the links left out:\n%s", r.HTML)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{10 << 20: "10 MB", 52428800: "50 MB", 1572864: "1.5 MB", 100000: "97 KB", 512: "512 B"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// A rejected answer's photos are not counted on the card.
func TestCardPhotosOfRejectedAnswer(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	d, err := e.store.Department(ctx, "roads")
	if err != nil {
		t.Fatal(err)
	}
	d.ApproveAnswers = true
	if _, err := e.w.Svc.SaveDepartment(ctx, d); err != nil {
		t.Fatal(err)
	}
	a := e.intake("roads")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "fixed",
		Attachments: []appeal.Attachment{{Name: "1.jpg", MIME: "image/jpeg", Data: []byte("x")}}})
	card := func() string { return e.r.card(ctx, e.appeal(a.ID), view{dept: "roads"}, LangEN, e.clock()).HTML }
	if !strings.Contains(card(), "📎 1 photo with the answer") {
		t.Fatalf("pending answer's photo not counted:\n%s", card())
	}
	e.act(a.ID, rLeader, appeal.Command{Action: appeal.ActRejectAnswer, Text: "blurry"})
	if strings.Contains(card(), "📎") {
		t.Errorf("rejected answer's photo counted:\n%s", card())
	}
}
