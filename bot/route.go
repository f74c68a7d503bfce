package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/appealbot/appealbot/appeal"
)

// RouteStore is what routing reads: which chats are bound for what, and
// who the members are.
type RouteStore interface {
	ChatBindings(ctx context.Context, purpose appeal.ChatPurpose, department string) ([]appeal.ChatBinding, error)
	DepartmentMembers(ctx context.Context, code string, role appeal.Role) ([]appeal.Member, error)
	Member(ctx context.Context, id appeal.MemberID) (appeal.Member, error)
	MemberByExternal(ctx context.Context, network, externalID string) (appeal.Member, error)
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
	// edit is the message to edit there rather than post one.
	edit string
}

// place is a chat and topic on a network: where a message is delivered.
type place struct{ network, chat, topic string }

func (c recipient) place() place { return place{c.network, c.chat, c.topic} }

// lookup names one thing routing needs to know: the chats bound for a
// purpose (of a department, or of none), a department's leaders, a
// member, or the admins.
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
	lookAdmins
)

// roster is what routing has learnt of who is where, for one claimed
// batch: a lookup that is absent was not made yet.
type roster struct {
	bindings map[lookup][]appeal.ChatBinding
	leaders  map[string][]appeal.Member
	members  map[appeal.MemberID]appeal.Member
	// admins are every admin, stored grants and configured ones, once
	// adminsKnown.
	admins      []appeal.Member
	adminsKnown bool
	// networks are the networks delivery sends to: a chat on another one
	// cannot take a message, so its level is passed over.
	networks map[string]bool
	// configured are the admins of the configuration (APPEALBOT_ADMINS):
	// external ids, each on any network or, as "network:id", on one.
	configured []string
}

func newRoster(networks, configured []string) *roster {
	r := &roster{bindings: map[lookup][]appeal.ChatBinding{}, leaders: map[string][]appeal.Member{},
		members: map[appeal.MemberID]appeal.Member{}, networks: map[string]bool{}, configured: configured}
	for _, n := range networks {
		r.networks[n] = true
	}
	return r
}

// routing is where a message goes: its chats, and the levels of its
// fallback chain it passed on its way there.
type routing struct {
	to   []recipient
	gaps []appeal.Gap
}

// route resolves m's recipient to chats from what r knows. A message
// for a department, its leaders, dispatch or supervision goes to the
// first level of its fallback chain (appeal.Chain) that has a chat on a
// network delivery sends to and not among refused (the chats that
// refused this message for good before), and names the levels it passed;
// with none, it goes nowhere and the caller lets it wait. A message for a
// member goes to that member privately, a reply to the chat it names:
// neither falls back. When r lacks something it needs, route returns that
// lookup instead (see learn): the caller reads it and routes again.
func route(m appeal.Message, r *roster, refused map[place]bool) (routing, *lookup, error) {
	switch m.To.Kind {
	case appeal.ToMember:
		id, err := strconv.ParseInt(m.To.Ref, 10, 64)
		if err != nil {
			return routing{}, nil, fmt.Errorf("member recipient %q: %w", m.To.Ref, err)
		}
		mm, ok := r.members[appeal.MemberID(id)]
		if !ok {
			return routing{}, &lookup{kind: lookMember, member: appeal.MemberID(id)}, nil
		}
		return routing{to: []recipient{private(mm)}}, nil, nil
	case appeal.ToChat:
		return routing{to: []recipient{{network: m.Args[appeal.ArgNetwork], chat: m.Args[appeal.ArgChat],
			topic: m.Args[appeal.ArgTopic], replyTo: m.Args[appeal.ArgReplyTo]}}}, nil, nil
	}
	chain := appeal.Chain(m.To.Kind)
	if chain == nil {
		return routing{}, nil, fmt.Errorf("recipient kind %q is not a chat", m.To.Kind)
	}
	var gaps []appeal.Gap
	for _, lv := range chain {
		cands, lack := r.level(lv, m.To.Ref)
		if lack != nil {
			return routing{}, lack, nil
		}
		var out []recipient
		refusals := 0
		for _, c := range cands {
			switch {
			case !r.networks[c.network]:
			case refused[c.place()]:
				refusals++
			default:
				out = append(out, c)
			}
		}
		if len(out) > 0 {
			return routing{to: out, gaps: gaps}, nil, nil
		}
		g := appeal.Gap{Level: lv, Refused: refusals > 0}
		if lv == appeal.LevelDepartment || lv == appeal.LevelLeaders {
			g.Department = m.To.Ref
		}
		gaps = append(gaps, g)
	}
	return routing{gaps: gaps}, nil, nil
}

// level returns the chats of one level of a chain, for department dept,
// or the lookup it lacks.
func (r *roster) level(lv appeal.Level, dept string) ([]recipient, *lookup) {
	switch lv {
	case appeal.LevelDepartment:
		return r.bound(appeal.ChatDepartment, dept)
	case appeal.LevelDispatch:
		return r.bound(appeal.ChatDispatch, "")
	case appeal.LevelSupervision:
		return r.bound(appeal.ChatSupervision, "")
	case appeal.LevelLeaders:
		ms, ok := r.leaders[dept]
		if !ok {
			return nil, &lookup{kind: lookLeaders, dept: dept}
		}
		return privates(ms), nil
	case appeal.LevelAdmins:
		if !r.adminsKnown {
			return nil, &lookup{kind: lookAdmins}
		}
		return privates(r.admins), nil
	}
	return nil, nil
}

// bound returns the chats bound for purpose p (of dept), or the lookup.
func (r *roster) bound(p appeal.ChatPurpose, dept string) ([]recipient, *lookup) {
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

// private is the private chat with m.
func private(m appeal.Member) recipient {
	return recipient{network: m.Network, chat: m.ExternalID, member: &m}
}

func privates(ms []appeal.Member) []recipient {
	var out []recipient
	for _, m := range ms {
		out = append(out, private(m))
	}
	return out
}

// recipients routes m, reading what r lacks from store as route asks for
// it. What was read stays in r for the rest of the batch.
func recipients(ctx context.Context, store RouteStore, r *roster, m appeal.Message, refused map[place]bool) (routing, error) {
	for {
		rt, lack, err := route(m, r, refused)
		if err != nil || lack == nil {
			return rt, err
		}
		if err := learn(ctx, store, r, *lack); err != nil {
			return routing{}, err
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
	case lookAdmins:
		ms, err := admins(ctx, store, r)
		if err != nil {
			return err
		}
		r.admins, r.adminsKnown = ms, true
	default:
		bs, err := store.ChatBindings(ctx, k.purpose, k.dept)
		if err != nil {
			return err
		}
		r.bindings[k] = bs
	}
	return nil
}

// networkPrefix is how a configured admin names a network: "telegram:"
// (a Matrix id such as "@boss:gov.example" has none).
var networkPrefix = regexp.MustCompile(`^[a-z]+$`)

// admins lists every admin once: those with a stored grant, then those of
// the configuration. A configured "network:id" is that person on that
// network, whether or not the bot has seen them; a bare id is the person
// the bot has seen with that id on any network it sends to, and, when it
// sends to one network only, that person there even unseen (on a network
// among several, a bare id may not be an id at all).
func admins(ctx context.Context, store RouteStore, r *roster) ([]appeal.Member, error) {
	stored, err := store.DepartmentMembers(ctx, "", appeal.RoleAdmin)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(stored)
	seen := map[place]bool{}
	for _, m := range out {
		seen[private(m).place()] = true
	}
	add := func(m appeal.Member) {
		if p := private(m).place(); !seen[p] {
			seen[p] = true
			out = append(out, m)
		}
	}
	var nets []string
	for n := range r.networks {
		nets = append(nets, n)
	}
	slices.Sort(nets)
	for _, a := range r.configured {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		network, id, ok := strings.Cut(a, ":")
		if !ok || !networkPrefix.MatchString(network) {
			network, id = "", a
		}
		candidates := nets
		if network != "" {
			candidates = []string{network}
		}
		found := false
		for _, n := range candidates {
			m, err := store.MemberByExternal(ctx, n, id)
			if errors.Is(err, appeal.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			add(m)
			found = true
		}
		if !found && (network != "" || len(nets) == 1) {
			add(appeal.Member{Network: candidates[0], ExternalID: id})
		}
	}
	return out, nil
}

// refusedBy are the chats that refused a message for good, from what it
// reached before: a refusal is recorded as a delivery without a message.
func refusedBy(done []appeal.Delivery) map[place]bool {
	out := map[place]bool{}
	for _, d := range done {
		if d.MessageID == "" {
			out[place{d.Network, d.ChatID, d.TopicID}] = true
		}
	}
	return out
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
