package appeal

import (
	"strings"
	"testing"
	"time"
)

func TestPolicyDeadlines(t *testing.T) {
	cn := calChina2026()
	// now is Monday 2026-11-02 10:00 UTC, 18:00 in Shanghai: closing time.
	tests := []struct {
		name     string
		priority Priority
		start    time.Time
		want     Deadlines
	}{
		{"normal, at closing time", PriorityNormal, now, Deadlines{
			ClaimBy: sh(11, 3, 11, 0), AnswerBy: sh(11, 5, 18, 0), ResolveBy: sh(11, 11, 18, 0)}},
		{"urgent: calendar time, around the clock", PriorityUrgent, now, Deadlines{
			ClaimBy: now.Add(30 * time.Minute), AnswerBy: now.Add(2 * time.Hour), ResolveBy: now.Add(24 * time.Hour)}},
		// Anything not urgent gets the normal tier.
		{"no priority", "", sh(11, 2, 9, 0), Deadlines{ClaimBy: sh(11, 2, 11, 0), AnswerBy: sh(11, 5, 18, 0), ResolveBy: sh(11, 11, 18, 0)}},
		// The 12345 case: intake on the day before National Day, answer
		// in 3 working days. 10-01..07 are off, 10-08 (Thu), 10-09 (Fri)
		// and the make-up Saturday 10-10 count.
		{"across National Day with a make-up Saturday", PriorityNormal, sh(9, 30, 10, 0), Deadlines{
			ClaimBy: sh(9, 30, 12, 0), AnswerBy: sh(10, 10, 18, 0), ResolveBy: sh(10, 15, 18, 0)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := DefaultPolicy.Deadlines(tc.priority, tc.start, cn)
			want := Deadlines{ClaimBy: tc.want.ClaimBy.UTC(), AnswerBy: tc.want.AnswerBy.UTC(), ResolveBy: tc.want.ResolveBy.UTC()}
			if got != want {
				t.Errorf("Deadlines(%q, %s) =\n %+v, want\n %+v", tc.priority, tc.start, got, want)
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	h := func(d time.Duration) Span { return CalendarSpan(d) }
	ok := calTier(time.Hour, 2*time.Hour, 3*time.Hour)
	tests := []struct {
		name   string
		policy Policy
		err    string // a substring of the error, "" when valid
	}{
		{"default", DefaultPolicy, ""},
		{"equal spans", Policy{Normal: calTier(time.Hour, time.Hour, time.Hour), Urgent: ok}, ""},
		{"working spans in order", Policy{Normal: Tier{WorkingHoursSpan(2 * time.Hour), WorkingDaysSpan(1), WorkingDaysSpan(5)}, Urgent: ok}, ""},
		{"mixed units in order", Policy{Normal: Tier{h(30 * time.Minute), WorkingHoursSpan(8 * time.Hour), WorkingDaysSpan(3)}, Urgent: ok}, ""},
		{"zero policy", Policy{}, "normal tier: claim: every time limit must be positive"},
		{"zero claim", Policy{Normal: calTier(0, time.Hour, time.Hour), Urgent: ok}, "normal tier: claim: every time limit must be positive"},
		{"negative answer", Policy{Normal: ok, Urgent: calTier(time.Minute, -time.Hour, time.Hour)}, "urgent tier: answer"},
		{"zero resolve", Policy{Normal: ok, Urgent: calTier(time.Minute, time.Hour, 0)}, "urgent tier: resolve: every time limit must be positive"},
		{"too long", Policy{Normal: Tier{h(time.Hour), h(time.Hour), WorkingDaysSpan(400)}, Urgent: ok}, "normal tier: resolve 400wd: too long"},
		{"unknown unit", Policy{Normal: Tier{h(time.Hour), h(time.Hour), Span{D: time.Hour, Unit: "w"}}, Urgent: ok}, "normal tier: resolve"},
		{"claim after answer", Policy{Normal: calTier(3*time.Hour, 2*time.Hour, 4*time.Hour), Urgent: ok}, "normal tier: claim ≤ answer ≤ resolve"},
		{"answer after resolve", Policy{Normal: ok, Urgent: calTier(time.Minute, 3*time.Hour, 2*time.Hour)}, "urgent tier: claim ≤ answer ≤ resolve"},
		{"working days after working hours", Policy{Normal: Tier{WorkingDaysSpan(2), WorkingHoursSpan(8 * time.Hour), WorkingDaysSpan(5)}, Urgent: ok}, "normal tier: claim ≤ answer ≤ resolve is required (2wd, 8wh, 5wd)"},
		// Mixed units are compared from Monday 09:00: 1wd is Tuesday 18:00,
		// after 24h (Tuesday 09:00).
		{"working day after a calendar day", Policy{Normal: Tier{h(time.Hour), WorkingDaysSpan(1), h(24 * time.Hour)}, Urgent: ok}, "normal tier: claim ≤ answer ≤ resolve"},
		{"calendar hours after working hours", Policy{Normal: Tier{h(3 * time.Hour), WorkingHoursSpan(2 * time.Hour), WorkingDaysSpan(1)}, Urgent: ok}, "normal tier: claim ≤ answer ≤ resolve"},
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
