// Package worldtest builds the world that the tests of the chat commands
// and of rendering share: a fresh store, the appeal service on the test's
// clock, departments roads (Roads) and water (Water) with limits in
// calendar time, their chats and a dispatch chat on "telegram", and one
// member per role. It is for tests only.
package worldtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// T0 is the tests' "now": Monday 2026-11-23 17:30 in Shanghai.
var T0 = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

// Network is the chat network of the world's chats and members.
const Network = "telegram"

// Chat ids of the world.
const (
	RoadsChat    = "-100"
	WaterChat    = "-200"
	DispatchChat = "-300"
)

// Role names of the world; each is one member.
const (
	None       = "none"
	Resp       = "responder"
	RespOther  = "responder_other"
	Leader     = "leader"
	LeadOther  = "leader_other"
	Dispatcher = "dispatcher"
	Admin      = "admin"
	// Boot holds no grant: the tests configure it as a bootstrap admin.
	Boot  = "bootstrap_admin"
	Resp2 = "responder2"
)

// CalendarPolicy counts in calendar time only (2h, 3d, 7d; urgent 30m,
// 2h, 1d), so that tests of cards and lists can count deadlines by hand;
// working time has tests of its own.
var CalendarPolicy = appeal.Policy{
	Normal: appeal.Tier{Claim: appeal.CalendarSpan(2 * time.Hour), Answer: appeal.CalendarSpan(72 * time.Hour), Resolve: appeal.CalendarSpan(7 * 24 * time.Hour)},
	Urgent: appeal.Tier{Claim: appeal.CalendarSpan(30 * time.Minute), Answer: appeal.CalendarSpan(2 * time.Hour), Resolve: appeal.CalendarSpan(24 * time.Hour)},
}

// World is the stored world of one test.
type World struct {
	t     testing.TB
	Store *storage.Store
	Svc   *appeal.Service
	// Members are the members of the roles, by role; IDs their ids.
	Members map[string]appeal.Member
	IDs     map[string]appeal.MemberID
	seq     int
}

// New builds the world on a fresh store of backend, with the service on
// clock.
func New(t testing.TB, backend string, clock func() time.Time) *World {
	t.Helper()
	w := &World{t: t, Store: storagetest.Open(t, backend), Members: map[string]appeal.Member{}, IDs: map[string]appeal.MemberID{}}
	w.Svc = appeal.NewService(w.Store, clock, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: w.Store}))
	ctx := context.Background()
	for _, d := range []appeal.Department{{Code: "roads", Name: "Roads", SLA: CalendarPolicy}, {Code: "water", Name: "Water", SLA: CalendarPolicy}} {
		if _, err := w.Svc.SaveDepartment(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range []appeal.ChatBinding{
		{Purpose: appeal.ChatDepartment, Department: "roads", Network: Network, ChatID: RoadsChat},
		{Purpose: appeal.ChatDepartment, Department: "water", Network: Network, ChatID: WaterChat},
		{Purpose: appeal.ChatDispatch, Network: Network, ChatID: DispatchChat},
	} {
		if err := w.Store.BindChat(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	grants := map[string][]appeal.Grant{
		None:       nil,
		Resp:       {{Role: appeal.RoleResponder, Department: "roads"}},
		Resp2:      {{Role: appeal.RoleResponder, Department: "roads"}},
		RespOther:  {{Role: appeal.RoleResponder, Department: "water"}},
		Leader:     {{Role: appeal.RoleLeader, Department: "roads"}},
		LeadOther:  {{Role: appeal.RoleLeader, Department: "water"}},
		Dispatcher: {{Role: appeal.RoleDispatcher}},
		Admin:      {{Role: appeal.RoleAdmin}},
		Boot:       nil,
	}
	names := map[string]string{None: "Nobody", Resp: "Rita Roads", Resp2: "Ray Roads", RespOther: "Walt Water",
		Leader: "Lee Leader", LeadOther: "Liz Water", Dispatcher: "Dora Dispatch", Admin: "Ada Admin", Boot: "Boot Admin"}
	ids := map[string]string{None: "9000", Resp: "9001", Resp2: "9008", RespOther: "9002", Leader: "9003",
		LeadOther: "9004", Dispatcher: "9005", Admin: "9006", Boot: "9007"}
	for role, gs := range grants {
		m, err := w.Store.SaveMember(ctx, appeal.Member{Network: Network, ExternalID: ids[role], Username: role, DisplayName: names[role]})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			g.Member = m.ID
			if err := w.Store.Grant(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		w.Members[role] = m
		w.IDs[role] = m.ID
	}
	return w
}

// Intake stores a new appeal for dept ("" for dispatch).
func (w *World) Intake(dept string, mod ...func(*appeal.Intake)) appeal.Appeal {
	w.t.Helper()
	w.seq++
	in := appeal.Intake{Source: "hotline", ExternalID: fmt.Sprintf("ext-%d", w.seq), Title: "Pothole on Main St",
		Body: "A deep pothole near no. 5.", Category: "roads", Department: dept, Priority: appeal.PriorityNormal,
		Citizen: appeal.Citizen{Name: "张三丰", Phone: "13812345678"}, Location: "Main St 5"}
	for _, m := range mod {
		m(&in)
	}
	a, _, err := w.Svc.Intake(context.Background(), in)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// Act applies an action as the member of role, directly through the
// service.
func (w *World) Act(id appeal.ID, role string, cmd appeal.Command) appeal.Appeal {
	w.t.Helper()
	cmd.Actor = w.IDs[role]
	a, err := w.Svc.Act(context.Background(), id, cmd)
	if err != nil {
		w.t.Fatalf("act %s on #%d as %s: %v", cmd.Action, id, role, err)
	}
	return a
}

// Appeal reads appeal id as stored.
func (w *World) Appeal(id appeal.ID) appeal.Appeal {
	w.t.Helper()
	a, err := w.Store.Appeal(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// Main runs the tests of m and fails the run when a text was rendered
// without a value for one of its placeholders, which is a bug wherever it
// happens: watch is given the function to call then (the tests set
// render.MissingArg to call it). It returns the exit code.
func Main(m *testing.M, watch func(missing func(key, name string))) int {
	var mu sync.Mutex
	var missing []string
	watch(func(key, name string) {
		mu.Lock()
		defer mu.Unlock()
		missing = append(missing, fmt.Sprintf("%s{%s}", key, name))
	})
	code := m.Run()
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "messages rendered without a placeholder value: %v\n", missing)
		code = 1
	}
	return code
}

// Buttons lists the buttons of a rendered message as "Label=Data", row
// after row, for comparing with what a test expects.
func Buttons[B ~struct{ Label, Data string }](rows [][]B) []string {
	var out []string
	for _, row := range rows {
		for _, b := range row {
			s := struct{ Label, Data string }(b)
			out = append(out, s.Label+"="+s.Data)
		}
	}
	return out
}
