package commands

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/worldtest"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/render/chart"
	"github.com/appealbot/appealbot/storage"
)

// TestMain fails the run when a text was rendered without a value for one
// of its placeholders.
func TestMain(m *testing.M) {
	os.Exit(worldtest.Main(m, func(missing func(key, name string)) {
		render.MissingArg = func(k render.Key, name string) { missing(string(k), name) }
	}))
}

// t0 is the tests' "now".
var t0 = worldtest.T0

// Chats of the test world.
var (
	roadsChat    = Chat{ID: worldtest.RoadsChat, Title: "Roads"}
	waterChat    = Chat{ID: worldtest.WaterChat, Title: "Water"}
	dispatchChat = Chat{ID: worldtest.DispatchChat, Title: "Dispatch"}
	otherChat    = Chat{ID: "-400", Title: "Unbound"}
)

// privateChat is the private chat with user id.
func privateChat(id string) Chat { return Chat{ID: id, Private: true} }

// Role names of the test world; each is one user.
const (
	rNone       = worldtest.None
	rResp       = worldtest.Resp
	rRespOther  = worldtest.RespOther
	rLeader     = worldtest.Leader
	rLeadOther  = worldtest.LeadOther
	rDispatcher = worldtest.Dispatcher
	rAdmin      = worldtest.Admin
	rBoot       = worldtest.Boot
	rResp2      = worldtest.Resp2
)

// testRoles are the roles every permission case is tried with.
var testRoles = []string{rNone, rResp, rRespOther, rLeader, rLeadOther, rDispatcher, rAdmin}

type env struct {
	t     testing.TB
	w     *worldtest.World
	store *storage.Store
	svc   *appeal.Service
	h     *Handler
	r     *render.Renderer
	mu    sync.Mutex
	now   time.Time
	users map[string]User
	ids   map[string]appeal.MemberID
	// seq numbers what setups make up: chats, members, departments.
	seq int
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// calendarPolicy counts in calendar time only, so that the tests of
// cards and lists can count deadlines by hand.
var calendarPolicy = worldtest.CalendarPolicy

// newEnv builds the test world (package worldtest) on a fresh store, with
// the handler and the renderer the bot would have.
func newEnv(t testing.TB, backend string) *env {
	t.Helper()
	e := &env{t: t, now: t0, users: map[string]User{}}
	e.w = worldtest.New(t, backend, e.clock)
	e.store, e.svc, e.ids = e.w.Store, e.w.Svc, e.w.IDs
	e.r = render.New(e.store, e.svc, render.Config{DefaultLang: "en", Charter: chart.New("", nil)}, nil)
	e.h = New(e.svc, e.store, e.r, Config{Admins: []string{"9007"}, BotName: "TestBot"},
		slog.New(slog.DiscardHandler))
	for role, m := range e.w.Members {
		e.users[role] = User{ID: m.ExternalID, Username: m.Username, DisplayName: m.DisplayName}
	}
	return e
}

// do runs "/cmd args" as user role in chat.
func (e *env) do(role string, chat Chat, text string) Reply {
	e.t.Helper()
	cmd, args, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	return e.h.Handle(context.Background(), Request{Network: worldtest.Network, Chat: chat, From: e.users[role],
		Command: cmd, Args: args, Now: e.clock()})
}

// press presses a button with data as user role in chat.
func (e *env) press(role string, chat Chat, data string) Reply {
	e.t.Helper()
	cmd, args, ok := render.ParseButton(data)
	if !ok {
		e.t.Fatalf("render.ParseButton(%q) refused", data)
	}
	return e.h.Handle(context.Background(), Request{Network: worldtest.Network, Chat: chat, From: e.users[role],
		Command: cmd, Args: args, Button: true, Now: e.clock()})
}

// intake stores a new appeal for dept ("" for dispatch).
func (e *env) intake(dept string, mod ...func(*appeal.Intake)) appeal.Appeal {
	e.t.Helper()
	return e.w.Intake(dept, mod...)
}

// act applies an action as user role, directly through the service.
func (e *env) act(id appeal.ID, role string, cmd appeal.Command) appeal.Appeal {
	e.t.Helper()
	return e.w.Act(id, role, cmd)
}

func (e *env) appeal(id appeal.ID) appeal.Appeal {
	e.t.Helper()
	return e.w.Appeal(id)
}

// isError reports whether a reply is an error or refusal.
func isError(r Reply) bool {
	return strings.HasPrefix(r.HTML, "❌") || strings.HasPrefix(r.HTML, "⚠️") || r.Alert
}

// runes counts the characters of s, as the networks' limits do.
func runes(s string) int { return utf8.RuneCountInString(s) }
