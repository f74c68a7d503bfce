package bot

import (
	"context"
	"fmt"
	"strconv"

	"github.com/appealbot/appealbot/appeal"
)

// RouteStore is what routing reads: which chats are bound for what, and
// who the members are.
type RouteStore interface {
	ChatBindings(ctx context.Context, purpose appeal.ChatPurpose, department string) ([]appeal.ChatBinding, error)
	DepartmentMembers(ctx context.Context, code string, role appeal.Role) ([]appeal.Member, error)
	Member(ctx context.Context, id appeal.MemberID) (appeal.Member, error)
}

// recipient is one chat a message goes to.
type recipient struct {
	network string
	chat    string
	topic   string
	// member is the reader of a private chat, whose language the message
	// is written in.
	member  *appeal.Member
	replyTo string
}

// lookup names one thing routing needs to know: the chats bound for a
// purpose (of a department, or of none), a department's leaders, or a
// member.
type lookup struct {
	kind    lookupKind
	purpose appeal.ChatPurpose
	// dept is the department of purpose's bindings, or whose leaders.
	dept   string
	member appeal.MemberID
}

type lookupKind int

const (
	lookBindings lookupKind = iota
	lookLeaders
	lookMember
)

// roster is what routing has learnt of who is where, for one claimed
// batch: a lookup that is absent was not made yet.
type roster struct {
	bindings map[lookup][]appeal.ChatBinding
	leaders  map[string][]appeal.Member
	members  map[appeal.MemberID]appeal.Member
}

func newRoster() *roster {
	return &roster{bindings: map[lookup][]appeal.ChatBinding{}, leaders: map[string][]appeal.Member{},
		members: map[appeal.MemberID]appeal.Member{}}
}

// route resolves m's recipient to chats from what r knows, with every
// fallback: supervision goes to the dispatch chat while no supervision
// chat is bound, leaders and members are written to privately, and a
// reply goes to the chat it names. When r lacks something it needs, route
// returns that lookup instead (see learn): the caller reads it and routes
// again. No chat at all is not an error; the caller decides what an
// unreachable message means.
func route(m appeal.Message, r *roster) ([]recipient, *lookup, error) {
	bound := func(p appeal.ChatPurpose, dept string) ([]recipient, *lookup) {
		k := lookup{kind: lookBindings, purpose: p, dept: dept}
		bs, ok := r.bindings[k]
		if !ok {
			return nil, &k
		}
		var out []recipient
		for _, b := range bs {
			out = append(out, recipient{network: b.Network, chat: b.ChatID, topic: b.TopicID})
		}
		return out, nil
	}
	switch m.To.Kind {
	case appeal.ToDepartment:
		out, lack := bound(appeal.ChatDepartment, m.To.Ref)
		return out, lack, nil
	case appeal.ToDispatch:
		out, lack := bound(appeal.ChatDispatch, "")
		return out, lack, nil
	case appeal.ToSupervision:
		// The dispatch chat stands in until a supervision chat is bound.
		if out, lack := bound(appeal.ChatSupervision, ""); lack != nil || len(out) > 0 {
			return out, lack, nil
		}
		out, lack := bound(appeal.ChatDispatch, "")
		return out, lack, nil
	case appeal.ToLeaders:
		ms, ok := r.leaders[m.To.Ref]
		if !ok {
			return nil, &lookup{kind: lookLeaders, dept: m.To.Ref}, nil
		}
		var out []recipient
		for _, mm := range ms {
			out = append(out, private(mm))
		}
		return out, nil, nil
	case appeal.ToMember:
		id, err := strconv.ParseInt(m.To.Ref, 10, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("member recipient %q: %w", m.To.Ref, err)
		}
		mm, ok := r.members[appeal.MemberID(id)]
		if !ok {
			return nil, &lookup{kind: lookMember, member: appeal.MemberID(id)}, nil
		}
		return []recipient{private(mm)}, nil, nil
	case appeal.ToChat:
		return []recipient{{network: m.Args[appeal.ArgNetwork], chat: m.Args[appeal.ArgChat],
			topic: m.Args[appeal.ArgTopic], replyTo: m.Args[appeal.ArgReplyTo]}}, nil, nil
	}
	return nil, nil, fmt.Errorf("recipient kind %q is not a chat", m.To.Kind)
}

// private is the private chat with m.
func private(m appeal.Member) recipient {
	return recipient{network: m.Network, chat: m.ExternalID, member: &m}
}

// recipients routes m, reading what r lacks from store as route asks for
// it. What was read stays in r for the rest of the batch.
func recipients(ctx context.Context, store RouteStore, r *roster, m appeal.Message) ([]recipient, error) {
	for {
		out, lack, err := route(m, r)
		if err != nil || lack == nil {
			return out, err
		}
		if err := learn(ctx, store, r, *lack); err != nil {
			return nil, err
		}
	}
}

// learn reads one lookup into r.
func learn(ctx context.Context, store RouteStore, r *roster, k lookup) error {
	switch k.kind {
	case lookLeaders:
		ms, err := store.DepartmentMembers(ctx, k.dept, appeal.RoleLeader)
		if err != nil {
			return err
		}
		r.leaders[k.dept] = ms
	case lookMember:
		mm, err := store.Member(ctx, k.member)
		if err != nil {
			return err
		}
		r.members[k.member] = mm
	default:
		bs, err := store.ChatBindings(ctx, k.purpose, k.dept)
		if err != nil {
			return err
		}
		r.bindings[k] = bs
	}
	return nil
}

// reached reports whether one of done delivered to c's chat and topic.
func reached(done []appeal.Delivery, c recipient) bool {
	for _, x := range done {
		if x.Network == c.network && x.ChatID == c.chat && x.TopicID == c.topic {
			return true
		}
	}
	return false
}

// standingCard finds the appeal's own card (not a digest) among cards in a
// chat and topic, and returns its message id.
func standingCard(cards []appeal.Card, network, chat, topic string) (id string, ok bool) {
	for _, c := range cards {
		if c.Network == network && c.ChatID == chat && c.TopicID == topic && !c.Digest {
			id, ok = c.MessageID, true
		}
	}
	return id, ok
}
