package bot

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
)

func TestRoute(t *testing.T) {
	wang := appeal.Member{ID: 7, Network: "telegram", ExternalID: "1007", Username: "wang"}
	li := appeal.Member{ID: 8, Network: "matrix", ExternalID: "@li:example.org"}
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
	full := &roster{
		bindings: map[lookup][]appeal.ChatBinding{
			known(appeal.ChatDepartment, "water"): water,
			known(appeal.ChatDepartment, "gas"):   nil,
			known(appeal.ChatDispatch, ""):        dispatch,
			known(appeal.ChatSupervision, ""):     supervision,
		},
		leaders: map[string][]appeal.Member{"water": {wang, li}, "gas": nil},
		members: map[appeal.MemberID]appeal.Member{7: wang},
	}
	// Supervision while no supervision chat is bound.
	unbound := &roster{bindings: map[lookup][]appeal.ChatBinding{
		known(appeal.ChatSupervision, ""): nil,
		known(appeal.ChatDispatch, ""):    dispatch,
	}}
	empty := newRoster()
	to := func(k appeal.RecipientKind, ref string) appeal.Message {
		return appeal.Message{Kind: appeal.MsgCard, To: appeal.Recipient{Kind: k, Ref: ref}}
	}
	tests := []struct {
		name    string
		m       appeal.Message
		r       *roster
		want    []recipient
		lack    *lookup
		wantErr string
	}{
		{name: "a department's bound chats", m: to(appeal.ToDepartment, "water"), r: full, want: []recipient{
			{network: "telegram", chat: "-100"}, {network: "matrix", chat: "!water:example.org"}}},
		{name: "a department with no chat bound", m: to(appeal.ToDepartment, "gas"), r: full},
		{name: "a department not looked up yet", m: to(appeal.ToDepartment, "water"), r: empty,
			lack: &lookup{kind: lookBindings, purpose: appeal.ChatDepartment, dept: "water"}},
		{name: "dispatch, in its topic", m: to(appeal.ToDispatch, ""), r: full,
			want: []recipient{{network: "telegram", chat: "-200", topic: "5"}}},
		{name: "dispatch not looked up yet", m: to(appeal.ToDispatch, ""), r: empty,
			lack: &lookup{kind: lookBindings, purpose: appeal.ChatDispatch}},
		{name: "supervision, bound", m: to(appeal.ToSupervision, ""), r: full,
			want: []recipient{{network: "telegram", chat: "-300"}}},
		{name: "supervision falls back to dispatch", m: to(appeal.ToSupervision, ""), r: unbound,
			want: []recipient{{network: "telegram", chat: "-200", topic: "5"}}},
		{name: "supervision not looked up yet", m: to(appeal.ToSupervision, ""), r: empty,
			lack: &lookup{kind: lookBindings, purpose: appeal.ChatSupervision}},
		{name: "supervision unbound, dispatch not looked up yet", m: to(appeal.ToSupervision, ""),
			r:    &roster{bindings: map[lookup][]appeal.ChatBinding{known(appeal.ChatSupervision, ""): nil}},
			lack: &lookup{kind: lookBindings, purpose: appeal.ChatDispatch}},
		{name: "leaders, each privately", m: to(appeal.ToLeaders, "water"), r: full, want: []recipient{
			{network: "telegram", chat: "1007", member: &wang}, {network: "matrix", chat: "@li:example.org", member: &li}}},
		{name: "a department without leaders", m: to(appeal.ToLeaders, "gas"), r: full},
		{name: "leaders not looked up yet", m: to(appeal.ToLeaders, "water"), r: empty,
			lack: &lookup{kind: lookLeaders, dept: "water"}},
		{name: "a member, privately", m: to(appeal.ToMember, "7"), r: full,
			want: []recipient{{network: "telegram", chat: "1007", member: &wang}}},
		{name: "a member not looked up yet", m: to(appeal.ToMember, "7"), r: empty,
			lack: &lookup{kind: lookMember, member: 7}},
		{name: "a member named badly", m: to(appeal.ToMember, "wang"), r: full, wantErr: `member recipient "wang"`},
		{name: "a reply to the chat and message it names", m: appeal.Message{Kind: appeal.MsgReply,
			To: appeal.Recipient{Kind: appeal.ToChat}, Args: map[string]string{appeal.ArgNetwork: "telegram",
				appeal.ArgChat: "-100", appeal.ArgTopic: "3", appeal.ArgReplyTo: "42"}}, r: empty,
			want: []recipient{{network: "telegram", chat: "-100", topic: "3", replyTo: "42"}}},
		{name: "upstream is not a chat", m: to(appeal.ToUpstream, ""), r: full, wantErr: "is not a chat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, lack, err := route(tt.m, tt.r)
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
				t.Fatalf("recipients\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

// directory is a RouteStore held in maps, counting its reads.
type directory struct {
	bindings map[appeal.ChatPurpose][]appeal.ChatBinding
	leaders  []appeal.Member
	fail     error
	reads    []string
}

func (d *directory) ChatBindings(_ context.Context, p appeal.ChatPurpose, dept string) ([]appeal.ChatBinding, error) {
	d.reads = append(d.reads, "bindings "+string(p)+" "+dept)
	return d.bindings[p], d.fail
}

func (d *directory) DepartmentMembers(_ context.Context, code string, _ appeal.Role) ([]appeal.Member, error) {
	d.reads = append(d.reads, "leaders "+code)
	return d.leaders, d.fail
}

func (d *directory) Member(context.Context, appeal.MemberID) (appeal.Member, error) {
	d.reads = append(d.reads, "member")
	return appeal.Member{}, appeal.ErrNotFound
}

// TestRecipientsReadWhatRoutingNeedsOnce: routing reads only what it
// needs, in the order it needs it (supervision's bindings, then dispatch's
// when none is bound), and a batch reads each thing once.
func TestRecipientsReadWhatRoutingNeedsOnce(t *testing.T) {
	dir := &directory{bindings: map[appeal.ChatPurpose][]appeal.ChatBinding{
		appeal.ChatDispatch: {{Purpose: appeal.ChatDispatch, Network: "telegram", ChatID: "-200"}}}}
	r := newRoster()
	sup := appeal.Message{Kind: appeal.MsgSupervision, To: appeal.Recipient{Kind: appeal.ToSupervision}}
	for range 2 {
		got, err := recipients(t.Context(), dir, r, sup)
		if err != nil || !reflect.DeepEqual(got, []recipient{{network: "telegram", chat: "-200"}}) {
			t.Fatalf("supervision went to %+v (%v), want the dispatch chat", got, err)
		}
	}
	if want := []string{"bindings supervision ", "bindings dispatch "}; !reflect.DeepEqual(dir.reads, want) {
		t.Fatalf("reads %q, want %q", dir.reads, want)
	}

	// A read that fails is not remembered: the next row tries again.
	down := &directory{fail: appeal.ErrUnavailable}
	r = newRoster()
	leaders := appeal.Message{Kind: appeal.MsgExtensionRequest, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "water"}}
	for range 2 {
		if _, err := recipients(t.Context(), down, r, leaders); !errors.Is(err, appeal.ErrUnavailable) {
			t.Fatalf("err %v, want the store's", err)
		}
	}
	if len(down.reads) != 2 {
		t.Fatalf("reads %q, want the failed one tried again", down.reads)
	}
	member := appeal.Message{Kind: appeal.MsgContact, To: appeal.Recipient{Kind: appeal.ToMember, Ref: "9"}}
	if _, err := recipients(t.Context(), dir, r, member); !errors.Is(err, appeal.ErrNotFound) {
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
