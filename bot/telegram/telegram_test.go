package telegram

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/botapitest"
)

var testCommands = []CommandInfo{
	{Name: "claim", Description: map[string]string{"zh": "认领诉求", "en": "Claim an appeal"}},
	{Name: "help", Description: map[string]string{"zh": "帮助", "en": "Help"}},
}

func newTransport(t *testing.T, s *botapitest.Server, edit func(*Config)) *Transport {
	t.Helper()
	cfg := Config{Token: botapitest.Token, APIURL: s.URL(), PollTimeout: time.Second, Commands: testCommands}
	if edit != nil {
		edit(&cfg)
	}
	tr, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return tr
}

// receiver runs Receive in the background and collects updates.
type receiver struct {
	updates chan bot.Update
	cancel  context.CancelFunc
	done    chan error
}

func startReceive(t *testing.T, tr *Transport) *receiver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &receiver{updates: make(chan bot.Update, 100), cancel: cancel, done: make(chan error, 1)}
	go func() {
		r.done <- tr.Receive(ctx, func(_ context.Context, u bot.Update) { r.updates <- u })
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels Receive and waits (generously) for it to return.
func (r *receiver) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok && err != nil {
			t.Errorf("Receive: %v", err)
		}
		if ok {
			close(r.done)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Receive did not return within 5s of cancel")
	}
}

// next waits for n updates.
func (r *receiver) next(t *testing.T, n int, timeout time.Duration) []bot.Update {
	t.Helper()
	var out []bot.Update
	deadline := time.After(timeout)
	for len(out) < n {
		select {
		case u := <-r.updates:
			out = append(out, u)
		case <-deadline:
			t.Fatalf("got %d of %d updates: %+v", len(out), n, out)
		}
	}
	return out
}

var ann = botapitest.User{ID: 42, Username: "ann", FirstName: "Ann", LastName: "Lee", LanguageCode: "zh"}

func TestSendEditAnswer(t *testing.T) {
	s := botapitest.New(t)
	tr := newTransport(t, s, nil)
	ctx := context.Background()
	if tr.Network() != "telegram" || tr.Username() != botapitest.BotUsername || tr.BotID() != botapitest.BotID {
		t.Fatalf("identity %q %q %d", tr.Network(), tr.Username(), tr.BotID())
	}

	group := bot.ChatRef{ChatID: "-1001234567890", TopicID: "7"}
	first, err := tr.Send(ctx, bot.Outgoing{Chat: group, HTML: "<b>诉求 #12</b> &lt;路灯&gt;",
		Buttons: [][]bot.Button{{{Label: "认领", Data: "claim:12"}, {Label: "退回", Data: "return:12"}}}})
	if err != nil {
		t.Fatal(err)
	}
	second, err := tr.Send(ctx, bot.Outgoing{Chat: group, HTML: "reply", ReplyTo: first})
	if err != nil {
		t.Fatal(err)
	}
	if first != "1" || second != "2" {
		t.Errorf("message ids %q %q", first, second)
	}
	sent := s.Sent()
	if len(sent) != 2 {
		t.Fatalf("sent %+v", sent)
	}
	m := sent[0]
	if m.ChatID != -1001234567890 || m.ThreadID != 7 || m.ParseMode != "HTML" || m.Text != "<b>诉求 #12</b> &lt;路灯&gt;" ||
		m.Plain != "诉求 #12 <路灯>" || len(m.Buttons) != 1 || m.Buttons[0][1] != (botapitest.Button{Text: "退回", Data: "return:12"}) {
		t.Errorf("first message %+v", m)
	}
	if sent[1].ReplyTo != 1 {
		t.Errorf("reply_to %d", sent[1].ReplyTo)
	}

	if err := tr.Edit(ctx, group, first, bot.Outgoing{HTML: "<b>诉求 #12</b> claimed"}); err != nil {
		t.Fatal(err)
	}
	// The same content again: Telegram says "not modified", Edit says nil.
	if err := tr.Edit(ctx, group, first, bot.Outgoing{HTML: "<b>诉求 #12</b> claimed"}); err != nil {
		t.Errorf("not-modified edit: %v", err)
	}
	if got := s.Messages(-1001234567890)[0]; got.Text != "<b>诉求 #12</b> claimed" || got.Buttons != nil {
		t.Errorf("after edit %+v", got)
	}
	if n := len(s.Edits()); n != 1 {
		t.Errorf("%d edits recorded, want 1", n)
	}
	if err := tr.Edit(ctx, group, "99", bot.Outgoing{HTML: "x"}); !isKind(err, bot.Permanent) {
		t.Errorf("edit of a missing message: %v", err)
	}

	qid := s.PressButton(-1001234567890, 1, ann, "claim:12")
	if err := tr.AnswerButton(ctx, qid, "已认领"); err != nil {
		t.Fatal(err)
	}
	if err := tr.AnswerButton(ctx, qid, ""); err != nil {
		t.Fatal(err)
	}
	if cb := s.Callbacks(); len(cb) != 2 || cb[0].QueryID != qid || cb[0].Text != "已认领" || cb[1].Text != "" {
		t.Errorf("callbacks %+v", cb)
	}
}

func isKind(err error, k bot.ErrorKind) bool {
	kind, _ := bot.Classify(err)
	return kind == k
}

func TestErrors(t *testing.T) {
	s := botapitest.New(t)
	tr := newTransport(t, s, nil)
	ctx := context.Background()
	out := func(chat string) bot.Outgoing { return bot.Outgoing{Chat: bot.ChatRef{ChatID: chat}, HTML: "x"} }

	s.FailNext("sendMessage", 1, 429, "", 3)
	_, err := tr.Send(ctx, out("5"))
	var be *bot.Error
	if !errors.As(err, &be) || be.Kind != bot.RateLimited || be.RetryAfter != 3*time.Second || be.Global {
		t.Errorf("429: %#v", err)
	}

	s.FailNext("sendMessage", 1, 500, "", 0)
	if _, err := tr.Send(ctx, out("5")); !isKind(err, bot.Temporary) {
		t.Errorf("500: %v", err)
	}

	s.KickFrom(-77)
	_, err = tr.Send(ctx, out("-77"))
	if !errors.As(err, &be) || be.Kind != bot.Permanent || be.Reason != "Forbidden: bot was kicked from the group chat" {
		t.Errorf("kicked: %v", err)
	}

	s.MigrateChat(-78, -1000000000078)
	_, err = tr.Send(ctx, out("-78"))
	if !errors.As(err, &be) || be.Kind != bot.Permanent || !strings.HasSuffix(be.Reason, MigratedReason+"-1000000000078") || be.MovedTo != "-1000000000078" {
		t.Errorf("migrated: %v", err)
	}

	if _, err := tr.Send(ctx, bot.Outgoing{Chat: bot.ChatRef{ChatID: "5"}, HTML: "a < b"}); !isKind(err, bot.Permanent) ||
		!strings.Contains(err.Error(), "can't parse entities") {
		t.Errorf("bad HTML: %v", err)
	}
	if _, err := tr.Send(ctx, out("!room:example.org")); !isKind(err, bot.Permanent) {
		t.Errorf("non-numeric chat: %v", err)
	}
	long := strings.Repeat("x", 65)
	if _, err := tr.Send(ctx, bot.Outgoing{Chat: bot.ChatRef{ChatID: "5"}, HTML: "x", Buttons: [][]bot.Button{{{Label: "b", Data: long}}}}); !isKind(err, bot.Permanent) {
		t.Errorf("long button data: %v", err)
	}

	s.Hang("sendMessage", 1)
	hctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err = tr.Send(hctx, out("5"))
	cancel()
	if !isKind(err, bot.Temporary) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hung call: %v", err)
	}

	// Network errors are Temporary and never show the token.
	s.Close()
	_, err = tr.Send(ctx, out("5"))
	if !isKind(err, bot.Temporary) {
		t.Errorf("server gone: %v", err)
	}
	_, secret, _ := strings.Cut(botapitest.Token, ":")
	if err == nil || strings.Contains(err.Error(), secret) || strings.Contains(errors.Unwrap(err).Error(), secret) {
		t.Errorf("error shows the token: %v", err)
	}
}

func TestCommandMenu(t *testing.T) {
	s := botapitest.New(t)
	newTransport(t, s, nil)
	cmds := s.Commands()
	want := map[string]string{"zh": "认领诉求", "en": "Claim an appeal", "": "认领诉求"}
	for lang, desc := range want {
		if len(cmds[lang]) != 2 || cmds[lang][0] != (botapitest.Command{Command: "claim", Description: desc}) {
			t.Errorf("menu %q: %+v", lang, cmds[lang])
		}
	}

	// A refused menu does not stop the bot.
	s2 := botapitest.New(t)
	s2.FailNext("setMyCommands", 3, 400, "Bad Request: BOT_COMMAND_INVALID", 0)
	newTransport(t, s2, nil)
	if len(s2.Commands()) != 0 {
		t.Errorf("commands recorded %v", s2.Commands())
	}
}

func TestNewErrors(t *testing.T) {
	s := botapitest.New(t)
	s.FailNext("getMe", 1, 401, "Unauthorized", 0)
	_, err := New(context.Background(), Config{Token: botapitest.Token, APIURL: s.URL()}, nil)
	if !isKind(err, bot.Permanent) {
		t.Errorf("getMe refused: %v", err)
	}
	_, err = New(context.Background(), Config{WebhookURL: "https://example.org/hook"}, nil)
	for _, want := range []string{"token", "secret", "listen"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config error %v does not mention %s", err, want)
		}
	}
}

func TestReceiveLongPolling(t *testing.T) {
	s := botapitest.New(t)
	tr := newTransport(t, s, nil)
	card, err := tr.Send(context.Background(), bot.Outgoing{Chat: bot.ChatRef{ChatID: "-500"}, HTML: "card"})
	if err != nil {
		t.Fatal(err)
	}
	bob := botapitest.User{ID: 43, FirstName: "Bob"}

	// Updates the bot must ignore.
	ignored := map[string]bool{}
	ignore := func(id int64) { ignored[itoa(id)] = true }
	ignore(s.SendCommand(-500, "group", ann, "/claim@other_bot 12"))
	ignore(s.SendText(-500, ann, "plain chatter", 0))
	_, bobMsg := s.UserMessage(botapitest.Incoming{ChatID: -500, From: bob, Text: "bob says"})
	ignore(s.SendText(-500, ann, "reply to bob", bobMsg))
	ignore(s.AddUpdate(map[string]any{"edited_message": map[string]any{"message_id": 1, "date": 0,
		"chat": map[string]any{"id": -500, "type": "group"}, "text": "/claim 1",
		"entities": []map[string]any{{"type": "bot_command", "offset": 0, "length": 6}}}}))

	idCmd := itoa(s.SendCommand(-500, "group", ann, "/Claim@appeal_test_bot   12 urgent"))
	idPrivate := itoa(s.SendCommand(42, "private", ann, "/start"))
	idReplyCmd := itoa(s.SendText(-500, ann, "/role add dispatcher", bobMsg))
	idReply := itoa(s.SendText(-500, ann, "路灯已修复", 1))
	idTopic, _ := s.UserMessage(botapitest.Incoming{ChatID: -1000000000600, ChatType: "supergroup", ThreadID: 9, From: ann, Text: "/help"})
	qid := s.PressButton(-500, 1, ann, "claim:12")
	idJoin := itoa(s.AddMembers(-500, bob, botapitest.BotUser()))
	idMigrate := itoa(s.MigrateChat(-500, -1000000000500))

	r := startReceive(t, tr)
	got := map[string]bot.Update{}
	for _, u := range r.next(t, 8, 10*time.Second) {
		got[u.ID] = u
	}
	r.stop(t)
	close(r.updates)
	for u := range r.updates {
		got[u.ID] = u
	}
	for id := range ignored {
		if u, ok := got[id]; ok {
			t.Errorf("update %s should be ignored: %+v", id, u)
		}
	}

	annUser := bot.User{ID: "42", Username: "ann", DisplayName: "Ann Lee", Language: "zh"}
	check := func(id string, want bot.Update) {
		t.Helper()
		u := got[id]
		want.ID = id
		if !equalUpdate(u, want) {
			t.Errorf("update %s:\n got %+v\nwant %+v", id, u, want)
		}
	}
	group := bot.Chat{ChatRef: bot.ChatRef{ChatID: "-500"}, Title: "Group -500"}
	check(idCmd, bot.Update{Kind: bot.UpdateCommand, Chat: group, From: annUser, MessageID: "6", Command: "claim", Args: "12 urgent"})
	check(idPrivate, bot.Update{Kind: bot.UpdateCommand, Chat: bot.Chat{ChatRef: bot.ChatRef{ChatID: "42"}, Private: true},
		From: annUser, MessageID: "1", Command: "start"})
	check(idReplyCmd, bot.Update{Kind: bot.UpdateCommand, Chat: group, From: annUser, MessageID: "7", Command: "role",
		Args: "add dispatcher", ReplyTo: itoa(bobMsg), ReplyToUser: &bot.User{ID: "43", DisplayName: "Bob"}})
	check(idReply, bot.Update{Kind: bot.UpdateReply, Chat: group, From: annUser, MessageID: "8", Text: "路灯已修复", ReplyTo: card,
		ReplyToUser: &bot.User{ID: itoa(botapitest.BotID), Username: botapitest.BotUsername, DisplayName: botapitest.BotName}})
	check(itoa(idTopic), bot.Update{Kind: bot.UpdateCommand, Chat: bot.Chat{ChatRef: bot.ChatRef{ChatID: "-1000000000600", TopicID: "9"},
		Title: "Group -1000000000600"}, From: annUser, MessageID: "1", Command: "help"})
	var press bot.Update
	for _, u := range got {
		if u.Kind == bot.UpdateButton {
			press = u
		}
	}
	if press.PressID != qid || press.Data != "claim:12" || press.MessageID != "1" || press.Chat.ChatID != "-500" || press.From != annUser {
		t.Errorf("button press %+v", press)
	}
	join := got[idJoin]
	if join.Kind != bot.UpdateJoined || len(join.Joined) != 2 || join.Joined[1].ID != itoa(botapitest.BotID) || join.From.ID != "43" {
		t.Errorf("join %+v", join)
	}
	mig := got[idMigrate]
	if mig.Kind != bot.UpdateMigrated || mig.Chat.ChatID != "-500" || mig.NewChatID != "-1000000000500" {
		t.Errorf("migration %+v", mig)
	}
	// Receive confirmed everything it fetched before returning.
	if n := s.Pending(); n != 0 {
		t.Errorf("%d updates left unconfirmed", n)
	}
}

func equalUpdate(a, b bot.Update) bool {
	if (a.ReplyToUser == nil) != (b.ReplyToUser == nil) || (a.ReplyToUser != nil && *a.ReplyToUser != *b.ReplyToUser) {
		return false
	}
	a.ReplyToUser, b.ReplyToUser = nil, nil
	return a.ID == b.ID && a.Kind == b.Kind && a.Chat == b.Chat && a.From == b.From && a.MessageID == b.MessageID &&
		a.Command == b.Command && a.Args == b.Args && a.Text == b.Text && a.ReplyTo == b.ReplyTo &&
		a.PressID == b.PressID && a.Data == b.Data && len(a.Joined) == len(b.Joined) && a.NewChatID == b.NewChatID
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestReceiveStopsDuringLongPoll(t *testing.T) {
	s := botapitest.New(t)
	tr := newTransport(t, s, func(c *Config) { c.PollTimeout = 30 * time.Second })
	r := startReceive(t, tr)
	s.WaitFor(t, func(s *botapitest.Server) bool { return s.Calls("getUpdates") >= 1 }, 5*time.Second)
	time.Sleep(50 * time.Millisecond) // well inside the 30s poll
	r.stop(t)
}

func TestReceiveWaitsForHandlers(t *testing.T) {
	s := botapitest.New(t)
	tr := newTransport(t, s, nil)
	ctx, cancel := context.WithCancel(context.Background())
	started, release := make(chan struct{}), make(chan struct{})
	var running, peak atomic.Int32
	done := make(chan error, 1)
	go func() {
		done <- tr.Receive(ctx, func(hctx context.Context, u bot.Update) {
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			started <- struct{}{}
			<-release
			if hctx.Err() != nil {
				t.Error("handler context was cancelled with Receive's")
			}
			running.Add(-1)
		})
	}()
	for i := range MaxHandlers + 4 {
		s.SendCommand(int64(1000+i), "private", ann, "/start")
	}
	for range MaxHandlers {
		<-started
	}
	select {
	case <-started:
		t.Fatal("more than MaxHandlers handlers at once")
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	select {
	case <-done:
		t.Fatal("Receive returned before its handlers")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	go func() {
		for range started {
		}
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Receive did not return")
	}
	close(started)
	if p := peak.Load(); p > MaxHandlers {
		t.Errorf("peak concurrency %d", p)
	}
}

func TestReceiveSurvivesOutage(t *testing.T) {
	s := botapitest.New(t)
	tr := newTransport(t, s, nil)
	r := startReceive(t, tr)
	s.SendCommand(-1, "group", ann, "/help")
	r.next(t, 1, 5*time.Second)

	s.SetDown(true)
	time.Sleep(1500 * time.Millisecond)
	s.SetDown(false)
	s.SendCommand(-1, "group", ann, "/claim 3")
	if u := r.next(t, 1, 20*time.Second)[0]; u.Command != "claim" || u.Args != "3" {
		t.Errorf("after outage %+v", u)
	}

	// A 429 on getUpdates is waited out (retry_after), then polling resumes.
	s.FailNext("getUpdates", 1, 429, "", 1)
	time.Sleep(1100 * time.Millisecond) // let the current poll end
	s.SendCommand(-1, "group", ann, "/claim 4")
	if u := r.next(t, 1, 10*time.Second)[0]; u.Args != "4" {
		t.Errorf("after 429 %+v", u)
	}
	if s.Count429() != 1 {
		t.Errorf("Count429 = %d", s.Count429())
	}
}

func TestReceiveRedelivery(t *testing.T) {
	s := botapitest.New(t)
	tr := newTransport(t, s, nil)
	r := startReceive(t, tr)
	id := s.SendCommand(-1, "group", ann, "/claim 5")
	first := r.next(t, 1, 5*time.Second)[0]
	s.RepeatUpdate(id)
	again := r.next(t, 1, 5*time.Second)[0]
	if first.ID != itoa(id) || again.ID != first.ID || again.Command != "claim" {
		t.Errorf("first %+v, again %+v", first, again)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestReceiveWebhook(t *testing.T) {
	s := botapitest.New(t)
	addr := freeAddr(t)
	hook := "http://" + addr + "/tg/hook"
	tr := newTransport(t, s, func(c *Config) {
		c.WebhookURL, c.WebhookSecret, c.WebhookListen = hook, "s3cret-token", addr
	})
	r := startReceive(t, tr)
	s.WaitFor(t, func(s *botapitest.Server) bool { u, _ := s.Webhook(); return u != "" }, 5*time.Second)
	if u, secret := s.Webhook(); u != hook || secret != "s3cret-token" {
		t.Fatalf("webhook %q %q", u, secret)
	}

	// Through the server: it POSTs the update with the secret.
	id := s.SendCommand(-1, "group", ann, "/claim 6")
	if u := r.next(t, 1, 5*time.Second)[0]; u.ID != itoa(id) || u.Args != "6" {
		t.Errorf("webhook update %+v", u)
	}

	post := func(secret, body string) int {
		req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	update := `{"update_id":900,"message":{"message_id":5,"date":1,"chat":{"id":-1,"type":"group","title":"G"},
		"from":{"id":42,"is_bot":false,"first_name":"Ann"},"text":"/help","entities":[{"type":"bot_command","offset":0,"length":5}]}}`
	if code := post("wrong", update); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d", code)
	}
	if code := post("", update); code != http.StatusUnauthorized {
		t.Errorf("no secret: %d", code)
	}
	if code := post("s3cret-token", update); code != http.StatusOK {
		t.Errorf("right secret: %d", code)
	}
	if u := r.next(t, 1, 5*time.Second)[0]; u.ID != "900" || u.Command != "help" {
		t.Errorf("posted update %+v", u)
	}
	resp, err := http.Get(hook)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET: %d", resp.StatusCode)
		}
	}
	select {
	case u := <-r.updates:
		t.Errorf("unexpected update %+v", u)
	default:
	}
	r.stop(t)
	if u, _ := s.Webhook(); u != hook {
		t.Errorf("webhook removed at shutdown: %q", u)
	}
}

// TestReceiveWebhookStopsWithASpareConnection: a connection that never
// carries a request (HTTP clients, Go's among them, open spares) does not
// hold up the stop. net/http's Shutdown waits up to 5 s for such a
// connection; Receive closes it instead and returns at once.
func TestReceiveWebhookStopsWithASpareConnection(t *testing.T) {
	s := botapitest.New(t)
	addr := freeAddr(t)
	hook := "http://" + addr + "/tg/hook"
	tr := newTransport(t, s, func(c *Config) {
		c.WebhookURL, c.WebhookSecret, c.WebhookListen = hook, "s3cret-token", addr
	})
	r := startReceive(t, tr)
	s.WaitFor(t, func(s *botapitest.Server) bool { u, _ := s.Webhook(); return u != "" }, 5*time.Second)
	spare, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer spare.Close()
	// A request on a connection dialled after the spare is answered, so
	// the server has accepted the spare (it accepts in order).
	req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(`{"update_id":1}`))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret-token")
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// Stop. Shutdown has begun once the listener refuses connections, and
	// the spare is closed before that: by then its end is on its way.
	r.cancel()
	for deadline := time.Now().Add(5 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the webhook listener still takes connections 5 s after the stop")
		}
	}
	if err := spare.SetReadDeadline(time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if n, err := spare.Read(make([]byte, 1)); n != 0 || err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the spare connection is still open while the server shuts down (it would wait 5 s for it): %d, %v", n, err)
	}
	r.stop(t)
}

func TestReceiveWebhookRefused(t *testing.T) {
	s := botapitest.New(t)
	addr := freeAddr(t)
	tr := newTransport(t, s, func(c *Config) {
		c.WebhookURL, c.WebhookSecret, c.WebhookListen = "http://"+addr+"/", "s", addr
	})
	s.FailNext("setWebhook", 1, 400, "Bad Request: bad webhook: HTTPS url must be provided for webhook", 0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := tr.Receive(ctx, func(context.Context, bot.Update) {})
	if !isKind(err, bot.Permanent) || ctx.Err() != nil {
		t.Errorf("Receive with a refused webhook: %v", err)
	}
}

func TestReceiveOnce(t *testing.T) {
	s := botapitest.New(t)
	tr := newTransport(t, s, nil)
	startReceive(t, tr)
	s.WaitFor(t, func(s *botapitest.Server) bool { return s.Calls("getUpdates") >= 1 }, 5*time.Second)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := tr.Receive(context.Background(), func(context.Context, bot.Update) {}); err == nil {
			t.Error("second Receive ran")
		}
	}()
	wg.Wait()
}
