package console

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/internal/buftest"
)

// feed runs Receive over lines written one by one, letting the test act
// between them (as a person at the terminal would, after seeing output).
type feed struct {
	w   *io.PipeWriter
	got chan bot.Update
}

// clock is the console's start for the tests: 2026-01-01 00:00 UTC.
func clock() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

func start(t *testing.T, c *Console, r *io.PipeReader) *feed {
	f := &feed{got: make(chan bot.Update, 10)}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.Receive(ctx, func(_ context.Context, u bot.Update) { f.got <- u })
	}()
	t.Cleanup(func() { cancel(); <-done })
	return f
}

func (f *feed) line(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(f.w, s+"\n"); err != nil {
		t.Fatal(err)
	}
}

func (f *feed) next(t *testing.T) bot.Update {
	t.Helper()
	select {
	case u := <-f.got:
		return u
	case <-time.After(5 * time.Second):
		t.Fatal("no update")
		return bot.Update{}
	}
}

func TestConsoleActsAsAnyoneAnywhere(t *testing.T) {
	r, w := io.Pipe()
	out := &buftest.Buffer{}
	c := New(r, out, clock)
	f := start(t, c, r)
	f.w = w

	f.line(t, "/help")
	u := f.next(t)
	if u.Kind != bot.UpdateCommand || u.Command != "help" || !u.Chat.Private || u.Chat.ChatID != "1" || u.From.ID != "1" {
		t.Fatalf("first command: %+v", u)
	}

	f.line(t, ":as 1001 alice in water")
	f.line(t, "/CLAIM 12 now")
	u2 := f.next(t)
	if u2.Command != "claim" || u2.Args != "12 now" || u2.Chat.ChatID != "water" || u2.Chat.Private ||
		u2.From != (bot.User{ID: "1001", Username: "alice", DisplayName: "alice"}) {
		t.Fatalf("command as alice in water: %+v", u2)
	}
	if u2.ID == u.ID {
		t.Fatalf("update ids repeat: %s", u.ID)
	}

	id, _ := c.Send(t.Context(), bot.Outgoing{Chat: bot.ChatRef{ChatID: "water"}, HTML: "<b>#12</b> 路灯 &lt;b&gt; <a href=\"https://x\">link</a>",
		Buttons: [][]bot.Button{{{Label: "认领", Data: "c:claim:12"}, {Label: "退回", Data: "c:return:12"}}}})
	f.line(t, ":press 2")
	p := f.next(t)
	if p.Kind != bot.UpdateButton || p.Data != "c:return:12" || p.MessageID != id || p.PressID == "" {
		t.Fatalf("press: %+v", p)
	}
	f.line(t, ":reply "+id+" 已修复")
	rp := f.next(t)
	if rp.Kind != bot.UpdateReply || rp.ReplyTo != id || rp.Text != "已修复" || rp.Chat.ChatID != "water" {
		t.Fatalf("reply: %+v", rp)
	}
	if err := c.Edit(t.Context(), bot.ChatRef{ChatID: "water"}, id, bot.Outgoing{HTML: "#12 claimed"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Edit(t.Context(), bot.ChatRef{ChatID: "water"}, "999", bot.Outgoing{HTML: "x"}); err == nil {
		t.Fatal("editing an unknown message must fail")
	}
	f.line(t, "# a comment, as in the README's walkthrough")
	f.line(t, ":as 7")
	f.line(t, ":press 9")
	f.line(t, ":bogus")
	f.line(t, "hello")
	f.line(t, ":who")
	deadline := time.Now().Add(5 * time.Second)
	// ":as 7" and the final ":who" print the same line: wait for both.
	for strings.Count(out.String(), "you are u7 (id 7) in a private chat") < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	text := out.String()
	for _, want := range []string{
		"── water · message 1 ──\n#12 路灯 <b> link (https://x)\n[1] 认领  [2] 退回",
		"── water · message 1 (edited) ──\n#12 claimed",
		"usage: :press N", "unknown control :bogus", "commands start with '/'",
		"you are u7 (id 7) in a private chat",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "commands start with '/'"); n != 1 {
		t.Errorf("only the chatter gets the hint, not the comment: %d hints", n)
	}
	select {
	case u := <-f.got:
		t.Fatalf("controls and chatter must not become updates: %+v", u)
	default:
	}
}

func TestConsoleStopsAtEndOfInput(t *testing.T) {
	c := New(strings.NewReader("/help\n"), io.Discard, clock)
	n := 0
	if err := c.Receive(t.Context(), func(context.Context, bot.Update) { n++ }); err != nil || n != 1 {
		t.Fatalf("Receive = %v after %d updates", err, n)
	}
}

// TestConsoleIDsCarryItsStart: update ids start with the clock's time at
// New, so that the ids of a later run never repeat those of an earlier one.
func TestConsoleIDsCarryItsStart(t *testing.T) {
	var ids []string
	for _, at := range []time.Time{clock(), clock().Add(time.Second)} {
		c := New(strings.NewReader("/help\n"), io.Discard, func() time.Time { return at })
		if err := c.Receive(t.Context(), func(_ context.Context, u bot.Update) { ids = append(ids, u.ID) }); err != nil {
			t.Fatal(err)
		}
	}
	if len(ids) != 2 || ids[0] != "1767225600000000000-1" || ids[1] != "1767225601000000000-1" {
		t.Fatalf("update ids: %q", ids)
	}
}

// TestConsoleNumbersEachChatApart: a chat's message numbers do not depend
// on what other chats were shown meanwhile (delivery to different chats
// runs side by side), so "message 5 of water" is the same whatever order
// the chats' messages came in; a press and an edit find the message of
// their own chat.
func TestConsoleNumbersEachChatApart(t *testing.T) {
	r, w := io.Pipe()
	out := &buftest.Buffer{}
	c := New(r, out, clock)
	f := start(t, c, r)
	f.w = w
	send := func(chat, html string, buttons ...bot.Button) string {
		t.Helper()
		var rows [][]bot.Button
		if len(buttons) > 0 {
			rows = [][]bot.Button{buttons}
		}
		id, err := c.Send(t.Context(), bot.Outgoing{Chat: bot.ChatRef{ChatID: chat}, HTML: html, Buttons: rows})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	w1 := send("water", "w1", bot.Button{Label: "认领", Data: "c:claim:1"})
	d1 := send("dispatch", "d1", bot.Button{Label: "详情", Data: "c:details:1"})
	d2 := send("dispatch", "d2")
	w2 := send("water", "w2")
	if w1 != "1" || d1 != "1" || d2 != "2" || w2 != "2" {
		t.Fatalf("numbers water %s %s, dispatch %s %s; want 1 2 in each", w1, w2, d1, d2)
	}
	f.line(t, ":as 2 in water")
	f.line(t, ":press 1")
	if p := f.next(t); p.Data != "c:claim:1" || p.MessageID != "1" || p.Chat.ChatID != "water" {
		t.Fatalf("a press in water: %+v", p)
	}
	if err := c.Edit(t.Context(), bot.ChatRef{ChatID: "dispatch"}, "2", bot.Outgoing{HTML: "d2 edited"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Edit(t.Context(), bot.ChatRef{ChatID: "water"}, "3", bot.Outgoing{HTML: "x"}); err == nil {
		t.Fatal("water has no message 3: the edit must fail")
	}
	for _, want := range []string{"── water · message 2 ──\nw2", "── dispatch · message 2 (edited) ──\nd2 edited"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestConsoleForcedReplySaysHowToReply: a terminal opens no reply, so a
// prompt that wants one says how to give it.
func TestConsoleForcedReplySaysHowToReply(t *testing.T) {
	out := &buftest.Buffer{}
	c := New(strings.NewReader(""), out, clock)
	id, err := c.Send(t.Context(), bot.Outgoing{Chat: bot.ChatRef{ChatID: "1"}, HTML: "Reply with your answer to #3.", ForceReply: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "[:reply " + id + " TEXT]"; !strings.Contains(out.String(), want) {
		t.Fatalf("output %q lacks %q", out.String(), want)
	}
	if _, err := c.Send(t.Context(), bot.Outgoing{Chat: bot.ChatRef{ChatID: "1"}, HTML: "plain"}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "[:reply"); n != 1 {
		t.Fatalf("a plain message says how to reply too: %q", out.String())
	}
}
