package main

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot/botapitest"
)

// TestLadderEndToEnd runs the real program against the Bot API test
// server with every span of the ladder set to seconds, and leaves one
// appeal alone in each open status: unassigned, returned, assigned (in a
// department with a chat and a leader, and in one with neither), claimed,
// waiting for approval, with a request for more time pending (both in a
// department with a chat but no leader), and answered. Each gets, in
// GET /api/v1/appeals/ID, the escalated and reminded events of its
// status's ladder, and each event is one message in the chat of whoever
// its rung names, or of the first one down its fallback chain, marked
// with why it came there.
func TestLadderEndToEnd(t *testing.T) {
	tg := botapitest.New(t)
	base := serveOnTelegram(t, tg, map[string]string{
		"APPEALBOT_DISPATCH_SLA":              "8s",
		"APPEALBOT_DECISION_SLA":              "8s",
		"APPEALBOT_SUPERVISION_AFTER":         "4s",
		"APPEALBOT_REPEAT_SCHEDULE":           "1m",
		"APPEALBOT_QUIET_HOURS":               "off",
		"APPEALBOT_SCAN_SCHEDULE":             "@every 1s",
		"APPEALBOT_TELEGRAM_GROUP_PER_MINUTE": "600",
	})

	const (
		dispatch, supervision = int64(-1000), int64(-1002)
		roadsChat, waterChat  = int64(-1001), int64(-1003)
	)
	admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Boss"}
	alice := botapitest.User{ID: 200, Username: "alice", FirstName: "Alice"}
	const bob = int64(201) // the leader of roads, privately
	// roads: a chat, a responder and a leader. parks: no chat, no
	// leader. water: a chat and a responder, no leader, answers approved.
	command(t, tg, dispatch, admin, "/dispatch bind", "ispatch")
	command(t, tg, supervision, admin, "/supervision bind", "upervision")
	// The departments' limits in seconds (the API takes them; a chat
	// command asks for a minute at least).
	for _, d := range []string{"roads", "parks", "water"} {
		tier := `{"claim":"8s","answer":"16s","resolve":"16s"}`
		body := fmt.Sprintf(`{"name":%q,"sla":{"normal":%s,"urgent":%s},"approve_answers":%v}`, strings.ToUpper(d[:1])+d[1:], tier, tier, d == "water")
		req, _ := http.NewRequest(http.MethodPut, base+"/api/v1/departments/"+d, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("PUT department %s: %d", d, resp.StatusCode)
		}
	}
	command(t, tg, roadsChat, admin, "/dept bind roads", "roads")
	command(t, tg, waterChat, admin, "/dept bind water", "water")
	command(t, tg, roadsChat, admin, "/role add roads responder 200", "200")
	command(t, tg, roadsChat, admin, "/role add roads leader 201", "201")
	command(t, tg, waterChat, admin, "/role add water responder 200", "200")

	type left struct {
		name   string
		dept   string
		chat   int64
		acts   []string // commands in chat, %d the appeal
		status string
		id     int64
		start  time.Time
	}
	cases := []*left{
		{name: "unassigned", status: "unassigned"},
		{name: "returned", dept: "roads", chat: roadsChat, acts: []string{"/return %d not ours"}, status: "returned"},
		{name: "assigned", dept: "roads", status: "assigned"},
		{name: "assigned, no chat, no leader", dept: "parks", status: "assigned"},
		{name: "claimed", dept: "roads", chat: roadsChat, acts: []string{"/claim %d"}, status: "claimed"},
		{name: "pending approval, no leader", dept: "water", chat: waterChat,
			acts: []string{"/claim %d", "/answer %d Fixed."}, status: "pending_approval"},
		{name: "extension pending, no leader", dept: "water", chat: waterChat,
			acts: []string{"/claim %d", "/extend %d 1h parts on order"}, status: "claimed"},
		{name: "answered", dept: "roads", chat: roadsChat, acts: []string{"/claim %d", "/answer %d Fixed."}, status: "answered"},
	}
	for i, c := range cases {
		dept := ""
		if c.dept != "" {
			dept = fmt.Sprintf(`,"department":%q`, c.dept)
		}
		c.start = time.Now()
		st, m := postJSON(t, base+"/api/v1/appeals", "", fmt.Sprintf(`{"source":"12345","external_id":"L-%d","title":"Case %d","body":"%s"%s}`,
			i, i, c.name, dept))
		if st != 201 {
			t.Fatalf("intake %s: %d %v", c.name, st, m)
		}
		c.id = int64(m["id"].(float64))
		for _, act := range c.acts {
			before := len(tg.Messages(c.chat))
			tg.SendCommand(c.chat, "group", alice, fmt.Sprintf(act, c.id))
			// The reply, and the state it reports, before the next step.
			tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(c.chat)) > before }, 10*time.Second)
		}
	}
	for _, c := range cases {
		if _, m := getJSON(t, fmt.Sprintf("%s/api/v1/appeals/%d", base, c.id), ""); m["status"] != c.status {
			t.Fatalf("%s: #%d is %v, want %s", c.name, c.id, m["status"], c.status)
		}
	}

	// The stages each status's ladder must say by the end (it may say
	// more: an appeal assigned and left alone goes on to the answer and
	// resolve deadlines), and where any stage goes: its rung's recipient,
	// or the first one down its fallback chain.
	want := map[string][]appeal.Stage{
		"unassigned":                   {appeal.StageDispatchNudge, appeal.StageDispatchOverdue},
		"returned":                     {appeal.StageDispatchNudge, appeal.StageDispatchOverdue},
		"assigned":                     {appeal.StageClaimNudge, appeal.StageClaimOverdue, appeal.StageAnswerOverdue, appeal.StageSupervision},
		"assigned, no chat, no leader": {appeal.StageClaimNudge, appeal.StageClaimOverdue, appeal.StageAnswerOverdue, appeal.StageSupervision},
		"claimed":                      {appeal.StageAnswer50, appeal.StageAnswer80, appeal.StageAnswerOverdue, appeal.StageSupervision},
		"pending approval, no leader":  {appeal.StageDecisionOverdue, appeal.StageDecisionSupervision},
		"extension pending, no leader": {appeal.StageDecisionOverdue, appeal.StageDecisionSupervision},
		"answered":                     {appeal.StageResolveNudge, appeal.StageResolveOverdue, appeal.StageResolveSupervision},
	}
	chats := map[string]map[appeal.RecipientKind]int64{
		"":      {appeal.ToDispatch: dispatch, appeal.ToSupervision: supervision},
		"roads": {appeal.ToDepartment: roadsChat, appeal.ToLeaders: bob, appeal.ToDispatch: dispatch, appeal.ToSupervision: supervision},
		"parks": {appeal.ToDepartment: dispatch, appeal.ToLeaders: dispatch, appeal.ToDispatch: dispatch, appeal.ToSupervision: supervision},
		"water": {appeal.ToDepartment: waterChat, appeal.ToLeaders: dispatch, appeal.ToDispatch: dispatch, appeal.ToSupervision: supervision},
	}
	// where is the chat of stage for case c, and whether it came there
	// down a fallback chain.
	where := func(dept, status string, stage appeal.Stage) (int64, bool) {
		for _, r := range appeal.Ladder {
			if r.Stage == stage {
				chat := chats[dept][r.To]
				return chat, chat == dispatch && r.To != appeal.ToDispatch && r.To != appeal.ToSupervision
			}
		}
		return 0, false
	}
	type event struct {
		kind, stage string
		at          time.Time
	}
	events := func(c *left) []event {
		_, m := getJSON(t, fmt.Sprintf("%s/api/v1/appeals/%d", base, c.id), "")
		var out []event
		evs, _ := m["events"].([]any)
		for _, e := range evs {
			e := e.(map[string]any)
			switch e["kind"] {
			case "escalated", "reminded", "reminder_skipped":
				at, _ := time.Parse(time.RFC3339Nano, e["at"].(string))
				out = append(out, event{e["kind"].(string), e["note"].(string), at})
			}
		}
		return out
	}
	said := func(evs []event) map[string]bool {
		out := map[string]bool{}
		for _, e := range evs {
			if e.kind != "reminder_skipped" {
				out[e.stage] = true
			}
		}
		return out
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, c := range cases {
		for {
			got := said(events(c))
			missing := 0
			for _, stage := range want[c.name] {
				if !got[string(stage)] {
					missing++
				}
			}
			if missing == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s (#%d): events %+v, want the stages %v", c.name, c.id, events(c), want[c.name])
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	time.Sleep(2 * time.Second) // the last messages on their way

	// Each stage said is one message of the ladder (a reminder, an
	// escalation, a supervision report) in its chat naming the appeal,
	// marked when it came there down a fallback chain.
	var table []string
	for _, c := range cases {
		num := regexp.MustCompile(fmt.Sprintf(`#%d\b`, c.id))
		evs := events(c)
		var row []string
		perChat := map[int64]int{}
		fallbacks := map[int64]bool{}
		for _, e := range evs {
			if e.kind == "reminder_skipped" {
				row = append(row, fmt.Sprintf("%s skipped +%.0fs", e.stage, e.at.Sub(c.start).Seconds()))
				continue
			}
			chat, _ := where(c.dept, c.status, appeal.Stage(e.stage))
			if e.stage == string(appeal.StageRepeat) {
				row = append(row, fmt.Sprintf("%s %s +%.0fs", e.kind, e.stage, e.at.Sub(c.start).Seconds()))
				continue
			}
			if chat == 0 {
				t.Errorf("%s (#%d): %s %s, not of its ladder", c.name, c.id, e.kind, e.stage)
				continue
			}
			perChat[chat]++
			if _, fallback := where(c.dept, c.status, appeal.Stage(e.stage)); fallback {
				fallbacks[chat] = true
			}
			row = append(row, fmt.Sprintf("%s %s +%.0fs → %s", e.kind, e.stage, e.at.Sub(c.start).Seconds(), who(chat)))
		}
		for chat, n := range perChat {
			var got []string
			for _, m := range tg.Sent() {
				if m.ChatID != chat || !num.MatchString(m.Plain) || !isLadder(m.Plain) {
					continue
				}
				got = append(got, m.Plain)
			}
			if len(got) != n {
				t.Errorf("%s (#%d): %d messages about it in %s, want %d:\n%s", c.name, c.id, len(got), who(chat), n, strings.Join(got, "\n--\n"))
			}
			fallback := fallbacks[chat]
			for _, g := range got {
				if marked := strings.HasPrefix(g, "↪️"); marked != fallback {
					t.Errorf("%s (#%d): message in %s marked as a detour: %v, want %v:\n%s", c.name, c.id, who(chat), marked, fallback, g)
				}
			}
		}
		table = append(table, fmt.Sprintf("%s #%d: %s", c.name, c.id, strings.Join(row, "; ")))
	}
	slices.Sort(table)
	count := map[string]int{}
	for _, m := range tg.Sent() {
		if isLadder(m.Plain) {
			count[who(m.ChatID)]++
		}
	}
	t.Logf("ladder, every span in seconds:\n%s\nmessages of the ladder at the Bot API server, by chat: %v", strings.Join(table, "\n"), count)
}

// serveOnTelegram starts the program on a fresh data directory against
// the Bot API test server tg, with admin 100 and English, and with env's
// settings on top; when the test fails, it logs what the bot sent and its
// log. It returns the base URL of the HTTP API.
func serveOnTelegram(t *testing.T, tg *botapitest.Server, env map[string]string) string {
	t.Helper()
	all := map[string]string{
		"APPEALBOT_DATA_DIR":         t.TempDir(),
		"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
		"APPEALBOT_ADMINS":           "100",
		"APPEALBOT_LANGUAGE":         "en",
	}
	for k, v := range env {
		all[k] = v
	}
	base, log, _ := startServe(t, all)
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range tg.Sent() {
				t.Logf("sent to %d (#%d): %s", m.ChatID, m.MessageID, m.Plain)
			}
			t.Logf("log:\n%s", log)
		}
	})
	return base
}

// isLadder reports whether text is a message of the ladder (a reminder,
// an escalation, a supervision report), after the line that says why it
// came there, if any.
func isLadder(text string) bool {
	if first, rest, ok := strings.Cut(text, "\n"); ok && strings.HasPrefix(first, "↪️") {
		text = rest
	}
	return strings.HasPrefix(text, "⏰ ") || strings.HasPrefix(text, "🚨 ")
}

// who names a chat of TestLadderEndToEnd.
func who(chat int64) string {
	return map[int64]string{-1000: "dispatch chat", -1002: "supervision chat", -1001: "roads chat", -1003: "water chat",
		201: "roads leader (private)"}[chat]
}
