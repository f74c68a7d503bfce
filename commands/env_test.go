package commands

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

var (
	missingMu   sync.Mutex
	missingArgs []string
)

func TestMain(m *testing.M) {
	// A message rendered without one of its placeholders' values is a bug
	// wherever it happens; collect them all and fail the run.
	onMissingArg = func(k msgKey, name string) {
		missingMu.Lock()
		defer missingMu.Unlock()
		missingArgs = append(missingArgs, fmt.Sprintf("%s{%s}", k, name))
	}
	code := m.Run()
	if len(missingArgs) > 0 {
		fmt.Fprintf(os.Stderr, "messages rendered without a placeholder value: %v\n", missingArgs)
		code = 1
	}
	os.Exit(code)
}

// t0 is the tests' "now".
var t0 = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

// Chats of the test world.
var (
	roadsChat    = Chat{ID: "-100", Title: "Roads"}
	waterChat    = Chat{ID: "-200", Title: "Water"}
	dispatchChat = Chat{ID: "-300", Title: "Dispatch"}
	otherChat    = Chat{ID: "-400", Title: "Unbound"}
)

// privateChat is the private chat with user id.
func privateChat(id string) Chat { return Chat{ID: id, Private: true} }

// Role names of the test world; each is one user.
const (
	rNone       = "none"
	rResp       = "responder"
	rRespOther  = "responder_other"
	rLeader     = "leader"
	rLeadOther  = "leader_other"
	rDispatcher = "dispatcher"
	rAdmin      = "admin"
	rBoot       = "bootstrap_admin"
	rResp2      = "responder2"
)

// testRoles are the roles every permission case is tried with.
var testRoles = []string{rNone, rResp, rRespOther, rLeader, rLeadOther, rDispatcher, rAdmin}

type env struct {
	t     testing.TB
	store *storage.Store
	svc   *appeal.Service
	h     *Handler
	mu    sync.Mutex
	now   time.Time
	users map[string]User
	ids   map[string]appeal.MemberID
	seq   int
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// calendarPolicy counts in calendar time only (2h, 3d, 7d; urgent 30m, 2h,
// 1d), so that the tests of cards and lists can count deadlines by hand;
// working time has tests of its own (calendar_test.go).
var calendarPolicy = appeal.Policy{
	Normal: appeal.Tier{Claim: appeal.CalendarSpan(2 * time.Hour), Answer: appeal.CalendarSpan(72 * time.Hour), Resolve: appeal.CalendarSpan(7 * 24 * time.Hour)},
	Urgent: appeal.Tier{Claim: appeal.CalendarSpan(30 * time.Minute), Answer: appeal.CalendarSpan(2 * time.Hour), Resolve: appeal.CalendarSpan(24 * time.Hour)},
}

// newEnv builds the test world on a fresh store: departments roads (Roads)
// and water (Water), their chats, a dispatch chat, and one user per role.
func newEnv(t testing.TB, backend string) *env {
	t.Helper()
	e := &env{t: t, store: storagetest.Open(t, backend), now: t0,
		users: map[string]User{}, ids: map[string]appeal.MemberID{}}
	e.svc = appeal.NewService(e.store, e.clock, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: e.store}))
	e.h = New(e.svc, e.store, Config{Admins: []string{"9007"}, DefaultLang: "en", BotName: "TestBot"},
		slog.New(slog.DiscardHandler))
	ctx := context.Background()
	for _, d := range []appeal.Department{{Code: "roads", Name: "Roads", SLA: calendarPolicy}, {Code: "water", Name: "Water", SLA: calendarPolicy}} {
		if _, err := e.svc.SaveDepartment(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range []appeal.ChatBinding{
		{Purpose: appeal.ChatDepartment, Department: "roads", Network: "telegram", ChatID: roadsChat.ID},
		{Purpose: appeal.ChatDepartment, Department: "water", Network: "telegram", ChatID: waterChat.ID},
		{Purpose: appeal.ChatDispatch, Network: "telegram", ChatID: dispatchChat.ID},
	} {
		if err := e.store.BindChat(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	grants := map[string][]appeal.Grant{
		rNone:       nil,
		rResp:       {{Role: appeal.RoleResponder, Department: "roads"}},
		rResp2:      {{Role: appeal.RoleResponder, Department: "roads"}},
		rRespOther:  {{Role: appeal.RoleResponder, Department: "water"}},
		rLeader:     {{Role: appeal.RoleLeader, Department: "roads"}},
		rLeadOther:  {{Role: appeal.RoleLeader, Department: "water"}},
		rDispatcher: {{Role: appeal.RoleDispatcher}},
		rAdmin:      {{Role: appeal.RoleAdmin}},
		rBoot:       nil,
	}
	names := map[string]string{rNone: "Nobody", rResp: "Rita Roads", rResp2: "Ray Roads", rRespOther: "Walt Water",
		rLeader: "Lee Leader", rLeadOther: "Liz Water", rDispatcher: "Dora Dispatch", rAdmin: "Ada Admin", rBoot: "Boot Admin"}
	ids := map[string]string{rNone: "9000", rResp: "9001", rResp2: "9008", rRespOther: "9002", rLeader: "9003",
		rLeadOther: "9004", rDispatcher: "9005", rAdmin: "9006", rBoot: "9007"}
	for role, gs := range grants {
		u := User{ID: ids[role], Username: role, DisplayName: names[role]}
		m, err := e.store.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: u.ID, Username: u.Username, DisplayName: u.DisplayName})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			g.Member = m.ID
			if err := e.store.Grant(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		e.users[role] = u
		e.ids[role] = m.ID
	}
	return e
}

// do runs "/cmd args" as user role in chat.
func (e *env) do(role string, chat Chat, text string) Reply {
	e.t.Helper()
	cmd, args, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	return e.h.Handle(context.Background(), Request{Network: "telegram", Chat: chat, From: e.users[role],
		Command: cmd, Args: args, Now: e.clock()})
}

// press presses a button with data as user role in chat.
func (e *env) press(role string, chat Chat, data string) Reply {
	e.t.Helper()
	cmd, args, ok := ParseButton(data)
	if !ok {
		e.t.Fatalf("ParseButton(%q) refused", data)
	}
	return e.h.Handle(context.Background(), Request{Network: "telegram", Chat: chat, From: e.users[role],
		Command: cmd, Args: args, Button: true, Now: e.clock()})
}

// intake stores a new appeal for dept ("" for dispatch).
func (e *env) intake(dept string, mod ...func(*appeal.Intake)) appeal.Appeal {
	e.t.Helper()
	e.seq++
	in := appeal.Intake{Source: "hotline", ExternalID: fmt.Sprintf("ext-%d", e.seq), Title: "Pothole on Main St",
		Body: "A deep pothole near no. 5.", Category: "roads", Department: dept, Priority: appeal.PriorityNormal,
		Citizen: appeal.Citizen{Name: "张三丰", Phone: "13812345678"}, Location: "Main St 5"}
	for _, m := range mod {
		m(&in)
	}
	a, _, err := e.svc.Intake(context.Background(), in)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// act applies an action as user role, directly through the service.
func (e *env) act(id appeal.ID, role string, cmd appeal.Command) appeal.Appeal {
	e.t.Helper()
	cmd.Actor = e.ids[role]
	a, err := e.svc.Act(context.Background(), id, cmd)
	if err != nil {
		e.t.Fatalf("act %s on #%d as %s: %v", cmd.Action, id, role, err)
	}
	return a
}

func (e *env) appeal(id appeal.ID) appeal.Appeal {
	e.t.Helper()
	a, err := e.store.Appeal(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// isError reports whether a reply is an error or refusal.
func isError(r Reply) bool {
	return strings.HasPrefix(r.HTML, "❌") || strings.HasPrefix(r.HTML, "⚠️") || r.Alert
}

// en renders an English message as the tests expect it.
func en(k msgKey, a kv) string { return tr(LangEN, k, a) }
