package bot

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
)

// TestRoute is the table of the fallback chains at work: each recipient
// kind goes to the first level of its chain that has a chat on a network
// delivery sends to, not refused before, and names the levels it passed.
func TestRoute(t *testing.T) {
	wang := appeal.Member{ID: 7, Network: "telegram", ExternalID: "1007", Username: "wang"}
	li := appeal.Member{ID: 8, Network: "matrix", ExternalID: "@li:example.org"}
	ada := appeal.Member{ID: 9, Network: "telegram", ExternalID: "1009"}
	bind := func(p appeal.ChatPurpose, dept, network, chat, topic string) appeal.ChatBinding {
		return appeal.ChatBinding{Purpose: p, Department: dept, Network: network, ChatID: chat, TopicID: topic}
	}
	water := []appeal.ChatBinding{bind(appeal.ChatDepartment, "water", "telegram", "-100", ""),
		bind(appeal.ChatDepartment, "water", "matrix", "!water:example.org", "")}
	dispatch := []appeal.ChatBinding{bind(appeal.ChatDispatch, "", "telegram", "-200", "5")}
	supervision := []appeal.ChatBinding{bind(appeal.ChatSupervision, "", "telegram", "-300", "")}
	known := func(p appeal.ChatPurpose, dept string) lookup {
		return lookup{kind: lookBindings, purpose: p, dept: dept}
	}
	// world is a roster that knows every lookup: water has chats and
	// leaders; gas neither; "far" has a chat and a leader only on a network
	// delivery does not send to. Some levels are emptied per case.
	type level int
	const (
		noDispatch level = 1 << iota
		noSupervision
		noAdmins
		unknownAdmins
	)
	world := func(without level) *roster {
		r := newRoster([]string{"telegram", "matrix"}, nil)
		r.bindings[known(appeal.ChatDepartment, "water")] = water
		r.bindings[known(appeal.ChatDepartment, "gas")] = nil
		r.bindings[known(appeal.ChatDepartment, "far")] = []appeal.ChatBinding{bind(appeal.ChatDepartment, "far", "xmpp", "far@example.org", "")}
		r.bindings[known(appeal.ChatDispatch, "")] = dispatch
		r.bindings[known(appeal.ChatSupervision, "")] = supervision
		r.leaders = map[string][]appeal.Member{"water": {wang, li}, "gas": nil, "far": {{ID: 10, Network: "xmpp", ExternalID: "boss@example.org"}}}
		r.members[7] = wang
		r.admins, r.adminsKnown = []appeal.Member{ada}, true
		if without&noDispatch != 0 {
			r.bindings[known(appeal.ChatDispatch, "")] = nil
		}
		if without&noSupervision != 0 {
			r.bindings[known(appeal.ChatSupervision, "")] = nil
		}
		if without&noAdmins != 0 {
			r.admins = nil
		}
		if without&unknownAdmins != 0 {
			r.admins, r.adminsKnown = nil, false
		}
		return r
	}
	to := func(k appeal.RecipientKind, ref string) appeal.Message {
		return appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: k, Ref: ref}}
	}
	gap := func(lv appeal.Level, dept string) appeal.Gap { return appeal.Gap{Level: lv, Department: dept} }
	refusedGap := func(lv appeal.Level, dept string) appeal.Gap {
		return appeal.Gap{Level: lv, Department: dept, Refused: true}
	}
	var (
		toWater       = []recipient{{network: "telegram", chat: "-100"}, {network: "matrix", chat: "!water:example.org"}}
		toWaterLeads  = []recipient{{network: "telegram", chat: "1007", member: &wang}, {network: "matrix", chat: "@li:example.org", member: &li}}
		toDispatch    = []recipient{{network: "telegram", chat: "-200", topic: "5"}}
		toSupervision = []recipient{{network: "telegram", chat: "-300"}}
		toAdmins      = []recipient{{network: "telegram", chat: "1009", member: &ada}}
	)
	tests := []struct {
		name    string
		m       appeal.Message
		r       *roster
		refused []place
		want    routing
		lack    *lookup
		wantErr string
	}{
		// A department's messages: chat → leaders → dispatch → supervision → admins.
		{name: "a department's bound chats", m: to(appeal.ToDepartment, "water"), r: world(0), want: routing{to: toWater}},
		{name: "a department without a chat: its leaders", m: to(appeal.ToDepartment, "water"), r: world(0),
			refused: []place{{"telegram", "-100", ""}, {"matrix", "!water:example.org", ""}},
			want:    routing{to: toWaterLeads, gaps: []appeal.Gap{refusedGap(appeal.LevelDepartment, "water")}}},
		{name: "one of two chats refused: the other", m: to(appeal.ToDepartment, "water"), r: world(0),
			refused: []place{{"telegram", "-100", ""}}, want: routing{to: toWater[1:]}},
		{name: "a department without a chat or leaders: dispatch", m: to(appeal.ToDepartment, "gas"), r: world(0),
			want: routing{to: toDispatch, gaps: []appeal.Gap{gap(appeal.LevelDepartment, "gas"), gap(appeal.LevelLeaders, "gas")}}},
		{name: "… and no dispatch chat: supervision", m: to(appeal.ToDepartment, "gas"), r: world(noDispatch),
			want: routing{to: toSupervision, gaps: []appeal.Gap{gap(appeal.LevelDepartment, "gas"), gap(appeal.LevelLeaders, "gas"),
				gap(appeal.LevelDispatch, "")}}},
		{name: "… and no supervision chat: the admins", m: to(appeal.ToDepartment, "gas"), r: world(noDispatch | noSupervision),
			want: routing{to: toAdmins, gaps: []appeal.Gap{gap(appeal.LevelDepartment, "gas"), gap(appeal.LevelLeaders, "gas"),
				gap(appeal.LevelDispatch, ""), gap(appeal.LevelSupervision, "")}}},
		{name: "… and no admin: no one", m: to(appeal.ToDepartment, "gas"), r: world(noDispatch | noSupervision | noAdmins),
			want: routing{gaps: []appeal.Gap{gap(appeal.LevelDepartment, "gas"), gap(appeal.LevelLeaders, "gas"),
				gap(appeal.LevelDispatch, ""), gap(appeal.LevelSupervision, ""), gap(appeal.LevelAdmins, "")}}},
		{name: "chats and leaders only where delivery does not send", m: to(appeal.ToDepartment, "far"), r: world(0),
			want: routing{to: toDispatch, gaps: []appeal.Gap{gap(appeal.LevelDepartment, "far"), gap(appeal.LevelLeaders, "far")}}},
		{name: "a department not looked up yet", m: to(appeal.ToDepartment, "water"), r: newRoster([]string{"telegram"}, nil),
			lack: &lookup{kind: lookBindings, purpose: appeal.ChatDepartment, dept: "water"}},
		{name: "no chat, leaders not looked up yet", m: to(appeal.ToDepartment, "gas"),
			r:    &roster{bindings: map[lookup][]appeal.ChatBinding{known(appeal.ChatDepartment, "gas"): nil}, leaders: map[string][]appeal.Member{}},
			lack: &lookup{kind: lookLeaders, dept: "gas"}},
		{name: "down to the admins, not looked up yet", m: to(appeal.ToDepartment, "gas"), r: world(noDispatch | noSupervision | unknownAdmins),
			lack: &lookup{kind: lookAdmins}},

		// Leaders: leaders → dispatch → supervision → admins; never the department's chat.
		{name: "leaders, each privately", m: to(appeal.ToLeaders, "water"), r: world(0), want: routing{to: toWaterLeads}},
		{name: "a department without leaders: dispatch", m: to(appeal.ToLeaders, "gas"), r: world(0),
			want: routing{to: toDispatch, gaps: []appeal.Gap{gap(appeal.LevelLeaders, "gas")}}},
		{name: "leaders who all refused: dispatch", m: to(appeal.ToLeaders, "water"), r: world(0),
			refused: []place{{"telegram", "1007", ""}, {"matrix", "@li:example.org", ""}},
			want:    routing{to: toDispatch, gaps: []appeal.Gap{refusedGap(appeal.LevelLeaders, "water")}}},
		{name: "leaders not looked up yet", m: to(appeal.ToLeaders, "water"), r: newRoster(nil, nil),
			lack: &lookup{kind: lookLeaders, dept: "water"}},

		// Dispatch: dispatch → supervision → admins.
		{name: "dispatch, in its topic", m: to(appeal.ToDispatch, ""), r: world(0), want: routing{to: toDispatch}},
		{name: "no dispatch chat: supervision", m: to(appeal.ToDispatch, ""), r: world(noDispatch),
			want: routing{to: toSupervision, gaps: []appeal.Gap{gap(appeal.LevelDispatch, "")}}},
		{name: "the dispatch chat refused: supervision", m: to(appeal.ToDispatch, ""), r: world(0), refused: []place{{"telegram", "-200", "5"}},
			want: routing{to: toSupervision, gaps: []appeal.Gap{refusedGap(appeal.LevelDispatch, "")}}},
		{name: "no dispatch or supervision chat: the admins", m: to(appeal.ToDispatch, ""), r: world(noDispatch | noSupervision),
			want: routing{to: toAdmins, gaps: []appeal.Gap{gap(appeal.LevelDispatch, ""), gap(appeal.LevelSupervision, "")}}},
		{name: "dispatch not looked up yet", m: to(appeal.ToDispatch, ""), r: newRoster(nil, nil),
			lack: &lookup{kind: lookBindings, purpose: appeal.ChatDispatch}},

		// Supervision: supervision → dispatch → admins.
		{name: "supervision, bound", m: to(appeal.ToSupervision, ""), r: world(0), want: routing{to: toSupervision}},
		{name: "supervision falls back to dispatch", m: to(appeal.ToSupervision, ""), r: world(noSupervision),
			want: routing{to: toDispatch, gaps: []appeal.Gap{gap(appeal.LevelSupervision, "")}}},
		{name: "supervision with neither chat: the admins", m: to(appeal.ToSupervision, ""), r: world(noSupervision | noDispatch),
			want: routing{to: toAdmins, gaps: []appeal.Gap{gap(appeal.LevelSupervision, ""), gap(appeal.LevelDispatch, "")}}},
		{name: "supervision not looked up yet", m: to(appeal.ToSupervision, ""), r: newRoster(nil, nil),
			lack: &lookup{kind: lookBindings, purpose: appeal.ChatSupervision}},
		{name: "supervision unbound, dispatch not looked up yet", m: to(appeal.ToSupervision, ""),
			r:    &roster{bindings: map[lookup][]appeal.ChatBinding{known(appeal.ChatSupervision, ""): nil}},
			lack: &lookup{kind: lookBindings, purpose: appeal.ChatDispatch}},

		// A member and a reply never fall back.
		{name: "a member, privately", m: to(appeal.ToMember, "7"), r: world(0),
			want: routing{to: []recipient{{network: "telegram", chat: "1007", member: &wang}}}},
		{name: "a member who refused: still only the member", m: to(appeal.ToMember, "7"), r: world(0), refused: []place{{"telegram", "1007", ""}},
			want: routing{to: []recipient{{network: "telegram", chat: "1007", member: &wang}}}},
		{name: "a member not looked up yet", m: to(appeal.ToMember, "7"), r: newRoster(nil, nil),
			lack: &lookup{kind: lookMember, member: 7}},
		{name: "a member named badly", m: to(appeal.ToMember, "wang"), r: world(0), wantErr: `member recipient "wang"`},
		{name: "a reply to the chat and message it names", m: appeal.Message{Kind: appeal.MsgReply,
			To: appeal.Recipient{Kind: appeal.ToChat}, Args: map[string]string{appeal.ArgNetwork: "telegram",
				appeal.ArgChat: "-100", appeal.ArgTopic: "3", appeal.ArgReplyTo: "42"}}, r: newRoster(nil, nil),
			want: routing{to: []recipient{{network: "telegram", chat: "-100", topic: "3", replyTo: "42"}}}},
		{name: "upstream is not a chat", m: to(appeal.ToUpstream, ""), r: world(0), wantErr: "is not a chat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refused := map[place]bool{}
			for _, p := range tt.refused {
				refused[p] = true
			}
			got, lack, err := route(tt.m, tt.r, refused)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(lack, tt.lack) {
				t.Fatalf("lacks %+v, want %+v", lack, tt.lack)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("routing\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

// directory is a RouteStore held in maps, counting its reads.
type directory struct {
	bindings map[appeal.ChatPurpose][]appeal.ChatBinding
	leaders  []appeal.Member
	// admins hold an admin grant; known are all the members there are.
	admins []appeal.Member
	known  []appeal.Member
	fail   error
	reads  []string
}

func (d *directory) ChatBindings(_ context.Context, p appeal.ChatPurpose, dept string) ([]appeal.ChatBinding, error) {
	d.reads = append(d.reads, "bindings "+string(p)+" "+dept)
	return d.bindings[p], d.fail
}

func (d *directory) DepartmentMembers(_ context.Context, code string, role appeal.Role) ([]appeal.Member, error) {
	if role == appeal.RoleAdmin {
		d.reads = append(d.reads, "admins")
		return d.admins, d.fail
	}
	d.reads = append(d.reads, "leaders "+code)
	return d.leaders, d.fail
}

func (d *directory) Member(context.Context, appeal.MemberID) (appeal.Member, error) {
	d.reads = append(d.reads, "member")
	return appeal.Member{}, appeal.ErrNotFound
}

func (d *directory) MemberByExternal(_ context.Context, network, id string) (appeal.Member, error) {
	d.reads = append(d.reads, "member "+network+":"+id)
	for _, m := range d.known {
		if m.Network == network && m.ExternalID == id {
			return m, nil
		}
	}
	return appeal.Member{}, appeal.ErrNotFound
}

// TestRecipientsReadWhatRoutingNeedsOnce: routing reads only what it
// needs, in the order it needs it (supervision's bindings, then dispatch's
// when none is bound), and a batch reads each thing once.
func TestRecipientsReadWhatRoutingNeedsOnce(t *testing.T) {
	dir := &directory{bindings: map[appeal.ChatPurpose][]appeal.ChatBinding{
		appeal.ChatDispatch: {{Purpose: appeal.ChatDispatch, Network: "telegram", ChatID: "-200"}}}}
	r := newRoster([]string{"telegram"}, nil)
	sup := appeal.Message{Kind: appeal.MsgSupervision, To: appeal.Recipient{Kind: appeal.ToSupervision}}
	for range 2 {
		got, err := recipients(t.Context(), dir, r, sup, nil)
		if err != nil || !reflect.DeepEqual(got.to, []recipient{{network: "telegram", chat: "-200"}}) {
			t.Fatalf("supervision went to %+v (%v), want the dispatch chat", got, err)
		}
	}
	if want := []string{"bindings supervision ", "bindings dispatch "}; !reflect.DeepEqual(dir.reads, want) {
		t.Fatalf("reads %q, want %q", dir.reads, want)
	}

	// A read that fails is not remembered: the next row tries again.
	down := &directory{fail: appeal.ErrUnavailable}
	r = newRoster([]string{"telegram"}, nil)
	leaders := appeal.Message{Kind: appeal.MsgExtensionRequest, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "water"}}
	for range 2 {
		if _, err := recipients(t.Context(), down, r, leaders, nil); !errors.Is(err, appeal.ErrUnavailable) {
			t.Fatalf("err %v, want the store's", err)
		}
	}
	if len(down.reads) != 2 {
		t.Fatalf("reads %q, want the failed one tried again", down.reads)
	}
	member := appeal.Message{Kind: appeal.MsgContact, To: appeal.Recipient{Kind: appeal.ToMember, Ref: "9"}}
	if _, err := recipients(t.Context(), dir, r, member, nil); !errors.Is(err, appeal.ErrNotFound) {
		t.Fatalf("an unknown member: %v, want ErrNotFound", err)
	}
}

func TestReachedAndStandingCard(t *testing.T) {
	done := []appeal.Delivery{{OutboxID: 1, Network: "telegram", ChatID: "-100", TopicID: "3"}}
	for _, tt := range []struct {
		c    recipient
		want bool
	}{
		{recipient{network: "telegram", chat: "-100", topic: "3"}, true},
		{recipient{network: "telegram", chat: "-100"}, false}, // another topic of the chat
		{recipient{network: "matrix", chat: "-100", topic: "3"}, false},
	} {
		if got := reached(done, tt.c); got != tt.want {
			t.Errorf("reached(%+v) = %v, want %v", tt.c, got, tt.want)
		}
	}
	cards := []appeal.Card{
		{AppealID: 1, Network: "telegram", ChatID: "-100", MessageID: "10", Digest: true},
		{AppealID: 1, Network: "telegram", ChatID: "-200", MessageID: "20"},
		{AppealID: 1, Network: "telegram", ChatID: "-200", TopicID: "4", MessageID: "21"},
	}
	for _, tt := range []struct {
		chat, topic string
		id          string
		ok          bool
	}{
		{"-100", "", "", false}, // shown only in a digest: no card of its own
		{"-200", "", "20", true},
		{"-200", "4", "21", true},
		{"-300", "", "", false},
	} {
		if id, ok := standingCard(cards, "telegram", tt.chat, tt.topic); id != tt.id || ok != tt.ok {
			t.Errorf("standingCard(%s/%s) = %q %v, want %q %v", tt.chat, tt.topic, id, ok, tt.id, tt.ok)
		}
	}
}

// TestAdminsAreStoredAndConfigured: the last level of every chain is every
// admin once, those with a grant and those of APPEALBOT_ADMINS, each on the
// network it names or where the bot has seen them.
func TestAdminsAreStoredAndConfigured(t *testing.T) {
	ada := appeal.Member{ID: 1, Network: "telegram", ExternalID: "1009"}
	seen := appeal.Member{ID: 2, Network: "telegram", ExternalID: "2001", Language: "en"}
	boss := appeal.Member{ID: 3, Network: "matrix", ExternalID: "@boss:gov.example"}
	dir := &directory{admins: []appeal.Member{ada}, known: []appeal.Member{ada, seen, boss}}
	r := newRoster([]string{"telegram", "matrix"}, []string{
		"1009",              // the same person as the grant
		" 2001 ",            // seen on telegram
		"telegram:3001",     // named with a network, never seen
		"@boss:gov.example", // a Matrix id is no network prefix
		"4001",              // never seen, and two networks to choose from
		"xmpp:x@example.org",
		"",
	})
	if err := learn(t.Context(), dir, r, lookup{kind: lookAdmins}); err != nil {
		t.Fatal(err)
	}
	want := []appeal.Member{ada, seen, {Network: "telegram", ExternalID: "3001"}, boss, {Network: "xmpp", ExternalID: "x@example.org"}}
	if !r.adminsKnown || !reflect.DeepEqual(r.admins, want) {
		t.Fatalf("admins\n %+v\nwant\n %+v", r.admins, want)
	}
	got, _, err := route(appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: appeal.ToDispatch}},
		func() *roster {
			r.bindings[lookup{kind: lookBindings, purpose: appeal.ChatDispatch}] = nil
			r.bindings[lookup{kind: lookBindings, purpose: appeal.ChatSupervision}] = nil
			return r
		}(), nil)
	if err != nil || len(got.to) != 4 {
		t.Fatalf("to the admins on the networks delivery sends to: %+v %v", got, err)
	}

	// With one network, a configured id the bot has not seen is that network's.
	one := newRoster([]string{"console"}, []string{"1"})
	if err := learn(t.Context(), &directory{}, one, lookup{kind: lookAdmins}); err != nil {
		t.Fatal(err)
	}
	if want := []appeal.Member{{Network: "console", ExternalID: "1"}}; !reflect.DeepEqual(one.admins, want) {
		t.Fatalf("one network: %+v, want %+v", one.admins, want)
	}
}
