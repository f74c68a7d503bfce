package appeal

import (
	"strings"
	"testing"
	"time"
)

func TestPolicyDeadlines(t *testing.T) {
	start := now
	tests := []struct {
		priority Priority
		want     Deadlines
	}{
		{PriorityNormal, Deadlines{start.Add(2 * time.Hour), start.Add(72 * time.Hour), start.Add(7 * 24 * time.Hour)}},
		{PriorityUrgent, Deadlines{start.Add(30 * time.Minute), start.Add(2 * time.Hour), start.Add(24 * time.Hour)}},
		// Anything not urgent gets the normal tier.
		{"", Deadlines{start.Add(2 * time.Hour), start.Add(72 * time.Hour), start.Add(7 * 24 * time.Hour)}},
	}
	for _, tc := range tests {
		t.Run(string(tc.priority), func(t *testing.T) {
			if got := DefaultPolicy.Deadlines(tc.priority, start); got != tc.want {
				t.Errorf("Deadlines(%q) = %+v, want %+v", tc.priority, got, tc.want)
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	ok := Tier{Claim: time.Hour, Answer: 2 * time.Hour, Resolve: 3 * time.Hour}
	tests := []struct {
		name   string
		policy Policy
		err    string // a substring of the error, "" when valid
	}{
		{"default", DefaultPolicy, ""},
		{"equal spans", Policy{Normal: Tier{time.Hour, time.Hour, time.Hour}, Urgent: ok}, ""},
		{"zero policy", Policy{}, "normal tier: every time limit must be positive"},
		{"zero claim", Policy{Normal: Tier{0, time.Hour, time.Hour}, Urgent: ok}, "normal tier: every time limit must be positive"},
		{"negative answer", Policy{Normal: ok, Urgent: Tier{time.Minute, -time.Hour, time.Hour}}, "urgent tier: every time limit must be positive"},
		{"zero resolve", Policy{Normal: ok, Urgent: Tier{time.Minute, time.Hour, 0}}, "urgent tier: every time limit must be positive"},
		{"claim after answer", Policy{Normal: Tier{3 * time.Hour, 2 * time.Hour, 4 * time.Hour}, Urgent: ok}, "normal tier: claim ≤ answer ≤ resolve"},
		{"answer after resolve", Policy{Normal: ok, Urgent: Tier{time.Minute, 3 * time.Hour, 2 * time.Hour}}, "urgent tier: claim ≤ answer ≤ resolve"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.policy.Validate()
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("Validate: %v, want nil", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("Validate: %v, want an error containing %q", err, tc.err)
			}
		})
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"roads", "roads", true},
		{"  Roads\n", "roads", true},
		{"WATER_SUPPLY-2", "water_supply-2", true},
		{"7", "7", true},
		{strings.Repeat("a", 32), strings.Repeat("a", 32), true},
		{strings.Repeat("a", 33), strings.Repeat("a", 33), false},
		{"", "", false},
		{"   ", "", false},
		{"-roads", "-roads", false},
		{"_roads", "_roads", false},
		{"road works", "road works", false},
		{"roads.east", "roads.east", false},
		{"roads/east", "roads/east", false},
		{"道路", "道路", false},
		{"Straße", "straße", false},
	}
	for _, tc := range tests {
		got, ok := NormalizeCode(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRole(t *testing.T) {
	tests := []struct {
		role          Role
		valid, perDep bool
	}{
		{RoleAdmin, true, false},
		{RoleDispatcher, true, false},
		{RoleLeader, true, true},
		{RoleResponder, true, true},
		{"", false, false},
		{"Admin", false, false},
		{"owner", false, false},
	}
	for _, tc := range tests {
		if got := tc.role.Valid(); got != tc.valid {
			t.Errorf("Role(%q).Valid() = %v, want %v", tc.role, got, tc.valid)
		}
		if got := tc.role.PerDepartment(); got != tc.perDep {
			t.Errorf("Role(%q).PerDepartment() = %v, want %v", tc.role, got, tc.perDep)
		}
	}
}

func TestStatusValid(t *testing.T) {
	for _, s := range Statuses {
		if !s.Valid() {
			t.Errorf("Status(%q).Valid() = false", s)
		}
		if got, want := s.Open(), s != StatusClosed; got != want {
			t.Errorf("Status(%q).Open() = %v, want %v", s, got, want)
		}
	}
	for _, s := range []Status{"", "open", "Closed", "pending"} {
		if s.Valid() {
			t.Errorf("Status(%q).Valid() = true", s)
		}
	}
}

func TestPriorityValid(t *testing.T) {
	tests := []struct {
		p    Priority
		want bool
	}{
		{PriorityNormal, true},
		{PriorityUrgent, true},
		{"", false},
		{"URGENT", false},
		{"high", false},
	}
	for _, tc := range tests {
		if got := tc.p.Valid(); got != tc.want {
			t.Errorf("Priority(%q).Valid() = %v, want %v", tc.p, got, tc.want)
		}
	}
}
