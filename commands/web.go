package commands

import (
	"context"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// The leaders' web view opens from the chat: /web in a private chat
// answers a single-use login link, /web logout ends every web session of
// the requester. The web view itself is package web's.

// WebConfig is what the handler needs for the web view.
type WebConfig struct {
	// Link makes the login link of a token; nil when the web view is off.
	Link func(token string) string
}

// webStore is what /web needs from storage.
type webStore interface {
	CreateWebLink(ctx context.Context, l appeal.WebLink) error
	EndWebSessions(ctx context.Context, member appeal.MemberID, at time.Time) (int64, error)
}

// webUsers may open the web view: leaders see their departments,
// dispatchers (the supervision office among them) and admins every one.
var webUsers = []appeal.Role{appeal.RoleLeader, appeal.RoleDispatcher, appeal.RoleAdmin}

func (c *call) web(ctx context.Context) (Reply, error) {
	arg, _ := c.args.next()
	if !c.args.empty() || arg != "" && !strings.EqualFold(arg, "logout") {
		a, _ := render.Cut(render.OneLine(c.r.Args), 40)
		return Reply{}, c.bad(render.MsgWebBadArg, kv{"arg": a})
	}
	if arg != "" {
		n, err := c.h.store.EndWebSessions(ctx, c.me.ID, c.now)
		if err != nil {
			return Reply{}, err
		}
		return reply(tr(c.lang, render.MsgWebLoggedOut, kv{"n": n})), nil
	}
	if c.h.cfg.Web.Link == nil {
		return Reply{}, c.refuse(render.MsgWebOff, nil)
	}
	if !c.r.Chat.Private {
		return Reply{}, c.refuse(render.MsgWebPrivate, nil)
	}
	token, err := appeal.NewToken()
	if err != nil {
		return Reply{}, err
	}
	if err := c.h.store.CreateWebLink(ctx, appeal.WebLink{Token: token, Member: c.me.ID,
		CreatedAt: c.now, ExpiresAt: c.now.Add(appeal.WebLinkTTL)}); err != nil {
		return Reply{}, err
	}
	return reply(tr(c.lang, render.MsgWebLink, kv{"url": c.h.cfg.Web.Link(token)})), nil
}
