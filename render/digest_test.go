package render

import (
	"strconv"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
)

func TestDigestFitsOneMessageAndSaysHowManyItTook(t *testing.T) {
	e := newEnv(t, "sqlite")
	var ids []appeal.ID
	for i := range 300 {
		a := e.intake("roads", func(in *appeal.Intake) {
			in.Title = strings.Repeat("<b>坑&", 10) + string(rune('A'+i%26))
			if i%7 == 0 {
				in.Priority = appeal.PriorityUrgent
			}
		})
		ids = append(ids, a.ID)
	}
	for _, lang := range Languages {
		r, n, err := e.r.RenderDigest(t.Context(), "roads", ids, lang, e.clock())
		if err != nil {
			t.Fatal(err)
		}
		if n < 50 || n >= len(ids) {
			t.Fatalf("%s: took %d of %d appeals", lang, n, len(ids))
		}
		if err := Check(r); err != nil {
			t.Fatalf("%s: %v\n%s", lang, err, r.HTML)
		}
		for _, id := range ids[:n] {
			if !strings.Contains(r.HTML, "#"+strconv.FormatInt(int64(id), 10)+" ") {
				t.Fatalf("%s: appeal %d missing from the digest", lang, id)
			}
		}
		if strings.Contains(r.HTML, "#"+strconv.FormatInt(int64(ids[n]), 10)+" ") {
			t.Fatalf("%s: appeal %d shown but not counted", lang, ids[n])
		}
		if !strings.Contains(r.HTML, "/claim") || !strings.Contains(r.HTML, "&lt;b&gt;坑") {
			t.Fatalf("%s: digest must say how to claim and escape titles:\n%s", lang, r.HTML)
		}
	}
	r, n, err := e.r.RenderDigest(t.Context(), "roads", ids[:3], "en", e.clock())
	if err != nil || n != 3 || !strings.Contains(r.HTML, "3 new appeals for Roads") {
		t.Fatalf("small digest: %d %v\n%s", n, err, r.HTML)
	}
}

func TestRepliesAndFailureReportsRender(t *testing.T) {
	e := newEnv(t, "sqlite")
	want := Rendered{HTML: "<b>ok</b> &lt;", Buttons: [][]Button{{{Label: "详情", Data: "c:appeal:1"}}}}
	m, err := ReplyMessage("telegram", "-100", "7", "55", want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.r.RenderMessage(t.Context(), m, "zh", e.clock())
	if err != nil || got.HTML != want.HTML || len(got.Buttons) != 1 || got.Buttons[0][0] != want.Buttons[0][0] {
		t.Fatalf("reply: %+v %v", got, err)
	}
	if m.Args[appeal.ArgChat] != "-100" || m.Args[appeal.ArgTopic] != "7" || m.Args[appeal.ArgReplyTo] != "55" || m.To.Kind != appeal.ToChat {
		t.Fatalf("reply message %+v", m)
	}
	fail := appeal.Message{Kind: appeal.MsgDeliveryFailed, AppealID: 12, To: appeal.Recipient{Kind: appeal.ToDispatch},
		Args: map[string]string{appeal.ArgChat: "-100", "reason": "Forbidden: bot was kicked <x>"}}
	for _, lang := range Languages {
		r, err := e.r.RenderMessage(t.Context(), fail, lang, e.clock())
		if err != nil || Check(r) != nil || !strings.Contains(r.HTML, "-100") || !strings.Contains(r.HTML, "kicked &lt;x&gt;") || !strings.Contains(r.HTML, "#12") {
			t.Fatalf("%s: %+v %v", lang, r, err)
		}
	}
}
