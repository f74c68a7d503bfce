package botapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

func call(t *testing.T, s *Server, method string, params map[string]any) answer {
	t.Helper()
	body, _ := json.Marshal(params)
	resp, err := http.Post(s.URL()+"/bot"+Token+"/"+method, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("%s: decode: %v", method, err)
	}
	if !a.OK && resp.StatusCode != a.ErrorCode {
		t.Errorf("%s: HTTP status %d, error_code %d", method, resp.StatusCode, a.ErrorCode)
	}
	return a
}

func mustOK(t *testing.T, a answer) answer {
	t.Helper()
	if !a.OK {
		t.Fatalf("want ok, got %d %q", a.ErrorCode, a.Description)
	}
	return a
}

func wantErr(t *testing.T, a answer, code int, desc string) {
	t.Helper()
	if a.OK || a.ErrorCode != code || !strings.HasPrefix(a.Description, desc) {
		t.Errorf("got ok=%v %d %q, want %d %q...", a.OK, a.ErrorCode, a.Description, code, desc)
	}
}

func TestTokenShape(t *testing.T) {
	if !regexp.MustCompile(`^\d+:[\w-]{35}$`).MatchString(Token) {
		t.Fatalf("Token %q does not match telego's pattern", Token)
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		in, plain, err string
	}{
		{in: "plain", plain: "plain"},
		{in: "<b>bold</b> &lt;x&gt; &amp; &quot;q&quot; a > b", plain: `bold <x> & "q" a > b`},
		{in: `<a href="https://e.x/?a=1&amp;b=2">link</a>`, plain: "link"},
		{in: `<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>`, plain: "st"},
		{in: "<B>x</B><strong><i>y</i></strong><em>z</em><u>u</u><ins>i</ins><s>s</s><strike>k</strike><del>d</del>", plain: "xyzuiskd"},
		{in: `<pre><code class="language-go">x</code></pre><blockquote expandable>q</blockquote>`, plain: "xq"},
		{in: "&#20320;&#x597D;", plain: "你好"},
		{in: "<b>x", err: `Can't find end tag corresponding to start tag "b"`},
		{in: "<b><i>x</b></i>", err: `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{in: "x</b>", err: "Unexpected end tag at byte offset 1"},
		{in: "<foo>x</foo>", err: `Unsupported start tag "foo" at byte offset 0`},
		{in: "<br/>", err: `Unsupported start tag "br/" at byte offset 0`},
		{in: "1 < 2", err: "Unclosed start tag at byte offset 2"},
		{in: "1 < 2 and <b>x</b>", err: "Unclosed start tag at byte offset 2"},
		{in: "a & b", err: "Character entity expected at byte offset 2"},
		{in: "&foo", err: "Character entity expected at byte offset 0"},
		{in: "&foo; bar", err: `Unsupported HTML entity "&foo;" at byte offset 0`},
		{in: "&nbsp;", err: `Unsupported HTML entity "&nbsp;"`},
		{in: `<span class="x">y</span>`, err: `Tag "span" must have class "tg-spoiler"`},
		{in: `<a href="x>y">z</a>`, plain: "z"},
	}
	for _, tt := range tests {
		plain, err := PlainText(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
			t.Errorf("PlainText(%q) error = %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || plain != tt.plain):
			t.Errorf("PlainText(%q) = %q, %v, want %q", tt.in, plain, err, tt.plain)
		}
	}
}

func TestSendValidation(t *testing.T) {
	s := New(t)
	long := strings.Repeat("я", MaxTextLength)
	tests := []struct {
		name   string
		params map[string]any
		code   int
		desc   string
	}{
		{"ok", map[string]any{"chat_id": 5, "text": "hi"}, 0, ""},
		{"chat id as string", map[string]any{"chat_id": "-5", "text": "hi"}, 0, ""},
		{"4096 characters", map[string]any{"chat_id": 5, "text": long}, 0, ""},
		{"4096 characters after tags", map[string]any{"chat_id": 5, "text": "<b>" + long + "</b>", "parse_mode": "HTML"}, 0, ""},
		{"empty", map[string]any{"chat_id": 5, "text": ""}, 400, "Bad Request: message text is empty"},
		{"only tags", map[string]any{"chat_id": 5, "text": "<b> </b>", "parse_mode": "HTML"}, 400, "Bad Request: message text is empty"},
		{"too long", map[string]any{"chat_id": 5, "text": long + "x"}, 400, "Bad Request: message is too long"},
		{"bad html", map[string]any{"chat_id": 5, "text": "a < b", "parse_mode": "HTML"}, 400, "Bad Request: can't parse entities: "},
		{"html ignored without parse mode", map[string]any{"chat_id": 5, "text": "a < b"}, 0, ""},
		{"no chat", map[string]any{"text": "x"}, 400, "Bad Request: chat_id is empty"},
		{"username", map[string]any{"chat_id": "@someone", "text": "x"}, 400, "Bad Request: chat not found"},
		{"data too long", map[string]any{"chat_id": 5, "text": "x", "reply_markup": map[string]any{
			"inline_keyboard": [][]map[string]any{{{"text": "b", "callback_data": strings.Repeat("d", 65)}}}}}, 400, "Bad Request: BUTTON_DATA_INVALID"},
		{"data 64 bytes", map[string]any{"chat_id": 5, "text": "x", "reply_markup": map[string]any{
			"inline_keyboard": [][]map[string]any{{{"text": "b", "callback_data": strings.Repeat("d", 64)}}}}}, 0, ""},
		{"reply to missing", map[string]any{"chat_id": 5, "text": "x", "reply_parameters": map[string]any{"message_id": 999}}, 400, "Bad Request: message to be replied not found"},
		{"reply to missing allowed", map[string]any{"chat_id": 5, "text": "x", "reply_parameters": map[string]any{"message_id": 999, "allow_sending_without_reply": true}}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, s, "sendMessage", tt.params)
			if tt.code == 0 {
				mustOK(t, a)
				return
			}
			wantErr(t, a, tt.code, tt.desc)
		})
	}
	if n := len(s.Sent()); n != 7 {
		t.Errorf("recorded %d messages, want 7", n)
	}
}

func TestUnknownMethodAndToken(t *testing.T) {
	s := New(t)
	wantErr(t, call(t, s, "sendDice", map[string]any{"chat_id": 5}), 404, "Not Found")
	resp, err := http.Post(s.URL()+"/bot1:wrong/getMe", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong token: status %d, want 401", resp.StatusCode)
	}
}

func TestFormAndMultipart(t *testing.T) {
	s := New(t)
	form := url.Values{"chat_id": {"7"}, "text": {"<i>x</i>"}, "parse_mode": {"HTML"},
		"reply_markup": {`{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}`}}
	resp, err := http.PostForm(s.URL()+"/bot"+Token+"/sendMessage", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("form sendMessage: %d", resp.StatusCode)
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("chat_id", "7")
	_ = mw.WriteField("caption", "chart")
	fw, _ := mw.CreateFormFile("photo", "chart.png")
	_, _ = fw.Write(make([]byte, 1234))
	mw.Close()
	resp, err = http.Post(s.URL()+"/bot"+Token+"/sendPhoto", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("sendPhoto: %d", resp.StatusCode)
	}
	sent := s.Sent()
	if len(sent) != 2 || sent[0].Plain != "x" || sent[0].Buttons[0][0] != (Button{Text: "A", Data: "a"}) ||
		sent[1].Text != "chart" || sent[1].PhotoSize != 1234 || sent[1].MessageID != 2 {
		t.Errorf("recorded %+v", sent)
	}
}

func TestEdit(t *testing.T) {
	s := New(t)
	kb := map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "A", "callback_data": "a"}}}}
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": -5, "text": "<b>v1</b>", "parse_mode": "HTML", "reply_markup": kb}))
	wantErr(t, call(t, s, "editMessageText", map[string]any{"chat_id": -5, "message_id": 1, "text": "<b>v1</b>", "parse_mode": "HTML", "reply_markup": kb}),
		400, NotModified)
	wantErr(t, call(t, s, "editMessageText", map[string]any{"chat_id": -5, "message_id": 9, "text": "x"}), 400, "Bad Request: message to edit not found")
	mustOK(t, call(t, s, "editMessageText", map[string]any{"chat_id": -5, "message_id": 1, "text": "<b>v1</b>", "parse_mode": "HTML"}))
	mustOK(t, call(t, s, "editMessageReplyMarkup", map[string]any{"chat_id": -5, "message_id": 1, "reply_markup": kb}))
	wantErr(t, call(t, s, "editMessageReplyMarkup", map[string]any{"chat_id": -5, "message_id": 1, "reply_markup": kb}), 400, NotModified)
	mustOK(t, call(t, s, "editMessageText", map[string]any{"chat_id": -5, "message_id": 1, "text": "v2"}))
	msgs := s.Messages(-5)
	if len(msgs) != 1 || msgs[0].Text != "v2" || msgs[0].Buttons != nil {
		t.Errorf("messages %+v", msgs)
	}
	if n := len(s.Edits()); n != 3 {
		t.Errorf("%d edits recorded, want 3", n)
	}
}

func TestChatStates(t *testing.T) {
	s := New(t)
	s.KickFrom(-5)
	wantErr(t, call(t, s, "sendMessage", map[string]any{"chat_id": -5, "text": "x"}), 403, "Forbidden: bot was kicked from the group chat")
	s.MigrateChat(-6, -1000000000006)
	a := call(t, s, "sendMessage", map[string]any{"chat_id": -6, "text": "x"})
	wantErr(t, a, 400, "Bad Request: group chat was upgraded to a supergroup chat")
	if a.Parameters.MigrateToChatID != -1000000000006 {
		t.Errorf("migrate_to_chat_id = %d", a.Parameters.MigrateToChatID)
	}
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": -1000000000006, "text": "x"}))
}

func TestFaults(t *testing.T) {
	s := New(t)
	s.FailNext("sendMessage", 2, 429, "", 7)
	for range 2 {
		a := call(t, s, "sendMessage", map[string]any{"chat_id": 1, "text": "x"})
		wantErr(t, a, 429, "Too Many Requests: retry after 7")
		if a.Parameters.RetryAfter != 7 {
			t.Errorf("retry_after %d", a.Parameters.RetryAfter)
		}
	}
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": 1, "text": "x"}))
	if s.Count429() != 2 {
		t.Errorf("Count429 = %d", s.Count429())
	}

	s.Hang("getMe", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+Token+"/getMe", nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("hung call answered")
	}
	mustOK(t, call(t, s, "getMe", nil))

	s.SetDown(true)
	resp, err := http.Post(s.URL()+"/bot"+Token+"/getMe", "application/json", nil)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadGateway {
			t.Errorf("down: status %d", resp.StatusCode)
		}
	}
	s.SetDown(false)
	mustOK(t, call(t, s, "getMe", nil))
}

func TestLimits(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := New(t, WithLimits(TelegramLimits()), WithClock(clock))
	send := func(chat int64) answer {
		return call(t, s, "sendMessage", map[string]any{"chat_id": chat, "text": "x"})
	}

	mustOK(t, send(1))
	a := send(1)
	wantErr(t, a, 429, "Too Many Requests: retry after 1")
	mustOK(t, send(2)) // another chat is not limited
	advance(time.Second)
	mustOK(t, send(1))

	// A message may come up to 100 ms ahead of its slot, a second after
	// the one before it; not more, and not again and again: over any
	// longer stretch the chat gets one message a second.
	advance(899 * time.Millisecond)
	wantErr(t, send(1), 429, "Too Many Requests: retry after 1")
	advance(time.Millisecond)
	mustOK(t, send(1)) // 0.9 s after the last: its slot was 1 s
	advance(950 * time.Millisecond)
	wantErr(t, send(1), 429, "Too Many Requests") // 1.85 s after the slot before: 1.9 s is the earliest
	advance(50 * time.Millisecond)
	mustOK(t, send(1))
	advance(5 * time.Second)

	// 20 a minute in a group.
	for i := range 20 {
		mustOK(t, send(-9))
		advance(time.Second)
		_ = i
	}
	a = send(-9)
	wantErr(t, a, 429, "Too Many Requests")
	if a.Parameters.RetryAfter != 40 {
		t.Errorf("group retry_after = %d, want 40", a.Parameters.RetryAfter)
	}
	advance(40 * time.Second)
	mustOK(t, send(-9))

	// 30 a second overall.
	advance(time.Minute)
	for i := range 30 {
		mustOK(t, send(int64(100+i)))
	}
	wantErr(t, send(200), 429, "Too Many Requests")
	if s.Count429() != 5 {
		t.Errorf("Count429 = %d, want 5", s.Count429())
	}
}

func getUpdates(t *testing.T, s *Server, offset, timeout int) []int64 {
	t.Helper()
	a := mustOK(t, call(t, s, "getUpdates", map[string]any{"offset": offset, "timeout": timeout}))
	var ups []struct {
		UpdateID int64 `json:"update_id"`
	}
	if err := json.Unmarshal(a.Result, &ups); err != nil {
		t.Fatal(err)
	}
	ids := []int64{}
	for _, u := range ups {
		ids = append(ids, u.UpdateID)
	}
	return ids
}

func TestLongPolling(t *testing.T) {
	s := New(t)
	u := User{ID: 42, FirstName: "Ann"}
	s.SendCommand(-5, "group", u, "/start")
	s.SendCommand(-5, "group", u, "/help")
	if got := getUpdates(t, s, 0, 0); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("first poll %v", got)
	}
	// Unconfirmed updates come again.
	if got := getUpdates(t, s, 1, 0); len(got) != 2 {
		t.Fatalf("second poll %v", got)
	}
	// offset 2 confirms update 1.
	if got := getUpdates(t, s, 2, 0); len(got) != 1 || got[0] != 2 {
		t.Fatalf("third poll %v", got)
	}
	if got := getUpdates(t, s, 3, 0); len(got) != 0 {
		t.Fatalf("fourth poll %v", got)
	}
	// A repeated update comes back although it was confirmed, once.
	s.RepeatUpdate(2)
	if got := getUpdates(t, s, 3, 0); len(got) != 1 || got[0] != 2 {
		t.Fatalf("repeat poll %v", got)
	}
	if got := getUpdates(t, s, 3, 0); len(got) != 0 {
		t.Fatalf("after repeat %v", got)
	}

	// A long poll returns as soon as an update arrives.
	go func() {
		time.Sleep(100 * time.Millisecond)
		s.SendText(-5, u, "hello", 0)
	}()
	start := time.Now()
	if got := getUpdates(t, s, 3, 10); len(got) != 1 || got[0] != 3 {
		t.Fatalf("long poll %v", got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("long poll took %s", d)
	}

	// A second poller ends the first with 409, as on Telegram.
	first := make(chan answer, 1)
	go func() { first <- call(t, s, "getUpdates", map[string]any{"offset": 4, "timeout": 10}) }()
	s.WaitFor(t, func(s *Server) bool { return s.Calls("getUpdates") == 8 }, 5*time.Second)
	time.Sleep(50 * time.Millisecond)
	getUpdates(t, s, 4, 0)
	wantErr(t, <-first, 409, "Conflict: terminated by other getUpdates request")

	// Long polling is refused while a webhook is set.
	mustOK(t, call(t, s, "setWebhook", map[string]any{"url": "https://example.com/hook"}))
	wantErr(t, call(t, s, "getUpdates", nil), 409, "Conflict")
	mustOK(t, call(t, s, "deleteWebhook", nil))
}

func TestInjectedUpdates(t *testing.T) {
	s := New(t)
	ann := User{ID: 42, FirstName: "Ann", Username: "ann", LanguageCode: "zh"}
	mustOK(t, call(t, s, "sendMessage", map[string]any{"chat_id": -5, "text": "card", "reply_markup": map[string]any{
		"inline_keyboard": [][]map[string]any{{{"text": "Claim", "callback_data": "claim:1"}}}}}))
	s.SendCommand(-5, "group", ann, "/claim@appeal_test_bot 12")
	s.SendText(-5, ann, "my answer", 1)
	qid := s.PressButton(-5, 1, ann, "claim:1")
	s.AddMembers(-5, ann, BotUser())

	a := mustOK(t, call(t, s, "getUpdates", nil))
	var ups []map[string]any
	_ = json.Unmarshal(a.Result, &ups)
	if len(ups) != 4 {
		t.Fatalf("got %d updates", len(ups))
	}
	cmd := ups[0]["message"].(map[string]any)
	ent := cmd["entities"].([]any)[0].(map[string]any)
	if ent["type"] != "bot_command" || ent["offset"].(float64) != 0 || ent["length"].(float64) != float64(len("/claim@appeal_test_bot")) {
		t.Errorf("command entity %v", ent)
	}
	reply := ups[1]["message"].(map[string]any)["reply_to_message"].(map[string]any)
	if reply["from"].(map[string]any)["id"].(float64) != float64(BotID) || reply["text"] != "card" {
		t.Errorf("reply_to_message %v", reply)
	}
	cq := ups[2]["callback_query"].(map[string]any)
	if cq["id"] != qid || cq["data"] != "claim:1" || cq["message"].(map[string]any)["message_id"].(float64) != 1 {
		t.Errorf("callback_query %v", cq)
	}
	mustOK(t, call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": qid, "text": "ok"}))
	wantErr(t, call(t, s, "answerCallbackQuery", map[string]any{"callback_query_id": "nope"}), 400, "Bad Request: query is too old")
	if cb := s.Callbacks(); len(cb) != 1 || cb[0].Text != "ok" {
		t.Errorf("callbacks %+v", cb)
	}
}

func TestWebhookDelivery(t *testing.T) {
	s := New(t)
	got := make(chan string, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- r.Header.Get("X-Telegram-Bot-Api-Secret-Token") + " " + string(body)
	}))
	t.Cleanup(hook.Close)
	hs := hook.URL
	s.SendCommand(1, "", User{ID: 1}, "/start")
	mustOK(t, call(t, s, "setWebhook", map[string]any{"url": hs + "/hook", "secret_token": "s3cret"}))
	select {
	case g := <-got:
		if !strings.HasPrefix(g, "s3cret {") || !strings.Contains(g, `"update_id":1`) {
			t.Errorf("webhook got %q", g)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook delivery")
	}
	s.WaitFor(t, func(s *Server) bool { return s.Pending() == 0 }, 5*time.Second)
}

func TestOnSendSeesEveryNewMessage(t *testing.T) {
	var got []Message
	s := New(t, WithOnSend(func(m Message) { got = append(got, m) }))
	post := func(method, body string) {
		resp, err := http.Post(s.URL()+"/bot"+Token+"/"+method, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	post("sendMessage", `{"chat_id":-5,"text":"#1 hello"}`)
	post("editMessageText", `{"chat_id":-5,"message_id":1,"text":"#1 edited"}`)
	post("sendMessage", `{"chat_id":7,"text":"#2"}`)
	if len(got) != 2 || got[0].Text != "#1 hello" || got[1].ChatID != 7 || got[0].At.IsZero() {
		t.Fatalf("observed %+v", got)
	}
}
