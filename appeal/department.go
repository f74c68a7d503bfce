package appeal

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Department is a unit that answers appeals in its own group chat.
type Department struct {
	Code     string
	Name     string
	Timezone string
	SLA      Policy
	// ApproveAnswers makes every answer wait for a leader's approval.
	ApproveAnswers bool
	CreatedAt      time.Time
}

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// NormalizeCode folds a department code to its stored form (lower case,
// trimmed) and reports whether the result is a well-formed code.
func NormalizeCode(code string) (string, bool) {
	c := strings.ToLower(strings.TrimSpace(code))
	return c, codePattern.MatchString(c)
}

// Tier holds the time allowed for each step of an appeal.
type Tier struct {
	Claim   time.Duration
	Answer  time.Duration
	Resolve time.Duration
}

// Policy is a department's SLA: one tier for normal appeals, one for urgent.
type Policy struct {
	Normal Tier
	Urgent Tier
}

// DefaultPolicy follows common 12345 practice: urgent appeals are claimed in
// 30 minutes and answered in 2 hours, normal ones claimed in 2 hours and
// answered in 3 days.
var DefaultPolicy = Policy{
	Normal: Tier{Claim: 2 * time.Hour, Answer: 72 * time.Hour, Resolve: 7 * 24 * time.Hour},
	Urgent: Tier{Claim: 30 * time.Minute, Answer: 2 * time.Hour, Resolve: 24 * time.Hour},
}

// Tier returns the tier for an appeal of priority p.
func (p Policy) Tier(pr Priority) Tier {
	if pr == PriorityUrgent {
		return p.Urgent
	}
	return p.Normal
}

// Validate checks that every span is positive and that each tier's spans
// do not shrink from claim to answer to resolve.
func (p Policy) Validate() error {
	for _, t := range []struct {
		name string
		tier Tier
	}{{"normal", p.Normal}, {"urgent", p.Urgent}} {
		if t.tier.Claim <= 0 || t.tier.Answer <= 0 || t.tier.Resolve <= 0 {
			return fmt.Errorf("%s tier: every time limit must be positive", t.name)
		}
		if t.tier.Claim > t.tier.Answer || t.tier.Answer > t.tier.Resolve {
			return fmt.Errorf("%s tier: claim ≤ answer ≤ resolve is required", t.name)
		}
	}
	return nil
}

// Deadlines computes the deadlines of an appeal of priority pr whose clock
// starts at start (the moment it reached the department).
func (p Policy) Deadlines(pr Priority, start time.Time) Deadlines {
	t := p.Tier(pr)
	return Deadlines{
		ClaimBy:   start.Add(t.Claim),
		AnswerBy:  start.Add(t.Answer),
		ResolveBy: start.Add(t.Resolve),
	}
}

// Role is what a member may do.
type Role string

// Roles. Admin and dispatcher are global; leader and responder belong to one
// department.
const (
	RoleAdmin      Role = "admin"
	RoleDispatcher Role = "dispatcher"
	RoleLeader     Role = "leader"
	RoleResponder  Role = "responder"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleDispatcher, RoleLeader, RoleResponder:
		return true
	}
	return false
}

// PerDepartment reports whether the role is held in one department.
func (r Role) PerDepartment() bool { return r == RoleLeader || r == RoleResponder }

// Member is a person known to appealbot through one chat network.
type Member struct {
	ID MemberID
	// Network names the chat network ("telegram", "matrix", "console");
	// ExternalID is the person's id there.
	Network     string
	ExternalID  string
	Username    string
	DisplayName string
	// Language is the member's preferred language ("zh" or "en"), empty for
	// the chat's default.
	Language  string
	CreatedAt time.Time
}

// Grant is one role held by a member, in a department for per-department roles.
type Grant struct {
	Member     MemberID
	Role       Role
	Department string
}

// ChatPurpose says what a bound chat is for.
type ChatPurpose string

// Chat purposes.
const (
	ChatDepartment  ChatPurpose = "department"
	ChatDispatch    ChatPurpose = "dispatch"
	ChatSupervision ChatPurpose = "supervision"
)

// ChatBinding ties a chat (and, in a forum, a topic) to a purpose.
type ChatBinding struct {
	Purpose ChatPurpose
	// Department is set for department chats.
	Department string
	Network    string
	ChatID     string
	TopicID    string
}
