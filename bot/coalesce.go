package bot

import (
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// budget is what coalescing knows of a chat's pace.
type budget struct {
	// spacing is a group's steady pace (its window spread evenly); zero
	// for a chat that is not a group, or a network without group limits.
	spacing time.Duration
	// steady: the group is still held to its steady pace after a backlog.
	steady bool
	// after is how long a backlog may take to drain at the steady pace
	// before its new cards are merged (DeliveryOptions.CoalesceAfter).
	after time.Duration
}

// congested reports a group whose backlog of n messages would take longer
// than b.after to drain at its steady pace, or that is still held to that
// pace after a backlog and has more than one message waiting.
func (b budget) congested(n int) bool {
	if b.spacing <= 0 {
		return false
	}
	return time.Duration(n)*b.spacing > b.after || (n > 1 && b.steady)
}

// coalesce decides what the next message to a chat covers: the oldest
// item of backlog, with what can go along with it. In a congested group
// every pending new card for the same recipient and topic goes into one
// digest; a card's pending versions are merged into one send of its
// newest state; anything else goes alone. It returns the items the
// message covers and the rest of the backlog, both in their order. A
// digest may turn out not to hold them all (see Renderer.RenderDigest):
// what it leaves out goes back to the head of the backlog.
func coalesce(backlog []*item, b budget) (take, rest []*item, digest bool) {
	head := backlog[0]
	var along func(it *item) bool
	switch {
	case head.card() && head.newCard && b.congested(len(backlog)):
		digest = true
		along = func(it *item) bool {
			return it.card() && it.newCard && it.h.row.To == head.h.row.To && it.topic == head.topic
		}
	case head.card():
		along = func(it *item) bool {
			return it.card() && it.h.row.AppealID == head.h.row.AppealID && it.h.row.To == head.h.row.To && it.topic == head.topic
		}
	default:
		return []*item{head}, backlog[1:], false
	}
	for _, it := range backlog {
		if along(it) {
			take = append(take, it)
		} else {
			rest = append(rest, it)
		}
	}
	return take, rest, digest
}

// shown reports whether an appeal with cards was shown in a chat and topic
// already, as a card of its own or in a digest: a card for it there is no
// longer a new card. Once listed in a digest, an appeal that changes (it
// is claimed, say) gets a card of its own, not a place in the next digest
// as if it had just arrived.
func shown(cards []appeal.Card, network, chat, topic string) bool {
	for _, c := range cards {
		if c.Network == network && c.ChatID == chat && c.TopicID == topic {
			return true
		}
	}
	return false
}
