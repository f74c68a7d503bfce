package appeal

import (
	"errors"
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
	// DirectTransfer lets the department transfer appeals without
	// dispatch's review (a trusted unit); its returns are still reviewed.
	DirectTransfer bool
	// DispatchExtensions makes its extensions, once a leader approved
	// them, wait for dispatch's approval too.
	DispatchExtensions bool
	CreatedAt          time.Time
}

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// NormalizeCode folds a department code to its stored form (lower case,
// trimmed) and reports whether the result is a well-formed code.
func NormalizeCode(code string) (string, bool) {
	c := strings.ToLower(strings.TrimSpace(code))
	return c, codePattern.MatchString(c)
}

// Tier holds the time allowed for each step of an appeal, each in calendar
// time ("2h") or working time ("8wh", "5wd"), counted from the moment the
// appeal reached the department.
type Tier struct {
	Claim   Span
	Answer  Span
	Resolve Span
}

// Policy is a department's SLA: one tier for normal appeals, one for urgent.
type Policy struct {
	Normal Tier
	Urgent Tier
}

// DefaultPolicy follows common 12345 practice. Emergencies (water and power
// cuts, safety) are counted in real time around the clock: claimed within
// 30 minutes, answered within 2 hours and resolved within 24 hours. General
// appeals are counted in working time, as hotline rules count them: claimed
// within 2 working hours, answered within 3 working days and resolved within
// 7 working days.
var DefaultPolicy = Policy{
	Normal: Tier{Claim: WorkingHoursSpan(2 * time.Hour), Answer: WorkingDaysSpan(3), Resolve: WorkingDaysSpan(7)},
	Urgent: Tier{Claim: CalendarSpan(30 * time.Minute), Answer: CalendarSpan(2 * time.Hour), Resolve: CalendarSpan(24 * time.Hour)},
}

// Tier returns the tier for an appeal of priority p.
func (p Policy) Tier(pr Priority) Tier {
	if pr == PriorityUrgent {
		return p.Urgent
	}
	return p.Normal
}

// policyReference is the start at which Validate compares spans of
// different units: a Monday at 09:00 in the default calendar (UTC, no
// holidays), the start that flatters no unit.
var policyReference = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// Validate checks that every span is valid and that each tier's spans do
// not shrink from claim to answer to resolve (see Tier.Validate).
func (p Policy) Validate() error {
	for _, t := range []struct {
		name string
		tier Tier
	}{{"normal", p.Normal}, {"urgent", p.Urgent}} {
		if err := t.tier.Validate(); err != nil {
			return fmt.Errorf("%s tier: %w", t.name, err)
		}
	}
	return nil
}

// ErrTierOrder is the error of a tier whose spans shrink from claim to
// answer to resolve.
var ErrTierOrder = errors.New("claim ≤ answer ≤ resolve is required")

// Validate checks that every span of the tier is valid and that they do
// not shrink from claim to answer to resolve (else an error wrapping
// ErrTierOrder). Spans of one unit are compared by length; spans of
// different units ("30m" and "1wh") by the deadlines they give for an
// appeal that arrives on a Monday at 09:00 in the default calendar. That
// catches mistakes like claim=1wd answer=2h, without claiming the order
// holds for every start (it cannot: 2h and 1wh swap at 17:30).
func (t Tier) Validate() error {
	for _, s := range []struct {
		name string
		span Span
	}{{"claim", t.Claim}, {"answer", t.Answer}, {"resolve", t.Resolve}} {
		if err := s.span.Validate(); err != nil {
			if s.span == (Span{}) {
				return fmt.Errorf("%s: every time limit must be positive", s.name)
			}
			var se *SpanError
			if errors.As(err, &se) {
				return fmt.Errorf("%s %s: %s", s.name, s.span, se.Message)
			}
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	cal := DefaultCalendar(time.UTC)
	if spanAfter(cal, t.Claim, t.Answer) || spanAfter(cal, t.Answer, t.Resolve) {
		return fmt.Errorf("%w (%s, %s, %s)", ErrTierOrder, t.Claim, t.Answer, t.Resolve)
	}
	return nil
}

// spanAfter reports whether a gives a later deadline than b.
func spanAfter(cal Calendar, a, b Span) bool {
	if a.Unit == b.Unit {
		return a.D > b.D || a.Days > b.Days
	}
	return cal.Add(policyReference, a).After(cal.Add(policyReference, b))
}

// Deadlines computes the deadlines of an appeal of priority pr whose clock
// starts at start (the moment it reached the department), in the
// department's calendar cal. Times are in UTC, as storage keeps them.
func (p Policy) Deadlines(pr Priority, start time.Time, cal Calendar) Deadlines {
	t := p.Tier(pr)
	return Deadlines{
		ClaimBy:   cal.Add(start, t.Claim).UTC(),
		AnswerBy:  cal.Add(start, t.Answer).UTC(),
		ResolveBy: cal.Add(start, t.Resolve).UTC(),
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
	// Since is when the role was granted; zero when that is not known
	// (granted before it was recorded, or from the configuration).
	Since time.Time
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
