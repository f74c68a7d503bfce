package appeal

import "slices"

// Level is one step of a fallback chain: a kind of recipient that may take
// a message when the one before it in the chain cannot.
type Level string

// Levels of the fallback chains.
const (
	LevelDepartment  Level = "department"  // the department's bound chats
	LevelLeaders     Level = "leaders"     // the department's leaders, privately
	LevelDispatch    Level = "dispatch"    // the dispatch chat
	LevelSupervision Level = "supervision" // the supervision chat
	LevelAdmins      Level = "admins"      // every admin, privately
	// LevelNone is no level at all: no one can take the message, which
	// waits until someone can.
	LevelNone Level = ""
)

// chains are the fallback chains: a message goes to the first level of
// its recipient kind's chain that can take it. Each kind enters the one
// chain (department chat → leaders → dispatch → supervision → admins) at
// its own place, except that supervision stands in for dispatch's place:
// a report meant to go over the dispatch office's head goes to the
// dispatch chat only when no supervision chat is bound.
var chains = map[RecipientKind][]Level{
	ToDepartment:  {LevelDepartment, LevelLeaders, LevelDispatch, LevelSupervision, LevelAdmins},
	ToLeaders:     {LevelLeaders, LevelDispatch, LevelSupervision, LevelAdmins},
	ToDispatch:    {LevelDispatch, LevelSupervision, LevelAdmins},
	ToSupervision: {LevelSupervision, LevelDispatch, LevelAdmins},
}

// Chain returns the levels a message for recipient kind k tries, in
// order; nil for the kinds that never fall back: ToMember (what is for one
// person, such as a citizen's full contact details, must not reach a
// group or anybody else) and ToChat (a reply answers a command in the
// chat it was typed in, where its author is), and ToUpstream, which is no
// chat.
func Chain(k RecipientKind) []Level { return slices.Clone(chains[k]) }

// FallsBack reports whether messages for k have a fallback chain.
func FallsBack(k RecipientKind) bool { return chains[k] != nil }

// Gap is a level that cannot take messages: nothing is bound or granted
// for it, or (Refused) all it has refused a message for good.
type Gap struct {
	Level Level
	// Department is the department of a department or leaders level.
	Department string
	// Refused: the level has chats, and each of them refused the message
	// for good (the bot was removed from the group, a person never
	// started a chat with it or blocked it).
	Refused bool
}

// Recipient is the recipient whose own level the gap is: the messages it
// keeps from their first choice.
func (g Gap) Recipient() Recipient {
	switch g.Level {
	case LevelDepartment:
		return Recipient{Kind: ToDepartment, Ref: g.Department}
	case LevelLeaders:
		return Recipient{Kind: ToLeaders, Ref: g.Department}
	case LevelDispatch:
		return Recipient{Kind: ToDispatch}
	case LevelSupervision:
		return Recipient{Kind: ToSupervision}
	}
	return Recipient{}
}

// Setup is what is configured for messages to reach people: each
// department's bound chats and leaders, the dispatch and supervision
// chats, and the admins (stored grants and those of the configuration).
type Setup struct {
	Departments      []DepartmentSetup
	DispatchChats    int
	SupervisionChats int
	Admins           int
}

// DepartmentSetup is one department's part of a Setup.
type DepartmentSetup struct {
	Code    string
	Chats   int
	Leaders int
}

// department returns code's part of s.
func (s Setup) department(code string) DepartmentSetup {
	for _, d := range s.Departments {
		if d.Code == code {
			return d
		}
	}
	return DepartmentSetup{Code: code}
}

// Has reports whether level lv (of department dept, for the department
// and leaders levels) has someone to take messages.
func (s Setup) Has(lv Level, dept string) bool {
	switch lv {
	case LevelDepartment:
		return s.department(dept).Chats > 0
	case LevelLeaders:
		return s.department(dept).Leaders > 0
	case LevelDispatch:
		return s.DispatchChats > 0
	case LevelSupervision:
		return s.SupervisionChats > 0
	case LevelAdmins:
		return s.Admins > 0
	}
	return false
}

// Reach is the level that messages for to reach under s: the first of its
// chain that has someone; LevelNone when none has (they wait), and for a
// kind without a chain.
func (s Setup) Reach(to Recipient) Level {
	for _, lv := range chains[to.Kind] {
		if s.Has(lv, to.Ref) {
			return lv
		}
	}
	return LevelNone
}

// Gaps lists every level that has no one: per department (by code) no
// bound chat, no leader; then no dispatch chat, no supervision chat, no
// admin.
func (s Setup) Gaps() []Gap {
	var out []Gap
	ds := slices.Clone(s.Departments)
	slices.SortFunc(ds, func(a, b DepartmentSetup) int {
		switch {
		case a.Code < b.Code:
			return -1
		case a.Code > b.Code:
			return 1
		}
		return 0
	})
	for _, d := range ds {
		for _, lv := range []Level{LevelDepartment, LevelLeaders} {
			if !s.Has(lv, d.Code) {
				out = append(out, Gap{Level: lv, Department: d.Code})
			}
		}
	}
	for _, lv := range []Level{LevelDispatch, LevelSupervision, LevelAdmins} {
		if !s.Has(lv, "") {
			out = append(out, Gap{Level: lv})
		}
	}
	return out
}

// Recipients lists what s routes: each department and its leaders, then
// dispatch and supervision.
func (s Setup) Recipients() []Recipient {
	var out []Recipient
	for _, d := range s.Departments {
		out = append(out, Recipient{Kind: ToDepartment, Ref: d.Code}, Recipient{Kind: ToLeaders, Ref: d.Code})
	}
	return append(out, Recipient{Kind: ToDispatch}, Recipient{Kind: ToSupervision})
}

// Move is a recipient whose messages reach another level after a change
// of the setup.
type Move struct {
	To        Recipient
	From, Now Level
}

// Moves lists the recipients of after whose messages reach another level
// than under before, in the order of after.Recipients.
func Moves(before, after Setup) []Move {
	var out []Move
	for _, to := range after.Recipients() {
		if from, now := before.Reach(to), after.Reach(to); from != now {
			out = append(out, Move{To: to, From: from, Now: now})
		}
	}
	return out
}

// NewGaps lists the gaps of after that before did not have.
func NewGaps(before, after Setup) []Gap {
	old := before.Gaps()
	var out []Gap
	for _, g := range after.Gaps() {
		if !slices.Contains(old, g) {
			out = append(out, g)
		}
	}
	return out
}
