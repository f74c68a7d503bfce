package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Digest lines are short, so that a busy group's burst fits in few messages:
// about a hundred and twenty appeals to a message. A group can be sent one
// message every three seconds, so this is what it can take in a burst.
const digestTitle = 12

// RenderDigest renders new appeals of one department as one message instead
// of one card each, for a group that receives more than it can be sent.
// Each line names the appeal and its claim deadline; /claim ID works on
// every one. It includes as many of ids, in order, as fit in one message
// and returns how many that was (at least one).
func (h *Handler) RenderDigest(ctx context.Context, dept string, ids []appeal.ID, lang string, now time.Time) (Rendered, int, error) {
	lang = h.lang(lang)
	loc := h.location(ctx, dept)
	head := "📥 " + tr(lang, msgDigestTitle, kv{"n": len(ids), "dept": h.deptName(ctx, dept)})
	foot := "👉 " + tr(lang, msgDigestHint, nil)
	lines := []string{head}
	size := runes(head) + runes(foot) + 2
	n := 0
	for _, id := range ids {
		a, err := h.store.Appeal(ctx, id)
		if err != nil {
			return Rendered{}, 0, fmt.Errorf("commands: digest: appeal %d: %w", id, err)
		}
		line := fmt.Sprintf("#%d ", a.ID)
		if a.Priority == appeal.PriorityUrgent {
			line += "🔴 "
		}
		line += escCut(oneLine(a.Title), digestTitle)
		if t, _ := nextDeadline(a); !t.IsZero() {
			line += " ⏰" + fmtShortTime(t, loc)
		}
		if size+runes(line)+1 > MaxText && n > 0 {
			break
		}
		lines = append(lines, line)
		size += runes(line) + 1
		n++
	}
	if n < len(ids) {
		lines[0] = "📥 " + tr(lang, msgDigestTitle, kv{"n": n, "dept": h.deptName(ctx, dept)})
	}
	lines = append(lines, foot)
	return Rendered{HTML: limitHTML(strings.Join(lines, "\n"))}, n, nil
}

// lang is lang if it is one we speak, else the default.
func (h *Handler) lang(lang string) string {
	if l, ok := normLang(lang); ok {
		return l
	}
	return h.cfg.DefaultLang
}

// ReplyMessage turns a reply into an outbox message for chat (in network),
// answering message replyTo; it is delivered like every other message, so
// it is paced and survives a restart.
func ReplyMessage(network, chatID, topicID, replyTo string, r Rendered) (appeal.Message, error) {
	args := map[string]string{
		appeal.ArgNetwork: network, appeal.ArgChat: chatID, appeal.ArgTopic: topicID,
		appeal.ArgReplyTo: replyTo, appeal.ArgHTML: r.HTML,
	}
	if len(r.Buttons) > 0 {
		b, err := json.Marshal(r.Buttons)
		if err != nil {
			return appeal.Message{}, err
		}
		args[appeal.ArgButtons] = string(b)
	}
	return appeal.Message{Kind: appeal.MsgReply, To: appeal.Recipient{Kind: appeal.ToChat}, Args: args}, nil
}

// renderReply returns a reply as it was rendered when it was made.
func renderReply(m appeal.Message) (Rendered, error) {
	r := Rendered{HTML: m.Args[appeal.ArgHTML]}
	if b := m.Args[appeal.ArgButtons]; b != "" {
		if err := json.Unmarshal([]byte(b), &r.Buttons); err != nil {
			return Rendered{}, fmt.Errorf("commands: reply buttons: %w", err)
		}
	}
	if r.HTML == "" {
		return Rendered{}, fmt.Errorf("commands: reply without text")
	}
	return r, nil
}

// deliveryFailed tells dispatch that a chat refuses messages for good.
func deliveryFailed(m appeal.Message, lang string) Rendered {
	s := "🚫 " + tr(lang, msgDeliveryFailed, kv{"chat": m.Args[appeal.ArgChat], "reason": m.Args["reason"]})
	if m.AppealID != 0 {
		s += "\n" + tr(lang, msgDeliveryFailedAppeal, kv{"id": m.AppealID})
	}
	return Rendered{HTML: s}
}
