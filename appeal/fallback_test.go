package appeal

import (
	"reflect"
	"testing"
)

// TestFallbackChains is the table of README's "Nobody is left out": where
// a message for each kind of recipient goes when the one before cannot
// take it.
func TestFallbackChains(t *testing.T) {
	const (
		dept = LevelDepartment
		lead = LevelLeaders
		disp = LevelDispatch
		sup  = LevelSupervision
		adm  = LevelAdmins
	)
	for _, tt := range []struct {
		kind RecipientKind
		want []Level
	}{
		{ToDepartment, []Level{dept, lead, disp, sup, adm}},
		{ToLeaders, []Level{lead, disp, sup, adm}},
		{ToDispatch, []Level{disp, sup, adm}},
		{ToSupervision, []Level{sup, disp, adm}},
		{ToMember, nil},
		{ToChat, nil},
		{ToUpstream, nil},
	} {
		if got := Chain(tt.kind); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Chain(%s) = %v, want %v", tt.kind, got, tt.want)
		}
		if FallsBack(tt.kind) != (tt.want != nil) {
			t.Errorf("FallsBack(%s) = %v", tt.kind, FallsBack(tt.kind))
		}
	}
	c := Chain(ToDepartment)
	c[0] = LevelAdmins
	if Chain(ToDepartment)[0] != LevelDepartment {
		t.Fatal("Chain hands out its table to be changed")
	}
}

func TestSetupReachAndGaps(t *testing.T) {
	roads := Recipient{Kind: ToDepartment, Ref: "roads"}
	roadsLeaders := Recipient{Kind: ToLeaders, Ref: "roads"}
	dispatch := Recipient{Kind: ToDispatch}
	supervision := Recipient{Kind: ToSupervision}
	for _, tt := range []struct {
		name  string
		s     Setup
		reach map[Recipient]Level
		gaps  []Gap
	}{
		{name: "nothing at all", s: Setup{Departments: []DepartmentSetup{{Code: "roads"}}},
			reach: map[Recipient]Level{roads: LevelNone, roadsLeaders: LevelNone, dispatch: LevelNone, supervision: LevelNone},
			gaps: []Gap{{Level: LevelDepartment, Department: "roads"}, {Level: LevelLeaders, Department: "roads"},
				{Level: LevelDispatch}, {Level: LevelSupervision}, {Level: LevelAdmins}}},
		{name: "only an admin", s: Setup{Departments: []DepartmentSetup{{Code: "roads"}}, Admins: 1},
			reach: map[Recipient]Level{roads: LevelAdmins, roadsLeaders: LevelAdmins, dispatch: LevelAdmins, supervision: LevelAdmins},
			gaps: []Gap{{Level: LevelDepartment, Department: "roads"}, {Level: LevelLeaders, Department: "roads"},
				{Level: LevelDispatch}, {Level: LevelSupervision}}},
		{name: "a leader but no chat", s: Setup{Departments: []DepartmentSetup{{Code: "roads", Leaders: 1}}, DispatchChats: 1, Admins: 1},
			reach: map[Recipient]Level{roads: LevelLeaders, roadsLeaders: LevelLeaders, dispatch: LevelDispatch, supervision: LevelDispatch},
			gaps:  []Gap{{Level: LevelDepartment, Department: "roads"}, {Level: LevelSupervision}}},
		{name: "supervision stands in for dispatch", s: Setup{Departments: []DepartmentSetup{{Code: "roads", Chats: 1}}, SupervisionChats: 1},
			reach: map[Recipient]Level{roads: LevelDepartment, roadsLeaders: LevelSupervision, dispatch: LevelSupervision, supervision: LevelSupervision},
			gaps:  []Gap{{Level: LevelLeaders, Department: "roads"}, {Level: LevelDispatch}, {Level: LevelAdmins}}},
		{name: "all there", s: Setup{Departments: []DepartmentSetup{{Code: "roads", Chats: 2, Leaders: 1}}, DispatchChats: 1, SupervisionChats: 1, Admins: 2},
			reach: map[Recipient]Level{roads: LevelDepartment, roadsLeaders: LevelLeaders, dispatch: LevelDispatch, supervision: LevelSupervision}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for to, want := range tt.reach {
				if got := tt.s.Reach(to); got != want {
					t.Errorf("Reach(%v) = %q, want %q", to, got, want)
				}
			}
			if got := tt.s.Gaps(); !reflect.DeepEqual(got, tt.gaps) {
				t.Errorf("Gaps() = %v, want %v", got, tt.gaps)
			}
		})
	}
	if got := (Setup{Admins: 1}).Reach(Recipient{Kind: ToMember, Ref: "7"}); got != LevelNone {
		t.Errorf("a member has no chain, got %q", got)
	}
}

func TestSetupMovesAndNewGaps(t *testing.T) {
	before := Setup{Departments: []DepartmentSetup{{Code: "gas", Chats: 1, Leaders: 1}, {Code: "roads", Chats: 1, Leaders: 1}},
		DispatchChats: 1, Admins: 1}
	after := before
	after.Departments = []DepartmentSetup{{Code: "gas", Chats: 1, Leaders: 1}, {Code: "roads", Leaders: 1}}
	if got, want := Moves(before, after), []Move{{To: Recipient{Kind: ToDepartment, Ref: "roads"}, From: LevelDepartment, Now: LevelLeaders}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("unbinding roads: moves %v, want %v", got, want)
	}
	if got, want := NewGaps(before, after), []Gap{{Level: LevelDepartment, Department: "roads"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("unbinding roads: new gaps %v, want %v", got, want)
	}
	if got := NewGaps(after, before); got != nil {
		t.Fatalf("binding closes gaps, opens none: %v", got)
	}
	noDispatch := before
	noDispatch.DispatchChats = 0
	want := []Move{{To: Recipient{Kind: ToDispatch}, From: LevelDispatch, Now: LevelAdmins},
		{To: Recipient{Kind: ToSupervision}, From: LevelDispatch, Now: LevelAdmins}}
	if got := Moves(before, noDispatch); !reflect.DeepEqual(got, want) {
		t.Fatalf("unbinding dispatch: moves %v, want %v", got, want)
	}
	for _, g := range []Gap{{Level: LevelDepartment, Department: "roads"}, {Level: LevelLeaders, Department: "roads"},
		{Level: LevelDispatch}, {Level: LevelSupervision}} {
		if r := g.Recipient(); Chain(r.Kind)[0] != g.Level || r.Ref != g.Department {
			t.Errorf("gap %v is the own level of %v", g, r)
		}
	}
	if r := (Gap{Level: LevelAdmins}).Recipient(); r != (Recipient{}) {
		t.Errorf("no recipient starts at the admins, got %v", r)
	}
}
