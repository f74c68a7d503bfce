package commands

import (
	"context"
	"errors"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// The reminder scan's commands: /reassign, the escalation's button, and
// the supervision chat's binding.

// reassign is the escalation's button: a leader takes a claimed appeal
// from its assignee (unclaim with Force), from a private chat or the
// department's chat.
func (c *call) reassign(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if a.Department == "" || !c.roles.isLeader(a.Department) {
		return Reply{}, c.refuse(render.MsgReassignNotLeader, kv{"dept": c.h.render.DeptName(ctx, a.Department), "id": a.ID})
	}
	if !c.r.Chat.Private {
		ok, err := c.inDeptChat(ctx, a.Department)
		if err != nil {
			return Reply{}, err
		}
		if !ok {
			return Reply{}, c.bad(render.MsgWrongChat, kv{"dept": c.h.render.DeptName(ctx, a.Department)})
		}
	}
	if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActUnclaim, Force: true, Text: c.args.rest()}); err != nil {
		return Reply{}, err
	}
	return reply(tr(c.lang, render.MsgUnclaimed, kv{"id": a.ID})), nil
}

func (c *call) supervisionBind(ctx context.Context) (Reply, error) {
	if c.r.Chat.Private {
		return Reply{}, c.bad(render.MsgBindInGroup, nil)
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	return c.reconfigure(ctx, true, func() (string, error) {
		if err := c.h.store.BindChat(ctx, appeal.ChatBinding{Purpose: appeal.ChatSupervision,
			Network: c.r.Network, ChatID: c.r.Chat.ID, TopicID: c.r.Chat.TopicID}); err != nil {
			return "", err
		}
		return "🔗 " + tr(c.lang, render.MsgSupervisionBound, nil), nil
	})
}

func (c *call) supervisionUnbind(ctx context.Context) (Reply, error) {
	if c.r.Chat.Private {
		return Reply{}, c.bad(render.MsgBindInGroup, nil)
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	b, err := c.binding(ctx, appeal.ChatSupervision, "")
	if err != nil {
		return Reply{}, err
	}
	if b == nil {
		return Reply{}, c.refuse(render.MsgNotSupervisionHere, nil)
	}
	return c.reconfigure(ctx, false, func() (string, error) {
		if err := c.h.store.UnbindChat(ctx, *b); err != nil && !errors.Is(err, appeal.ErrNotFound) {
			return "", err
		}
		return "✅ " + tr(c.lang, render.MsgSupervisionUnbound, nil), nil
	})
}
