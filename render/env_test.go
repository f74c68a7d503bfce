package render

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/worldtest"
	"github.com/appealbot/appealbot/render/chart"
	"github.com/appealbot/appealbot/storage"
)

// TestMain fails the run when a text was rendered without a value for one
// of its placeholders.
func TestMain(m *testing.M) {
	os.Exit(worldtest.Main(m, func(missing func(key, name string)) {
		MissingArg = func(k Key, name string) { missing(string(k), name) }
	}))
}

// t0 is the tests' "now".
var t0 = worldtest.T0

// Role names of the test world; each is one member.
const (
	rResp      = worldtest.Resp
	rRespOther = worldtest.RespOther
	rLeader    = worldtest.Leader
)

// calendarPolicy counts in calendar time only, so that the tests of
// cards and lists can count deadlines by hand.
var calendarPolicy = worldtest.CalendarPolicy

type env struct {
	w     *worldtest.World
	store *storage.Store
	r     *Renderer
	mu    sync.Mutex
	now   time.Time
	ids   map[string]appeal.MemberID
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// newEnv builds the test world (package worldtest) on a fresh store, with
// the renderer the bot would have.
func newEnv(t testing.TB, backend string) *env {
	t.Helper()
	e := &env{now: t0}
	e.w = worldtest.New(t, backend, e.clock)
	e.store, e.ids = e.w.Store, e.w.IDs
	e.r = New(e.store, e.w.Svc, Config{DefaultLang: "en", Charter: chart.New("", nil)}, nil)
	return e
}

func (e *env) intake(dept string, mod ...func(*appeal.Intake)) appeal.Appeal {
	return e.w.Intake(dept, mod...)
}

func (e *env) act(id appeal.ID, role string, cmd appeal.Command) appeal.Appeal {
	return e.w.Act(id, role, cmd)
}

func (e *env) appeal(id appeal.ID) appeal.Appeal { return e.w.Appeal(id) }
