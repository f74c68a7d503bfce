package bot

import (
	"fmt"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

func TestBudgetCongested(t *testing.T) {
	// Telegram's group pace: 20 a minute, 3 s apart; merge beyond 6 s.
	group := budget{spacing: 3 * time.Second, after: 6 * time.Second}
	steady := group
	steady.steady = true
	for _, tt := range []struct {
		name    string
		b       budget
		backlog int
		want    bool
	}{
		{"not a group: never", budget{after: 6 * time.Second}, 100, false},
		{"not a group, held steady: never", budget{steady: true, after: 6 * time.Second}, 100, false},
		{"a group draining within the limit", group, 2, false},
		{"a group draining beyond it", group, 3, true},
		{"a group held steady, with more than one waiting", steady, 2, true},
		{"a group held steady, with one waiting", steady, 1, false},
	} {
		if got := tt.b.congested(tt.backlog); got != tt.want {
			t.Errorf("%s: congested(%d) = %v, want %v", tt.name, tt.backlog, got, tt.want)
		}
	}
}

func TestCoalesce(t *testing.T) {
	water := appeal.Recipient{Kind: appeal.ToDepartment, Ref: "water"}
	dispatch := appeal.Recipient{Kind: appeal.ToDispatch}
	var id int64
	// row makes a queued item: a card ("new" when the appeal has no card of
	// its own in the chat yet, "edit" when it has) or another message.
	row := func(what string, a appeal.ID, to appeal.Recipient, topic string) *item {
		id++
		kind := appeal.MsgCard
		if what == "reply" {
			kind = appeal.MsgReply
		}
		return &item{h: &held{row: appeal.OutboxMessage{ID: id, Message: appeal.Message{Kind: kind, To: to, AppealID: a}}},
			topic: topic, newCard: what == "new"}
	}
	calm := budget{spacing: 3 * time.Second, after: 6 * time.Second}
	busy := calm
	busy.steady = true
	notGroup := budget{after: 6 * time.Second}

	// A congested group's backlog: new cards of water (one in another
	// topic), an edit, a reply, a new card for dispatch.
	n1, n2 := row("new", 1, water, ""), row("new", 2, water, "")
	e3 := row("edit", 3, water, "")
	r := row("reply", 0, appeal.Recipient{Kind: appeal.ToChat}, "")
	n4 := row("new", 4, water, "7")
	d5 := row("new", 5, dispatch, "")
	n6 := row("new", 6, water, "")
	mixed := []*item{n1, e3, n2, r, n4, d5, n6}

	// Versions of one card: posted (new), then edited twice.
	v1, v2 := row("new", 9, water, ""), row("edit", 8, water, "")
	v3, v4 := row("new", 9, water, ""), row("new", 9, water, "2")
	versions := []*item{v1, v2, v3, v4}

	m := row("reply", 0, appeal.Recipient{Kind: appeal.ToChat}, "")
	tests := []struct {
		name       string
		backlog    []*item
		b          budget
		take, rest []*item
		digest     bool
	}{
		{"a congested group's new cards for one department and topic make a digest", mixed, busy,
			[]*item{n1, n2, n6}, []*item{e3, r, n4, d5}, true},
		{"a calm group gets its new cards one by one", mixed, budget{spacing: 3 * time.Second, after: time.Hour},
			[]*item{n1}, []*item{e3, n2, r, n4, d5, n6}, false},
		{"a chat that is no group is never sent a digest", mixed, notGroup,
			[]*item{n1}, []*item{e3, n2, r, n4, d5, n6}, false},
		{"an edit at the head goes alone, with its appeal's other versions", []*item{e3, n1, n2, n6}, busy,
			[]*item{e3}, []*item{n1, n2, n6}, false},
		{"a card's versions in one chat and topic merge into one send", versions, notGroup,
			[]*item{v1, v3}, []*item{v2, v4}, false},
		{"a message that is no card goes alone", []*item{m, n1, n2, n6}, busy,
			[]*item{m}, []*item{n1, n2, n6}, false},
		{"a lone new card in a group held steady is a card", []*item{n1}, busy,
			[]*item{n1}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			backlog := append([]*item(nil), tt.backlog...)
			take, rest, digest := coalesce(backlog, tt.b)
			if digest != tt.digest || ids(take) != ids(tt.take) || ids(rest) != ids(tt.rest) {
				t.Fatalf("took %s (digest %v), left %s; want %s (digest %v), left %s",
					ids(take), digest, ids(rest), ids(tt.take), tt.digest, ids(tt.rest))
			}
		})
	}
}

// ids lists the outbox ids of items, in order.
func ids(items []*item) string {
	out := ""
	for _, it := range items {
		out += fmt.Sprintf("%d ", it.h.row.ID)
	}
	return out
}
